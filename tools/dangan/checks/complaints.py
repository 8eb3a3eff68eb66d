"""Complaints (seeds 004, 001): replied within `complaints.reply_within`, or
`complaints.urgent_reply_within` when urgent; closed only with the customer's feedback."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date, facts
from ..index import Index, Record
from ..problems import Problem
from ..workdays import describe


def reply_deadline(f: Facts, complaint: Record):
    received = date((complaint.get("received") or {}).get("date"))
    key = "urgent_reply_within" if complaint.get("urgent") is True else "reply_within"
    period = (f.policy.get("complaints") or {}).get(key)
    if received is None or not isinstance(period, dict):
        return None, key, period
    return f.calendar.deadline(received, period), key, period


def check_complaints(index: Index) -> Iterator[Problem]:
    f = facts(index)
    for complaint in index.of("complaint").values():
        deadline, key, period = reply_deadline(f, complaint)
        replied = date((complaint.get("reply") or {}).get("date"))
        if deadline and replied and replied > deadline:
            yield complaint.problem("complaint.late-reply", ("reply", "date"), value=True,
                                    deadline=deadline.isoformat(), period=describe(period),
                                    policy_key=f"complaints.{key}")
        closed = complaint.get("closed")
        if isinstance(closed, dict):
            if not isinstance(complaint.get("feedback"), dict):
                yield complaint.problem("complaint.closed-without-feedback", ("closed",))
            if not isinstance(complaint.get("reply"), dict):
                yield complaint.problem("complaint.closed-without-reply", ("closed",))
