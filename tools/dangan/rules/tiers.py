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
    history = [(date(h.get("since")), h.get("tier")) for h in customer.get("tier_history") or []
               if isinstance(h, dict) and date(h.get("since"))]
    past = [tier for since, tier in sorted(history) if since <= day]
    return past[-1] if past else (customer.get("tier") if not history else None)


def distribution(f: Facts, department: str, day: dt.date) -> dict[str, int]:
    counts = {"vip": 0, "preferred": 0, "qualified": 0, "total": 0}
    for customer in f.index.of("customer").values():
        if customer.get("department") != department or customer.get("status") not in COUNTED:
            continue
        counts["total"] += 1
        tier = tier_on(customer, day)
        if tier in counts:
            counts[tier] += 1
    return counts


def review_day(review: Record) -> dt.date | None:
    return date(review.get("approved", "date")) or date(review.get("reviewed", "date"))
