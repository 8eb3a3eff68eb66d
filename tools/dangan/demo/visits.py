"""Visits (回访) on the policy's schedules (`visits.schedules`, `visits.festivals`, from
`visits.effective_from`), every one done on or before its day: after a purchase the rep by days 3, 30
and 60 and customer service by days 15, 30 and 60; after a first contact that did not lead to
business by days 3 and 15; after a complaint within 72 hours; key customers every month by their rep
and every quarter by the department head, each on a plan the head (a vice GM for the head's own)
approved the working day before; once a year on site by the head while a contract runs (KH0004; KH0001
has none in force); a weekly phone call by customer service; greetings in the week before 五一, 国庆,
中秋, 元旦 and 春节. On-site visits to key customers take materials along and return them the same day,
one kept with the customer-service supervisor's approval. Visits due after the demo's today are not
done yet. Each report is written the same or the next working day and reviewed within two working
days, except the last one of 2025-12-30, still waiting for its review."""

from __future__ import annotations

import datetime as dt

from .dates import DAY, TODAY, add_months, d, is_workday, iso, next_workday, previous_workday, random_workday
from .staff import CS_SUPERVISOR, CUSTOMER_SERVICE, HEADS, VICE_GM, superior
from .world import World

# policy visits.schedules: (trigger, who) -> days after the trigger
REP_DAYS = (3, 30, 60)  # purchase_rep
SERVICE_DAYS = (15, 30, 60)  # purchase_service
NON_PURCHASE_DAYS = (3, 15)  # non_purchase_rep
COMPLAINT_DAYS = 3  # complaint_follow_up: 72 hours
PURCHASE_TYPES = ("loan", "guarantee", "sales", "service")  # contract_types
FIRST_MONTH = d("2025-01-01")  # policy visits.effective_from
UNREVIEWED_ON = "2025-12-30"  # the report still waiting for its review

PURPOSES = {
    ("purchase", 3): "成交后首次回访：了解资金到位情况和使用安排。",
    ("purchase", 15): "成交后客户服务回访：了解客户对办理过程和客户经理服务的评价。",
    ("purchase", 30): "成交后 30 天回访：核实资金用途，了解经营情况和客户意见。",
    ("purchase", 60): "成交后 60 天回访：了解经营和资金周转情况，提示合同约定的付款安排。",
    "non_purchase": "未成交客户回访：了解融资需求和顾虑。",
    "complaint": "客诉跟进：告知处理进度，听取客户意见。",
    "repair": "报修跟进：确认维修进度，告知临时办理方式。",
    "key_customer": "大客户月度回访：了解经营和资金需求。",
    "key_customer_head": "大客户季度回访（部门负责人）：听取客户对合作的意见。",
    "festival": "节日问候。",
    "key_customer_leader": "大客户年度上门拜访（分管领导）：拜访客户领导，听取对合作的评价和要求。",
    "routine": "每周电话联系：了解客户近况和需求。",
}
PLANS = {"key_customer": "按月上门了解经营和资金需求，核对联系人和经营地址。",
         "key_customer_head": "本季度拜访客户负责人，听取对合作的意见。",
         "key_customer_leader": "年度拜访客户领导，了解合同履行情况和明年的合作需求。"}
MATERIALS = "客户档案摘要、合同履行台账"
KEPT = ("KH0004", "2025-06")  # the monthly visit whose materials stayed with the customer, with approval
KEPT_REASON = "客户负责人出差，合同履行台账留客户处待其签字确认，次日取回。"
OUTCOMES = {
    "purchase": ("资金已按合同约定用途使用，经营正常。", "客户对办理效率满意，建议简化续贷资料。",
                 "已核实借款用途与合同约定一致，客户无其他意见。", "客户经营正常，近期回款情况良好。",
                 "客户表示将按合同约定按期付款，暂无新的融资需求。"),
    "purchase_service": ("客户对客户经理的服务评价良好。", "客户询问提前还款规定，已当场解答。",
                         "客户对放款速度满意，无其他意见。", "客户建议增加线上查询渠道，已记录并反馈。"),
    "non_purchase": ("客户仍在比较其他机构的利率，约定两周后再联系。", "客户暂无资金需求，已留存联系方式。",
                     "客户对抵押要求有顾虑，已说明可用保证方式。"),
    "complaint": ("已向客户说明处理进度，客户表示理解。", "客户确认问题正在处理，同意等待书面答复。"),
    "key_customer": ("企业经营稳定，计划下季度扩大原料采购，可能有新增融资需求。",
                     "客户近期无新增融资需求，对合作满意。", "了解到客户正在申报农业产业化项目，需要配套资金。"),
    "festival": ("转达公司节日问候，客户表示感谢。",),
    "routine": ("客户近况正常，暂无新的需求。", "客户询问续贷办理时间，已解答。", "客户反映联系人变更，已记录。"),
    "key_customer_leader": ("客户领导对合作评价良好，明年拟增加授信需求。",),
}
# the basis written on the visit, and the days it falls between: within the policy's week before the
# festival (spring festival 01-29, labour day 05-01, national day 10-01, mid-autumn 10-06, new year
# 2026-01-01), the national day's first; the new year of 2025 was owed none (its week began in 2024)
FESTIVALS = [("2025年春节", "2025-01-22", "2025-01-27"), ("2025年劳动节", "2025-04-24", "2025-04-29"),
             ("2025年国庆节", "2025-09-24", "2025-09-26"), ("2025年中秋节", "2025-09-29", "2025-09-30"),
             ("2026年元旦", "2025-12-25", "2025-12-30")]
