"""Working days on the official mainland calendar, with the policy's own additions.

A day is a working day unless it is a company closure or an official holiday; a
weekend day is a working day when it is an adjusted working day (调休). The
`chinesecalendar` package knows 2004–2026; the policy's ``calendar`` adds official
holidays and make-up days for later years (and company closures). For a year that
neither covers, Monday–Friday is assumed and the year is remembered, so that the
checks can warn once (``calendar.unknown-year``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

_KNOWN_YEARS = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
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
    def from_policy(cls, policy: dict) -> WorkCalendar:
        section = policy.get("calendar") if isinstance(policy.get("calendar"), dict) else {}
        return cls(_dates(section.get("holidays")), _dates(section.get("workdays")),
                   _dates(section.get("closures")))

    @property
    def _policy_years(self) -> set[int]:
        return {d.year for d in self.holidays | self.workdays}

    def is_workday(self, day: dt.date) -> bool:
        if day in self.closures or day in self.holidays:
            return False
        if day in self.workdays:
            return True
        if day.year in _KNOWN_YEARS:
            if day in chinese_calendar.holidays:
                return False
            if day in chinese_calendar.workdays:
                return True
        elif day.year not in self._policy_years:
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

    def deadline(self, start: dt.date, period: dict) -> dt.date:
        """`start` plus a policy period ``{days, unit}``."""
        days = int(period.get("days", 0))
        if period.get("unit") == "working_days":
            return self.add_workdays(start, days)
        return start + dt.timedelta(days=days)


def describe(period: dict) -> str:
    """A period in words: "3 个工作日", "15 天"."""
    return f"{period.get('days')} {UNITS.get(period.get('unit'), period.get('unit', ''))}"


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
