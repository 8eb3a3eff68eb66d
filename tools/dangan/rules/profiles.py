"""A customer's profile (seeds 001, 002): which basic fields it must hold, and when it is due for its
next periodic update — shared by the checks and `dangan due`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..facts import Facts, date
from ..policy import Period
from ..record import Record
from ..workdays import add_months

# the categories of `customers.update_every_months`, by the customer flag that puts a customer in them
CATEGORIES = (("long_term", "long_term"), ("key", "key_customer"))
DEFAULT = "default"
UPDATED_STATUSES = ("active", "prospect", "dormant")  # blacklisted and closed customers are not kept current


def update_months(f: Facts, customer: Record) -> tuple[int | None, str]:
    """How many months may pass between two updates of this customer's profile, and the category that says
    so (`long_term`, `key` or `default`): the shortest of the categories it belongs to; None when none applies."""
    periods = f.policy.customers.update_every_months
    found = [(periods[category], category) for category, flag in CATEGORIES
             if customer.get(flag) is True and category in periods]
    if not found and DEFAULT in periods:
        found = [(periods[DEFAULT], DEFAULT)]
    return min(found) if found else (None, "")


def update_start(f: Facts, customer: Record) -> dt.date | None:
    """Where the update clock starts: the profile's creation, or `customers.update_from` if later."""
    made = date(customer.get("created", "date"))
    since = date(f.policy.customers.update_from)
    return max(made, since) if made and since else made


# the categories of `customers.profile_within` and `customers.profile_handover_within`: a customer met at
# one of the company's events (seed 003: the form is filled in on the event day), every other one
EVENT = "event"


def profile_category(customer: Record) -> str:
    return EVENT if customer.get("source") == "event" else DEFAULT


def profile_deadline(f: Facts, customer: Record) -> tuple[dt.date | None, str, Period | None]:
    """The last day (inclusive) for the profile after the first contact, the category whose period says so,
    and the period (`customers.profile_within`: the category's, else the default)."""
    return _category_deadline(f.policy.customers.profile_within, f, customer, date(customer.get("first_contact_on")))


def handover_deadline(f: Facts, customer: Record) -> tuple[dt.date | None, str, Period | None]:
    """The last day (inclusive) the profile reaches the sales manager (`customers.profile_handover_within`,
    counted from the profile's creation); None when the customer's category hands nothing over."""
    return _category_deadline(f.policy.customers.profile_handover_within, f, customer,
                              date(customer.get("created", "date")), fallback=False)


def _category_deadline(periods, f: Facts, customer: Record, start: dt.date | None, fallback: bool = True):
    category = profile_category(customer)
    if category not in periods and fallback:
        category = DEFAULT
    period = periods.get(category)
    if period is None or start is None:
        return None, category, period
    return f.calendar.deadline(start, period), category, period


def collector(customer: Record) -> str | None:
    """Who owns the customer by seed 003 一、5 and 8「谁收集的档案归谁」: the collector (`created.by`), or the
    `to` of the latest recorded `owner_transfers` entry."""
    transfers = [t for t in customer.get("owner_transfers") or [] if isinstance(t, dict) and date(t.get("date"))]
    if transfers:
        return max(enumerate(transfers), key=lambda it: (date(it[1].get("date")), it[0]))[1].get("to")
    return customer.get("created", "by")


@dataclass(frozen=True)
class Update:
    position: int  # in the customer's `updates`
    done: dt.date
    deadline: dt.date  # the latest day it was due (inclusive)


def updates(f: Facts, customer: Record) -> Iterator[Update]:
    """Each recorded update (in date order) with the deadline the previous one (or the start) set for it."""
    months, _ = update_months(f, customer)
    previous = update_start(f, customer)
    if months is None or previous is None:
        return
    dated = sorted((d, i) for i, u in enumerate(customer.get("updates") or [])
                   if isinstance(u, dict) and (d := date(u.get("date"))))
    for done, position in dated:
        if done < previous:
            continue  # before the rule applied: sets no deadline
        yield Update(position, done, add_months(previous, months))
        previous = done


def next_update(f: Facts, customer: Record) -> dt.date | None:
    """When the next update is due: `update_every_months` after the last update (or the start)."""
    months, _ = update_months(f, customer)
    start = update_start(f, customer)
    if months is None or start is None:
        return None
    done = [d for u in customer.get("updates") or [] if isinstance(u, dict) and (d := date(u.get("date")))]
    legacy = date(customer.get("updated_on"))
    last = max([start, *done, *([legacy] if legacy else [])])
    return add_months(last, months)


def missing_basic_fields(f: Facts, customer: Record) -> list[tuple[str, ...]]:
    """The fields of `customers.basic_profile` (for the customer's type) that are empty or absent, for a
    customer whose status is one of `customers.basic_profile_statuses`."""
    section = f.policy.customers
    if customer.get("status") not in section.basic_profile_statuses:
        return []
    required = section.basic_profile.get(customer.get("type"), ()) if isinstance(customer.get("type"), str) else ()
    out = []
    for dotted in required:
        path = tuple(dotted.split("."))
        if customer.get(*path) in (None, "", [], {}):
            out.append(path)
    return out
