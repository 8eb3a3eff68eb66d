"""Half-year tier reviews (阶段评审): each department head grades customers, the GM approves, and a
downgrade takes effect within the policy's five days."""

from __future__ import annotations

from .staff import GM, HEADS
from .world import World

PERIOD = "2025H1"
REVIEWED_ON, APPROVED_ON, EFFECTIVE_ON = "2025-07-07", "2025-07-08", "2025-07-10"
# department -> (customer, from, to, reason)
DECISIONS = {
    "yw1": [("KH0018", "qualified", "vip", "2024 年以来合作项目均按期履约，业务量居部门前列，且为涉农龙头企业。"),
            ("KH0012", "preferred", "qualified", "2025 年上半年两次逾期付息，经催收后补缴。"),
            ("KH0032", "qualified", "preferred", "首笔贷款按期付息，经营稳定，现金流良好。")],
    "yw2": [("KH0027", "qualified", "preferred", "贷款已按期结清，合同履约良好，诚信记录无瑕疵。"),
            ("KH0033", "preferred", "qualified", "首笔贷款后付息多次延迟，且有客诉记录。")],
}


def review_id(dept: str) -> str:
    return f"PS{PERIOD}-{dept.upper()}"


def decisions_by_customer() -> dict[str, dict]:
    """What the customers' tier histories must show: customer -> decision (with its review and date)."""
    return {cid: {"review": review_id(dept), "from": old, "to": new, "reason": reason, "effective_on": EFFECTIVE_ON}
            for dept, rows in DECISIONS.items() for cid, old, new, reason in rows}


def build_reviews(world: World) -> None:
    for dept, rows in DECISIONS.items():
        world.add("review", {
            "id": review_id(dept), "period": PERIOD, "department": dept,
            "reviewed": {"by": HEADS[dept], "date": REVIEWED_ON}, "approved": {"by": GM, "date": APPROVED_ON},
            "decisions": [{"customer": cid, "from": old, "to": new, "reason": reason, "effective_on": EFFECTIVE_ON}
                          for cid, old, new, reason in rows],
            "note": "其余客户维持原等级。"})
