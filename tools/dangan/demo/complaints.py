"""Complaints (客诉): received by customer service, answered within 15 days (an urgent one within
3 working days), the customer's feedback recorded, then closed and archived by customer service
under its own name and number within 5 working days (seed 001); the one closed on 2025-12-29 is
not archived yet (due in January 2026), the latest two are still open: the last a repair ticket (报修,
followed up within 72 hours like a complaint, seed 000 篇4 篇二 第二条)."""

from __future__ import annotations

from .dates import DAY, TODAY, d, iso, next_workday, previous_workday, workday_from
from .staff import CS_SUPERVISOR, CUSTOMER_SERVICE, GM
from .world import World

# customer, received on, channel, category, urgent, description, investigation, resolution,
# (satisfaction, feedback) or None while open
COMPLAINTS = [
    ("KH0010", "2024-04-16", "phone", "process", False, "续贷资料提交两周仍未收到审批结果，也无人告知进度。",
     "审批表在贷审会排期中积压，客户经理未及时告知客户办理进度。",
     "加开贷审会完成审批；要求客户经理每周主动告知办理进度。", (4, "处理及时，希望以后主动通知进度。")),
    ("KH0015", "2024-07-09", "onsite", "service", False, "咨询提前还款手续时客户经理态度生硬，未解释清楚。",
     "经核实，客户经理当日接待多位客户，解释过于简略。",
     "部门负责人向客户致歉，并由客户经理上门讲解提前还款流程。", (4, "道歉诚恳，手续已经清楚。")),
    ("KH0026", "2024-11-19", "wechat", "billing", False, "认为借款合同中的服务费事先未说明。",
     "服务费已在借款合同第 6 条载明，但签约时客户经理未逐条讲解。",
     "向客户出具收费明细并当面解释；组织客户经理学习收费告知要求。", (3, "费用清楚了，但签约时应讲明白。")),
    ("KH0008", "2025-02-18", "phone", "process", True, "放款账户登记错误，贷款未按约定日期到账，影响春耕饲草采购。",
     "放款通知书中收款账号一位数字录入错误，复核环节未发现。",
     "当日更正账户并重新放款，次日到账；放款复核改为双人核对。", (5, "当天就解决了，很满意。")),
    ("KH0029", "2025-04-22", "email", "process", False, "解除动产抵押需往返多次补交材料，流程繁琐。",
     "登记机关要求的材料未一次性告知客户。",
     "编制抵押解除材料一次性告知清单，由客户经理代为预约登记。", (4, "清单很有用。")),
    ("KH0033", "2025-06-10", "phone", "staff", False, "客户经理两次更改上门时间且未提前通知。",
     "客户经理临时出差，未安排同事告知客户。",
     "部门负责人约谈客户经理，调整回访安排，由客户服务专员跟进。", (3, "希望以后按约定时间上门。")),
    ("KH0039", "2025-09-16", "web", "billing", False, "提前还款后被多扣一个月利息。",
     "系统按整月计息，与合同约定的按日计息不符。",
     "退还多收利息 1,236.50 元，并修正计息设置。", (5, "退款已收到。")),
    ("KH0032", "2025-12-15", "phone", "service", False, "电话咨询续贷时被告知需重新提交全部资料，认为重复。",
     "续贷须更新的只有财务报表和征信授权，客户服务专员答复有误。",
     "向客户致歉并列明续贷须更新的资料；客户服务部组织续贷资料要求培训。", (4, "清楚了，资料已补交。")),
    ("KH0041", "2025-12-22", "phone", "delivery", False, "申请的贷款结清证明十天仍未寄出。",
     "正在核查结清证明的出具和寄送情况。", None, None),
    ("KH0005", "2025-12-23", "phone", "repair", False, "营业厅自助还款终端无法读卡，客户报修并询问本月还款方式。",
     "已通知设备厂商上门检修，本月可到柜台还款。", None, None),
]
# received on -> (replied, closed): closed on the last working days of the demo year, its archiving due in 2026
UNARCHIVED = {"2025-12-15": ("2025-12-19", "2025-12-29")}
# seed 004 篇二 1.1, 4.: customers not satisfied with the outcome, by the day their complaint was received:
# cause (dissatisfied, or an appeal within ten days of the reply), reason, investigation, resolution, the
# feedback after the reinvestigation, and the GM's decision when the customer is still not satisfied
REINVESTIGATED = {
    "2024-11-19": ("dissatisfied", "客户认为仅解释收费不够，要求书面说明服务费的计算方法。",
                   "服务费按合同第 6 条以贷款金额的 1% 一次性收取，计算无误；客户要求书面说明。",
                   "出具服务费计算说明书并由客户经理当面送达；修订签约告知书，逐项列明收费。",
                   (4, "说明书很清楚，满意。"), None),
    "2025-06-10": ("appeal", "客户书面申诉：两次改期给经营造成不便，要求减免当期利息。",
                   "经核实，两次改期均未造成客户资金或经营损失；减免利息无合同依据。",
                   "书面答复客户维持原处理结果，指定专人按约定时间上门，改期须提前一天告知。",
                   (3, "理解公司的规定，但仍对改期不满意。"),
                   "改期未造成经济损失，减免利息无合同依据；已整改上门安排，客户仍不满意，维持原处理结果结案。"),
}


