"""Customers (seeds 002, 004, 003): admission before activation, the profile made within
`customers.profile_within` of first contact and reviewed by the owner's superior, no new
business after a blacklisting, no customer owned by someone who has left."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem


@needs("customers")
def check_admission(index: Index, f: Facts) -> Iterator[Problem]:
    """An active customer meets every required item of `customers.admission_checklist`."""
    checklist = f.policy.customers.admission_checklist
    required = [k for k, v in checklist.items() if v.required]
    for customer in index.of("customer").values():
        if customer.get("status") != "active":
            continue
        admission = customer.get("admission") or {}
        missing = [k for k in required if k not in (admission.get("checked") or [])]
        if missing:
            names = "、".join(checklist[k].name for k in missing)
            yield customer.problem("admission.incomplete", ("status",), value=True, missing=names,
                                   policy_key="customers.admission_checklist")
        elif not isinstance(admission.get("approved"), dict):
            yield customer.problem("admission.unapproved", ("admission",))


@needs("customers")
def check_profiles(index: Index, f: Facts) -> Iterator[Problem]:
    """The profile is created within `customers.profile_within` of first contact and its
    review is by the creator's superior (or the department head)."""
    period = f.policy.customers.profile_within
    for customer in index.of("customer").values():
        created = customer.get("created") or {}
        first, made = date(customer.get("first_contact_on")), date(created.get("date"))
        if period is not None and first and made:
            deadline = f.calendar.deadline(first, period)
            if made > deadline:
                yield customer.problem("customer.profile-late", ("created", "date"), value=True,
                                       first=first.isoformat(), deadline=deadline.isoformat(),
                                       policy_key="customers.profile_within")
            if made < first:
                yield customer.problem("customer.profile-dates", ("created", "date"), value=True)
        review = customer.get("profile_review")
        if isinstance(review, dict) and created.get("by"):
            allowed = f.superiors(created.get("by"))
            if review.get("by") not in allowed:
                yield customer.problem("customer.review-by", ("profile_review", "by"), value=True,
                                       staff=review.get("by"), expected="、".join(sorted(allowed)) or "—")


@needs("approvals")
def check_blacklist(index: Index, f: Facts) -> Iterator[Problem]:
    """No dossier or contract dated after a customer's blacklisting: company scope blocks
    everyone, department scope blocks that department; blacklisting by `approvals.blacklist`."""
    for customer in index.of("customer").values():
        entry = customer.get("blacklist")
        if not isinstance(entry, dict):
            continue
        since = date(entry.get("date"))
        if not f.has_role(entry.get("by"), f.approvers("blacklist")):
            yield customer.problem("approval.role", ("blacklist", "by"), value=True, staff=entry.get("by"),
                                   roles=f.role_names(f.approvers("blacklist")), policy_key="approvals.blacklist")
        if since is None:
            continue
        scope_department = entry.get("department") if entry.get("scope") == "department" else None
        for record, when, department, field in _business(f, customer.id):
            if when and when > since and (scope_department is None or department == scope_department):
                yield record.problem("blacklist.business", (field,), value=True, customer=customer.id,
                                     since=since.isoformat(), scope=entry.get("scope"))


def _business(f, customer_id: str):
    for dossier in f.index.of("dossier").values():
        if dossier.get("customer") == customer_id and dossier.get("status") != "voided":
            manager = f.index.get("staff", dossier.get("manager_a"))
            department = manager.get("department") if manager else None
            yield dossier, date(dossier.get("project_end")), department, "project_end"
    for contract in f.index.of("contract").values():
        if contract.get("customer") == customer_id:
            yield contract, date(contract.get("signed_on")), contract.get("department"), "signed_on"


def check_departed_owners(index: Index, f: Facts) -> Iterator[Problem]:
    """A staff member who has left owns no customer (seed 003: hand everything over first)."""
    for customer in index.of("customer").values():
        left = f.left_on(customer.get("owner"))
        if left and customer.get("status") not in ("closed",):
            yield customer.problem("staff.left-owner", ("owner",), value=True, staff=customer.get("owner"),
                                   left=left.isoformat())
