"""The calendar: a deadline that falls in a year neither `chinesecalendar` nor the
policy's `calendar` covers was counted Monday–Friday; say so once per year."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts
from ..index import POLICY_FILE, Index
from ..policy import needs
from ..problems import WARNING, Problem


@needs("calendar")
def check_calendar_years(index: Index, f: Facts) -> Iterator[Problem]:
    for year in sorted(f.calendar.unknown_years):
        yield Problem("calendar.unknown-year", POLICY_FILE, severity=WARNING, record="policy/policy",
                      field="calendar", args={"year": year, "policy_key": "calendar"})
