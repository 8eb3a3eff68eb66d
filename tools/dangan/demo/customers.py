"""Customers: 25 enterprises and 21 individuals of two business departments, built in two passes —
the profile first, then admission, tiers and credit once their dossiers and contracts exist."""

from __future__ import annotations

import datetime as dt

from .credit import GUEST, collections, credit_file, guest_history
from .dates import DAY, TODAY, add_months, d, iso, next_workday, previous_workday, random_workday, workday_from
from .places import DISTRICTS, credit_code, home_address, id_number, office_address, phone
from .staff import HEADS, MARKETING_HEAD, SALES_DIRECTOR, superior
from .world import World

# name: district, industry, scale, registered capital (10k yuan), founded, legal representative, mail domain
ENTERPRISES = {
    "呼和浩特市鑫泰商贸有限公司": ("hs_xc", "批发和零售业", "small", 500, "2009-04-17", "刘国栋", "xintai"),
    "包头市恒达机械制造有限公司": ("bt_kd", "制造业", "medium", 3000, "2006-09-08", "高振华", "hengda-jx"),
    "内蒙古草原牧歌乳业有限公司": ("hs_tz", "制造业", "medium", 5000, "2011-03-22", "乌日娜", "muge-ry"),
    "呼和浩特市金桥建材有限责任公司": ("hs_sh", "批发和零售业", "small", 800, "2012-06-05", "侯建明", "jinqiao"),
    "包头市瑞丰新材料有限公司": ("bt_jy", "制造业", "small", 2000, "2014-11-19", "田文斌", "ruifeng"),
    "内蒙古蒙源农牧业发展有限公司": ("hs_sh", "农、林、牧、渔业", "medium", 6000, "2010-05-28", "敖其尔", "mengyuan"),
    "呼和浩特市青城物流有限公司": ("hs_hm", "交通运输、仓储和邮政业", "small", 1000, "2015-08-13", "贾永利",
                                 "qcwl"),
    "北京中科瑞达科技有限公司": ("bj_hd", "信息传输、软件和信息技术服务业", "small", 1000, "2016-02-26", "邓志远",
                               "ruida-tech"),
    "鄂尔多斯市宏达煤炭运销有限公司": ("ee_ds", "批发和零售业", "medium", 5000, "2008-07-30", "曹金龙", None),
    "呼和浩特市塞上春餐饮管理有限公司": ("hs_yq", "住宿和餐饮业", "micro", 100, "2017-10-11", "白玉珍", None),
    "包头市钢联五金机电有限公司": ("bt_qs", "批发和零售业", "small", 300, "2013-04-02", "范立军", "ganglian"),
    "内蒙古绿野农业科技有限公司": ("hs_tz", "农、林、牧、渔业", "small", 2000, "2016-06-16", "宋晓东", "lvye-agri"),
    "呼和浩特市盛世华庭装饰工程有限公司": ("hs_sh", "建筑业", "small", 500, "2018-03-09", "潘宏伟", None),
    "包头市福源粮油贸易有限公司": ("bt_dh", "批发和零售业", "micro", 200, "2015-12-01", "董桂香", None),
    "内蒙古天骄汽车服务有限公司": ("hs_sh", "居民服务、修理和其他服务业", "small", 1000, "2012-09-24", "崔永强",
                                "tianjiao-auto"),
    "呼和浩特市草原印象文化传媒有限公司": ("hs_xc", "文化、体育和娱乐业", "micro", 100, "2019-05-20", "那仁", None),
    "包头市昆仑建筑安装工程有限公司": ("bt_kd", "建筑业", "medium", 4000, "2007-01-15", "任海波", "kunlun-jz"),
    "内蒙古星河电子科技有限公司": ("hs_sh", "制造业", "small", 1500, "2017-08-07", "邱志诚", "xinghe-e"),
    "呼和浩特市康宁医疗器械有限公司": ("hs_hm", "批发和零售业", "small", 600, "2014-03-27", "蔡文华", "kangning"),
    "乌兰察布市丰收薯业有限公司": ("wl_jn", "农副食品加工业", "small", 1200, "2013-10-10", "郝建设", None),
    "包头市鹿城家具制造有限公司": ("bt_qs", "制造业", "small", 800, "2011-07-21", "薛红军", "lucheng-jj"),
    "呼和浩特市晨光印务有限公司": ("hs_yq", "印刷和记录媒介复制业", "micro", 300, "2016-04-12", "石秀云", None),
    "北京京蒙商贸有限公司": ("bj_cy", "批发和零售业", "small", 1000, "2018-11-06", "程立华", "jingmeng"),
    "内蒙古铭泰建设工程有限公司": ("hs_xc", "建筑业", "medium", 8000, "2013-05-16", "钟国庆", "mingtai-js"),
    "呼和浩特市雪原乳品经销有限公司": ("hs_hm", "批发和零售业", "micro", 200, "2020-09-03", "萨仁高娃", None),
}
# name: district, male, birth date, employer (None: an individual business with its own credit code)
INDIVIDUALS = {
    "张志强": ("hs_xc", True, "1972-03-14", None),
    "刘秀英": ("hs_yq", False, "1968-11-02", None),
    "王海军": ("bt_kd", True, "1979-07-25", None),
    "李桂兰": ("hs_sh", False, "1965-05-09", None),
    "陈国华": ("bt_dh", True, "1970-01-18", None),
    "杨丽": ("hs_hm", False, "1985-09-30", "内蒙古北辰物业服务有限公司"),
    "赵宝山": ("ee_ds", True, "1962-12-06", None),
    "黄淑珍": ("hs_xc", False, "1975-02-21", None),
    "周建平": ("bt_qs", True, "1966-08-12", None),
    "吴春花": ("hs_tz", False, "1980-04-03", None),
    "徐卫国": ("bt_kd", True, "1973-10-27", "包头市华泰重型机械有限公司"),
    "孙玉梅": ("hs_sh", False, "1982-06-15", None),
    "马永福": ("hs_hm", True, "1977-03-08", None),
    "朱红霞": ("hs_yq", False, "1988-12-19", "呼和浩特市玉泉区社区卫生服务中心"),
    "胡长青": ("bt_jy", True, "1969-09-01", None),
    "郭美玲": ("hs_xc", False, "1990-07-07", None),
    "何振华": ("bj_cy", True, "1983-05-24", "北京远景华通信息技术有限公司"),
    "高桂芳": ("hs_sh", False, "1971-01-29", None),
    "林德胜": ("bt_dh", True, "1964-08-16", None),
    "巴特尔": ("ee_ds", True, "1976-11-11", None),
    "罗建国": ("hs_hm", True, "1978-06-20", None),
}
# id, name, department, owner, first contact, status, tier now (None: never graded), flags
CUSTOMERS = [
    ("KH0001", "呼和浩特市鑫泰商贸有限公司", "yw1", "S004", "2013-09-10", "active", "vip", "key long"),
    ("KH0002", "包头市恒达机械制造有限公司", "yw2", "S008", "2013-11-05", "active", "preferred", "long"),
    ("KH0003", "张志强", "yw1", "S004", "2014-02-17", "dormant", "qualified", ""),
    ("KH0004", "内蒙古草原牧歌乳业有限公司", "yw2", "S008", "2015-04-20", "active", "vip", "key long"),
    ("KH0005", "呼和浩特市金桥建材有限责任公司", "yw1", "S004", "2016-03-14", "active", "preferred", "long"),
    ("KH0006", "刘秀英", "yw1", "S005", "2017-05-22", "active", "qualified", "retail"),
    ("KH0007", "包头市瑞丰新材料有限公司", "yw2", "S008", "2017-08-28", "active", "preferred", ""),
    ("KH0008", "内蒙古蒙源农牧业发展有限公司", "yw1", "S005", "2018-04-09", "active", "vip", "long"),
    ("KH0009", "王海军", "yw2", "S009", "2018-10-15", "active", "qualified", ""),
    ("KH0010", "呼和浩特市青城物流有限公司", "yw1", "S004", "2019-03-18", "active", "preferred", ""),
    ("KH0011", "北京中科瑞达科技有限公司", "yw2", "S009", "2019-06-03", "active", "qualified", ""),
    ("KH0012", "李桂兰", "yw1", "S005", "2019-11-11", "active", "qualified", ""),
    ("KH0013", "鄂尔多斯市宏达煤炭运销有限公司", "yw2", "S008", "2020-05-12", "blacklisted", "qualified",
     "confidential"),
    ("KH0014", "呼和浩特市塞上春餐饮管理有限公司", "yw1", "S006", "2020-08-24", "active", "qualified", ""),
    ("KH0015", "陈国华", "yw2", "S009", "2020-12-07", "active", "preferred", "long"),
    ("KH0016", "包头市钢联五金机电有限公司", "yw2", "S008", "2021-03-15", "active", "qualified", ""),
    ("KH0017", "杨丽", "yw1", "S006", "2021-06-21", "active", "preferred", ""),
    ("KH0018", "内蒙古绿野农业科技有限公司", "yw1", "S005", "2021-09-13", "active", "vip", ""),
    ("KH0019", "赵宝山", "yw2", "S009", "2022-02-28", "dormant", None, ""),
    ("KH0020", "呼和浩特市盛世华庭装饰工程有限公司", "yw1", "S006", "2022-05-16", "blacklisted", "qualified", ""),
    ("KH0021", "黄淑珍", "yw1", "S004", "2022-08-08", "active", "qualified", ""),
    ("KH0022", "包头市福源粮油贸易有限公司", "yw2", "S008", "2022-10-17", "active", "qualified", ""),
    ("KH0023", "内蒙古天骄汽车服务有限公司", "yw1", "S005", "2023-01-09", "active", "qualified", ""),
    ("KH0024", "周建平", "yw2", "S009", "2023-02-20", "active", "vip", "long sealed"),
    ("KH0025", "呼和浩特市草原印象文化传媒有限公司", "yw1", "S006", "2023-03-27", "active", "qualified", ""),
    ("KH0026", "吴春花", "yw1", "S004", "2023-05-15", "active", "preferred", ""),
    ("KH0027", "包头市昆仑建筑安装工程有限公司", "yw2", "S008", "2023-06-12", "active", "preferred", ""),
    ("KH0028", "徐卫国", "yw1", "S005", "2023-08-07", "active", "qualified", ""),
    ("KH0029", "内蒙古星河电子科技有限公司", "yw2", "S009", "2023-09-18", "active", "qualified", ""),
    ("KH0030", "呼和浩特市康宁医疗器械有限公司", "yw1", "S006", "2023-11-06", "active", "qualified",
     "qualification"),
    ("KH0031", "孙玉梅", "yw2", "S008", "2024-01-15", "active", "qualified", ""),
    ("KH0032", "乌兰察布市丰收薯业有限公司", "yw1", "S004", "2024-03-11", "active", "preferred", ""),
    ("KH0033", "马永福", "yw2", "S009", "2024-04-22", "active", "qualified", ""),
    ("KH0034", "包头市鹿城家具制造有限公司", "yw1", "S005", "2024-05-27", "active", "qualified", ""),
    ("KH0035", "朱红霞", "yw1", "S006", "2024-07-08", "active", "qualified", ""),
    ("KH0036", "呼和浩特市晨光印务有限公司", "yw2", "S008", "2024-08-19", "active", "qualified", ""),
    ("KH0037", "胡长青", "yw1", "S004", "2024-09-23", "dormant", None, ""),
    ("KH0038", "北京京蒙商贸有限公司", "yw2", "S009", "2024-11-11", "active", "qualified", ""),
    ("KH0039", "郭美玲", "yw1", "S005", "2025-01-13", "active", "qualified", ""),
    ("KH0040", "内蒙古铭泰建设工程有限公司", "yw1", "S006", "2025-03-03", "active", "qualified", ""),
    ("KH0041", "何振华", "yw2", "S008", "2025-04-14", "active", "qualified", ""),
    ("KH0042", "呼和浩特市雪原乳品经销有限公司", "yw1", "S004", "2025-06-16", "active", "qualified", ""),
    ("KH0043", "高桂芳", "yw1", "S005", "2025-09-08", "prospect", None, ""),
    ("KH0044", "林德胜", "yw2", "S009", "2025-10-20", "prospect", None, ""),
    ("KH0045", "巴特尔", "yw2", "S008", "2025-11-17", "prospect", None, ""),
    ("KH0046", "罗建国", "yw1", "S006", "2025-12-26", "prospect", None, "unreviewed"),
]
# the first grading of VIP and preferred customers (the departments' first graded review, effective that day)
GRADED_ON = d("2025-01-10")
# raised later, once its product had enough customers (customers.tier_product_quotas: guarantees in 业务一部)
GRADED_LATER = {"KH0017": d("2025-04-10")}
GRADED_REASON = {"vip": "业务量大、按期付款、无违约记录，定为 VIP 客户。",
                 "preferred": "经营稳定、按期付款、无违约记录，定为优选类客户。"}
