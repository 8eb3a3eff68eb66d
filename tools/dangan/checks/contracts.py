"""Contracts (seeds 002, 000): each event's documents (signing, every change, the termination, the
completion) to the contract administrator within `contracts.to_admin_within_months` and to the archive
within `contracts.to_archive_within_months` more; the 1.1–1.11 documents complete (or their absence
explained) when the contract is archived; the half-year statistics and the yearly credit report filed;
payments never exceed the amount; the credited rep agrees with the attribution rules (`attribution.*`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..attribution import decide
from ..facts import Facts
from ..groups import BY_SALE, grouped
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem, Words
from ..rules.contracts import filings, hand_ins, recorded_through


@needs("contracts", "approvals")
def check_contract_filing(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 002 篇二 3.: after signing, each change, the termination and the completion, the documents reach
    the contract administrator (a role of `approvals.contract_receipt`) within `contracts.to_admin_within_months`
    of the event, and the archive within `contracts.to_archive_within_months` of that hand-in (months clamped
    to the month's end; the deadline day itself is in time)."""
    section = f.policy.contracts
    receivers = f.approvers("contract_receipt")
    for contract in index.of("contract").values():
        for hand_in in hand_ins(f, contract):
            at = hand_in.at
            if hand_in.handed and hand_in.handed > hand_in.admin_deadline:
                yield contract.problem("contract.to-admin-late", (*at, "to_admin", "date"), value=True,
                                       event=hand_in.label, start=hand_in.start.isoformat(),
                                       months=section.to_admin_within_months,
                                       deadline=hand_in.admin_deadline.isoformat(),
                                       policy_key="contracts.to_admin_within_months")
            archived = hand_in.archived_on
            if archived and hand_in.archive_deadline and archived > hand_in.archive_deadline:
                yield contract.problem("contract.archive-late", (*at, "archived", "date"), value=True,
                                       event=hand_in.label, handed=hand_in.handed.isoformat(),
                                       months=section.to_archive_within_months,
                                       deadline=hand_in.archive_deadline.isoformat(),
                                       policy_key="contracts.to_archive_within_months")
            by = (hand_in.to_admin or {}).get("by")
            if by is not None and receivers and not f.has_role(by, receivers):
                yield contract.problem("approval.role", (*at, "to_admin", "by"), value=True, staff=by,
                                       roles=f.role_names(receivers), policy_key="approvals.contract_receipt")


def check_contract_documents(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 002 篇二 1.1–1.11: when the signing's documents are archived (`archived`), every item of the
    checklist (`documents`) is there, or `documents_missing` says why it is not."""
    checklist = index.schemas.field_info("contract", ("documents",))
    items = list((checklist.schema.get("properties") or {}) if checklist else {})
    for contract in index.of("contract").values():
        if not isinstance(contract.get("archived"), dict):
            continue
        present = contract.get("documents") if isinstance(contract.get("documents"), dict) else {}
        reasons = contract.get("documents_missing") if isinstance(contract.get("documents_missing"), dict) else {}
        missing = [k for k in items if present.get(k) is not True and not reasons.get(k)]
        if missing:
            names = "、".join(f"「{index.schemas.label('contract', ('documents', k))}」" for k in missing)
            where = ("documents",) if "documents" in contract.data else ("archived", "date")
            yield contract.problem("contract.documents-incomplete", where, missing=names, count=len(missing),
                                   archived=contract.get("archived", "date", default=""))


@needs("contracts", "credit")
def check_reports(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 002 篇二 4.: the contract statistics of each half by its `contracts.statistics_due` day and the
    credit-management analysis of the past year by `credit.report_due` are filed (`records/reports/`), from
    `contracts.reports_from` on. A report filed after its day is an error; one still missing when the archive
    has recorded acts past its day (`rules.contracts.recorded_through`) is a warning (`dangan due` lists it)."""
    through = recorded_through(index)
    if through is None:
        return
    for filing in filings(f, through):
        if filing.filed is None:
            if through > filing.due and index.policy is not None:
                key = tuple(filing.rule.split("."))
                yield index.policy.problem("report.missing", key, value=True, severity=WARNING,
                                           report=_label(index, filing.report), period=filing.period,
                                           deadline=filing.due.isoformat(), through=through.isoformat(),
                                           policy_key=filing.rule)
        elif filing.submitted and filing.submitted > filing.due:
            yield filing.filed.problem("report.late", ("submitted", "date"), value=True,
                                       report=_label(index, filing.report), period=filing.period,
                                       deadline=filing.due.isoformat(), policy_key=filing.rule)


def _label(index: Index, report: str) -> str:
    info = index.schemas.field_info("report", ("report",))
    return ((info.schema.get("x-labels") or {}) if info else {}).get(report, report)


def check_payments(index: Index, f: Facts) -> Iterator[Problem]:
    """Payments received never add up to more than the contract amount."""
    for contract in index.of("contract").values():
        amount = contract.get("amount")
        paid = [p.get("amount") for p in contract.get("payments") or [] if isinstance(p, dict)]
        numbers = [p for p in paid if isinstance(p, int | float) and not isinstance(p, bool)]
        if isinstance(amount, int | float) and numbers and round(sum(numbers), 2) > amount:
            yield contract.problem("contract.overpaid", ("payments",), paid=round(sum(numbers), 2), amount=amount)


@grouped(BY_SALE)
@needs("attribution", "approvals")
def check_attribution(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇2 (客户成单争议): the contract's `handled_by` is among those the attribution rules credit
    (`attribution.decide`: claims within the month, registrations, follow-ups and signed appointments,
    signed credit changes; policy `attribution.*`, `approvals.appointment`, `approvals.credit_change`).
    A claim raised after the close changes nothing, so the seller is then never accused."""
    for contract in index.of("contract").values():
        handler = contract.get("handled_by")
        if not isinstance(handler, str):
            continue
        verdict = decide(f, contract)
        if verdict.credited and handler not in verdict.credited:
            people = [(index.get("staff", s), s) for s in verdict.credited]
            credited = Words("、".join(f"{p.get('name')}（{s}）" if p else s for p, s in people),
                             ", ".join(f"{p.get('name')} ({s})" if p else s for p, s in people))
            yield contract.problem("attribution.credit", ("handled_by",), value=True, staff=handler,
                                   credited=credited, contract=contract.id, policy_key="attribution")

