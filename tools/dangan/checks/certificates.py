"""Certificates (seed 000 §五): received by a role in `approvals.certificate_receipt`, kept in the safe,
lent or released only with an approval by a role in `approvals.certificate_release`."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts
from ..index import Index
from ..policy import needs
from ..problems import Problem


@needs("approvals")
def check_certificates(index: Index, f: Facts) -> Iterator[Problem]:
    """Keeper's receipt, a place in the safe, approved release, status agreeing with loans."""
    allowed = f.approvers("certificate_release")
    for cert in index.of("certificate").values():
        received = cert.get("received")
        keepers = f.approvers("certificate_receipt")
        if isinstance(received, dict) and not f.has_role(received.get("by"), keepers):
            yield cert.problem("certificate.keeper", ("received", "by"), value=True, staff=received.get("by"),
                               role=f.role_names(keepers), policy_key="approvals.certificate_receipt")
        status = cert.get("status")
        if status == "in_safe" and not cert.get("location"):
            yield cert.problem("certificate.location", ("status",), value=True)
        if status in ("in_safe", "lent") and not isinstance(received, dict):
            yield cert.problem("certificate.unreceived", ("status",), value=True)
        released = cert.get("released")
        if isinstance(released, dict):
            by = (released.get("approved") or {}).get("by")
            if not f.has_role(by, allowed):
                yield cert.problem("approval.role", ("released", "approved", "by"), value=True, staff=by,
                                   roles=f.role_names(allowed), policy_key="approvals.certificate_release")
        open_loans = f.open_loans("certificate", cert.id)
        if status == "lent" and not open_loans:
            yield cert.problem("certificate.status", ("status",), value=True, status=status)
        if open_loans and status != "lent":
            yield cert.problem("certificate.status", ("status",), value=True, status=status,
                               loan=open_loans[0].id)
        for loan in f.loans_by_item.get(("certificate", cert.id), []):
            by = (loan.get("approved") or {}).get("by")
            if not f.has_role(by, allowed) and not f.has_role(loan.get("borrower"), allowed):
                yield loan.problem("approval.role", ("approved", "by"), value=True, staff=by,
                                   roles=f.role_names(allowed), policy_key="approvals.certificate_release")
