"""Contracts (seeds 002, 000): documents to the contract administrator within
`contracts.to_admin_within_months` of signing, changing or ending, to the archive within
`contracts.to_archive_within_months` more; payments never exceed the amount; the
credited rep agrees with the attribution rules (`attribution.*`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..attribution import decide
from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..rules.deadlines import filing_deadlines


@needs("contracts", "approvals")
def check_contract_filing(index: Index, f: Facts) -> Iterator[Problem]:
    receivers = f.approvers("contract_receipt")
    for contract in index.of("contract").values():
        admin_deadline, archive_deadline = filing_deadlines(f, contract)
        handed = date((contract.get("to_admin") or {}).get("date"))
        if handed and admin_deadline and handed > admin_deadline:
            yield contract.problem("contract.to-admin-late", ("to_admin", "date"), value=True,
                                   deadline=admin_deadline.isoformat(), policy_key="contracts.to_admin_within_months")
        archived = date((contract.get("archived") or {}).get("date"))
        if archived and archive_deadline and archived > archive_deadline:
            yield contract.problem("contract.archive-late", ("archived", "date"), value=True,
                                   deadline=archive_deadline.isoformat(),
                                   policy_key="contracts.to_archive_within_months")
        by = (contract.get("to_admin") or {}).get("by")
        if by is not None and receivers and not f.has_role(by, receivers):
            yield contract.problem("approval.role", ("to_admin", "by"), value=True, staff=by,
                                   roles=f.role_names(receivers), policy_key="approvals.contract_receipt")


def check_payments(index: Index, f: Facts) -> Iterator[Problem]:
    """Payments received never add up to more than the contract amount."""
    for contract in index.of("contract").values():
        amount = contract.get("amount")
        paid = [p.get("amount") for p in contract.get("payments") or [] if isinstance(p, dict)]
        numbers = [p for p in paid if isinstance(p, int | float) and not isinstance(p, bool)]
        if isinstance(amount, int | float) and numbers and round(sum(numbers), 2) > amount:
            yield contract.problem("contract.overpaid", ("payments",), paid=round(sum(numbers), 2), amount=amount)


@needs("attribution")
def check_attribution(index: Index, f: Facts) -> Iterator[Problem]:
    """The contract's `handled_by` is among those the attribution rules credit."""
    for contract in index.of("contract").values():
        handler = contract.get("handled_by")
        if not isinstance(handler, str):
            continue
        verdict = decide(f, contract)
        if verdict.credited and handler not in verdict.credited:
            yield contract.problem("attribution.credit", ("handled_by",), value=True, staff=handler,
                                   credited="、".join(verdict.credited), contract=contract.id,
                                   policy_key="attribution")
