"""A complaint's rounds (seed 004 篇二 1.1, 3., 4.; 篇四 7): the first handling and each reinvestigation,
as the checks judge them and `dangan due` lists them.

A round is investigated, its outcome approved by a role of `approvals.complaint_outcome`, replied to the
customer, and the customer's feedback recorded. A feedback below `complaints.satisfied_min` reopens the
investigation (the next round, cause `dissatisfied`), until the customer is satisfied or a recorded decision
(`decision`) closes it; the customer may also appeal within `complaints.appeal_within` of the reply (cause
`appeal`). A reinvestigation's reply is due within the complaint's reply period (`complaints.reply_within`, or
`urgent_reply_within`) of the day the customer raised it; an unanswered dissatisfied feedback from the day
it was recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..facts import Facts, date
from ..policy import Period
from ..record import Record


@dataclass(frozen=True)
class Round:
    at: tuple  # where the round's fields are: () for the first handling, ("reinvestigations", i)
    data: dict
    start: dt.date | None  # received (the first) or raised (a reinvestigation)

    def act(self, name: str) -> dict | None:
        found = self.data.get(name)
        return found if isinstance(found, dict) else None

    @property
    def replied(self) -> dt.date | None:
        return date((self.act("reply") or {}).get("date"))

    @property
    def feedback(self) -> dict | None:
        return self.act("feedback")


def rounds(complaint: Record) -> list[Round]:
    out = [Round((), complaint.data, date(complaint.get("received", "date")))]
    for i, entry in enumerate(complaint.get("reinvestigations") or []):
        if isinstance(entry, dict):
            out.append(Round(("reinvestigations", i), entry, date(entry.get("date"))))
    return out


def satisfaction(feedback: dict | None) -> int | None:
    value = (feedback or {}).get("satisfaction")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def dissatisfied(f: Facts, feedback: dict | None) -> bool:
    """Whether the customer's feedback is below `complaints.satisfied_min`."""
    minimum, score = f.policy.complaints.satisfied_min, satisfaction(feedback)
    return minimum is not None and score is not None and score < minimum


def reply_period(f: Facts, complaint: Record) -> tuple[str, Period | None]:
    key = "urgent_reply_within" if complaint.get("urgent") is True else "reply_within"
    return key, getattr(f.policy.complaints, key)


def round_reply_deadline(f: Facts, complaint: Record,
                         start: dt.date | None) -> tuple[dt.date | None, str, Period | None]:
    """A reinvestigation's reply: the complaint's reply period from the day the customer raised it."""
    key, period = reply_period(f, complaint)
    if start is None or period is None:
        return None, key, period
    return f.calendar.deadline(start, period), key, period


def appeal_deadline(f: Facts, replied: dt.date | None) -> dt.date | None:
    """The last day (inclusive) the customer may appeal against an outcome replied on `replied`."""
    period = f.policy.complaints.appeal_within
    return f.calendar.deadline(replied, period) if replied and period else None


def reopened_without_round(f: Facts, complaint: Record) -> Round | None:
    """The last round, when its feedback is dissatisfied and nothing followed it (no reinvestigation, no
    decision, not closed): a reinvestigation is owed."""
    last = rounds(complaint)[-1]
    if dissatisfied(f, last.feedback) and not isinstance(complaint.get("decision"), dict) \
            and not isinstance(complaint.get("closed"), dict):
        return last
    return None
