"""Satisfaction surveys (满意度调查), one score per policy aspect; a low score opens a follow-up visit."""

from __future__ import annotations

from .dates import DAY, d, iso, random_workday
from .staff import CS_SUPERVISOR, CUSTOMER_SERVICE
from .world import World

ASPECTS = ("attitude", "response", "quality", "process")  # policy surveys.aspects
SAMPLE = 14
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
    eligible = sorted(cid for cid, c in world.of("customer").items()
                      if c["status"] == "active" and c["admission"]["approved"]["on"] <= "2025-09-30"
                      and cid != LOW[0])
    drafts = []
    for cid in world.rng.sample(eligible, SAMPLE):
        admitted = d(world.get("customer", cid)["admission"]["approved"]["on"])
        day = random_workday(world.rng, max(d("2025-03-03"), admitted + 7 * DAY), d("2025-11-28"))
        scores = {aspect: world.rng.randint(7, 10) for aspect in ASPECTS}
        staff = CUSTOMER_SERVICE if world.rng.random() < 0.8 else CS_SUPERVISOR
        drafts.append(_survey(cid, iso(day), world.rng.choice(CHANNELS), staff, scores,
                              world.rng.choice(COMMENTS)))
    cid, day, channel, scores, comment = LOW
    drafts.append(_survey(cid, day, channel, CUSTOMER_SERVICE, scores, comment))
    return drafts, [dict(LOW_VISIT)]


def _survey(cid: str, day: str, channel: str, staff: str, scores: dict, comment: str) -> dict:
    return {"customer": cid, "date": day, "channel": channel, "staff": staff,
            "scores": [{"aspect": a, "score": s} for a, s in scores.items()], "comments": comment}


def build_surveys(world: World, drafts: list[dict], visits: dict[str, str]) -> None:
    for n, draft in enumerate(sorted(drafts, key=lambda s: (s["date"], s["customer"])), 1):
        if draft["customer"] == LOW[0]:
            draft["follow_up"] = {"action": LOW_ACTION, "visit": visits[LOW_VISIT["tag"]]}
        world.add("survey", {"id": f"MY2025-{n:03d}", **draft})