# profiles made from this day on are approved by the sales director (customers.profile_approval_from)
APPROVAL_FROM = d("2025-07-01")
# late payments that cost two customers their preferred tier at the 2025H1 review (customers.tier_criteria)
DEFAULTS = {"KH0012": [("2025-03-21", "第一季度利息逾期 6 天支付，经催收后补缴。"),
                       ("2025-05-21", "5 月利息逾期 4 天支付。")],
            "KH0033": [("2025-04-21", "4 月利息逾期 9 天支付。"), ("2025-06-21", "6 月利息逾期 3 天支付。")]}
# the newest profile, made on the next working day after the first contact and not yet reviewed
UNREVIEWED_CREATED = "2025-12-29"
# periodic profile updates (policy customers.update_every_months, counted from customers.update_from)
UPDATE_FROM = d("2025-01-01")
UPDATE_MONTHS = {"often": 3, "default": 6}  # long-term and key customers; the others
LAST_UPDATE = {"KH0002": "2025-10-10"}  # the long-term customer whose quarterly update falls due in January 2026
UPDATE_NOTES = ("核实联系人和联系方式，无变化。", "更新地址和联系人手机号码。", "补充近期经营和收入情况。",
                "核对证件信息，无变化。", "更新联系人职务，补充微信号。")
