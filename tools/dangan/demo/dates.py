"""Dates for the demo: working days on the mainland calendar, ISO strings, month arithmetic."""

from __future__ import annotations

import datetime as dt
import random

import chinese_calendar

from ..workdays import add_months  # noqa: F401  (the demo's builders import it from here)

Date = dt.date
DAY = dt.timedelta(days=1)
TODAY = dt.date(2025, 12, 31)  # the demo world's "now": nothing happens after it except due dates and terms


def d(text: str) -> Date:
    return dt.date.fromisoformat(text)


def iso(day: Date) -> str:
    return day.isoformat()


def is_workday(day: Date) -> bool:
    """Monday to Friday and not an official holiday (adjusted weekend workdays are avoided)."""
    return day.weekday() < 5 and chinese_calendar.is_workday(day)


def next_workday(day: Date, count: int = 1) -> Date:
    """The `count`-th working day after `day`."""
    while count > 0:
        day += DAY
        if is_workday(day):
            count -= 1
    return day


def workday_from(day: Date) -> Date:
    """`day` itself when it is a working day, else the next one."""
    return day if is_workday(day) else next_workday(day)


def previous_workday(day: Date, count: int = 1) -> Date:
    while count > 0:
        day -= DAY
        if is_workday(day):
            count -= 1
    return day


def clear_start(rng: random.Random, year: int, month: int) -> Date:
    """A Monday or Tuesday of the month whose day and three following days are all working days."""
    first = dt.date(year, month, 1)
    days = [first + i * DAY for i in range(31) if (first + i * DAY).month == month]
    choices = [day for day in days if day.weekday() < 2 and all(is_workday(day + i * DAY) for i in range(4))]
    return rng.choice(choices)


def random_workday(rng: random.Random, start: Date, end: Date) -> Date:
    """A working day between `start` and `end` (inclusive); the first one after `start` if there is none."""
    days = [start + i * DAY for i in range((end - start).days + 1) if is_workday(start + i * DAY)]
    return rng.choice(days) if days else next_workday(start)


def workday_by(day: Date, earliest: Date) -> Date:
    """The last working day on or before `day`, not before `earliest` (else `earliest` itself)."""
    while day > earliest and not is_workday(day):
        day -= DAY
    return day
