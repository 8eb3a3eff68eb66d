"""Dossier acts: handing over along the policy's chain, closing supplement requests,
amending an archived dossier with an approval, the number a renumbered dossier gets."""

from __future__ import annotations

import datetime as dt

from .. import conflicts
from ..facts import facts
from ..index import Index
from ..next_number import next_dossier
from ..paths import parse_path
from ..transaction import Refused, Transaction
from ..yamlstyle import append
from . import act_of


def handover(tx: Transaction, number: str, step: str, on: str, missing: list[str], location: str | None,
             to: str | None = None) -> str:
    """`step` X: receive the previous step (if it is not received yet) and hand over step X;
    `archive`: receive the last step into the archive, at `location`."""
    index = tx.index
    record = index.get("dossier", number)
    if record is None:
        raise Refused(f"没有这份档案：{number} (no such dossier)")
    chain = facts(index).chain(record)
    ids = [s.id for s in chain]
    data = tx.edit("dossier", number)
    steps = data.setdefault("handover", [])
    done = {s.get("step"): s for s in steps}
    target = len(chain) if step == "archive" else (ids.index(step) if step in ids else None)
    if target is None:
        raise Refused(f"移交链中没有步骤 {step}（可用：{', '.join(ids)}、archive）")
    if any(i not in done for i in ids[:target]) or (target < len(ids) and ids[target] in done):
        raise Refused(f"移交顺序不对：当前已记录 {', '.join(done) or '无'} (out of order)")
    messages = []
    if target > 0:  # receive the previous step
        previous = done[ids[target - 1]]
        if previous.get("received_on") is None:
            if previous.get("to") != tx.actor:
                raise Refused(f"“{chain[target - 1].name}”应由接收人 {previous.get('to')} 接收")
            previous["received_on"] = on
            previous["inventory_checked"] = True
            _sign_inventory(data, tx.actor, on)
            messages.append(f"接收并核对清单（{chain[target - 1].name}）")
            if missing:
                append(data.setdefault("supplements", []), {"step": ids[target - 1],
                                                            "requested": act_of(tx.actor, on), "items": missing})
                data["status"] = "with_b"
                return f"{'；'.join(messages)}，开出补充资料清单：{number}"
    if step == "archive":
        if location:
            data["location"] = location
        data["status"] = "archived"
        return f"{'；'.join(messages) or '归档'}，存放于 {location or data.get('location')}：{number}"
    open_requests = [s for s in data.get("supplements") or [] if not s.get("closed")]
    if open_requests:
        raise Refused("补充资料清单尚未关闭，不能移交 (open supplement request)")
    sender = steps[-1].get("to") if steps else data.get("manager_a")
    if sender != tx.actor:
        raise Refused(f"“{chain[target].name}”应由 {sender} 移交，不是 {tx.actor}")
    receiver = to or (data.get("manager_b") if target == 0 else None) or _holder_of(tx, chain[target].to_role)
    append(steps, {"step": step, "from": tx.actor, "to": receiver, "handed_on": on})
    if target == 0:
        _sign_inventory(data, tx.actor, on)
    data["status"] = "with_b" if target == 0 else data.get("status", "with_b")
    messages.append(f"{chain[target].name}")
    return f"{'；'.join(messages)}：{number}"


def _sign_inventory(data: dict, who: str, on: str) -> None:
    """The inventory list is signed by each party as it takes part (seed 000 §四(二)): A handing it over, each
    receiver on receipt."""
    signed = data.setdefault("inventory_signed", [])
    if who not in [s.get("by") for s in signed if isinstance(s, dict)]:
        append(signed, {"by": who, "date": on})


def _holder_of(tx: Transaction, role: str | None) -> str:
    holders = facts(tx.index).staff_with_role(role) if role else []
    if not holders:
        raise Refused(f"没有在职的{role}，请用 --to 指定接收人")
    return holders[0]


def close_supplement(tx: Transaction, number: str, on: str) -> str:
    data = tx.edit("dossier", number)
    mine = [s for s in data.get("supplements") or []
            if not s.get("closed") and (s.get("requested") or {}).get("by") == tx.actor]
    if not mine:
        raise Refused(f"{number} 没有由 {tx.actor} 开出、尚未关闭的补充资料清单")
    for request in mine:
        request["closed"] = act_of(tx.actor, on)
    return f"确认补充资料已补齐：{number}"


def amend(tx: Transaction, number: str, changes: dict[str, object], reason: str, on: str) -> str:
    """Change protected fields of an archived dossier, with the amendment approved by the actor."""
    from .records import set_path

    data = tx.edit("dossier", number)
    for path, value in changes.items():
        set_path(data, path, value)
    fields = sorted({str(parse_path(p)[0]) for p in changes})  # each path was set: it parses
    append(data.setdefault("amendments", []), {"date": on, "reason": reason, "fields": fields,
                                               "approved": act_of(tx.actor, on)})
    return f"更正已归档档案（{'、'.join(fields)}）：{number}"


def renumbered(index: Index, dossier: str, resolve: bool) -> str | None:
    """The number `dangan renumber` gives a dossier: the next of its year (its number's, else this year) and its
    business type — with `resolve`, the type the merged-in side of its conflicted file gives. Refused when there is
    no such dossier; None when, with `resolve`, there is no such file."""
    record = index.get("dossier", dossier)
    if record is None and not resolve:
        raise Refused(f"没有这份档案：{dossier} (no such dossier)")
    if record is not None:
        business_type = record.get("business_type")
    else:
        folder = index.schemas.annotations("dossier")["folder"]
        theirs = conflicts.theirs(index.root / "records" / folder / f"{dossier}.yaml")
        if theirs is None:
            return None
        business_type = theirs.get("business_type")
    year = int(dossier[:4]) if dossier[:4].isdigit() else dt.date.today().year
    return next_dossier(index, year, str(business_type), taken=(dossier,))
