"""The demo's credit files (seed 002 篇二 5.) and its one guest history (seed 002 篇四).

Every enterprise with a credit limit gets the file the policy's `credit.file_required` names: an overview,
its banks, payment habits, financial and operating condition, the limit history with its approvals
(`approvals.credit_limit`: the department head, or the vice GM for a raise) and the application,
investigation, approval and grant forms. The company-wide blacklisted customer's file records the
collection of its arrears.

The guest history: a lender keeps no hotel, but it puts up the customers who travel to sign at its partner
hotel; the account manager of 何振华 (KH0041, from Beijing) keeps his 客史档案 there, so that the next stay is
ready for him.

Each file draws on its own generator (seeded by the customer), leaving the demo's other choices as they were."""

from __future__ import annotations

import datetime as dt
import random

from .dates import DAY, add_months, iso, previous_workday, random_workday
from .staff import HEADS, VICE_GM

BANKS = ("中国工商银行呼和浩特新城支行", "中国建设银行包头昆都仑支行", "中国农业银行呼和浩特赛罕支行",
         "内蒙古银行呼和浩特分行营业部", "包商银行（蒙商银行）包头青山支行", "中国银行北京朝阳支行")
RAISED = "KH0001"  # the customer whose limit was raised at its review, with the vice GM's approval
GUEST = "KH0041"


def credit_file(data: dict, admitted: dt.date, reviewed: dt.date) -> dict:
    """The parts of an enterprise's credit file besides rating, limit, review dates and payment habit."""
    rng = random.Random(f"credit {data['id']}")
    company = data["enterprise"]
    capital = company["registered_capital"] * 10_000
    limit = data["credit"]["limit"]
    head = HEADS[data["department"]]
    applied = previous_workday(admitted, rng.randint(5, 10))
    history = [{"limit": limit, "since": iso(admitted), "approved": {"by": head, "date": iso(admitted)},
                "reason": "准入授信：按注册资本和经营情况核定。"}]
    if data["id"] == RAISED:
        first = limit // 2 // 100_000 * 100_000
        history = [{**history[0], "limit": first},
                   {"limit": limit, "since": iso(reviewed), "approved": {"by": VICE_GM, "date": iso(reviewed)},
                    "reason": "年度信用评估：按期还款，经营稳定，额度上调。"}]
    assets = capital * rng.randint(20, 40) // 10
    bank = rng.choice(BANKS)
    return {
        "limit_history": history,
        "overview": f"{company['industry']}企业，成立于 {company['founded_on'][:4]} 年，"
                    f"法定代表人{company['legal_representative']}，注册资本 {company['registered_capital']} 万元。",
        "banks": [{"bank": bank, "account": f"{rng.randrange(10**18, 10**19)}", "basic": True}],
        "financial": {"date": iso(reviewed), "total_assets": assets,
                      "total_liabilities": assets * rng.randint(30, 60) // 100,
                      "revenue": assets * rng.randint(8, 15) // 10, "net_profit": assets * rng.randint(2, 8) // 100,
                      "summary": "资产负债率适中，经营性现金流为正，偿债能力良好。"},
        "operations": {"date": iso(reviewed), "summary": rng.choice((
            "主营业务稳定，主要客户和供应商合作多年，近一年无重大经营变化。",
            "销售收入较上年有所增长，新增两条产品线，用工稳定。",
            "受季节影响，上半年回款较慢，下半年集中回笼。"))},
        "forms": {"application": iso(applied), "investigation": iso(applied + 2 * DAY),
                  "approval": iso(admitted), "credit_grant": iso(admitted), "annual_review": iso(reviewed)},
    }


def collections(blacklisted: dt.date, arrears: int) -> list[dict]:
    """How the company-wide blacklisted customer's arrears were pursued before and after the blacklisting."""
    rng = random.Random("collections")
    first = random_workday(rng, blacklisted - 40 * DAY, blacklisted - 30 * DAY)
    return [{"date": iso(first), "amount": arrears, "method": "phone", "by": "S008",
             "result": "客户称资金周转困难，承诺一个月内还款，未兑现。"},
            {"date": iso(first + 14 * DAY), "amount": arrears, "method": "visit", "by": "S008",
             "result": "上门催收，发现经营场所已转租。"},
            {"date": iso(add_months(blacklisted, 1)), "amount": arrears, "method": "lawsuit", "by": "S007",
             "result": "已向法院起诉，诉讼中。"}]


def guest_history() -> dict:
    return {
        "hotel": "青城国际酒店（公司协议酒店）",
        "room_type": "高楼层、远离电梯的行政大床房",
        "bedding": "两个低枕，偏好硬床垫",
        "bath_products": "自带洗浴用品，只需备好大毛巾",
        "diet": "清淡少油，不吃羊肉，早餐要小米粥",
        "drinks": "普洱熟茶；不饮白酒，晚餐可备少量干红",
        "room_climate": "空调 24℃，夜间关闭走廊灯，洗澡水偏热",
        "reading": "《经济观察报》和当日《内蒙古日报》",
        "entertainment": "晚间看财经新闻，偶尔打羽毛球",
        "feedback": "对前台办理速度满意，希望早餐提前到六点半供应。",
        "stays": [{"arrived": "2025-04-23", "departed": "2025-04-25", "room": "1608", "rate": 468, "spent": 1356,
                   "purpose": "签订借款合同"},
                  {"arrived": "2025-09-16", "departed": "2025-09-17", "room": "1612", "rate": 468, "spent": 702,
                   "purpose": "贷后回访"}],
        "important_dates": [{"kind": "birthday", "date": "1983-05-24", "note": "本人生日，送鲜花和贺卡"},
                            {"kind": "wedding", "date": "2012-10-06", "note": "结婚纪念日"}],
    }