def build_complaints(world: World) -> None:
    counters: dict[int, int] = {}
    for cid, received, channel, category, urgent, text, investigation, resolution, feedback in COMPLAINTS:
        day = d(received)
        counters[day.year] = counters.get(day.year, 0) + 1
        customer = world.get("customer", cid)
        data = {"id": f"KS{day.year}-{counters[day.year]:03d}", "customer": cid,
                "received": {"by": CUSTOMER_SERVICE, "date": received}, "channel": channel, "category": category,
                "urgent": urgent, "description": text, "department": customer["department"],
                "investigation": investigation}
        if feedback:
            _answered(world, data, day, urgent, resolution, feedback)
            _archived(world, data, customer, counters[day.year])
        world.add("complaint", data)


def _answered(world: World, data: dict, received, urgent: bool, resolution: str, feedback: tuple) -> None:
    """Urgent: answered within two working days; otherwise within six to eleven calendar days."""
    reply = next_workday(received, 2) if urgent else workday_from(received + world.rng.randint(6, 11) * DAY)
    recorded = next_workday(reply, world.rng.randint(2, 4))
    if iso(received) in UNARCHIVED:
        reply, recorded = (d(day) for day in UNARCHIVED[iso(received)])
    satisfaction, text = feedback
    # the GM approves the outcome before it goes back to the customer (seed 004 篇四 7、2–7、3)
    data.update({"resolution": resolution, "outcome_approval": {"by": GM, "date": iso(_approval_day(received, reply))},
                 "reply": {"by": CS_SUPERVISOR, "date": iso(reply)},
                 "feedback": {"text": text, "satisfaction": satisfaction, "recorded_on": iso(recorded)},
                 "closed": {"by": CS_SUPERVISOR, "date": iso(recorded)}})
    if iso(received) in REINVESTIGATED:
        _reinvestigated(data, REINVESTIGATED[iso(received)], reply, recorded)


def _approval_day(received, reply):
    """The working day before the reply, or the reply's own day when the complaint came in then."""
    day = previous_workday(reply)
    return day if day >= received else reply


def _reinvestigated(data: dict, plan: tuple, reply, recorded) -> None:
    """The customer is not satisfied (or appeals within ten days of the reply): the department investigates
    again, the GM approves the new outcome, it is replied within 15 days; then closed, by the GM's decision
    when the customer is still not satisfied."""
    cause, reason, investigation, resolution, (satisfaction, text), decision = plan
    raised = recorded if cause == "dissatisfied" else next_workday(reply, 3)
    again = next_workday(raised, 5)
    answered = next_workday(raised, 6)
    heard = next_workday(answered, 2)
    data["reinvestigations"] = [{
        "cause": cause, "date": iso(raised), "reason": reason, "investigation": investigation,
        "resolution": resolution, "outcome_approval": {"by": GM, "date": iso(again)},
        "reply": {"by": CS_SUPERVISOR, "date": iso(answered)},
        "feedback": {"text": text, "satisfaction": satisfaction, "recorded_on": iso(heard)}}]
    closed = heard
    if decision:
        closed = next_workday(heard)
        data["decision"] = {"text": decision, "by": GM, "date": iso(closed)}
    data["closed"] = {"by": CS_SUPERVISOR, "date": iso(closed)}


# what the complaint files are called: the customer's name and the category in words
CATEGORY_WORDS = {"service": "服务态度", "quality": "产品质量", "billing": "收费", "delivery": "交付",
                  "process": "办理流程", "staff": "人员", "repair": "报修"}


def _archived(world: World, data: dict, customer: dict, seq: int) -> None:
    """Archived by customer service one to three working days after closing (within 5, seed 001 and the policy)."""
    closed = d(data["closed"]["date"])
    if data["received"]["date"] in UNARCHIVED:
        return
    day = next_workday(closed, world.rng.randint(1, 3))
    assert day <= TODAY, data["id"]
    year = data["id"][2:6]
    data["archived"] = {"number": f"客诉档{year}-{seq:03d}",
                        "name": f"{customer['name']}{CATEGORY_WORDS[data['category']]}投诉",
                        "by": CUSTOMER_SERVICE, "date": iso(day)}
