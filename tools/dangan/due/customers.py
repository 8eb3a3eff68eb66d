"""`dangan due`, the customer side: visits and greetings, complaint replies and archiving, surveys,
profile reviews and periodic updates, tier reviews (contracts, reports and credit: `due.contracts`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..facts import Facts, date
from ..rules.deadlines import archive_deadline, reply_deadline
from ..rules.profiles import UPDATED_STATUSES, handover_deadline, next_update, update_months
from ..rules.surveys import low_scores
from ..rules.visits import materials_deadline, report_deadline
from ..schedules import fulfil
from ..workdays import add_months
from .item import DueItem, Source

_LIVE = ("active", "prospect", "dormant")


def _someone(f: Facts, role: str | None, department: str | None = None) -> str | None:
    """A current holder of a role, preferring the department's."""
    if not role:
        return None
    holders = f.staff_with_role(role)
    local = [s for s in holders if (f.index.get("staff", s) or {}).get("department") == department] \
        if department else []
    return (local or holders or [None])[0]


def visits(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Scheduled visits and festival greetings not yet done (those of a kind in `visits.plan_required` say
    that their plan is approved first)."""
    for outcome in fulfil(f, horizon):
        exp = outcome.expected
        if outcome.visit is not None or exp.due > horizon:
            continue
        customer = f.index.get("customer", exp.customer)
        department = customer.get("department") if customer else None
        owner = exp.staff or _someone(f, exp.role, department)
        kind = "greeting" if exp.schedule == "festival" else "visit"
        rule = "visits.festivals" if kind == "greeting" else f"visits.schedules[{exp.schedule}]"
        plan = "，先报批回访计划" if exp.kind in f.policy.visits.plan_required else ""
        yield DueItem(kind, f"customer/{exp.customer}", f"{exp.name}（{exp.basis}{plan}）", exp.due, owner, rule)


def complaint_replies(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    for complaint in f.index.of("complaint").values():
        if isinstance(complaint.get("reply"), dict):
            continue
        deadline, key, period = reply_deadline(f, complaint)
        if deadline:
            label = "紧急客诉答复" if complaint.get("urgent") is True else "客诉答复"
            what = f"{label}：{complaint.get('customer')}"
            received = complaint.get("received") or {}
            yield DueItem("complaint", complaint.key, what, deadline, received.get("by"), f"complaints.{key}",
                          f.calendar.guessed_years(date(received.get("date")), period))


def complaint_archives(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Closed complaints not yet archived (seed 001: 客诉档案归档), due `complaints.archive_within` after closing."""
    for complaint in f.index.of("complaint").values():
        if isinstance(complaint.get("archived"), dict):
            continue
        deadline, period = archive_deadline(f, complaint)
        if deadline:
            closed = complaint.get("closed") or {}
            yield DueItem("complaint_archive", complaint.key, f"客诉资料归档：{complaint.get('customer')}", deadline,
                          closed.get("by"),
                          "complaints.archive_within", f.calendar.guessed_years(date(closed.get("date")), period))


def surveys(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """A satisfaction survey every year for every active customer; low scores followed up."""
    per_year, follow_up = f.policy.surveys.per_year, f.policy.surveys.follow_up_within
    last: dict[str, dt.date] = {}
    for survey in f.index.of("survey").values():
        when, customer = date(survey.get("date")), survey.get("customer")
        if when and isinstance(customer, str):
            last[customer] = max(last.get(customer, when), when)
            if low_scores(f, survey) and not (survey.get("follow_up") or {}).get("visit") and follow_up:
                record = f.index.get("customer", customer)
                owner = record.get("owner") if record else None
                yield DueItem("visit", survey.key, f"低分跟进回访：{'、'.join(low_scores(f, survey))}",
                              f.calendar.deadline(when, follow_up), owner, "surveys.follow_up_within",
                              f.calendar.guessed_years(when, follow_up))
    if per_year < 1:
        return
    months = 12 // per_year
    for customer in f.index.of("customer").values():
        if customer.get("status") != "active":
            continue
        start = last.get(customer.id) or date((customer.get("admission") or {}).get("approved", {}).get("date")) \
            or date(customer.get("first_contact_on"))
        if start:
            yield DueItem("survey", customer.key, "年度满意度调查", add_months(start, months), customer.get("owner"),
                          "surveys.per_year")


def profiles(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Profile reviews by the superior."""
    review_within = f.policy.customers.profile_review_within
    for customer in f.index.of("customer").values():
        if customer.get("status") not in _LIVE:
            continue
        created = customer.get("created") or {}
        made = date(created.get("date"))
        if made and not isinstance(customer.get("profile_review"), dict) and review_within is not None:
            reviewer = sorted(f.superiors(created.get("by")))
            yield DueItem("profile", customer.key, "客户档案审核", f.calendar.deadline(made, review_within),
                          reviewer[0] if reviewer else None, "customers.profile_review_within",
                          f.calendar.guessed_years(made, review_within))


def profile_handovers(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Seed 003 二、5: the customer form to the sales manager (the creator's superior), for the categories of
    `customers.profile_handover_within`."""
    for customer in f.index.of("customer").values():
        if customer.get("status") not in _LIVE or isinstance(customer.get("profile_handover"), dict):
            continue
        deadline, category, period = handover_deadline(f, customer)
        if deadline:
            manager = sorted(f.superiors(customer.get("created", "by")))
            yield DueItem("profile", customer.key, "顾客档案表交至销售经理", deadline,
                          customer.get("created", "by") or (manager[0] if manager else None),
                          f"customers.profile_handover_within.{category}",
                          f.calendar.guessed_years(date(customer.get("created", "date")), period))


def profile_updates(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Every live customer's next periodic update, by its category's `customers.update_every_months`."""
    for customer in f.index.of("customer").values():
        if customer.get("status") not in UPDATED_STATUSES:
            continue
        due = next_update(f, customer)
        months, category = update_months(f, customer)
        if due:
            label = f.index.schemas.label("policy", ("customers", "update_every_months", category))
            yield DueItem("profile", customer.key, f"客户档案定期更新（{label}，每 {months} 个月）", due,
                          customer.get("owner"), f"customers.update_every_months.{category}")


def tier_reviews(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Each department's half-year review, due at the end of the half after its last one."""
    every = f.policy.customers.review_every_months
    done: dict[str, str] = {}
    for review in f.index.of("review").values():
        department, period = review.get("department"), review.get("period")
        if isinstance(department, str) and isinstance(period, str):
            done[department] = max(done.get(department, period), period)
    departments = {c.get("department") for c in f.index.of("customer").values() if c.get("status") in _LIVE}
    for department in sorted(d for d in departments if isinstance(d, str)):
        last = done.get(department)
        if last:
            year, half = int(last[:4]), int(last[-1])
            start = dt.date(year, 1 if half == 1 else 7, 1)
            end = add_months(start, 2 * every) - dt.timedelta(days=1)
        else:
            end = dt.date(as_of.year, 6, 30) if as_of.month <= 6 else dt.date(as_of.year, 12, 31)
        period = f"{end.year}H{1 if end.month <= 6 else 2}"
        head = f.policy.departments[department].head if department in f.policy.departments else None
        yield DueItem("review", f"review/{department}", f"阶段评审 {period}：{department}", end, head,
                      "customers.review_every_months")


def visit_reports(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    within = f.policy.visits.report_review_within
    for visit in f.index.of("visit").values():
        report = visit.get("report")
        written = date((report or {}).get("written_on")) if isinstance(report, dict) else None
        if written and not isinstance(report.get("reviewed"), dict) and within is not None:
            reviewer = sorted(f.superiors(visit.get("staff")))
            yield DueItem("visit", visit.key, "审阅回访报告", f.calendar.deadline(written, within),
                          reviewer[0] if reviewer else None, "visits.report_review_within",
                          f.calendar.guessed_years(written, within))


def visit_report_writing(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Seed 000 篇4: the visit report written by the visitor within `visits.report_within`."""
    for visit in f.index.of("visit").values():
        if isinstance(visit.get("report"), dict):
            continue
        deadline, period = report_deadline(f, visit)
        if deadline:
            yield DueItem("visit", visit.key, "填写回访报告", deadline, visit.get("staff"), "visits.report_within",
                          f.calendar.guessed_years(date(visit.get("date")), period))


def visit_materials(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Seed 000 篇4: the materials a visit took along, back to the company (or their keeping approved by the
    customer-service supervisor) within `visits.materials_return_within`."""
    for visit in f.index.of("visit").values():
        materials = visit.get("materials")
        if not isinstance(materials, dict) or isinstance(materials.get("returned"), dict) \
                or isinstance(materials.get("kept"), dict):
            continue
        deadline, period = materials_deadline(f, visit)
        if deadline:
            yield DueItem("visit", visit.key, "归还回访资料（或报客户服务主管批准留用）", deadline, visit.get("staff"),
                          "visits.materials_return_within", f.calendar.guessed_years(date(visit.get("date")), period))


SOURCES: list[Source] = [visits, complaint_replies, complaint_archives, surveys, profiles, profile_handovers,
                         profile_updates, tier_reviews, visit_reports, visit_report_writing, visit_materials]