OTHERS = [
    {"customer": "KH0027", "staff": "S016", "date": "2024-06-27", "method": "phone", "kind": "follow_up",
     "purpose": "跟进还款计划安排。", "outcome": "客户确认按季付息，已发送还款计划表。"},
    {"customer": "KH0044", "staff": "S009", "date": "2025-11-10", "method": "phone", "kind": "appointment",
     "purpose": "预约到公司洽谈经营贷款方案。", "outcome": "约定 11 月 12 日上午到公司面谈。"},
]


def build_visits(world: World, extra: list[dict]) -> dict[str, str]:
    """Number the visits done by today by date (HF2025-0001 …); return the ids of tagged plans."""
    plans = [*_purchase(world), *_complaints(world), *_non_purchase(world), *_key_customers(world),
             *_festivals(world), *(dict(p) for p in OTHERS), *extra, *_leaders(world), *_weekly_calls(world)]
    plans = [p for p in plans if p["date"] <= iso(TODAY)]
    plans.sort(key=lambda p: (p["date"], p["customer"], p["staff"], p["kind"], p.get("basis", "")))
    waiting = max(i for i, p in enumerate(plans) if p["date"] == UNREVIEWED_ON)
    counters: dict[str, int] = {}
    tagged = {}
    for n, plan in enumerate(plans):
        year = plan["date"][:4]
        counters[year] = counters.get(year, 0) + 1
        vid = f"HF{year}-{counters[year]:04d}"
        if "tag" in plan:
            tagged[plan.pop("tag")] = vid
        plan["report"] = _report(world, plan, reviewed=n != waiting)
        world.add("visit", {"id": vid, **plan})
    return tagged


def _report(world: World, plan: dict, reviewed: bool) -> dict:
    """Written the same day (now and then the next working day); reviewed the next working day by the
    customer service supervisor or the visitor's superior, the same day when that would be after today."""
    day = d(plan["date"])
    written = day
    if world.rng.random() < 0.25 and is_workday(day + DAY) and day + DAY <= TODAY:
        written = day + DAY
    report = {"written_on": iso(written)}
    if reviewed:
        staff = world.get("staff", plan["staff"])
        by = superior(world, plan["staff"]) if "sales_rep" in staff["roles"] else CS_SUPERVISOR
        on = next_workday(written)
        report["reviewed"] = {"by": by, "date": iso(on if on <= TODAY else written)}
    return report


def _within(world: World, opens: dt.date, due: dt.date, earliest: dt.date | None = None) -> dt.date:
    """A working day between `opens` and `due`; when none is, the last working day before them not
    before `earliest` (a holiday week), else any day of them."""
    days = [opens + i * DAY for i in range((due - opens).days + 1)]
    workdays = [day for day in days if is_workday(day)]
    if workdays:
        return world.rng.choice(workdays)
    before = previous_workday(opens)
    return before if earliest and before >= earliest else world.rng.choice(days)


def _visit(world: World, customer: str, staff: str, day: dt.date, method: str, kind: str, *,
           basis: str | None = None, purpose: str | None = None, outcome_key: str | None = None) -> dict:
    plan = {"customer": customer, "staff": staff, "date": iso(day), "method": method, "kind": kind}
    if basis:
        plan["basis"] = basis
    plan["purpose"] = purpose or PURPOSES[kind]
    plan["outcome"] = world.rng.choice(OUTCOMES[outcome_key or kind])
    return plan


def _purchase(world: World) -> list[dict]:
    """The rep within three days and then in the week before days 30 and 60; customer service in
    the days before days 15, 30 and 60."""
    plans = []
    for cid, contract in sorted(world.of("contract").items()):
        if contract["signed_on"] < iso(FIRST_MONTH) or contract["type"] not in PURCHASE_TYPES:
            continue
        signed, customer = d(contract["signed_on"]), contract["customer"]
        for staff, schedule, lead in ((contract["handled_by"], REP_DAYS, 6), (CUSTOMER_SERVICE, SERVICE_DAYS, 4)):
            rep = staff != CUSTOMER_SERVICE
            for days in schedule:
                due = signed + days * DAY
                day = _within(world, max(signed + DAY, due - lead * DAY), due, signed + DAY)
                method = world.rng.choice(("onsite", "phone")) if rep else "phone"
                plans.append(_visit(world, customer, staff, day, method, "purchase", basis=cid,
                                    purpose=PURPOSES[("purchase", days)],
                                    outcome_key="purchase" if rep else "purchase_service"))
    return plans


