"""Working days on the official mainland calendar, with the policy's own additions.

A day is a working day unless it is a company closure or an official holiday; a
weekend day is a working day when it is an adjusted working day (调休). The
`chinesecalendar` package knows 2004–2026 (1.11); the policy's ``calendar`` adds official
holidays and make-up days for later years (and company closures). For a year that
neither covers, Monday–Friday is assumed and the year is remembered, so that the
checks can warn once (``calendar.unknown-year``); a working-day deadline counted
through such a year is provisional (`WorkCalendar.guessed_years`), and `dangan due`
marks it so. `WorkCalendar.knows` is the one answer to whether a year is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from typing import TYPE_CHECKING

import chinese_calendar

from .problems import Words

if TYPE_CHECKING:  # the policy's values, read by duck typing: this module sits below the policy
    from .policy import Calendar, Period

OFFICIAL_YEARS = frozenset({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
UNITS = {"working_days": "个工作日", "calendar_days": "天"}


def _dates(values) -> set[dt.date]:
    out = set()
    for value in values or ():
        try:
            out.add(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            continue  # the schema check reports malformed dates
    return out


@dataclass
class WorkCalendar:
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)
    closures: set[dt.date] = field(default_factory=set)
    unknown_years: set[int] = field(default_factory=set)

    @classmethod
    def from_policy(cls, calendar: Calendar) -> WorkCalendar:
        """From the policy's `calendar` (`policy.Calendar`)."""
        return cls(_dates(calendar.holidays), _dates(calendar.workdays), _dates(calendar.closures))

    @cached_property
    def policy_years(self) -> frozenset[int]:
        """The years whose holidays or make-up days the policy's `calendar` lists."""
        return frozenset(d.year for d in self.holidays | self.workdays)

    def knows(self, year: int) -> bool:
        """Whether the official holidays and make-up days of `year` are known: by the package or the policy."""
        return year in OFFICIAL_YEARS or year in self.policy_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.closures or day in self.holidays:
            return False
        if day in self.workdays:
            return True
        if day.year in OFFICIAL_YEARS:
            if day in chinese_calendar.holidays:
                return False
            if day in chinese_calendar.workdays:
                return True
        elif not self.knows(day.year):
            self.unknown_years.add(day.year)
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (`start` itself not counted)."""
        day = start
        while days > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                days -= 1
        return day

    def deadline(self, start: dt.date, period: Period) -> dt.date:
        """`start` plus a policy period (`policy.Period`: so many working or calendar days)."""
        if period.unit == "working_days":
            return self.add_workdays(start, period.days)
        return start + dt.timedelta(days=period.days)

    def guessed_years(self, start: dt.date, period: Period | None) -> tuple[int, ...]:
        """The years a working-day `period` from `start` is counted through whose holidays are not known:
        its deadline is provisional (Monday–Friday assumed there). Calendar days need no holidays."""
        if period is None or period.unit != "working_days":
            return ()
        first, last = start + dt.timedelta(days=1), self.deadline(start, period)
        return tuple(year for year in range(first.year, last.year + 1) if not self.knows(year))


def official_source() -> str:
    """The package that knows the official calendar, with its version: "chinesecalendar 1.11.0"."""
    try:
        return f"chinesecalendar {metadata.version('chinesecalendar')}"
    except metadata.PackageNotFoundError:
        return "chinesecalendar"


def spans(years) -> str:
    """Years as runs: "2004–2026、2028"."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def describe(period: Period) -> str:
    """A period in words: "3 个工作日", "15 天" (in English messages: "3 working days", "15 days")."""
    english = f"{period.days} {'working day' if period.working else 'day'}{'' if period.days == 1 else 's'}"
    return Words(f"{period.days} {UNITS.get(period.unit, period.unit)}", english)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (2024-01-31 + 1 → 2024-02-29)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
