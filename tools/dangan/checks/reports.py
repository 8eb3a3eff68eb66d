"""Seed 004's reports (`records/reports/`): the monthly market report of each business department on the
`customers.market_report` day (篇五 6.1), and the satisfaction analysis approved by `approvals.
satisfaction_report` before it goes out (篇四 6 c)). The reports to the group (seed 002) are `checks.contracts`'."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem
from ..rules.reports import MARKET, SATISFACTION, filed_through, market_reports


@needs("customers")
def check_market_reports(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇五 6.1「每月第一个星期一向客服部提供」: each department with live customers files its market
    report for the month by the `customers.market_report` day (the first Monday, or the next working day when
    that is a holiday), from its `from` month on, to the department `to`. A report filed after its day is an
    error; one still missing when the archive has recorded market reports filed after its day is a warning
    (`rules.reports.filed_through`; `dangan due` lists it before). Until the first report is recorded the
    archive does not keep them yet, and only `dangan due` speaks."""
    through = filed_through(f)
    rule = f.policy.customers.market_report
    if through is None or rule is None:
        return
    label = _label(index, MARKET)
    for report in market_reports(f, through):
        if report.filed is None:
            if through > report.due and index.policy is not None:
                yield index.policy.problem("report.missing-department", ("customers", "market_report"), value=True,
                                           severity=WARNING, report=label, period=report.period,
                                           department=report.department, deadline=report.due.isoformat(),
                                           through=through.isoformat(), policy_key="customers.market_report")
        elif report.submitted and report.submitted > report.due:
            yield report.filed.problem("report.late", ("submitted", "date"), value=True, report=label,
                                       period=report.period, deadline=report.due.isoformat(),
                                       policy_key="customers.market_report")
    for record in index.of("report").values():
        if record.get("report") == MARKET and rule.to and record.get("to") not in (None, rule.to,
                                                                                   f.policy.name("policy:departments",
                                                                                                 rule.to)):
            yield record.problem("report.recipient", ("to",), value=True, department=rule.to,
                                 policy_key="customers.market_report.to")


@needs("approvals")
def check_satisfaction_reports(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇四 6 c)「编制“顾客满意度调查分析报告”，经总经理审批后发放到相关部门」: a satisfaction analysis
    is approved by a role of `approvals.satisfaction_report`, on or before the day it is issued (`submitted`)."""
    roles = f.approvers("satisfaction_report")
    for record in index.of("report").values():
        if record.get("report") != SATISFACTION:
            continue
        approval = record.get("approved")
        if not isinstance(approval, dict):
            yield record.problem("report.unapproved", ("submitted",), report=_label(index, SATISFACTION),
                                 roles=f.role_names(roles), policy_key="approvals.satisfaction_report")
            continue
        if not f.has_role(approval.get("by"), roles):
            yield record.problem("approval.role", ("approved", "by"), value=True, staff=approval.get("by"),
                                 roles=f.role_names(roles), policy_key="approvals.satisfaction_report")
        approved, issued = date(approval.get("date")), date(record.get("submitted", "date"))
        if approved and issued and approved > issued:
            yield record.problem("report.approved-late", ("approved", "date"), value=True,
                                 report=_label(index, SATISFACTION), issued=issued.isoformat(),
                                 policy_key="approvals.satisfaction_report")


def _label(index: Index, report: str) -> str:
    info = index.schemas.field_info("report", ("report",))
    return ((info.schema.get("x-labels") or {}) if info else {}).get(report, report)
