"""Visits (seeds 003, 000 篇3–篇4): a scheduled visit done after its day is a warning (one not done
at all is reported by `dangan due`); a visit that needs a plan is made only after the plan's approval;
its report is written by the next working day and reviewed by the visitor's superior or a role in
`approvals.visit_review`; the materials taken along are returned (or their keeping approved) the same
day; a low survey score is followed up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..facts import Facts, date
from ..groups import BY_CUSTOMER, BY_REFERENCE, grouped
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem
from ..rules.visits import materials_deadline, period_words, report_deadline
from ..schedules import effective_from, fulfil
from ..workdays import describe


@grouped(BY_CUSTOMER)
@needs("visits", "contracts")
def check_late_visits(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 003 and 000 篇3: a visit a schedule calls for, made after its day, is a warning. Judged per customer
    (`BY_CUSTOMER`): the schedules are counted up to the last visit on record, and a customer's late visits are
    the same for any such day on or after that customer's own last visit (a visit expected later cannot be
    made late, and expected visits are paired in the order they fall due)."""
    last = max((date(v.get("date")) for v in index.of("visit").values() if date(v.get("date"))), default=None)
    if last is None:
        return
    for outcome in fulfil(f, last):
        if outcome.late:
            exp = outcome.expected
            yield outcome.visit.problem("visit.late", ("date",), value=True, severity=WARNING, schedule=exp.name,
                                        due=exp.due.isoformat(), basis=exp.basis,
                                        policy_key=f"visits.schedules[{exp.schedule}]"
                                        if exp.schedule != "festival" else "visits.festivals")


@grouped(BY_CUSTOMER)
@needs("approvals")
def check_visit_reports(index: Index, f: Facts) -> Iterator[Problem]:
    roles = f.approvers("visit_review")
    for visit in index.of("visit").values():
        reviewed = (visit.get("report") or {}).get("reviewed")
        if not isinstance(reviewed, dict):
            continue
        by = reviewed.get("by")
        if by not in f.superiors(visit.get("staff")) and not f.has_role(by, roles):
            yield visit.problem("visit.reviewer", ("report", "reviewed", "by"), value=True, staff=by,
                                roles=f.role_names(roles), policy_key="approvals.visit_review")


@grouped(BY_CUSTOMER)
@needs("visits", "approvals")
def check_visit_plans(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇3 篇一 1.「制定客户维系及回访计划，上报公司批准后负责实施」, 篇4 篇二 第五条「制定大客户回访
    计划」: a visit of a kind in `visits.plan_required` (from `visits.effective_from`) has a plan, approved on or
    before the visit's day by a role of `approvals.visit_plan` other than the visitor; any recorded plan is
    held to the same."""
    required, start, roles = f.policy.visits.plan_required, effective_from(f), f.approvers("visit_plan")
    for visit in index.of("visit").values():
        day, plan = date(visit.get("date")), visit.get("plan")
        approved = plan.get("approved") if isinstance(plan, dict) else None
        if not isinstance(approved, dict):
            if visit.get("kind") in required and day and day >= start:
                yield visit.problem("visit.plan-missing", ("plan",) if isinstance(plan, dict) else ("kind",),
                                    value=not isinstance(plan, dict), kind=_kind_label(index, visit),
                                    policy_key="visits.plan_required")
            continue
        on, by = date(approved.get("date")), approved.get("by")
        if on and day and on > day:
            yield visit.problem("visit.plan-late", ("plan", "approved", "date"), value=True, visit_date=day.isoformat(),
                                policy_key="visits.plan_required")
        if by == visit.get("staff"):
            yield visit.problem("visit.plan-self", ("plan", "approved", "by"), value=True, staff=by,
                                policy_key="approvals.visit_plan")
        elif not f.has_role(by, roles):
            yield visit.problem("approval.role", ("plan", "approved", "by"), value=True, staff=by,
                                roles=f.role_names(roles), policy_key="approvals.visit_plan")


@grouped(BY_CUSTOMER)
@needs("visits")
def check_report_written(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇4 篇一 五1.「在结束回访的第二天…填写《客户回访报告表》」: the report is written on or after
    the visit, within `visits.report_within` of it. A report not yet written is `dangan due`'s."""
    for visit in index.of("visit").values():
        written = date((visit.get("report") or {}).get("written_on")) if isinstance(visit.get("report"), dict) \
            else None
        deadline, period = report_deadline(f, visit)
        if written is None or deadline is None:
            continue
        if written > deadline:
            yield visit.problem("visit.report-late", ("report", "written_on"), value=True,
                                visit_date=visit.get("date"), period=describe(period), deadline=deadline.isoformat(),
                                policy_key="visits.report_within")
        elif written < date(visit.get("date")):
            yield visit.problem("visit.report-dates", ("report", "written_on"), value=True,
                                visit_date=visit.get("date"))


@grouped(BY_CUSTOMER)
@needs("visits", "approvals")
def check_visit_materials(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇4 篇一 四3.「回访结束后…及时将回访的相关资料归还给公司，如果由于客观原因确实无法归还，应报客户
    服务主管批准」: the materials a visit took along are returned within `visits.materials_return_within` of
    the visit, or their keeping is approved within it by a role of `approvals.visit_materials`. Materials
    neither returned nor kept yet are `dangan due`'s."""
    roles = f.approvers("visit_materials")
    for visit in index.of("visit").values():
        materials = visit.get("materials")
        if not isinstance(materials, dict):
            continue
        deadline, period = materials_deadline(f, visit)
        kept = (materials.get("kept") or {}).get("approved") if isinstance(materials.get("kept"), dict) else None
        returned = materials.get("returned")
        if isinstance(kept, dict):
            if not f.has_role(kept.get("by"), roles):
                yield visit.problem("approval.role", ("materials", "kept", "approved", "by"), value=True,
                                    staff=kept.get("by"), roles=f.role_names(roles),
                                    policy_key="approvals.visit_materials")
            late, field = date(kept.get("date")), ("materials", "kept", "approved", "date")
        elif isinstance(returned, dict):
            late, field = date(returned.get("date")), ("materials", "returned", "date")
        else:
            continue
        if deadline and late and late > deadline:
            yield visit.problem("visit.materials-late", field, value=True, visit_date=visit.get("date"),
                                period=period_words(period), deadline=deadline.isoformat(),
                                policy_key="visits.materials_return_within")


def _kind_label(index: Index, visit) -> str:
    info = index.schemas.field_info("visit", ("kind",))
    return ((info.schema.get("x-labels") or {}) if info else {}).get(visit.get("kind"), str(visit.get("kind")))


@grouped(BY_REFERENCE)
def check_survey_follow_up(index: Index, f: Facts) -> Iterator[Problem]:
    """A survey's follow-up visit is a visit of the same customer, on or after the survey."""
    for survey in index.of("survey").values():
        ref = (survey.get("follow_up") or {}).get("visit")
        visit = index.get("visit", ref) if isinstance(ref, str) else None
        if visit is None:
            continue
        when, surveyed = date(visit.get("date")), date(survey.get("date"))
        if visit.get("customer") != survey.get("customer") or (when and surveyed and when < surveyed):
            yield survey.problem("survey.follow-up", ("follow_up", "visit"), value=True, visit=ref)


__all__ = ["check_late_visits", "check_report_written", "check_survey_follow_up", "check_visit_materials",
           "check_visit_plans", "check_visit_reports", "dt"]