def _complaints(world: World) -> list[dict]:
    """Customer service calls back the next working day, within 72 hours: complaints and repair tickets alike."""
    plans = []
    for kid, complaint in sorted(world.of("complaint").items()):
        received = d(complaint["received"]["date"])
        day = min(next_workday(received), received + COMPLAINT_DAYS * DAY)
        purpose = PURPOSES["repair"] if complaint["category"] == "repair" else None
        plans.append(_visit(world, complaint["customer"], CUSTOMER_SERVICE, day, "phone", "complaint", basis=kid,
                            purpose=purpose))
    return plans


def _non_purchase(world: World) -> list[dict]:
    """Counted from the day the profile was made: the next working day (by day 3), and in the week
    before day 15."""
    plans = []
    for cid, customer in sorted(world.of("customer").items()):
        if customer["status"] != "prospect":
            continue
        created = d(customer["created"]["date"])
        first, second = (created + days * DAY for days in NON_PURCHASE_DAYS)
        for day in (min(next_workday(created), first), _within(world, second - 5 * DAY, second)):
            plans.append(_visit(world, cid, customer["owner"], day, "phone", "non_purchase"))
    return plans


def _key_customers(world: World) -> list[dict]:
    """Every month by the rep, every quarter by the department head, each within its period."""
    plans = []
    for cid, customer in sorted(world.of("customer").items()):
        if not customer.get("key_customer") or customer["status"] != "active":
            continue
        head = HEADS[customer["department"]]
        for months, staff in ((1, customer["owner"]), (3, head)):
            start = FIRST_MONTH
            while start <= TODAY:
                end = add_months(start, months) - DAY
                which = "key_customer_head" if staff == head else "key_customer"
                plan = _visit(world, cid, staff, random_workday(world.rng, start, end - 3 * DAY), "onsite",
                              "key_customer", purpose=PURPOSES[which])
                _planned(plan, which, VICE_GM if staff == head else head)
                _materials(plan, kept=(cid, plan["date"][:7]) == KEPT and staff != head)
                plans.append(plan)
                start = add_months(start, months)
    return plans


def _planned(plan: dict, which: str, approver: str) -> None:
    """The plan approved the working day before the visit (policy visits.plan_required, approvals.visit_plan)."""
    approved = {"by": approver, "date": iso(previous_workday(d(plan["date"])))}
    plan["plan"] = {"content": PLANS[which], "approved": approved}


def _materials(plan: dict, kept: bool = False) -> None:
    """Materials back with the customer-service supervisor the same day, or their keeping approved by her
    (policy visits.materials_return_within: the same day)."""
    act = {"by": CS_SUPERVISOR, "date": plan["date"]}
    plan["materials"] = {"items": MATERIALS, **({"kept": {"reason": KEPT_REASON, "approved": act}} if kept
                                                 else {"returned": act})}


def _leaders(world: World) -> list[dict]:
    """Once a calendar year on site by the department head (分管领导) while a contract of the key customer is in
    force (policy schedule key_customer_leader): in its term's first weeks within the year."""
    plans = []
    for cid, customer in sorted(world.of("customer").items()):
        if not customer.get("key_customer") or customer["status"] != "active":
            continue
        for year in range(FIRST_MONTH.year, TODAY.year + 1):
            terms = [(d(c["term"]["start"]), d(c["term"]["end"])) for c in world.of("contract").values()
                     if c["customer"] == cid and c.get("term") and c["status"] != "draft"]
            overlapping = [(max(s, dt.date(year, 1, 1)), min(e, dt.date(year, 12, 31), TODAY)) for s, e in terms
                           if s.year <= year <= e.year]
            if not overlapping:
                continue
            first, last = overlapping[0]
            day = random_workday(world.rng, first + 7 * DAY, min(last, first + 35 * DAY))
            plan = _visit(world, cid, HEADS[customer["department"]], day, "onsite", "key_customer",
                          purpose=PURPOSES["key_customer_leader"], outcome_key="key_customer_leader")
            _planned(plan, "key_customer_leader", VICE_GM)
            _materials(plan)
            plans.append(plan)
    return plans


def _weekly_calls(world: World) -> list[dict]:
    """A phone call by customer service every week (Monday to Sunday) to each key customer (policy schedule
    key_customer_weekly_call)."""
    plans = []
    for cid, customer in sorted(world.of("customer").items()):
        if not customer.get("key_customer") or customer["status"] != "active":
            continue
        start = FIRST_MONTH - FIRST_MONTH.weekday() * DAY
        while start <= TODAY:
            day = _within(world, max(start, FIRST_MONTH), start + 6 * DAY)
            plans.append(_visit(world, cid, CUSTOMER_SERVICE, day, "phone", "routine", purpose=PURPOSES["routine"]))
            start += 7 * DAY
    return plans


def _festivals(world: World) -> list[dict]:
    """Greetings to key customers by their rep in the week before each festival."""
    plans = []
    for cid, customer in sorted(world.of("customer").items()):
        if not customer.get("key_customer") or customer["status"] != "active":
            continue
        for basis, first, last in FESTIVALS:
            plans.append(_visit(world, cid, customer["owner"], random_workday(world.rng, d(first), d(last)),
                                world.rng.choice(("wechat", "phone")), "festival", basis=basis))
    return plans
