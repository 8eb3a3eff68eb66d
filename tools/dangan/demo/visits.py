"""Visits (回访) on the policy's schedules (`visits.schedules`, `visits.festivals`, from
`visits.effective_from`), each on or before its day: after a purchase (the rep by day 3, customer
service by day 15), after a first contact that did not lead to business (days 3 and 15), after a
complaint (within 72 hours), key customers every month by their rep and every quarter by the
department head, festival greetings in the week before; each report reviewed the next working day."""

from __future__ import annotations

import datetime as dt

from .dates import DAY, TODAY, add_months, d, iso, next_workday, random_workday, workday_by
from .staff import CS_SUPERVISOR, CUSTOMER_SERVICE, HEADS, LEFT
from .world import World

PURPOSES = {
    "purchase": "放款后回访：了解资金使用情况和对服务的评价。",
    "non_purchase": "未成交客户回访：了解融资需求和顾虑。",
    "complaint": "客诉跟进：告知处理进度，听取客户意见。",
    "key_customer": "大客户月度回访：了解经营和资金需求。",
    "festival": "节日问候。",
}
OUTCOMES = {
    "purchase": ("资金已按合同约定用途使用，经营正常。", "客户对办理效率满意，建议简化续贷资料。",
                 "已核实借款用途与合同约定一致，客户无其他意见。"),
    "purchase_service": ("客户对客户经理的服务评价良好。", "客户询问提前还款规定，已当场解答。",
                         "客户对放款速度满意，无其他意见。"),
    "non_purchase": ("客户仍在比较其他机构的利率，约定两周后再联系。", "客户暂无资金需求，已留存联系方式。",
                     "客户对抵押要求有顾虑，已说明可用保证方式。"),
    "complaint": ("已向客户说明处理进度，客户表示理解。", "客户确认问题正在处理，同意等待书面答复。"),
    "key_customer": ("企业经营稳定，计划下季度扩大原料采购，可能有新增融资需求。",
                     "客户近期无新增融资需求，对合作满意。", "了解到客户正在申报农业产业化项目，需要配套资金。"),
    "festival": ("转达公司节日问候，客户表示感谢。",),
}
# the basis written on the visit, and the days it falls between: within the policy's week before the
# festival (spring festival 01-29, national day 10-01, mid-autumn 10-06), the national day's first
FESTIVALS = [("2025年春节", "2025-01-22", "2025-01-27"), ("2025年国庆节", "2025-09-24", "2025-09-26"),
             ("2025年中秋节", "2025-09-29", "2025-09-30")]
FIRST_MONTH = d("2025-01-01")  # policy visits.effective_from
OTHERS = [
    {"customer": "KH0027", "staff": LEFT, "date": "2024-06-27", "method": "phone", "kind": "follow_up",
     "purpose": "跟进还款计划安排。", "outcome": "客户确认按季付息，已发送还款计划表。"},
    {"customer": "KH0044", "staff": "S009", "date": "2025-11-10", "method": "phone", "kind": "appointment",
     "purpose": "预约到公司洽谈经营贷款方案。", "outcome": "约定 11 月 12 日上午到公司面谈。"},
]
PURCHASE_VISITS = 7
LAST_VISIT = TODAY - 5 * DAY


def build_visits(world: World, extra: list[dict]) -> dict[str, str]:
    """Number the planned visits by date (HF2025-0001 …); return the ids of tagged plans."""
    plans = [*_purchase(world), *_complaints(world), *_non_purchase(world), *_key_customers(world),
             *_festivals(world), *(dict(p) for p in OTHERS), *extra]
    plans = [p for p in plans if p["date"] <= iso(LAST_VISIT)]
    plans.sort(key=lambda p: (p["date"], p["customer"], p["staff"]))
    counters: dict[str, int] = {}
    tagged = {}
    for plan in plans:
        year = plan["date"][:4]
        counters[year] = counters.get(year, 0) + 1
        vid = f"HF{year}-{counters[year]:04d}"
        if "tag" in plan:
            tagged[plan.pop("tag")] = vid
        written = d(plan["date"])
        plan["report"] = {"written_on": iso(written),
                          "reviewed": {"by": CS_SUPERVISOR, "on": iso(next_workday(written))}}
        world.add("visit", {"id": vid, **plan})
    return tagged


def _visit(world: World, customer: str, staff: str, day: dt.date, method: str, kind: str, *,
           basis: str | None = None, outcome_key: str | None = None) -> dict:
    plan = {"customer": customer, "staff": staff, "date": iso(day), "method": method, "kind": kind}
    if basis:
        plan["basis"] = basis
    plan["purpose"] = PURPOSES[kind]
    plan["outcome"] = world.rng.choice(OUTCOMES[outcome_key or kind])
    return plan


def _purchase(world: World) -> list[dict]:
    contracts = sorted(cid for cid, c in world.of("contract").items()
                       if c["signed_on"] >= iso(FIRST_MONTH) and c["type"] in ("loan", "guarantee"))
    plans = []
    for cid in sorted(world.rng.sample(contracts, PURCHASE_VISITS)):
        contract = world.get("contract", cid)
        owner = world.get("customer", contract["customer"])["owner"]
        signed = d(contract["signed_on"])
        plans.append(_visit(world, contract["customer"], owner, workday_by(signed + 3 * DAY, signed),
                            world.rng.choice(("onsite", "phone")), "purchase", basis=cid))
        plans.append(_visit(world, contract["customer"], CUSTOMER_SERVICE, workday_by(signed + 15 * DAY, signed),
                            "phone", "purchase", basis=cid, outcome_key="purchase_service"))
    return plans


def _complaints(world: World) -> list[dict]:
    """Customer service calls back the next working day, well within 72 hours."""
    return [_visit(world, c["customer"], CUSTOMER_SERVICE, next_workday(d(c["received"]["on"])), "phone",
                   "complaint", basis=kid) for kid, c in sorted(world.of("complaint").items())]


def _non_purchase(world: World) -> list[dict]:
    """Counted from the day the profile was made."""
    plans = []
    for cid, customer in sorted(world.of("customer").items()):
        if customer["status"] != "prospect":
            continue
        created = d(customer["created"]["on"])
        for days in (3, 15):
            plans.append(_visit(world, cid, customer["owner"], workday_by(created + days * DAY, created), "phone",
                                "non_purchase"))
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
            while start <= LAST_VISIT:
                end = min(add_months(start, months) - DAY, LAST_VISIT)
                plan = _visit(world, cid, staff, random_workday(world.rng, start, end - 3 * DAY), "onsite",
                              "key_customer")
                if staff == head:
                    plan["purpose"] = "大客户季度回访（部门负责人）：听取客户对合作的意见。"
                plans.append(plan)
                start = add_months(start, months)
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
