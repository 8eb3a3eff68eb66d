"""The archive's rules that the checks, `dangan due` and the ledgers share (seed 000 篇1 §四–六):
the parts a dossier's inventory has, who signs it, the whole handover's deadline, the certificates'
deadline to the keeper, and how late a loan came back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..facts import Facts, date
from ..policy import Period
from ..record import Record

ARCHIVED = ("archived", "on_loan", "destroyed")  # statuses of a dossier that reached the archive


def inventory_parts(f: Facts, dossier: Record) -> tuple[str, ...]:
    """The parts the dossier's inventory has, in order: its type's `inventory_parts`, else every part of the
    policy's `inventory_parts`, in the policy's order."""
    kind = f.dossier_type(dossier)
    return (kind.inventory_parts if kind and kind.inventory_parts else ()) or tuple(f.policy.inventory_parts)


def parts_key(dossier: Record, f: Facts) -> str:
    """The policy key that lists the dossier's parts."""
    kind = f.dossier_type(dossier)
    if kind and kind.inventory_parts:
        return f"dossier_types.{dossier.get('business_type')}.inventory_parts"
    return "inventory_parts"


def left_first_holder(f: Facts, dossier: Record) -> bool:
    """Whether the first step of the chain (A to B) is handed over: from then on the inventory is complete."""
    chain = f.chain(dossier)
    first = chain[0].id if chain else None
    return any(isinstance(s, dict) and s.get("step") == first and s.get("handed_on")
               for s in dossier.get("handover") or [])


def signers(f: Facts, dossier: Record) -> list[str]:
    """Who signs the inventory list: whoever hands it over first (A) and every receiver along the chain
    (B, the archivist), as recorded; A by the dossier when nothing is recorded yet."""
    out = [dossier.get("manager_a")]
    for step in f.steps(dossier):
        if step.done is None:
            break
        out.append(step.done.get("to"))
    return [s for s in dict.fromkeys(out) if isinstance(s, str)]


@dataclass(frozen=True)
class Whole:
    """The whole handover's deadline: from the project end, the type's `handover_within`, unless an
    approved extension runs later."""
    start: dt.date
    period: Period
    deadline: dt.date
    extended_until: dt.date | None
    key: str

    @property
    def effective(self) -> dt.date:
        return max(self.deadline, self.extended_until or self.deadline)


def whole_handover(f: Facts, dossier: Record) -> Whole | None:
    kind = f.dossier_type(dossier)
    start = date(dossier.get("project_end"))
    if kind is None or kind.handover_within is None or start is None:
        return None
    allowed = f.approvers("extension")
    until = [date(e.get("until")) for e in dossier.get("extensions") or [] if isinstance(e, dict)
             and f.has_role((e.get("approved") or {}).get("by"), allowed)]
    until = [u for u in until if u]
    return Whole(start, kind.handover_within, f.calendar.deadline(start, kind.handover_within),
                 max(until) if until else None, f"dossier_types.{dossier.get('business_type')}.handover_within")


def certificate_deadline(f: Facts, certificate: Record) -> dt.date | None:
    """When the certificate must be with the keeper: `certificates.to_keeper_within` from its dossier's end."""
    period = f.policy.certificates.to_keeper_within
    dossier = f.index.get("dossier", certificate.get("dossier"))
    start = date(dossier.get("project_end")) if dossier else None
    return f.calendar.deadline(start, period) if start and period else None


def late_days(loan: Record, as_of: dt.date | None = None) -> int | None:
    """How many days after its due date a loan came back; with `as_of`, how long an open loan is overdue."""
    due = date(loan.get("due_on"))
    if due is None:
        return None
    returned = loan.get("returned")
    if isinstance(returned, dict):
        back = date(returned.get("date"))
        return (back - due).days if back and back > due else None
    if as_of is not None and isinstance(loan.get("lent"), dict) and as_of > due:
        return (as_of - due).days
    return None
