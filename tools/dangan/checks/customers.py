"""Customers (seeds 002, 004, 003): admission before activation, the profile made within
`customers.profile_within` of first contact (by category), handed to the sales manager, owned by its
collector unless transferred, reviewed by the owner's superior, no new
business after a blacklisting, no customer owned by someone who has left; the credit file,
its approved limits and its reviews (seeds 001, 002: at the end)."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..groups import BY_CUSTOMER, grouped
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem, Words
from ..rules import credit
from ..rules.contracts import recorded_through
from ..rules.profile_approval import approval_deadline, needs_approval
from ..rules.profiles import (
    collector,
    handover_deadline,
    missing_basic_fields,
    profile_deadline,
    update_months,
    updates,
)
from ..rules.visits import period_words
from ..workdays import add_months


@grouped(BY_CUSTOMER)
@needs("customers")
def check_admission(index: Index, f: Facts) -> Iterator[Problem]:
    """An active customer meets every required item of `customers.admission_checklist`; admission does not
    apply to the categories of `customers.admission_exempt_categories` (seed 004 篇一 五1.1「客户准入制度不适用
    零售客户和内部关联交易客户管理」; a customer without `category` is a regular one)."""
    checklist = f.policy.customers.admission_checklist
    required = [k for k, v in checklist.items() if v.required]
    exempt = f.policy.customers.admission_exempt_categories
    for customer in index.of("customer").values():
        if customer.get("status") != "active" or customer.get("category", default="regular") in exempt:
            continue
        admission = customer.get("admission") or {}
        missing = [k for k in required if k not in (admission.get("checked") or [])]
        if missing:
            names = "、".join(checklist[k].name for k in missing)
            yield customer.problem("admission.incomplete", ("status",), value=True, missing=names,
                                   policy_key="customers.admission_checklist")
        elif not isinstance(admission.get("approved"), dict):
            yield customer.problem("admission.unapproved", ("admission",))


@grouped(BY_CUSTOMER)
@needs("customers")
def check_profiles(index: Index, f: Facts) -> Iterator[Problem]:
    """The profile is created within `customers.profile_within` of first contact, by the customer's category
    (seed 003 二、3: an event's customer on the event day; seed 002 篇一 1.: the others within a week), and its
    review is by the creator's superior (or the department head)."""
    for customer in index.of("customer").values():
        created = customer.get("created") or {}
        first, made = date(customer.get("first_contact_on")), date(created.get("date"))
        deadline, category, period = profile_deadline(f, customer)
        if deadline and made:
            if made > deadline:
                yield customer.problem("customer.profile-late", ("created", "date"), value=True,
                                       first=first.isoformat(), deadline=deadline.isoformat(),
                                       period=period_words(period), category=_category_label(index, category),
                                       policy_key=f"customers.profile_within.{category}")
            if made < first:
                yield customer.problem("customer.profile-dates", ("created", "date"), value=True)
        review = customer.get("profile_review")
        if isinstance(review, dict) and created.get("by"):
            allowed = f.superiors(created.get("by"))
            if review.get("by") not in allowed:
                yield customer.problem("customer.review-by", ("profile_review", "by"), value=True,
                                       staff=review.get("by"), expected="、".join(sorted(allowed)) or "—")


@grouped(BY_CUSTOMER)
@needs("customers")
def check_profile_handover(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 003 二、5「表格填写完毕后，最迟于次日统一交至销售经理」: the profile of a customer whose category
    `customers.profile_handover_within` lists reaches the sales manager (the creator's superior: the
    department head) within that period of its creation. A hand-over not yet recorded is `dangan due`'s."""
    for customer in index.of("customer").values():
        handed = customer.get("profile_handover")
        if not isinstance(handed, dict):
            continue
        deadline, category, period = handover_deadline(f, customer)
        made, on = date(customer.get("created", "date")), date(handed.get("date"))
        if deadline and on and on > deadline:
            yield customer.problem("customer.handover-late", ("profile_handover", "date"), value=True,
                                   made=made.isoformat(), deadline=deadline.isoformat(), period=period_words(period),
                                   category=_category_label(index, category),
                                   policy_key=f"customers.profile_handover_within.{category}")
        allowed = f.superiors(customer.get("created", "by"))
        if allowed and handed.get("by") not in allowed:
            yield customer.problem("customer.handover-to", ("profile_handover", "by"), value=True,
                                   staff=handed.get("by"), expected="、".join(sorted(allowed)),
                                   policy_key=f"customers.profile_handover_within.{category}")


@grouped(BY_CUSTOMER)
def check_owner_is_collector(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 003 一、5 and 8「谁收集的档案归谁（此条优先）」: the customer's owner is who collected it (the
    profile's creator, `created.by`, whose commit signs it), unless a recorded `owner_transfers` entry gave
    it to someone else: then the `to` of the latest one."""
    for customer in index.of("customer").values():
        expected, owner = collector(customer), customer.get("owner")
        if index.get("staff", owner) is None:
            continue  # nobody by that id: the reference is the problem (`ref.missing`)
        if isinstance(expected, str) and isinstance(owner, str) and owner != expected:
            transferred = bool(customer.get("owner_transfers"))
            yield customer.problem("customer.owner-not-collector", ("owner",), value=True, staff=owner,
                                   expected=expected, basis=Words("最近一次客户经理变更" if transferred else "建档人",
                                                                  "the latest owner transfer" if transferred
                                                                  else "the collector"))


def _category_label(index: Index, category: str) -> Words:
    return Words(index.schemas.label("policy", ("customers", "profile_within", category)), category)


@grouped(BY_CUSTOMER)
@needs("customers")
def check_basic_profile(index: Index, f: Facts) -> Iterator[Problem]:
    """The basic profile is complete (seed 001 客户档案管理制度流程 四1(1)「客户名称、法定代表人、注册资本、
    成立日期、联系方式」): every field `customers.basic_profile` lists for the customer's type holds a value,
    for a customer whose status is one of `customers.basic_profile_statuses`. One problem per missing field,
    at the field (or the nearest block that is there)."""
    for customer in index.of("customer").values():
        for path in missing_basic_fields(f, customer):
            yield customer.problem("customer.profile-incomplete", path, status=customer.get("status"),
                                   field_label=index.schemas.label("customer", path),
                                   policy_key="customers.basic_profile")


@grouped(BY_CUSTOMER)
@needs("customers")
def check_profile_updates(index: Index, f: Facts) -> Iterator[Problem]:
    """Every customer's profile is updated periodically (seed 002 篇一 2. long-term partners every quarter;
    seed 001 客户资料的更新和维护「定期」): each recorded update comes within `customers.update_every_months`
    (by the customer's category) of the one before, the first of the later of its creation and
    `customers.update_from`. A missing update is `dangan due`'s to list."""
    for customer in index.of("customer").values():
        months, category = update_months(f, customer)
        for update in updates(f, customer):
            if update.done > update.deadline:
                yield customer.problem("customer.update-late", ("updates", update.position, "date"), value=True,
                                       deadline=update.deadline.isoformat(), months=months,
                                       category=index.schemas.label("policy", ("customers", "update_every_months",
                                                                               category)),
                                       policy_key=f"customers.update_every_months.{category}")


@grouped(BY_CUSTOMER)
@needs("approvals")
def check_blacklist(index: Index, f: Facts) -> Iterator[Problem]:
    """No dossier or contract dated after a customer's blacklisting: company scope blocks
    everyone, department scope blocks that department (seed 004 篇一 3.5 b)). Who decides (3.5 a)): the
    company's list by a role of `approvals.blacklist` (the marketing division), a department's list by a role
    of `approvals.blacklist_department` in that department (its head)."""
    for customer in index.of("customer").values():
        entry = customer.get("blacklist")
        if not isinstance(entry, dict):
            continue
        since = date(entry.get("date"))
        yield from _blacklisted_by(f, customer, entry)
        if since is None:
            continue
        scope_department = entry.get("department") if entry.get("scope") == "department" else None
        for record, when, department, field in _business(f, customer.id):
            if when and when > since and (scope_department is None or department == scope_department):
                yield record.problem("blacklist.business", (field,), value=True, customer=customer.id,
                                     since=since.isoformat(), scope=entry.get("scope"))


def _blacklisted_by(f: Facts, customer, entry: dict) -> Iterator[Problem]:
    by, department = entry.get("by"), entry.get("department")
    if entry.get("scope") != "department":
        if not f.has_role(by, f.approvers("blacklist")):
            yield customer.problem("approval.role", ("blacklist", "by"), value=True, staff=by,
                                   roles=f.role_names(f.approvers("blacklist")), policy_key="approvals.blacklist")
        return
    roles = f.approvers("blacklist_department")
    if not isinstance(department, str):
        yield customer.problem("blacklist.no-department", ("blacklist", "scope"), value=True)
        return
    person = f.index.get("staff", by) if isinstance(by, str) else None
    head = f.policy.departments[department].head if department in f.policy.departments else None
    if by != head and not (f.has_role(by, roles) and person is not None and person.get("department") == department):
        yield customer.problem("blacklist.department-by", ("blacklist", "by"), value=True, staff=by,
                               department=department, roles=f.role_names(roles),
                               policy_key="approvals.blacklist_department")


@grouped(BY_CUSTOMER)
@needs("customers", "approvals")
def check_profile_approval(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇四 4、1、2 c)「客户档案由销售总监进行审批确认」: a profile created on or after
    `customers.profile_approval_from` is approved by a role of `approvals.profile_approval` within
    `customers.profile_approval_within` of its creation, never before it. One still unapproved once the
    archive has recorded acts past that day is a warning (`dangan due` lists it before)."""
    roles = f.approvers("profile_approval")
    through = recorded_through(index)
    for customer in index.of("customer").values():
        if not needs_approval(f, customer):
            continue
        approval, deadline = customer.get("profile_approval"), approval_deadline(f, customer)
        if not isinstance(approval, dict):
            if deadline and through and through > deadline:
                yield customer.problem("customer.approval-missing", ("created",), severity=WARNING,
                                       roles=f.role_names(roles), deadline=deadline.isoformat(),
                                       through=through.isoformat(), policy_key="approvals.profile_approval")
            continue
        if not f.has_role(approval.get("by"), roles):
            yield customer.problem("approval.role", ("profile_approval", "by"), value=True, staff=approval.get("by"),
                                   roles=f.role_names(roles), policy_key="approvals.profile_approval")
        on, made = date(approval.get("date")), date(customer.get("created", "date"))
        if on and deadline and on > deadline:
            yield customer.problem("customer.approval-late", ("profile_approval", "date"), value=True,
                                   made=made.isoformat(), deadline=deadline.isoformat(),
                                   policy_key="customers.profile_approval_within")
        elif on and made and on < made:
            yield customer.problem("customer.approval-dates", ("profile_approval", "date"), value=True,
                                   made=made.isoformat())


def _business(f, customer_id: str):
    for dossier in f.dossiers_by_customer.get(customer_id, ()):
        if dossier.get("status") != "voided":
            manager = f.index.get("staff", dossier.get("manager_a"))
            department = manager.get("department") if manager else None
            yield dossier, date(dossier.get("project_end")), department, "project_end"
    for contract in f.contracts_by_customer.get(customer_id, ()):
        yield contract, date(contract.get("signed_on")), contract.get("department"), "signed_on"


@grouped(BY_CUSTOMER)
def check_departed_owners(index: Index, f: Facts) -> Iterator[Problem]:
    """A staff member who has left owns no customer (seed 003: hand everything over first)."""
    for customer in index.of("customer").values():
        left = f.left_on(customer.get("owner"))
        if left and customer.get("status") not in ("closed",):
            yield customer.problem("staff.left-owner", ("owner",), value=True, staff=customer.get("owner"),
                                   left=left.isoformat())


@grouped(BY_CUSTOMER)
# --- credit (seeds 001, 002): kept apart from the profile rules above ------------------------------------
@needs("credit")
def check_credit_file(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 002 篇二 5.: a live customer with a credit limit has a complete credit file: every item of
    `credit.file_required` (the overview, banks, payment habits, financial and operating condition, the
    approved limit history, the next review, and the application, investigation, approval and grant forms)."""
    for customer in index.of("customer").values():
        if not credit.has_credit(customer):
            continue
        missing = credit.missing_file_items(f, customer)
        if missing:
            labels = [index.schemas.label("customer", ("credit", *item.split("."))) for item in missing]
            names = "、".join(f"「{label}」" for label in labels)
            yield customer.problem("credit.file-incomplete", ("credit", "limit"), value=True, missing=names,
                                   count=len(missing), policy_key="credit.file_required")


@grouped(BY_CUSTOMER)
@needs("approvals")
def check_credit_limits(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 001 客户信用管理制度流程 三「信用额度审批」: every credit limit set or changed is approved by a role
    of `approvals.credit_limit`, and the limit in force (`credit.limit`) is the latest one recorded."""
    approvers = f.approvers("credit_limit")
    for customer in index.of("customer").values():
        history = customer.get("credit", "limit_history") or []
        for i, entry in enumerate(history if isinstance(history, list) else []):
            by = (entry.get("approved") or {}).get("by") if isinstance(entry, dict) else None
            if by is not None and approvers and not f.has_role(by, approvers):
                yield customer.problem("approval.role", ("credit", "limit_history", i, "approved", "by"), value=True,
                                       staff=by, roles=f.role_names(approvers), policy_key="approvals.credit_limit")
        latest = credit.latest_limit(customer)
        if latest and latest[1].get("limit") != customer.get("credit", "limit"):
            yield customer.problem("credit.limit-unrecorded", ("credit", "limit"), value=True,
                                   limit=customer.get("credit", "limit", default=0), recorded=latest[1].get("limit"),
                                   since=latest[1].get("since"), policy_key="approvals.credit_limit")


@grouped(BY_CUSTOMER)
@needs("credit")
def check_credit_reviews(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 001 客户信用管理制度流程 七「信用评估更新」: the next review is set no later than
    `credit.review_every_months` after the last one (months clamped to the month's end); a live customer's
    review date that the archive has already passed (acts recorded after it: `rules.contracts.recorded_through`)
    is a warning until a new review is recorded (`dangan due` lists it before)."""
    months = f.policy.credit.review_every_months
    through = recorded_through(index)
    for customer in index.of("customer").values():
        reviewed, planned = date(customer.get("credit", "reviewed_on")), date(customer.get("credit", "next_review"))
        if reviewed and planned and planned > add_months(reviewed, months):
            yield customer.problem("credit.review-interval", ("credit", "next_review"), value=True,
                                   reviewed=reviewed.isoformat(), months=months,
                                   deadline=add_months(reviewed, months).isoformat(),
                                   policy_key="credit.review_every_months")
        if customer.get("status") not in credit.LIVE or not _has_review(customer):
            continue
        due, source = credit.review_due(f, customer)
        if due and through and through > due:
            field = ("credit", "next_review") if source == "credit.next_review" else ("credit", "reviewed_on")
            yield customer.problem("credit.review-overdue", field, value=True, severity=WARNING,
                                   deadline=due.isoformat(), through=through.isoformat(),
                                   policy_key="credit.review_every_months")


def _has_review(customer) -> bool:
    return credit.has_credit(customer) or customer.get("credit", "next_review") is not None
