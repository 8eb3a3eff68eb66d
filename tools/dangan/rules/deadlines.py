"""Deadlines that the checks judge and `dangan due` lists: a complaint's reply (seed 004, 001) and its archiving
(a contract's hand-ins: `rules.contracts`)."""

from __future__ import annotations

import datetime as dt

from ..facts import Facts, date
from ..policy import Period
from ..record import Record


def reply_deadline(f: Facts, complaint: Record) -> tuple[dt.date | None, str, Period | None]:
    """When a complaint must be answered, the policy key that says so, and its period."""
    received = date(complaint.get("received", "date"))
    key = "urgent_reply_within" if complaint.get("urgent") is True else "reply_within"
    period = getattr(f.policy.complaints, key)
    if received is None or period is None:
        return None, key, period
    return f.calendar.deadline(received, period), key, period


def archive_deadline(f: Facts, complaint: Record) -> tuple[dt.date | None, Period | None]:
    """When a closed complaint must be archived (seed 001: 客诉档案归档), and the period that says so."""
    closed = date(complaint.get("closed", "date"))
    period = f.policy.complaints.archive_within
    if closed is None or period is None:
        return None, period
    return f.calendar.deadline(closed, period), period
