"""Custody acts: lending and returning files and certificates, certificates into and out of
the safe, destruction lists."""

from __future__ import annotations

from ..transaction import Refused, Transaction
from ..yamlstyle import append
from . import act_of


def request_loan(tx: Transaction, rid: str, dossiers: list[str], certificates: list[str], customers: list[str],
                 borrower: str, purpose: str, due: str) -> str:
    data = {"id": rid}
    for field, values in (("dossiers", dossiers), ("certificates", certificates), ("customers", customers)):
        if values:
            data[field] = values
    data.update(borrower=borrower, purpose=purpose, due_on=due)
    tx.create("loan", rid, data)
    return f"填写档案资料出借单：{rid}"


def lend(tx: Transaction, rid: str, on: str) -> str:
    data = tx.edit("loan", rid)
    if data.get("lent"):
        raise Refused(f"{rid} 已办理出借 (already lent)")
    data["lent"] = act_of(tx.actor, on)
    for number in data.get("dossiers") or []:
        tx.edit("dossier", number)["status"] = "on_loan"
    for cert in data.get("certificates") or []:
        tx.edit("certificate", cert)["status"] = "lent"
    return f"办理出借：{rid}"


def give_back(tx: Transaction, rid: str, on: str, missing: list[str]) -> str:
    data = tx.edit("loan", rid)
    if not data.get("lent") or data.get("returned"):
        raise Refused(f"{rid} 没有借出或已归还 (not out on loan)")
    returned = {"date": on, "checked_by": tx.actor, "complete": not missing}
    if missing:
        returned["missing"] = missing
    data["returned"] = returned
    for number in data.get("dossiers") or []:
        tx.edit("dossier", number)["status"] = "archived"
    for cert in data.get("certificates") or []:
        tx.edit("certificate", cert)["status"] = "in_safe"
    return f"归还并核对{'（不完整）' if missing else ''}：{rid}"


def receive_certificate(tx: Transaction, dossier: str, details: dict, on: str) -> str:
    existing = [c for c in tx.index.of("certificate") if c.startswith(dossier + "-")]
    rid = f"{dossier}-{len(existing) + 1:02d}"
    data = {"id": rid, "dossier": dossier, **details, "received": act_of(tx.actor, on), "status": "in_safe"}
    tx.create("certificate", rid, data)
    return f"权证入保险柜：{rid}"


def release_certificate(tx: Transaction, rid: str, to: str, on: str) -> str:
    data = tx.edit("certificate", rid)
    released = data.get("released") or {}
    if not released.get("approved"):
        raise Refused(f"{rid} 的退还尚未批准：请审批人先执行 dangan sign certificate {rid} released.approved")
    released.update(by=tx.actor, date=on, to=to)
    data["status"] = "released"
    return f"权证退还客户：{rid}"


def supervise(tx: Transaction, rid: str) -> str:
    data = tx.edit("disposal", rid)
    supervisors = data.setdefault("supervisors", [])
    if tx.actor in supervisors:
        raise Refused(f"{tx.actor} 已是 {rid} 的监销人")
    append(supervisors, tx.actor)
    return f"监销签字：{rid}"


def execute_disposal(tx: Transaction, rid: str, on: str) -> str:
    data = tx.edit("disposal", rid)
    data["executed_on"] = on
    data["executed_by"] = tx.actor
    for number in data.get("dossiers") or []:
        dossier = tx.edit("dossier", number)
        dossier["status"] = "destroyed"
        dossier["disposal"] = rid
    return f"执行销毁：{rid}"
