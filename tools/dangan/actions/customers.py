"""Customer acts: visits, complaints, half-year reviews, reassigning a departing person's work."""

from __future__ import annotations

import datetime as dt

from ..facts import facts, is_open
from ..transaction import Refused, Transaction
from ..yamlstyle import append
from . import act_of


def reply_complaint(tx: Transaction, rid: str, on: str, resolution: str | None) -> str:
    data = tx.edit("complaint", rid)
    if data.get("reply"):
        raise Refused(f"{rid} 已答复 (already replied)")
    if resolution:
        data["resolution"] = resolution
    data["reply"] = act_of(tx.actor, on)
    return f"答复客诉：{rid}"


def close_complaint(tx: Transaction, rid: str, on: str, feedback: str, satisfaction: int) -> str:
    data = tx.edit("complaint", rid)
    data["feedback"] = {"text": feedback, "satisfaction": satisfaction, "recorded_on": on}
    data["closed"] = act_of(tx.actor, on)
    return f"客诉结案：{rid}"


def review(tx: Transaction, rid: str, period: str, department: str, decisions: list[dict], on: str) -> str:
    """A half-year review; each decision is applied to the customer's tier and history."""
    tx.create("review", rid, {"id": rid, "period": period, "department": department,
                              "reviewed": act_of(tx.actor, on), "decisions": decisions})
    for decision in decisions:
        data = tx.edit("customer", decision["customer"])
        since = decision.get("effective_on", on)
        data["tier"] = decision["to"]
        append(data.setdefault("tier_history", []), {"tier": decision["to"], "since": since, "review": rid,
                                                     "reason": decision["reason"]})
    return f"阶段评审 {period}：{department}"


def reassign(tx: Transaction, source: str, target: str) -> str:
    """All of a departing person's customers, unfinished handovers and open loans, in one act."""
    f = facts(tx.index)
    if f.left_on(target):
        raise Refused(f"{target} 已离职，不能接手 (has left)")
    moved = 0
    for customer in tx.index.of("customer").values():
        if customer.get("owner") == source:
            data = tx.edit("customer", customer.id)
            data["owner"] = target
            # the collector keeps the customer unless a transfer is recorded (seed 003 一、8「谁收集的档案归谁」)
            append(data.setdefault("owner_transfers", []), {"date": dt.date.today().isoformat(), "from": source,
                                                            "to": target, "reason": "离职交接"})
            moved += 1
    for dossier in tx.index.of("dossier").values():
        if dossier.get("status") in ("preparing", "with_b"):
            data = None
            for field in ("manager_a", "manager_b"):
                if dossier.get(field) == source:
                    data = data or tx.edit("dossier", dossier.id)
                    data[field] = target
            steps = dossier.get("handover") or []
            if steps and steps[-1].get("to") == source and not steps[-1].get("received_on"):
                data = data or tx.edit("dossier", dossier.id)
                data["handover"][-1]["to"] = target
            moved += data is not None
    for loan in tx.index.of("loan").values():
        if loan.get("borrower") == source and (is_open(loan) or not loan.get("lent")):
            tx.edit("loan", loan.id)["borrower"] = target
            moved += 1
    if not moved:
        raise Refused(f"{source} 名下没有客户、待办移交或借阅 (nothing to reassign)")
    return f"离职交接：{source} 的 {moved} 项工作移交给 {target}"
