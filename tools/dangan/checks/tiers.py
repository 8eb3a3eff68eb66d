"""Tiers (seed 004 §2–3): VIP and preferred customers within `customers.tier_quotas` of a
department at each half-year review; a downgrade takes effect within
`customers.downgrade_within` of the review; reviews approved by `approvals.review`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..record import Record
from ..rules.tiers import RANK, distribution, review_day, tier_on


@needs("customers", "approvals")
def check_reviews(index: Index, f: Facts) -> Iterator[Problem]:
    quotas = f.policy.customers.tier_quotas
    within = f.policy.customers.downgrade_within
    for review in index.of("review").values():
        approved = review.get("approved")
        if isinstance(approved, dict) and not f.has_role(approved.get("by"), f.approvers("review")):
            yield review.problem("approval.role", ("approved", "by"), value=True, staff=approved.get("by"),
                                 roles=f.role_names(f.approvers("review")), policy_key="approvals.review")
        day = review_day(review)
        if day is None:
            continue
        yield from _downgrades(f, review, day, within)
        counts = distribution(f, review.get("department"), _effective_end(f, review, day, within))
        for tier in ("vip", "preferred"):
            quota = quotas.get(tier)
            if quota is not None and counts["total"] and counts[tier] > quota * counts["total"]:
                yield review.problem("tier.quota", ("decisions",), tier=tier, count=counts[tier],
                                     total=counts["total"], quota=f"{quota:.0%}",
                                     policy_key=f"customers.tier_quotas.{tier}")


def _effective_end(f, review, day, within) -> dt.date:
    """The day by which the review's decisions are all in force."""
    latest = max([date(d.get("effective_on")) or day for d in review.get("decisions") or [] if isinstance(d, dict)]
                 or [day])
    if within is not None:
        latest = max(latest, f.calendar.deadline(day, within))
    return latest


def _downgrades(f: Facts, review: Record, day: dt.date, within) -> Iterator[Problem]:
    for i, decision in enumerate(review.get("decisions") or []):
        if not isinstance(decision, dict):
            continue
        before, after = RANK.get(decision.get("from")), RANK.get(decision.get("to"))
        customer = f.index.get("customer", decision.get("customer"))
        effective = date(decision.get("effective_on"))
        if before is not None and after is not None and after < before and within is not None:
            deadline = f.calendar.deadline(day, within)
            if effective is None or effective > deadline:
                yield review.problem("tier.downgrade-late", ("decisions", i, "effective_on"), value=True,
                                     customer=decision.get("customer"), deadline=deadline.isoformat(),
                                     policy_key="customers.downgrade_within")
        applied = customer is not None and effective and decision.get("to") in RANK
        if applied and tier_on(customer, effective) != decision.get("to"):
            yield customer.problem("tier.not-applied", ("tier_history",), review=review.id,
                                   tier=decision.get("to"), on=effective.isoformat())
