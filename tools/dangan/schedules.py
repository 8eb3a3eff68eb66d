"""Visit schedules (seed 003, 000, 004): computed from the policy, never typed.

`visits.schedules` in the policy lists, per trigger and role, when visits are due:
after a purchase (a contract), for a prospect who did not buy, after a complaint or a repair
ticket, and periodically for key customers (every so many months, or weeks: Monday to Sunday;
only while a contract is in force, or only by some methods, where the schedule says so);
`visits.festivals` adds greetings before festivals, 五一 and 国庆 by the solar calendar, 中秋
and 春节 by the lunar one, 元旦's in the last week of the year before. `expected(f)` yields every visit the
schedules call for; `fulfil` pairs them with the visits on record.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from lunardate import LunarDate

from .facts import Facts, date
from .policy import Schedule
from .record import Record
from .workdays import add_months

LUNAR_YEARS = range(1900, 2100)  # what lunardate converts ("can only deal with year from 1900 to 2099")
# Greetings for a festival early next year (the Spring Festival) open this year, so the schedules can be
# computed for the days of every year but the lunar calendar's last.
SCHEDULED_DAYS = (dt.date(LUNAR_YEARS[0], 1, 1), dt.date(LUNAR_YEARS[-1] - 1, 12, 31))
FESTIVALS = {
    "spring_festival": lambda year: LunarDate(year, 1, 1).to_solar_date(),
    "mid_autumn": lambda year: LunarDate(year, 8, 15).to_solar_date(),
    "national_day": lambda year: dt.date(year, 10, 1),
    "new_year": lambda year: dt.date(year, 1, 1),
    "labour_day": lambda year: dt.date(year, 5, 1),
}
TRIGGER_KIND = {"purchase": "purchase", "non_purchase": "non_purchase", "complaint": "complaint",
                "key_customer": "key_customer", "festival": "festival"}


@dataclass(frozen=True)
class Expected:
    schedule: str  # schedule id (or "festival")
    name: str
    customer: str
    role: str | None
    staff: str | None  # a named person when the schedule names one (the rep, the department head)
    trigger: dt.date
    due: dt.date
    basis: str  # what started it: a contract, a complaint, a month, a festival
    kind: str  # the visit kind that fulfils it
    opens: dt.date  # visits before this day do not count
    methods: tuple[str, ...] = ()  # only visits made these ways count; () any
    periodic: bool = False  # a period or a festival's week: only a visit within it counts

    @property
    def key(self) -> str:
        return f"{self.schedule}|{self.customer}|{self.basis}|{self.due}"


def effective_from(f: Facts) -> dt.date:
    return date(f.policy.visits.effective_from) or dt.date.min


def _active(customer: Record) -> bool:
    return customer.get("status") in ("active", "prospect", "dormant")


def expected(f: Facts, until: dt.date) -> Iterator[Expected]:
    """Every visit the schedules call for with a trigger on or before `until`."""
    start = effective_from(f)
    for schedule in f.policy.visits.schedules:
        for customer, when, basis, staff in _triggers(f, schedule, start, until):
            yield from _offsets(f, schedule, customer, when, basis, staff, until)
    yield from _festivals(f, start, until)


def _triggers(f: Facts, schedule: Schedule, start: dt.date, until: dt.date):
    trigger, role = schedule.trigger, schedule.role
    if trigger == "purchase":
        types = schedule.contract_types
        for contract in f.index.of("contract").values():
            signed = date(contract.get("signed_on"))
            if signed and start <= signed <= until and (not types or contract.get("type") in types):
                staff = contract.get("handled_by") if f.has_role(contract.get("handled_by"), [role]) else None
                yield contract.get("customer"), signed, contract.id, staff
    elif trigger == "non_purchase":
        for customer in f.index.of("customer").values():
            created = date((customer.get("created") or {}).get("date"))
            if customer.get("status") == "prospect" and created and start <= created <= until:
                staff = customer.get("owner") if f.has_role(customer.get("owner"), [role]) else None
                yield customer.id, created, customer.id, staff
    elif trigger == "complaint":
        for complaint in f.index.of("complaint").values():
            received = date((complaint.get("received") or {}).get("date"))
            if received and start <= received <= until:
                yield complaint.get("customer"), received, complaint.id, None
    elif trigger == "key_customer":
        for customer in f.index.of("customer").values():
            if customer.get("key_customer") is True and customer.get("status") == "active":
                staff = _periodic_staff(f, customer, role)
                yield customer.id, None, customer.id, staff


def contract_terms(f: Facts, customer: str) -> list[tuple[dt.date, dt.date]]:
    """The terms (first and last day) of the customer's contracts: signed on or starting, to the end of the
    term or the day it was ended early."""
    out = []
    for contract in f.contracts_by_customer.get(customer, ()):  # not every contract per customer (quadratic)
        if contract.get("status") == "draft":
            continue
        term = contract.get("term") or {}
        start = date(term.get("start")) or date(contract.get("signed_on"))
        end = date(contract.get("ended_on")) or date(term.get("end"))
        if start and end:
            out.append((start, end))
    return out


def _periodic_staff(f: Facts, customer: Record, role: str | None) -> str | None:
    if role == "department_head":
        department = f.policy.departments.get(customer.get("department"))
        return department.head if department else None
    owner = customer.get("owner")
    return owner if f.has_role(owner, [role]) else None


def _offsets(f, schedule, customer, when, basis, staff, until) -> Iterator[Expected]:
    sid, name, role, methods = schedule.id, schedule.name, schedule.role, schedule.methods
    kind = schedule.kind or TRIGGER_KIND.get(schedule.trigger, "routine")
    if not isinstance(customer, str):
        return
    if when is None:  # periodic: one visit per period, due at the period's end
        terms = contract_terms(f, customer) if schedule.while_contract else None
        for start, end, label in _periods(f, schedule, until):
            if terms is None or any(first <= end and start <= last for first, last in terms):
                yield Expected(sid, name, customer, role, staff, start, end, label, kind, start, methods, True)
        return
    if schedule.hours:
        due = when + dt.timedelta(days=-(-schedule.hours // 24))
        yield Expected(sid, name, customer, role, staff, when, due, basis, kind, when, methods)
        return
    for days in schedule.days:
        yield Expected(sid, name, customer, role, staff, when, when + dt.timedelta(days=days),
                       f"{basis}+{days}", kind, when, methods)


def _periods(f: Facts, schedule: Schedule, until: dt.date) -> Iterator[tuple[dt.date, dt.date, str]]:
    """The periods of a periodic schedule that start by `until`: (first day, last day, label). Months are
    counted from January (a quarter is January–March …), weeks from Monday, from `visits.effective_from`."""
    first = max(effective_from(f), dt.date(2000, 1, 1))
    if schedule.every_weeks:
        step = dt.timedelta(weeks=schedule.every_weeks)
        start = first - dt.timedelta(days=first.weekday())
        while start <= until:
            year, week, _ = start.isocalendar()
            yield start, start + step - dt.timedelta(days=1), f"{year}-W{week:02d}"
            start += step
        return
    months = schedule.every_months or 1
    start = dt.date(first.year, 1 + (first.month - 1) // months * months, 1)
    while start <= until:
        label = f"{start.year}" if months == 12 and start.month == 1 else f"{start:%Y-%m}"
        yield start, add_months(start, months) - dt.timedelta(days=1), label
        start = add_months(start, months)


def _festivals(f: Facts, start: dt.date, until: dt.date) -> Iterator[Expected]:
    visits = f.policy.visits
    before = visits.greeting_days_before
    keys = [c for c in f.index.of("customer").values() if c.get("key_customer") is True and c.get("status") == "active"]
    for festival in visits.festivals:
        make = FESTIVALS.get(festival)
        if make is None:
            continue
        for year in range(max(start.year, 2000), until.year + 2):
            day = make(year)
            opens = day - dt.timedelta(days=before)
            if opens < start or opens > until:  # a greeting whose week began before the schedules applied is not owed
                continue
            name = _festival_names(f).get(festival, festival)
            for customer in keys:
                yield Expected("festival", name, customer.id, None, customer.get("owner"), opens,
                               day - dt.timedelta(days=1), f"{festival}-{year}", "festival", opens, (), True)


def _festival_names(f: Facts) -> dict[str, str]:
    info = f.index.schemas.field_info("policy", ("visits", "festivals", "*"))
    return (info.schema.get("x-labels") or {}) if info else {}


@dataclass(frozen=True)
class Outcome:
    expected: Expected
    visit: Record | None

    @property
    def late(self) -> bool:
        return self.visit is not None and (date(self.visit.get("date")) or dt.date.max) > self.expected.due


def fulfil(f: Facts, until: dt.date) -> list[Outcome]:
    """Pair each expected visit with a recorded one: same customer and kind (and method, where the schedule
    names some), by the named person or someone holding the role, on or after the window opens (and, for a
    periodic schedule, within its period), each visit used once."""
    # per customer and kind, in order of day: (day, id, method, staff, basis, visit), and the days alone
    visits: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for visit in f.index.of("visit").values():
        data = visit.data
        when, customer = date(data.get("date")), data.get("customer")
        if when and isinstance(customer, str):
            visits[(customer, data.get("kind"))].append((when, str(data.get("date")), visit.id, data.get("method"),
                                                         data.get("staff"), data.get("basis"), visit))
    days = {}
    for key, found in visits.items():
        found.sort(key=lambda v: v[:3])
        days[key] = [v[0] for v in found]
    used: set[str] = set()
    outcomes = []
    for exp in sorted(expected(f, until), key=lambda e: (e.due, e.key)):
        found = None
        candidates = visits.get((exp.customer, exp.kind), ())
        start = bisect.bisect_left(days[(exp.customer, exp.kind)], exp.opens) if candidates else 0
        for when, _, vid, method, who, basis, visit in itertools.islice(candidates, start, None):
            if exp.periodic and when > exp.due:
                break  # a periodic visit counts in its own period: next week's call leaves this week's missed
            if vid in used:
                continue
            if exp.methods and method not in exp.methods:
                continue
            if exp.staff and who != exp.staff and not (exp.role and f.has_role(who, [exp.role])):
                continue
            if not exp.staff and exp.role and not f.has_role(who, [exp.role]):
                continue
            if exp.kind in ("purchase", "complaint") and basis and basis != exp.basis.split("+")[0]:
                continue  # a visit that names its contract or complaint fulfils only that one's schedule
            found = visit
            break
        if found is not None:
            used.add(found.id)
        outcomes.append(Outcome(exp, found))
    return outcomes
