"""How a department's customers stand in the tiers (seed 004 §2–3): a customer's tier on a day
(from its tier history), the counts that the quotas (`customers.tier_quotas`) are judged on, and
the day a review counts from. Shared by the tier checks and the dashboard."""

from __future__ import annotations

import datetime as dt

from ..facts import Facts, date
from ..record import Record

RANK = {"qualified": 0, "preferred": 1, "vip": 2}
COUNTED = ("active", "dormant")


def tier_on(customer: Record, day: dt.date) -> str | None:
    """The customer's tier on a day, from its tier history (else its current tier)."""
    return _tier_on(_timeline(customer), customer, day)


def _timeline(customer: Record) -> list[tuple[dt.date, str | None]]:
    """The dated entries of the tier history, in date order."""
    return sorted(((date(h.get("since")), h.get("tier")) for h in customer.get("tier_history") or []
                   if isinstance(h, dict) and date(h.get("since"))), key=lambda entry: entry[0])


def _tier_on(timeline: list, customer: Record, day: dt.date) -> str | None:
    tier = None if timeline else customer.get("tier")
    for since, entry in timeline:
        if since > day:
            break
        tier = entry
    return tier


def distribution(f: Facts, department: str, day: dt.date) -> dict[str, int]:
    """The tiers of a department's counted customers on a day (a half-year review's quota base)."""
    return _count(f, department, day, lambda customer: True, ("all",))


def review_day(review: Record) -> dt.date | None:
    return date(review.get("approved", "date")) or date(review.get("reviewed", "date"))


# --- every change of a tier (seed 004 篇一 2.2–2.3), not only the half-year reviews ------------------------
RAISED = ("vip", "preferred")  # the tiers with a quota and credit criteria


def changes(customer: Record) -> list[tuple[int, str, dt.date]]:
    """(position in `tier_history`, tier, since) of each dated change, in the order written."""
    out = []
    for i, entry in enumerate(customer.get("tier_history") or []):
        since = date(entry.get("since")) if isinstance(entry, dict) else None
        if since and isinstance(entry.get("tier"), str):
            out.append((i, entry["tier"], since))
    return out


def standing(f: Facts, department: str, day: dt.date, product: str | None = None) -> dict[str, int]:
    """The tiers of a department's customers (those with a product, when given) on a day. The total is the
    department's customers then (「本部门客户总量」): those counted (`COUNTED`) whose profile existed by that day
    (`created.date`, else the first contact), graded or not; a customer's tier is the one it had that day."""
    def included(customer: Record) -> bool:
        if product is not None and product not in (customer.get("products") or []):
            return False
        since = date(customer.get("created", "date")) or date(customer.get("first_contact_on"))
        return since is not None and since <= day

    return _count(f, department, day, included, ("profiled", product))


def _count(f: Facts, department: str, day: dt.date, included, key: tuple) -> dict[str, int]:
    """The counts of a department's counted customers on a day, once per (department, day, what is counted):
    the quota is judged at each change, and changes fall on a few review days (not a pass over every customer
    per change: quadratic at 100,000 records)."""
    memo = _memo(f)
    found = memo["counts"].get((department, day, key))
    if found is not None:
        return dict(found)
    counts = {"vip": 0, "preferred": 0, "qualified": 0, "total": 0}
    for customer, timeline in memo["departments"].get(department, ()):
        if not included(customer):
            continue
        counts["total"] += 1
        tier = _tier_on(timeline, customer, day)
        if tier in counts:
            counts[tier] += 1
    memo["counts"][(department, day, key)] = counts
    return dict(counts)


def _memo(f: Facts) -> dict:
    """The counted customers by department with their timelines, and the counts made: built once per index,
    and every use counts as reading the customers (`rule_cache`)."""
    f.index.note_reads(("customer",))
    memo = f.__dict__.get("_tier_counts")
    if memo is None:
        departments: dict[str, list] = {}
        for customer in f.index.of("customer").values():
            if customer.get("status") in COUNTED and isinstance(customer.get("department"), str):
                departments.setdefault(customer.get("department"), []).append((customer, _timeline(customer)))
        memo = f.__dict__["_tier_counts"] = {"departments": departments, "counts": {}}
    return memo


def over(count: int, total: int, quota: float | None) -> bool:
    return quota is not None and total > 0 and count > quota * total + 1e-9


def defaults(customer: Record) -> list[tuple[int, dt.date, str]]:
    """(position, date, kind) of each recorded default (`credit.defaults`: late payment, goods left unpicked)."""
    out = []
    for i, entry in enumerate(customer.get("credit", "defaults") or []):
        day = date(entry.get("date")) if isinstance(entry, dict) else None
        if day:
            out.append((i, day, str(entry.get("kind", "other"))))
    return out


def arrears(customer: Record) -> float:
    value = customer.get("credit", "arrears")
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0
