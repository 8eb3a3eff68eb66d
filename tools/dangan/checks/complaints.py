"""Complaints (seeds 004, 001): replied within `complaints.reply_within`, or
`complaints.urgent_reply_within` when urgent; closed only with the customer's feedback;
archived under its own name and number within `complaints.archive_within` of closing."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..rules.deadlines import archive_deadline, reply_deadline
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


@needs("complaints")
def check_complaint_archive(index: Index, f: Facts) -> Iterator[Problem]:
    """A closed complaint is archived with its name, number and date (seed 001 客诉档案管理制度及流程 四3(2)
    「归档时，需注明档案名称、编号、归档日期」) within `complaints.archive_within` of closing, never before
    it is closed; each archive number names one complaint (seed 001 五2「分类、编码、编号」)."""
    numbers: dict[str, str] = {}
    for complaint in sorted(index.of("complaint").values(), key=lambda r: r.id):
        archived = complaint.get("archived")
        if not isinstance(archived, dict):
            continue
        number = archived.get("number")
        if isinstance(number, str):
            if number in numbers:
                yield complaint.problem("complaint.archive-number", ("archived", "number"), value=True,
                                        number=number, other=numbers[number])
            numbers.setdefault(number, complaint.id)
        closed, done = date(complaint.get("closed", "date")), date(archived.get("date"))
        if closed is None:
            yield complaint.problem("complaint.archived-open", ("archived",))
            continue
        if done is None:
            continue
        if done < closed:
            yield complaint.problem("complaint.archived-before-closed", ("archived", "date"), value=True,
                                    closed=closed.isoformat())
        deadline, period = archive_deadline(f, complaint)
        if deadline and done > deadline:
            yield complaint.problem("complaint.archive-late", ("archived", "date"), value=True,
                                    closed=closed.isoformat(), deadline=deadline.isoformat(),
                                    period=describe(period), policy_key="complaints.archive_within")