# customer -> blacklist entry; {dossier} is the number of the dossier (year, type) that went wrong
BLACKLIST = {
    "KH0013": ((2023, "loan"), {"scope": "company", "date": "2024-06-18", "by": MARKETING_HEAD,
                                "reason": "{dossier}贷款逾期超过 90 天，经多次催收未归还，且发现转移经营资产。"}),
    "KH0020": ((2023, "guarantee"), {"scope": "department", "department": "yw1", "date": "2024-09-10",
                                     "by": HEADS["yw1"],
                                     "reason": "{dossier}担保项目申请时提供虚假财务报表。"}),
}
SOURCES = ("referral", "referral", "walk_in", "phone", "event", "online", "partner")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋"
            "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志勇", "文博", "雪梅", "立新",
         "春燕", "国庆", "玉珍", "宏伟")
PREFERENCES = (
    ("联系方式", "偏好微信联系；工作日上午方便接听电话。"),
    ("还款方式", "习惯按月付息、到期还本，希望提前 5 天短信提醒。"),
    ("沟通", "重要事项须与法定代表人本人当面确认。"),
    ("礼品", "不接受节日礼品，问候以电话为主。"),
    ("办理时间", "月末资金紧张，放款尽量安排在月中。"),
    ("资料", "纸质资料请快递至办公地址，不走微信传送。"),
)
CONSENT_SCOPE = "个人信息及征信查询授权，用于贷款（担保）审查和贷后管理。"
RATINGS = {"vip": ("AA", "AAA"), "preferred": ("A", "AA"), "qualified": ("BBB", "A")}


