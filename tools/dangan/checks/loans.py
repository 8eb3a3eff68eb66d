"""Loans (seed 000 §六, 003): approved by a role in `approvals.loan` unless the borrower
holds a role in `approvals.loan_exempt`; nothing lent twice at once; destroyed or sealed
files only with `approvals.sealed_access`; lent and checked back by the roles in
`approvals.lending` and `approvals.return_check`, listing
what is missing when incomplete; a loan returned after its due date stays marked late
(seed 000 §六(三)「在…规定的期限内…归还」)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise

from ..facts import Facts, date, is_open, loan_items
from ..groups import BY_ITEM, BY_REFERENCE, grouped
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem
from ..rules.archive import late_days


@grouped(BY_REFERENCE)  # a loan with the staff and the files it names (the policy read whole)
@needs("approvals", "loans")
def check_loans(index: Index, f: Facts) -> Iterator[Problem]:
    for loan in index.of("loan").values():
        borrower = loan.get("borrower")
        approved = loan.get("approved") if isinstance(loan.get("approved"), dict) else None
        if not f.has_role(borrower, f.approvers("loan_exempt")):
            if approved is None and not isinstance(loan.get("lent"), dict):
                pass  # a slip waiting for its approval
            elif approved is None:
                yield loan.problem("loan.unapproved", ("borrower",), value=True, staff=borrower,
                                   roles=f.role_names(f.approvers("loan")), policy_key="approvals.loan")
            elif not f.has_role(approved.get("by"), f.approvers("loan")):
                yield loan.problem("approval.role", ("approved", "by"), value=True, staff=approved.get("by"),
                                   roles=f.role_names(f.approvers("loan")), policy_key="approvals.loan")
        lent_on = date((loan.get("lent") or {}).get("date"))
        if approved and lent_on and date(approved.get("date")) and date(approved.get("date")) > lent_on:
            yield loan.problem("loan.approved-late", ("approved", "date"), value=True)
        due = date(loan.get("due_on"))
        if lent_on and due and due < lent_on:
            yield loan.problem("loan.dates", ("due_on",), value=True)
        lent_by = (loan.get("lent") or {}).get("by")
        if lent_by is not None and not f.has_role(lent_by, f.approvers("lending")):
            yield loan.problem("loan.clerk", ("lent", "by"), value=True, staff=lent_by,
                               roles=f.role_names(f.approvers("lending")), policy_key="approvals.lending")
        yield from _sealed(f, loan, approved)
        yield from _return(f, loan, lent_on)


def _sealed(f, loan, approved) -> Iterator[Problem]:
    allowed = f.approvers("sealed_access")
    for kind, item in loan_items(loan):
        record = f.index.get(kind, item)
        if record is None:
            continue
        sealed = record.get("confidentiality") == "sealed" or record.get("status") == "destroyed"
        if sealed and not (approved and f.has_role(approved.get("by"), allowed)):
            yield loan.problem("loan.sealed", ("approved",), item=item, roles=f.role_names(allowed),
                               policy_key="approvals.sealed_access")


def _return(f, loan, lent_on) -> Iterator[Problem]:
    returned = loan.get("returned")
    if not isinstance(returned, dict):
        return
    if not f.has_role(returned.get("checked_by"), f.approvers("return_check")):
        yield loan.problem("loan.return-checker", ("returned", "checked_by"), value=True,
                           staff=returned.get("checked_by"), roles=f.role_names(f.approvers("return_check")),
                           policy_key="approvals.return_check")
    missing = returned.get("missing") or []
    if returned.get("complete") is False and not missing:
        yield loan.problem("loan.missing-unlisted", ("returned", "complete"), value=True)
    if returned.get("complete") is True and missing:
        yield loan.problem("loan.missing-contradiction", ("returned", "missing"))
    back = date(returned.get("date"))
    if back and lent_on and back < lent_on:
        yield loan.problem("loan.dates", ("returned", "date"), value=True)
    late = late_days(loan)
    if late:
        yield loan.problem("loan.returned-late", ("returned", "date"), value=True, severity=WARNING, days=late,
                           due=loan.get("due_on"), returned=back.isoformat())


@grouped(BY_ITEM)
def check_double_lending(index: Index, f: Facts) -> Iterator[Problem]:
    """Nothing is lent twice at once: the periods of two loans of one item do not overlap."""
    for (_, item), loans in f.loans_by_item.items():
        periods = []
        for loan in loans:
            start = date((loan.get("lent") or {}).get("date"))
            if start is None:
                continue
            end = date((loan.get("returned") or {}).get("date")) if not is_open(loan) else dt.date.max
            periods.append((start, end or dt.date.max, loan))
        periods.sort(key=lambda p: (p[0], p[2].id))
        for (_, end, first), (start, _, second) in pairwise(periods):
            if start < end:
                yield second.problem("loan.double", ("lent", "date"), value=True, item=item, other=first.id)


@grouped(BY_ITEM)
def check_dossier_status(index: Index, f: Facts) -> Iterator[Problem]:
    """A dossier is `on_loan` exactly while an open loan names it."""
    for dossier in index.of("dossier").values():
        loans = f.open_loans("dossier", dossier.id)
        status = dossier.get("status")
        if loans and status not in ("on_loan", "destroyed"):
            yield dossier.problem("dossier.on-loan", ("status",), value=True, status=status, loan=loans[0].id)
        elif status == "on_loan" and not loans:
            yield dossier.problem("dossier.not-on-loan", ("status",), value=True)
