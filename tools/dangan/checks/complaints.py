"""Complaints (seeds 004, 001): replied within `complaints.reply_within`, or
`complaints.urgent_reply_within` when urgent; closed only with the customer's feedback."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..rules.deadlines import reply_deadline
from ..workdays import describe


@needs("complaints")
def check_complaints(index: Index, f: Facts) -> Iterator[Problem]:
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
