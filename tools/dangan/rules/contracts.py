"""Contract hand-ins and the reports to the group (seed 002 篇二 3., 4.), as the checks judge them and
`dangan due` lists them.

Every event of a contract has its own hand-in: the signing (`to_admin`/`archived` at the top), each
change or termination (`changes[i].to_admin`/`archived`), and the completion (`completion.to_admin`/
`archived`, counted from `ended_on`; a terminated contract hands its end in with the termination). The
documents go to the contract administrator within `contracts.to_admin_within_months` of the event and to
the archive within `contracts.to_archive_within_months` of that hand-in. Months are calendar months
clamped to the month's end (`workdays.add_months`: 2025-01-31 + 1 month = 2025-02-28); the deadline day
itself is still in time.

The reports (`records/reports/`): the contract statistics of each half year, due on the `contracts.
statistics_due` day after it (a day in January–June reports the previous H2, one in July–December the
current H1), and the credit-management analysis of each year, due on `credit.report_due` of the next. Those
due on or after `contracts.reports_from` (else from the half or year of the first contract) are expected.

"Has passed" needs a today that the records agree on: `recorded_through` is the latest day an act was
recorded in the archive (a contract signed or paid, a hand-in, a visit, a complaint received, a report
filed, a profile created). The checks judge lateness against it, so that the same records always give the
same verdict; `dangan due` judges against the day it is asked about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..facts import Facts, date
from ..index import THROUGH, Index
from ..record import Record
from ..workdays import add_months

EVENTS = {"signing": "签订", "change": "变更", "termination": "解除", "completion": "履行完毕"}
STATISTICS, CREDIT_ANALYSIS = "contract_statistics", "credit_analysis"


@dataclass(frozen=True)
class HandIn:
    """One event's documents on their way to the administrator and the archive."""
    event: str  # a key of EVENTS
    at: tuple  # where the event's to_admin/archived blocks are: (), ("changes", i), ("completion",)
    start_field: tuple  # the field holding the event's date
    start: dt.date
    admin_deadline: dt.date
    to_admin: dict | None
    archived: dict | None
    archive_deadline: dt.date | None  # counted from the hand-in to the administrator

    @property
    def label(self) -> str:
        return EVENTS[self.event]

    @property
    def handed(self) -> dt.date | None:
        return date((self.to_admin or {}).get("date"))

    @property
    def archived_on(self) -> dt.date | None:
        return date((self.archived or {}).get("date"))


def _hand_in(f: Facts, event: str, at: tuple, start_field: tuple, start: dt.date | None, blocks: dict) -> HandIn | None:
    if start is None:
        return None
    section = f.policy.contracts
    to_admin = blocks.get("to_admin") if isinstance(blocks.get("to_admin"), dict) else None
    archived = blocks.get("archived") if isinstance(blocks.get("archived"), dict) else None
    handed = date((to_admin or {}).get("date"))
    return HandIn(event, at, start_field, start, add_months(start, section.to_admin_within_months), to_admin,
                  archived, add_months(handed, section.to_archive_within_months) if handed else None)


def hand_ins(f: Facts, contract: Record) -> Iterator[HandIn]:
    """The signing, each change or termination, and the completion of a contract, with their deadlines."""
    found = _hand_in(f, "signing", (), ("signed_on",), date(contract.get("signed_on")), contract.data)
    if found:
        yield found
    terminated = False
    for i, change in enumerate(contract.get("changes") or []):
        if not isinstance(change, dict):
            continue
        event = "termination" if change.get("kind") == "termination" else "change"
        terminated |= event == "termination"
        found = _hand_in(f, event, ("changes", i), ("changes", i, "date"), date(change.get("date")), change)
        if found:
            yield found
    if not terminated:
        completion = contract.get("completion")
        found = _hand_in(f, "completion", ("completion",), ("ended_on",), date(contract.get("ended_on")),
                         completion if isinstance(completion, dict) else {})
        if found:
            yield found


# --- the archive's own today --------------------------------------------------------------------------
_ACT_DATES = {"contract": (("signed_on",), ("to_admin", "date"), ("archived", "date")),
              "visit": (("date",),), "complaint": (("received", "date"),), "report": (("submitted", "date"),),
              "customer": (("created", "date"),)}
ACT_DATE_KINDS = tuple(_ACT_DATES)


def recorded_through(index: Index) -> dt.date | None:
    """The latest day an act was recorded in the archive (see the module's docstring). Whoever asks reads this
    one day, not the records it comes from (`THROUGH`: a verdict resting on it is reused while it is the same);
    where the rules' cache is open, each record's own latest day is kept beside its content id (`Index.memo`)."""
    index.note_reads((THROUGH,))
    if "recorded_through" in index.derived:
        return index.derived["recorded_through"]
    known, kept = index.memo.latest() if index.memo is not None else (False, None)
    latest = date(kept)
    if not known:
        for kind in ACT_DATE_KINDS:
            for record in index.records.get(kind, {}).values():  # not `of`: the asker read the day, not them
                day = date(latest_act_day(record))
                if day and (latest is None or day > latest):
                    latest = day
    index.derived["recorded_through"] = latest
    return latest


def latest_act_day(record: Record) -> str | None:
    """The latest act date one record holds (ISO), or None."""
    paths = _ACT_DATES[record.kind]
    days = [date(record.get(*path)) for path in paths]
    if record.kind == "contract":
        days += [date(p.get("date")) for p in record.get("payments") or [] if isinstance(p, dict)]
    found = max((d for d in days if d), default=None)
    return found.isoformat() if found else None


# --- reports ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filing:
    report: str  # STATISTICS or CREDIT_ANALYSIS
    period: str  # 2025H1 or 2025
    due: dt.date
    rule: str  # the policy key that sets the day
    filed: Record | None  # the report record, if any

    @property
    def submitted(self) -> dt.date | None:
        return date(self.filed.get("submitted", "date")) if self.filed else None


def _day(year: int, month_day: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{year}-{month_day}")
    except ValueError:
        return None


def filings(f: Facts, until: dt.date) -> list[Filing]:
    """Every report expected with a due day up to `until`, with its record if one was filed."""
    signed = [d for d in (date(c.get("signed_on")) for c in f.index.of("contract").values()) if d]
    if not signed:
        return []
    first = min(signed)
    since = date(f.policy.contracts.reports_from)
    filed: dict[tuple[str, str], Record] = {}
    for record in sorted(f.index.of("report").values(), key=lambda r: r.id):
        key = (record.get("report"), record.get("period"))
        if isinstance(key[1], str):
            filed.setdefault(key, record)
    out = []
    for year in range(first.year, until.year + 1):
        for month_day in f.policy.contracts.statistics_due:
            day = _day(year, month_day)
            if day is None:
                continue
            period = f"{year - 1}H2" if day.month <= 6 else f"{year}H1"
            end = dt.date(year - 1, 12, 31) if day.month <= 6 else dt.date(year, 6, 30)  # the half reported
            if end >= first and day <= until and (since is None or day >= since):
                out.append(Filing(STATISTICS, period, day, "contracts.statistics_due",
                                  filed.get((STATISTICS, period))))
        day = _day(year, f.policy.credit.report_due) if f.policy.credit.report_due else None
        if day and year - 1 >= first.year and day <= until and (since is None or day >= since):
            out.append(Filing(CREDIT_ANALYSIS, str(year - 1), day, "credit.report_due",
                              filed.get((CREDIT_ANALYSIS, str(year - 1)))))
    return sorted(out, key=lambda x: (x.due, x.report))
