"""The calendar: a deadline that falls in a year neither `chinesecalendar` nor the
policy's `calendar` covers was counted Monday–Friday; say so once per year."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import facts
from ..index import POLICY_FILE, Index
from ..problems import WARNING, Problem


def check_calendar_years(index: Index) -> Iterator[Problem]:
    for year in sorted(facts(index).calendar.unknown_years):
        yield Problem("calendar.unknown-year", POLICY_FILE, severity=WARNING, record="policy/policy",
                      field="calendar", args={"year": year, "policy_key": "calendar"})
