"""Destruction (seed 001): only after the retention period has expired, each dossier verified
complete first (by a role in `approvals.disposal_verification`), approved by a role in
`approvals.disposal`, with at least `disposal.min_supervisors` supervisors other than the
executor; a destroyed dossier stays as a record marked destroyed, its certificates released first."""

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


@needs("approvals")
def check_verification(index: Index, f: Facts) -> Iterator[Problem]:
    """Before destruction each dossier is verified complete (seed 001 客户档案管理制度流程 四7(2) 销毁前核实):
    every dossier on an executed disposal has a verification found complete, by a role of
    `approvals.disposal_verification`, dated on or before `executed_on`; a verification names a listed dossier."""
    allowed = f.approvers("disposal_verification")
    for disposal in index.of("disposal").values():
        listed = [n for n in disposal.get("dossiers") or [] if isinstance(n, str)]
        checks = [(j, v) for j, v in enumerate(disposal.get("verification") or []) if isinstance(v, dict)]
        for j, v in checks:
            if isinstance(v.get("dossier"), str) and v.get("dossier") not in listed:
                yield disposal.problem("disposal.verification-unlisted", ("verification", j, "dossier"), value=True,
                                       dossier=v.get("dossier"))
        executed = date(disposal.get("executed_on"))
        if executed is None:
            continue  # a list being prepared: its dossiers are verified before it is carried out
        for i, number in enumerate(disposal.get("dossiers") or []):
            found = [(j, v) for j, v in checks if v.get("dossier") == number]
            if not found:
                yield disposal.problem("disposal.unverified", ("dossiers", i), value=True, dossier=number,
                                       roles=f.role_names(allowed), policy_key="approvals.disposal_verification")
            for j, v in found:
                if v.get("by") and not f.has_role(v.get("by"), allowed):
                    yield disposal.problem("disposal.verifier-role", ("verification", j, "by"), value=True,
                                           staff=v.get("by"), roles=f.role_names(allowed),
                                           policy_key="approvals.disposal_verification")
                verified = date(v.get("date"))
                if verified and verified > executed:
                    yield disposal.problem("disposal.verified-late", ("verification", j, "date"), value=True,
                                           dossier=number, executed=executed.isoformat())
                if v.get("complete") is not True:
                    yield disposal.problem("disposal.verified-incomplete", ("verification", j, "complete"),
                                           value=True, dossier=number)


def check_executor(index: Index, f: Facts) -> Iterator[Problem]:
    """Whoever carries out the destruction is not one of its supervisors (监销人): the supervisors watch the
    executor, so `disposal.min_supervisors` counts other people (公司自定, national archive practice)."""
    for disposal in index.of("disposal").values():
        executor = disposal.get("executed_by")
        for k, supervisor in enumerate(disposal.get("supervisors") or []):
            if isinstance(executor, str) and supervisor == executor:
                yield disposal.problem("disposal.executor-supervises", ("supervisors", k), value=True, staff=executor)