def flags(cid: str) -> set[str]:
    return set(next(row[7] for row in CUSTOMERS if row[0] == cid).split())


def person_name(world: World) -> str:
    return world.rng.choice(SURNAMES) + world.rng.choice(GIVEN)


def build_customers(world: World) -> None:
    for cid, name, dept, owner, first, status, _tier, marks in CUSTOMERS:
        data = {"id": cid, "type": "enterprise" if name in ENTERPRISES else "individual", "name": name}
        district = _profile(world, data)
        first_day = workday_from(d(first))
        marks = set(marks.split())
        created = d(UNREVIEWED_CREATED) if "unreviewed" in marks else _within_week(world, first_day)
        source = world.rng.choice(SOURCES)
        if source == "event" and "unreviewed" not in marks:
            created = first_day  # seed 003: the form is filled in on the event day (customers.profile_within.event)
        data.update({"region": district.region, "source": source, "owner": owner,
                     "department": dept, "first_contact_on": iso(first_day),
                     "created": {"by": owner, "date": iso(created)}})
        if "unreviewed" not in marks:
            data["profile_review"] = {"by": superior(world, owner),
                                      "date": iso(next_workday(created, world.rng.randint(1, 3)))}
        if source == "event":  # and handed to the sales manager the next day (customers.profile_handover_within)
            data["profile_handover"] = {"by": superior(world, owner), "date": iso(created + DAY)}
        data["status"] = status
        if "long" in marks:
            data["long_term"] = True
        if "key" in marks:
            data["key_customer"] = True
        if "retail" in marks:  # seed 004: admission does not apply (customers.admission_exempt_categories)
            data["category"] = "retail"
        if created >= APPROVAL_FROM and "profile_review" in data:  # the sales director confirms the profile
            data["profile_approval"] = {"by": SALES_DIRECTOR,
                                        "date": iso(next_workday(d(data["profile_review"]["date"])))}
        _extras(world, data, marks, created)
        if cid == GUEST:
            data["guest_history"] = guest_history()
        world.add("customer", data)


