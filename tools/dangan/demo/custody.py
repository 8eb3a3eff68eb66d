"""Custody of the archive: borrowing slips (借阅单) and the destruction list (销毁清册)."""

from __future__ import annotations

import datetime as dt

from .dates import DAY, d, iso, next_workday, previous_workday, workday_from
from .dossiers import DISPOSAL
from .staff import ARCHIVIST, CHAIRMAN, CS_SUPERVISOR, GM, VICE_GM
from .world import World

LOAN_DAYS = 15  # policy loans.default_days
# borrower, (what, key), purpose, approver (None: may borrow without approval), lent on (or after),
# due on (None: the policy's default), returned: None (still out), True (complete), False (pages missing)
LOANS = [
    ("S005", ("dossier", (2023, "loan", "KH0008")), "贷后检查，核对借款合同条款及抵押情况", VICE_GM, "2024-03-04",
     None, True),
    ("S002", ("dossier", (2023, "guarantee", "KH0005")), "审阅担保项目资料，准备续保评审", None, "2024-05-13",
     None, True),
    # the chairman approves a loan of certificates too (seed 000 §六(一))
    ("S008", ("certificate", (2023, "loan", "KH0004")), "携原件至不动产登记中心办理抵押变更登记", CHAIRMAN,
     "2024-07-08", None, True),
    ("S009", ("customer", "KH0024"), "续贷调查，查阅封存客户档案中的历史资料", GM, "2024-11-18", None, True),
    ("S004", ("dossier", (2024, "loan", "KH0021")), "客户申请结清证明，核对还款及抵押解除资料", VICE_GM, "2025-04-14",
     None, False),
    ("S006", ("dossier", (2024, "guarantee", "KH0018")), "合作银行贷后检查，提供担保项目资料备查", GM, "2025-09-15",
     None, None),
    ("S003", ("dossier", (2025, "loan", "KH0008")), "配合年度专项审计，审计期间由部门负责人保管备查", VICE_GM,
     "2025-11-10", "2027-01-15", None),
    ("S008", ("certificate", (2024, "guarantee", "KH0004")), "反担保房产涉诉，原件提交法院质证", GM, "2025-12-08",
     "2026-01-15", None),
]
INCOMPLETE_NOTE = "归还时缺页，已由借阅人书面说明并限期补齐。"


def build_loans(world: World) -> None:
    slips = sorted(LOANS, key=lambda spec: spec[4])
    counters: dict[int, int] = {}
    for borrower, (what, key), purpose, approver, lent_from, due_on, returned in slips:
        lent = workday_from(d(lent_from))
        counters[lent.year] = counters.get(lent.year, 0) + 1
        data = {"id": f"JY{lent.year}-{counters[lent.year]:03d}", **_target(world, what, key),
                "borrower": borrower, "purpose": purpose}
        if approver:
            data["approved"] = {"by": approver, "date": iso(previous_workday(lent))}
        due = d(due_on) if due_on else lent + LOAN_DAYS * DAY
        data.update({"lent": {"by": ARCHIVIST, "date": iso(lent)}, "due_on": iso(due)})
        if returned is not None:
            data["returned"] = _returned(world, lent, due, returned, data.get("dossiers"))
            if not returned:
                data["note"] = INCOMPLETE_NOTE
        world.add("loan", data)


def _target(world: World, what: str, key) -> dict:
    if what == "customer":
        return {"customers": [key]}
    dossier = world.meta["dossier_of"][key]
    if what == "dossier":
        return {"dossiers": [dossier]}
    return {"certificates": [f"{dossier}-01"]}


def _returned(world: World, lent: dt.date, due: dt.date, complete: bool, dossiers: list[str] | None) -> dict:
    back = min(next_workday(lent, world.rng.randint(3, 8)), due)
    data = {"date": iso(back), "checked_by": ARCHIVIST, "complete": complete}
    if not complete:
        data["missing"] = _missing_pages(world.get("dossier", dossiers[0]))
    return data


def _missing_pages(dossier: dict) -> list[str]:
    """A page of each of the first two investigation items."""
    part = next(p for p in dossier["inventory"] if p["part"] == "investigation")
    return [f"{item['title']}第 {min(5, item['pages'])} 页" for item in part["items"][:2]]


def build_disposal(world: World) -> None:
    destroyed = sorted(did for did, data in world.of("dossier").items() if data.get("disposal") == DISPOSAL)
    world.add("disposal", {
        "id": DISPOSAL, "dossiers": destroyed,
        "reason": "保管期满：2014 年归档的小额贷款档案保管期限 10 年，已于 2024 年到期，经鉴定无继续保存价值。",
        "approved": {"by": GM, "date": "2025-03-10"}, "executed_on": "2025-03-14", "executed_by": ARCHIVIST,
        "method": "shred",
        # 销毁前核实 (seed 001): the archivist checks each dossier against its inventory before it goes
        "verification": [{"dossier": did, "by": ARCHIVIST, "date": "2025-03-12", "complete": True,
                          "note": f"逐页核对卷内清单，共 {world.get('dossier', did)['total_pages']} 页，完整。"}
                         for did in destroyed],
        "supervisors": ["S013", CS_SUPERVISOR],
        "note": "在档案室由档案管理员粉碎，综合管理部负责人和客户服务部负责人监销；相关权证已于贷款结清时退还。"})
