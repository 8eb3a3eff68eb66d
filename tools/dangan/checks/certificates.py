"""Certificates (seed 000 §五): listed by the dossier's A, checked by A, B and a role in
`approvals.certificate_check` (name, number, quantity), with the keeper (`approvals.certificate_receipt`)
within `certificates.to_keeper_within` of the project end, separately from the dossier; kept in the safe
under their dossier's number, told apart by their own certificate numbers; lent or released only with an
approval by a role in `approvals.certificate_release` (or to a borrower in `approvals.loan_exempt`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..rules.archive import certificate_deadline


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
            if not f.has_role(by, allowed) and not f.has_role(loan.get("borrower"), f.approvers("loan_exempt")):
                yield loan.problem("approval.role", ("approved", "by"), value=True, staff=by,
                                   roles=f.role_names(allowed), policy_key="approvals.certificate_release")


@needs("approvals", "certificates")
def check_certificate_handover(index: Index, f: Facts) -> Iterator[Problem]:
    """The 权证移交清单 (seed 000 §五(二)(五)): listed by the dossier's A; once with the keeper, checked by A, B
    and a role in `approvals.certificate_check`, on time (`certificates.to_keeper_within`); two certificates
    of one dossier have different certificate numbers (the archive number is the dossier's for both)."""
    checkers = f.approvers("certificate_check")
    for dossier_id, certs in f.certificates_by_dossier.items():
        dossier = index.get("dossier", dossier_id)
        seen: dict[str, str] = {}
        for cert in sorted(certs, key=lambda c: c.id):
            number = cert.get("number")
            if isinstance(number, str) and number in seen:
                yield cert.problem("certificate.duplicate-number", ("number",), value=True, other=seen[number])
            elif isinstance(number, str):
                seen[number] = cert.id
            if dossier is None:
                continue
            manager_a, manager_b = dossier.get("manager_a"), dossier.get("manager_b")
            if cert.get("listed_by") is not None and cert.get("listed_by") != manager_a:
                yield cert.problem("certificate.listed-by", ("listed_by",), value=True, staff=cert.get("listed_by"),
                                   expected=manager_a)
            received = cert.get("received")
            if not isinstance(received, dict):
                continue
            checked = {c.get("by") for c in cert.get("checked") or [] if isinstance(c, dict)}
            at = ("checked",) if cert.get("checked") else ("received",)
            for person in (manager_a, manager_b):
                if isinstance(person, str) and person not in checked:
                    yield cert.problem("certificate.unchecked", at, staff=person)
            if not any(f.has_role(c, checkers) for c in checked):
                yield cert.problem("certificate.unchecked-role", at, roles=f.role_names(checkers),
                                   policy_key="approvals.certificate_check")
            deadline, on = certificate_deadline(f, cert), date(received.get("date"))
            if deadline and on and on > deadline:
                yield cert.problem("certificate.late", ("received", "date"), value=True, deadline=deadline.isoformat(),
                                   received=on.isoformat(), end=dossier.get("project_end"),
                                   policy_key="certificates.to_keeper_within")