def _within_week(world: World, first: dt.date) -> dt.date:
    """The profile is created within a week of the first contact (here: within four days)."""
    return first + world.rng.randint(0, 4) * DAY


def _profile(world: World, data: dict):
    if data["type"] == "enterprise":
        return _enterprise(world, data)
    return _individual(world, data)


def _enterprise(world: World, data: dict):
    key, industry, scale, capital, founded, legal, domain = ENTERPRISES[data["name"]]
    district = DISTRICTS[key]
    data["enterprise"] = {"credit_code": credit_code(world, district), "legal_representative": legal,
                          "registered_capital": capital, "founded_on": founded, "industry": industry,
                          "scale": scale}
    finance = {"name": person_name(world), "title": "财务负责人", "mobile": world.mobile(),
               "phone": phone(world, district)}
    if domain:
        finance["email"] = f"caiwu@{domain}.example"
    data["contacts"] = [{"name": legal, "title": "法定代表人", "mobile": world.mobile()}, finance]
    data["addresses"] = [office_address(world, district, "registered"), office_address(world, district, "office")]
    return district


def _individual(world: World, data: dict):
    key, male, born, employer = INDIVIDUALS[data["name"]]
    district = DISTRICTS[key]
    person = {"id_number": id_number(world, district, d(born), male), "gender": "male" if male else "female",
              "birth_date": born}
    if employer:
        person["employer"] = employer
    else:
        person["credit_code"] = credit_code(world, district, "92")
    data["individual"] = person
    me = {"name": data["name"], "title": "本人", "mobile": world.mobile()}
    if world.rng.random() < 0.5:
        me["wechat"] = f"wx_{world.rng.randrange(10**6, 10**7)}"
    data["contacts"] = [me]
    if world.rng.random() < 0.4:
        data["contacts"].append({"name": person_name(world), "title": "配偶", "mobile": world.mobile()})
    data["addresses"] = [home_address(world, district)]
    return district


def _extras(world: World, data: dict, marks: set[str], created: dt.date) -> None:
    rng = world.rng
    if rng.random() < 0.35:
        data["preferences"] = [dict(zip(("category", "detail"), p, strict=True))
                               for p in rng.sample(PREFERENCES, rng.randint(1, 2))]
    tags = _tags(data, marks)
    if tags:
        data["tags"] = tags
    data["confidentiality"] = ("sealed" if "sealed" in marks else
                               "confidential" if "confidential" in marks else "normal")
    data["consent"] = {"given": True, "date": iso(created), "scope": CONSENT_SCOPE}


def _tags(data: dict, marks: set[str]) -> list[str]:
    tags = []
    industry = data.get("enterprise", {}).get("industry", "")
    if "农" in industry:
        tags.append("涉农")
    if data.get("enterprise", {}).get("scale") in ("micro", "small"):
        tags.append("小微企业")
    if "credit_code" in data.get("individual", {}):
        tags.append("个体工商户")
    if "key" in marks:
        tags.append("重点客户")
    if data["status"] == "blacklisted":
        tags.append("风险客户")
    return tags


# --- second pass: admission, tiers, credit ------------------------------------------------------
def finish_customers(world: World, first_business: dict[str, dt.date], decisions: dict[str, dict]) -> None:
    """Admission on the day the first contract was signed; tiers from admission and the half-year reviews."""
    for cid, _name, dept, _owner, _first, _status, tier, _marks in CUSTOMERS:
        data = world.get("customer", cid)
        if cid in BLACKLIST:
            _blacklist(world, data)
        _updates(world, data)
        if cid not in first_business:
            if data["status"] == "dormant":
                data["note"] = "首次接触后未办理业务，近一年无联系，转为休眠客户。"
            continue
        admitted = first_business[cid]
        if data.get("category") != "retail":
            _admission(data, dept, admitted)
        _tiers(data, tier, admitted, decisions.get(cid))
        # the products (品种, customers.tier_product_quotas): every customer in business borrows; some are
        # guaranteed too (a guarantee dossier)
        products = sorted({"loan"} | {btype for (_, btype, owner) in world.meta["dossier_of"] if owner == cid})
        if products:
            data["products"] = products
        if cid in DEFAULTS:
            data.setdefault("credit", {})["defaults"] = [{"date": day, "kind": "late_payment", "note": note}
                                                         for day, note in DEFAULTS[cid]]
        if data["type"] == "enterprise":
            _credit(world, data, admitted)
        if data["status"] == "dormant":
            data["note"] = "贷款已于到期日结清，此后无新业务，转为休眠客户。"


