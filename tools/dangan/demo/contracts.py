"""Contracts: numbered per department ({dept}合字{year}第{seq:03}号); the documents of each event (signing,
a change, the termination, the completion) handed to the contract administrator and then to the archive, each
within a month; the 1.1–1.11 checklist complete or its gaps explained; repayments or fees received never exceed
the amount. Reports to the group: the half-year statistics and the yearly credit report, filed from 2025 on.

The hand-ins of changes and completions and the reports draw on their own generators (seeded by the contract
or report), so that adding them leaves every other random choice of the demo as it was."""

from __future__ import annotations

import datetime as dt
import random

from .dates import DAY, TODAY, add_months, d, iso, next_workday, random_workday, workday_from
from .staff import ARCHIVIST, CONTRACT_ADMIN
from .world import World

DEPT_CODES = {"yw1": "业一", "yw2": "业二"}
# the dossiers with a contract record: the 2025 ones, and three earlier ones
EARLIER = [(2023, "loan", "KH0013"), (2024, "guarantee", "KH0018"), (2024, "loan", "KH0027")]
SERVICE = ("KH0004", "2025-04-15", 60_000)
TERMINATION = ("2024-05-20", "借款到期后逾期未还，经多次催收无果，依合同约定解除合同并提起诉讼。")
LOAN_DOCUMENTS = ("negotiation", "counterparty_credentials", "counterparty_capacity", "contract_copies", "receipts")
CHECKLIST = ("negotiation", "counterparty_credentials", "counterparty_capacity", "counterparty_authorisation",
             "our_authorisation", "guarantor_capacity", "correspondence", "notarisation", "contract_copies",
             "acceptance", "receipts")
# why a document of the checklist is not in a contract's file (seed 002 篇二 1.1–1.11)
REASONS = {
    "counterparty_credentials": "服务合同，对方为长期合作客户，资信资料已在客户信用档案中。",
    "counterparty_capacity": "服务合同，由我方提供服务，未要求对方提供履约能力证明。",
    "counterparty_authorisation": "对方为自然人，本人签署，无授权委托书。",
    "our_authorisation": "由我方法定代表人亲自签署，无授权委托书。",
    "guarantor_capacity": "本合同无对方担保人。",
    "correspondence": "签订过程中双方未发生往来函件、电报、传真。",
    "notarisation": "未办理登记、见证、鉴证或公证。",
    "acceptance": "借款、担保合同无标的验收。",
    "receipts": "尚未发生交接或收付。",
}
# a change of the service contract (supplementary agreement), handed in and archived like the signing
CHANGE = ("2025-10-09", "双方签订补充协议，服务内容增加季度财务分析报告，合同金额不变。")
STATISTICS_DUE = ("2025-01-10", "2025-07-10")  # the demo files those due from the policy's reports_from on


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
            "handled_by": dossier["manager_a"], **_checklist(_documents(dossier, customer), "loan")}
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
            "changes": [{"date": CHANGE[0], "kind": "change", "note": CHANGE[1]}],
            **_checklist(["negotiation", "counterparty_authorisation", "our_authorisation", "contract_copies",
                          "receipts"], "service")}
    data["payments"] = [_payment(start + offset * DAY, amount // 2, data["handled_by"])
                        for offset in (0, 183) if start + offset * DAY <= TODAY]
    data["status"] = "active"
    return data


def _documents(dossier: dict, customer: dict) -> list[str]:
    keys = list(LOAN_DOCUMENTS)
    if customer["type"] == "enterprise":
        keys += ["counterparty_authorisation", "our_authorisation"]
    if dossier["business_type"] == "guarantee":
        keys.append("guarantor_capacity")
    if any(item["title"].endswith(("抵押合同", "质押合同")) for part in dossier["inventory"] for item in part["items"]):
        keys.append("notarisation")
    return keys


def _checklist(present: list[str], kind: str) -> dict:
    """`documents` with the documents there, `documents_missing` with the reason for each of the others."""
    missing = {k: REASONS[k] for k in CHECKLIST if k not in present}
    if kind == "service":
        missing["acceptance"] = "服务按月提供，无一次性标的验收；服务成果随季度报告交付。"
    return {"documents": dict.fromkeys([k for k in CHECKLIST if k in present], True), "documents_missing": missing}


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
    """To the contract administrator within a month of signing, to the archive within a month after; the same
    for each change or termination and for the completion (a terminated contract hands its end in once)."""
    to_admin = next_workday(d(data["signed_on"]), world.rng.randint(3, 10))
    if to_admin > TODAY:
        return
    data["to_admin"] = {"by": CONTRACT_ADMIN, "date": iso(to_admin)}
    archived = next_workday(to_admin, world.rng.randint(3, 10))
    if archived <= TODAY:
        data["archived"] = {"by": ARCHIVIST, "date": iso(archived)}
    rng = random.Random(f"hand-ins {data['id']}")
    for change in data.get("changes", []):
        _hand_in(rng, change, d(change["date"]))
    if "ended_on" in data and not any(c["kind"] == "termination" for c in data.get("changes", [])):
        completion: dict = {}
        _hand_in(rng, completion, d(data["ended_on"]))
        if completion:
            data["completion"] = completion


def _hand_in(rng: random.Random, block: dict, event: dt.date) -> None:
    to_admin = next_workday(event, rng.randint(3, 10))
    if to_admin > TODAY:
        return
    block["to_admin"] = {"by": CONTRACT_ADMIN, "date": iso(to_admin)}
    archived = next_workday(to_admin, rng.randint(3, 10))
    if archived <= TODAY:
        block["archived"] = {"by": ARCHIVIST, "date": iso(archived)}


def build_reports(world: World) -> None:
    """The filings to the group due in 2025: the statistics of 2024H2 and 2025H1, the credit report for 2024;
    each on a working day in the week before its day. Those due on 2026-01-10 are still to come."""
    filings = [("contract_statistics", "2024H2", STATISTICS_DUE[0],
                "2024 年下半年各部门合同签订、回款和未回款情况。"),
               ("credit_analysis", "2024", STATISTICS_DUE[0],
                "2024 年授信客户的评级分布、逾期和催收情况；两户列入黑名单，建议收紧建筑业客户授信。"),
               ("contract_statistics", "2025H1", STATISTICS_DUE[1], "2025 年上半年各部门合同签订、回款和未回款情况。")]
    for seq, (report, period, due, summary) in enumerate(filings, 1):
        rng = random.Random(f"report {report} {period}")
        day = random_workday(rng, d(due) - 7 * DAY, d(due) - DAY)
        world.add("report", {"id": f"BS2025-{seq:03d}", "report": report, "period": period,
                             "submitted": {"by": CONTRACT_ADMIN, "date": iso(day)},
                             "to": "集团公司信用（合同）管理机构", "summary": summary})
