"""`dangan due`: what is due or overdue on a date, and whose it is.

Each source is a function of the facts, the day and the horizon yielding `DueItem`s (`due.item`);
the archive's sources are in `due.archive`, the customer side's in `due.customers`. A deadline
counted in working days through a year whose official holidays are not known is provisional
(`WorkCalendar.guessed_years`). `out_of_range` names the days that cannot be computed at all.
"""

from __future__ import annotations

import datetime as dt

from ..facts import facts
from ..index import Index
from ..problems import Problem
from ..schedules import LUNAR_YEARS, SCHEDULED_DAYS
from ..workdays import OFFICIAL_YEARS, official_source, spans
from . import archive, attribution, complaints, contracts, customers, reports
from .item import DueItem, Source

SOURCES: list[Source] = [*archive.SOURCES, *customers.SOURCES, *contracts.SOURCES, *complaints.SOURCES,
                         *reports.SOURCES, *attribution.SOURCES]
__all__ = ["SOURCES", "DueItem", "Source", "collect", "out_of_range"]


def out_of_range(index: Index, as_of: dt.date, within: int) -> Problem | None:
    """`due.out-of-range` when `as_of`, or the horizon `within` days later, is a day `collect` cannot compute:
    outside the schedules' days (the lunar calendar's years). Inside them every day is computed; where the
    official holidays are not known, working-day deadlines come out provisional."""
    first, last = SCHEDULED_DAYS
    if first <= as_of <= last:
        horizon = as_of + dt.timedelta(days=within)
        if horizon <= last:
            return None
        outside = horizon
    else:
        outside = as_of
    policy_years = facts(index).calendar.policy_years - OFFICIAL_YEARS
    return Problem("due.out-of-range", "", args={
        "day": outside.isoformat(), "first": first.isoformat(), "last": last.isoformat(),
        "lunar_first": LUNAR_YEARS[0], "lunar_last": LUNAR_YEARS[-1], "official": spans(OFFICIAL_YEARS),
        "package": official_source(), "policy_years": spans(policy_years)})


def collect(index: Index, as_of: dt.date, within: int, staff: str | None = None) -> list[DueItem]:
    """Everything due on or before `as_of + within` days (overdue included), earliest first."""
    f = facts(index)
    horizon = as_of + dt.timedelta(days=within)
    items = [item for source in SOURCES for item in source(f, as_of, horizon)
             if item.due <= horizon and (staff is None or item.owner == staff)]
    return sorted(items, key=lambda i: (i.due, i.kind, i.record))
