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
    """The tiers of a department's counted customers on a day (a half-year review's quota base)."""
    return _count(f, department, day, lambda customer: True)


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

    return _count(f, department, day, included)


def _count(f: Facts, department: str, day: dt.date, included) -> dict[str, int]:
    counts = {"vip": 0, "preferred": 0, "qualified": 0, "total": 0}
    for customer in f.index.of("customer").values():
        if customer.get("department") != department or customer.get("status") not in COUNTED:
            continue
        if not included(customer):
            continue
        counts["total"] += 1
        tier = tier_on(customer, day)
        if tier in counts:
            counts[tier] += 1
    return counts


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
