"""Satisfaction surveys (满意度调查), one score per policy aspect; a low score opens a follow-up visit.

Every active customer is surveyed once a year (policy `surveys.per_year`): in 2025 each customer admitted
by the end of October is surveyed at least four weeks after admission; two were surveyed in the first
weeks of January 2025, so their next survey falls due in January 2026."""

from __future__ import annotations

from .dates import DAY, d, iso, random_workday
from .staff import CS_SUPERVISOR, CUSTOMER_SERVICE
from .world import World

ASPECTS = ("attitude", "response", "quality", "process")  # policy surveys.aspects
FIRST, LAST = d("2025-03-03"), d("2025-12-19")  # the year's survey season
ADMITTED_BY = d("2025-10-31")  # customers admitted later are surveyed next year
EARLY = {"KH0006": "2025-01-08", "KH0009": "2025-01-14"}  # surveyed last January: due again January 2026
LOW = ("KH0033", "2025-07-15", "phone", {"attitude": 5, "response": 4, "quality": 7, "process": 6},
       "客户经理更改上门时间不提前告知；对贷款产品本身满意。")
LOW_ACTION = "客户服务主管约谈客户经理，要求按约定时间上门；客户服务专员两天内电话回访。"
LOW_VISIT = {"customer": "KH0033", "staff": CUSTOMER_SERVICE, "date": "2025-07-17", "method": "phone",
             "kind": "follow_up", "purpose": "满意度调查低分跟进：说明改进措施。",
             "outcome": "客户认可改进措施，表示愿意继续合作。", "tag": "low-survey"}
COMMENTS = ("办理效率高，希望续贷手续再简化一些。", "客户经理专业、耐心。", "希望利率能再优惠一些。",
            "放款及时，满意。", "希望提供线上查询还款计划的渠道。", "总体满意，无其他意见。")
CHANNELS = ("phone", "paper", "wechat", "online", "onsite")


def plan_surveys(world: World) -> tuple[list[dict], list[dict]]:
    """Survey drafts, and the visit the low score needs (numbered together with the other visits)."""
    drafts = []
    for cid, customer in sorted(world.of("customer").items()):
        admitted = customer.get("admission", {}).get("approved", {}).get("date")
        if customer.get("category") in ("retail", "related_party"):  # no admission (seed 004): since the first contact
            admitted = customer["first_contact_on"]
        if customer["status"] != "active" or admitted is None or d(admitted) > ADMITTED_BY:
            continue
        if cid == LOW[0]:
            _, day, channel, scores, comment = LOW
            drafts.append(_survey(cid, day, channel, CUSTOMER_SERVICE, scores, comment))
            continue
        day = d(EARLY[cid]) if cid in EARLY else random_workday(world.rng, max(FIRST, d(admitted) + 28 * DAY), LAST)
        scores = {aspect: world.rng.randint(7, 10) for aspect in ASPECTS}
        staff = CUSTOMER_SERVICE if world.rng.random() < 0.8 else CS_SUPERVISOR
        drafts.append(_survey(cid, iso(day), world.rng.choice(CHANNELS), staff, scores,
                              world.rng.choice(COMMENTS)))
    return drafts, [dict(LOW_VISIT)]


def _survey(cid: str, day: str, channel: str, staff: str, scores: dict, comment: str) -> dict:
    return {"customer": cid, "date": day, "channel": channel, "staff": staff,
            "scores": [{"aspect": a, "score": s} for a, s in scores.items()], "comments": comment}


def build_surveys(world: World, drafts: list[dict], visits: dict[str, str]) -> None:
    for n, draft in enumerate(sorted(drafts, key=lambda s: (s["date"], s["customer"])), 1):
        if draft["customer"] == LOW[0]:
            draft["follow_up"] = {"action": LOW_ACTION, "visit": visits[LOW_VISIT["tag"]]}
        world.add("survey", {"id": f"MY2025-{n:03d}", **draft})
