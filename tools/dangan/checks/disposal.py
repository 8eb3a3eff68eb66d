"""Destruction (seed 001): only after the retention period has expired, approved by a
role in `approvals.disposal`, with at least `disposal.min_supervisors` supervisors; a
destroyed dossier stays as a record marked destroyed, its certificates released first."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem


@needs("approvals", "disposal")
def check_disposals(index: Index, f: Facts) -> Iterator[Problem]:
    allowed = f.approvers("disposal")
    minimum = f.policy.disposal.min_supervisors
    for disposal in index.of("disposal").values():
        if not disposal.get("executed_on"):
            continue  # a list being prepared: approval and supervisors are needed before it is carried out
        approved = disposal.get("approved") or {}
        if not approved:
            yield disposal.problem("disposal.unapproved", ("executed_on",), value=True,
                                   roles=f.role_names(allowed), policy_key="approvals.disposal")
        if approved and not f.has_role(approved.get("by"), allowed):
            yield disposal.problem("approval.role", ("approved", "by"), value=True, staff=approved.get("by"),
                                   roles=f.role_names(allowed), policy_key="approvals.disposal")
        supervisors = [s for s in disposal.get("supervisors") or [] if isinstance(s, str)]
        if isinstance(minimum, int) and len(set(supervisors)) < minimum:
            yield disposal.problem("disposal.supervisors", ("supervisors",), count=len(set(supervisors)),
                                   minimum=minimum, policy_key="disposal.min_supervisors")
        when = date(disposal.get("executed_on")) or date(approved.get("date"))
        for i, number in enumerate(disposal.get("dossiers") or []):
            dossier = index.get("dossier", number) if isinstance(number, str) else None
            if dossier is None:
                continue
            expiry = f.retention_expiry(dossier)
            if when and expiry and when < expiry:
                yield disposal.problem("disposal.retention", ("dossiers", i), value=True, dossier=number,
                                       expiry=expiry.isoformat(), years=f.retention_years(dossier),
                                       policy_key=f"dossier_types.{dossier.get('business_type')}.retention_years")
            if disposal.get("executed_on") and (dossier.get("status") != "destroyed"
                                                or dossier.get("disposal") != disposal.id):
                yield dossier.problem("disposal.status", ("status",), value=True, disposal=disposal.id)
            for cert in f.certificates_by_dossier.get(number, []):
                released = date((cert.get("released") or {}).get("date"))
                if cert.get("status") != "released" or (when and released and released > when):
                    yield cert.problem("disposal.certificate", ("status",), value=True, dossier=number,
                                       disposal=disposal.id)


def check_destroyed_dossiers(index: Index, f: Facts) -> Iterator[Problem]:
    """A dossier marked destroyed is listed by the disposal it names."""
    for dossier in index.of("dossier").values():
        if dossier.get("status") != "destroyed":
            continue
        disposal = index.get("disposal", dossier.get("disposal")) if isinstance(dossier.get("disposal"), str) else None
        if disposal is None or dossier.id not in (disposal.get("dossiers") or []):
            yield dossier.problem("disposal.unlisted", ("status",), value=True)
