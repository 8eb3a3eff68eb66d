"""Staff (seed 003): someone who has left holds no loan and has no open handover step."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date, is_open
from ..index import Index
from ..problems import Problem


def check_departed_staff(index: Index, f: Facts) -> Iterator[Problem]:
    for loan in index.of("loan").values():
        left = f.left_on(loan.get("borrower"))
        back = date((loan.get("returned") or {}).get("date"))
        if left and (is_open(loan) or (back and back > left)):
            yield loan.problem("staff.left-loan", ("borrower",), value=True, staff=loan.get("borrower"),
                               left=left.isoformat())
    for dossier in index.of("dossier").values():
        if dossier.get("status") in ("archived", "on_loan", "destroyed", "voided"):
            continue
        holder = _holder(f, dossier)
        left = f.left_on(holder)
        if holder and left:
            yield dossier.problem("staff.left-step", ("handover",), staff=holder, left=left.isoformat())


def _holder(f, dossier):
    """Who must act next on an unfinished handover: the last receiver, else A."""
    steps = [s for s in dossier.get("handover") or [] if isinstance(s, dict)]
    return steps[-1].get("to") if steps else dossier.get("manager_a")