def _updates(world: World, data: dict) -> None:
    """The owner updates every live profile a few working days before each update falls due (seed 002: long-term
    customers quarterly; key customers too; the others every half year), from 2025-01-01 or the profile's creation;
    the next update falls due after the demo day."""
    if data["status"] not in ("active", "prospect", "dormant"):
        return
    often = data.get("long_term") or data.get("key_customer")
    months = UPDATE_MONTHS["often" if often else "default"]
    previous, done = max(d(data["created"]["date"]), UPDATE_FROM), []
    while True:
        day = max(previous_workday(add_months(previous, months), world.rng.randint(1, 10)), next_workday(previous))
        last = LAST_UPDATE.get(data["id"])
        if day > TODAY or (last and day >= d(last)):
            if last:
                done.append({"by": data["owner"], "date": last, "note": UPDATE_NOTES[0]})
            break
        done.append({"by": data["owner"], "date": iso(day), "note": world.rng.choice(UPDATE_NOTES)})
        previous = day
    if done:
        data["updates"] = done


def _blacklist(world: World, data: dict) -> None:
    (year, btype), entry = BLACKLIST[data["id"]]
    dossier = world.meta["dossier_of"][(year, btype, data["id"])]
    data["blacklist"] = {**entry, "reason": entry["reason"].format(dossier=dossier)}


def _admission(data: dict, dept: str, admitted: dt.date) -> None:
    checked = ["licence", "no_illegal_record", "signed_contract"]
    if "qualification" in flags(data["id"]):
        checked.append("qualification")
        data["note"] = "经营第二类医疗器械，已核验《医疗器械经营备案凭证》。"
    data["admission"] = {"checked": checked, "approved": {"by": HEADS[dept], "date": iso(admitted)}}


def _tiers(data: dict, tier: str, admitted: dt.date, decision: dict | None) -> None:
    """Every customer starts qualified (seed 004 2.4); VIP and preferred customers were graded up together once the
    departments had enough customers for the quotas to hold at that change (customers.tier_quotas), the later
    ones at the half-year review."""
    first = decision["from"] if decision else tier
    history = [{"tier": "qualified" if first != "qualified" else first, "since": iso(admitted),
                "reason": "准入定级。"}]
    if first != "qualified":
        since = max(GRADED_LATER.get(data["id"], GRADED_ON), admitted)
        history.append({"tier": first, "since": iso(since), "reason": GRADED_REASON[first]})
    if decision:
        history.append({"tier": decision["to"], "since": decision["effective_on"], "review": decision["review"],
                        "reason": decision["reason"]})
    assert history[-1]["tier"] == tier, data["id"]
    data["tier"] = tier
    data["tier_history"] = history


def _credit(world: World, data: dict, admitted: dt.date) -> None:
    rng = world.rng
    capital = data["enterprise"]["registered_capital"]
    if data["status"] == "blacklisted":
        arrears = 1_200_000 if data["blacklist"]["scope"] == "company" else 0
        data["credit"] = {"rating": "C", "limit": 0, "reviewed_on": data["blacklist"]["date"],
                          "payment_habit": "多次逾期，催收后仍未还清。" if arrears else "按期还款，但申报资料失实。",
                          "arrears": arrears}
        if arrears:
            data["credit"]["collections"] = collections(d(data["blacklist"]["date"]), arrears)
        return
    reviewed = max(admitted, random_workday(rng, d("2025-01-06"), d("2025-11-28")))
    data["credit"] = {"rating": rng.choice(RATINGS[data["tier"]]),
                      "limit": min(capital * 10_000 // 2, 5_000_000) // 100_000 * 100_000 or 500_000,
                      "reviewed_on": iso(reviewed), "next_review": iso(add_months(reviewed, 12)),
                      "payment_habit": rng.choice(("按期付息，到期还本。", "按月付息，偶有提前还款。",
                                                   "按季付息，资金回笼后集中还款。")),
                      "arrears": 0}
    data["credit"].update(credit_file(data, admitted, reviewed))
