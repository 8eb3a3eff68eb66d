"""Contracts: numbered per department ({dept}合字{year}第{seq:03}号), handed to the contract administrator
and then to the archive, each within a month; repayments or fees received never exceed the amount."""

from __future__ import annotations

import datetime as dt

from .dates import DAY, TODAY, add_months, d, iso, next_workday, random_workday, workday_from
from .staff import ARCHIVIST, CONTRACT_ADMIN
from .world import World

DEPT_CODES = {"yw1": "业一", "yw2": "业二"}
# the dossiers with a contract record: the 2025 ones, and three earlier ones
EARLIER = [(2023, "loan", "KH0013"), (2024, "guarantee", "KH0018"), (2024, "loan", "KH0027")]
SERVICE = ("KH0004", "2025-04-15", 60_000)
TERMINATION = ("2024-05-20", "借款到期后逾期未还，经多次催收无果，依合同约定解除合同并提起诉讼。")
LOAN_DOCUMENTS = ("negotiation", "counterparty_credentials", "counterparty_capacity", "contract_copies", "receipts")


def build_contracts(world: World) -> None:
    planned = [_from_dossier(world, did) for key, did in world.meta["dossier_of"].items()
               if key[0] == 2025 or key in EARLIER]
    planned.append(_service(world))
    planned.sort(key=lambda c: (c["signed_on"], c["customer"]))
    per_year: dict[int, int] = {}
    per_dept: dict[tuple, int] = {}
    for data in planned:
        year = int(data["signed_on"][:4])
        per_year[year] = per_year.get(year, 0) + 1
        dept_seq = per_dept[(data["department"], year)] = per_dept.get((data["department"], year), 0) + 1
        data["id"] = f"HT{year}-{per_year[year]:03d}"
        data["number"] = f"{DEPT_CODES[data['department']]}合字{year}第{dept_seq:03d}号"
        _filing(world, data)
        world.add("contract", data)
    world.meta["contract_of"] = {c["dossier"]: c["id"] for c in world.of("contract").values() if "dossier" in c}


def _from_dossier(world: World, did: str) -> dict:
    dossier = world.get("dossier", did)
    customer = world.get("customer", dossier["customer"])
    signed = world.meta["signed"][did]
    start = d(dossier["project_end"])
    loan = dossier["business_type"] == "loan"
    title = "委托担保合同"
    if loan:
        title = "个人经营性借款合同" if customer["type"] == "individual" else "流动资金借款合同"
    data = {"number": "", "department": customer["department"], "customer": customer["id"], "dossier": did,
            "type": dossier["business_type"], "title": title, "amount": dossier["amount"],
            "signed_on": iso(signed), "term": {"start": iso(start), "end": iso(add_months(start, 12) - DAY)},
            "handled_by": dossier["manager_a"], "documents": _documents(dossier, customer)}
    if dossier["customer"] == "KH0013":
        _terminated(world, data)
    elif loan:
        _repayments(world, data)
    else:
        _guarantee_fee(world, data)
    if dossier.get("confidentiality") == "confidential":
        data["confidentiality"] = "confidential"
    return data


def _service(world: World) -> dict:
    cid, signed, amount = SERVICE
    customer = world.get("customer", cid)
    start = d(signed)
    data = {"number": "", "department": customer["department"], "customer": cid, "type": "service",
            "title": "财务顾问服务合同", "amount": amount, "signed_on": signed,
            "term": {"start": signed, "end": iso(add_months(start, 12) - DAY)}, "handled_by": customer["owner"],
            "documents": {"negotiation": True, "counterparty_credentials": True, "counterparty_authorisation": True,
                          "our_authorisation": True, "contract_copies": True}}
    data["payments"] = [_payment(start + offset * DAY, amount // 2, data["handled_by"])
                        for offset in (0, 183) if start + offset * DAY <= TODAY]
    data["status"] = "active"
    return data


def _documents(dossier: dict, customer: dict) -> dict:
    keys = list(LOAN_DOCUMENTS)
    if customer["type"] == "enterprise":
        keys += ["counterparty_authorisation", "our_authorisation"]
    if dossier["business_type"] == "guarantee":
        keys.append("guarantor_capacity")
    if any(item["title"].endswith(("抵押合同", "质押合同")) for part in dossier["inventory"] for item in part["items"]):
        keys.append("notarisation")
    return dict.fromkeys(keys, True)


def _payment(day: dt.date, amount: int, staff: str) -> dict:
    return {"date": iso(day), "amount": amount, "method": "transfer", "handled_by": staff}


def _repayments(world: World, data: dict) -> None:
    """Part of the principal after three and six months; everything by the end of the term."""
    start, end, amount = d(data["term"]["start"]), d(data["term"]["end"]), data["amount"]
    share = amount // 10 // 1000 * 1000
    payments = [_payment(random_workday(world.rng, add_months(start, m), add_months(start, m) + 9 * DAY),
                         share, data["handled_by"]) for m in (3, 6)]
    payments = [p for p in payments if p["date"] <= iso(TODAY)]
    if end <= TODAY:
        last = random_workday(world.rng, end - 20 * DAY, end - 5 * DAY)
        payments.append(_payment(last, amount - share * len(payments), data["handled_by"]))
        data.update({"payments": payments, "ended_on": iso(last), "status": "completed"})
        return
    if payments:
        data["payments"] = payments
    data["status"] = "active"


def _guarantee_fee(world: World, data: dict) -> None:
    signed, end = d(data["signed_on"]), d(data["term"]["end"])
    data["payments"] = [_payment(signed, data["amount"] * 2 // 100, data["handled_by"])]
    if end <= TODAY:
        data.update({"ended_on": iso(end), "status": "completed"})
    else:
        data["status"] = "active"


def _terminated(world: World, data: dict) -> None:
    day, note = TERMINATION
    start = d(data["term"]["start"])
    data["changes"] = [{"date": day, "kind": "termination", "note": note}]
    data["ended_on"] = day
    data["payments"] = [_payment(workday_from(add_months(start, 3)), data["amount"] // 5, data["handled_by"])]
    data["status"] = "terminated"


def _filing(world: World, data: dict) -> None:
    """To the contract administrator within a month of signing, to the archive within a month after."""
    to_admin = next_workday(d(data["signed_on"]), world.rng.randint(3, 10))
    if to_admin > TODAY:
        return
    data["to_admin"] = {"by": CONTRACT_ADMIN, "date": iso(to_admin)}
    archived = next_workday(to_admin, world.rng.randint(3, 10))
    if archived <= TODAY:
        data["archived"] = {"by": ARCHIVIST, "date": iso(archived)}
