"""A visit's own deadlines (seed 000 篇4 客户回访制度): its report and the materials it took along —
shared by the checks and `dangan due`."""

from __future__ import annotations

import datetime as dt

from ..facts import Facts, date
from ..policy import Period
from ..problems import Words
from ..record import Record
from ..workdays import describe


def report_deadline(f: Facts, visit: Record) -> tuple[dt.date | None, Period | None]:
    """The last day (inclusive) for the visit report: `visits.report_within` after the visit."""
    return _after_visit(f, visit, f.policy.visits.report_within)


def materials_deadline(f: Facts, visit: Record) -> tuple[dt.date | None, Period | None]:
    """The last day (inclusive) to return the visit's materials or have their keeping approved:
    `visits.materials_return_within` after the visit."""
    return _after_visit(f, visit, f.policy.visits.materials_return_within)


def _after_visit(f: Facts, visit: Record, period: Period | None) -> tuple[dt.date | None, Period | None]:
    day = date(visit.get("date"))
    if period is None or day is None:
        return None, period
    return f.calendar.deadline(day, period), period


def period_words(period: Period) -> Words:
    """A period in words for "应在{period}交…": 当日 for none, else " 1 天内", " 3 个工作日内"."""
    if period.days == 0:
        return Words("当日", "on the day")
    words = describe(period)
    return Words(f" {words}内", f"within {words.en}")
