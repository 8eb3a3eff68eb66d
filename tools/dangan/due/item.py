"""What `dangan due` lists: one deadline, whose it is, and the rule that sets it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..facts import Facts


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: str  # handover, supplement, extension, loan, certificate, retention, …
    record: str  # "kind/id"
    what: str
    due: dt.date
    owner: str | None  # staff id
    rule: str  # the policy key (or rule) that sets the date
    provisional: tuple[int, ...] = ()  # the years of unknown holidays its working days were counted through

    def overdue_days(self, as_of: dt.date) -> int:
        return max(0, (as_of - self.due).days)

    def as_dict(self, as_of: dt.date) -> dict:
        out = {"kind": self.kind, "record": self.record, "what": self.what, "due": self.due.isoformat(),
               "owner": self.owner, "overdue_days": self.overdue_days(as_of), "rule": self.rule}
        if self.provisional:
            out |= {"provisional": True, "provisional_years": list(self.provisional)}
        return out


Source = Callable[[Facts, dt.date, dt.date], Iterator[DueItem]]  # (facts, as of, horizon)
