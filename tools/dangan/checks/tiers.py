"""Tiers (seed 004 §2–3): VIP and preferred customers within `customers.tier_quotas` of a
department at each half-year review and at every change of a customer's tier (per product within
`customers.tier_product_quotas`); VIP and preferred customers meet `customers.tier_criteria` in their
credit record; a downgrade takes effect within `customers.downgrade_within` of the review; reviews
approved by `approvals.review`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..facts import Facts, date
from ..groups import BY_DEPARTMENT, BY_RECORD, grouped
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem
from ..record import Record
from ..rules.tiers import RAISED, RANK, arrears, changes, defaults, distribution, over, review_day, standing, tier_on


@grouped(BY_DEPARTMENT)
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


@grouped(BY_DEPARTMENT)
@needs("customers")
def check_tier_changes(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇一 2.2 d)、2.3 e): the quotas hold at every change of a customer's tier, not only at the
    half-year reviews. Each `tier_history` entry that makes a customer VIP or preferred keeps that tier within
    `customers.tier_quotas` of the department's customers on its day (`rules.tiers.standing`; an error), and within
    `customers.tier_product_quotas` of the department's customers of each of its products (`products`;
    「原则上」: a warning)."""
    quotas, per_product = f.policy.customers.tier_quotas, f.policy.customers.tier_product_quotas
    for customer in index.of("customer").values():
        department = customer.get("department")
        for i, tier, since in changes(customer):
            if tier not in RAISED:
                continue
            counts = standing(f, department, since)
            if over(counts[tier], counts["total"], quotas.get(tier)):
                yield customer.problem("tier.quota-change", ("tier_history", i, "tier"), value=True, tier=tier,
                                       since=since.isoformat(), department=department, count=counts[tier],
                                       total=counts["total"], quota=f"{quotas[tier]:.0%}",
                                       policy_key=f"customers.tier_quotas.{tier}")
            for product in customer.get("products") or []:
                counts = standing(f, department, since, product)
                if over(counts[tier], counts["total"], per_product.get(tier)):
                    yield customer.problem("tier.product-quota", ("tier_history", i, "tier"), value=True,
                                           severity=WARNING, tier=tier, since=since.isoformat(),
                                           department=department, type=product, count=counts[tier],
                                           total=counts["total"], quota=f"{per_product[tier]:.0%}",
                                           policy_key=f"customers.tier_product_quotas.{tier}")


@grouped(BY_RECORD)
@needs("customers")
def check_tier_criteria(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇一 2.2 b)、2.3 a) d): a VIP or preferred customer meets its tier's `customers.tier_criteria`
    in its credit record: no arrears now (`credit.arrears`, an error at the arrears), no default
    (`credit.defaults`: late payment, goods left unpicked) on or before the day it was raised to that tier (an
    error at the change); a default recorded since is a warning until the next review downgrades it (篇一 3.3)."""
    criteria = f.policy.customers.tier_criteria
    for customer in index.of("customer").values():
        tier = customer.get("tier")
        if "no_arrears" in criteria.get(tier, ()) and arrears(customer) > 0:
            yield customer.problem("tier.arrears", ("credit", "arrears"), value=True, tier=tier,
                                   arrears=arrears(customer), policy_key=f"customers.tier_criteria.{tier}")
        recorded = defaults(customer)
        raised_since = None
        for i, new, since in changes(customer):
            if "no_defaults" not in criteria.get(new, ()):
                raised_since = None
                continue
            raised_since = since
            before = [(j, day, kind) for j, day, kind in recorded if day <= since]
            if before:
                _, day, kind = before[-1]
                yield customer.problem("tier.default-before", ("tier_history", i, "tier"), value=True, tier=new,
                                       since=since.isoformat(), default_kind=kind, on=day.isoformat(),
                                       policy_key=f"customers.tier_criteria.{new}")
        if raised_since is None or "no_defaults" not in criteria.get(tier, ()):
            continue
        for j, day, kind in recorded:
            if day > raised_since:
                yield customer.problem("tier.default-since", ("credit", "defaults", j), value=True,
                                       severity=WARNING, tier=tier, default_kind=kind, on=day.isoformat(),
                                       policy_key=f"customers.tier_criteria.{tier}")
