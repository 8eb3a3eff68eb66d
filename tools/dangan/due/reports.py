"""`dangan due`, seed 004's reports and approvals: each department's monthly market report (篇五 6.1, the
first Monday, moved to the next working day when that is a holiday) and the sales director's approval of
new profiles (篇四 4、1、2 c))."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..rules.profile_approval import approval_deadline, needs_approval
from ..rules.reports import MARKET, market_reports
from .item import DueItem, Source


def market(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Every market report not yet filed, due up to the horizon (overdue ones included)."""
    for report in market_reports(f, horizon):
        if report.filed is not None:
            continue
        department = f.policy.departments.get(report.department)
        name = department.name if department else report.department
        # moved off a holiday by the calendar: provisional in a year whose holidays are not known yet
        guessed = () if f.calendar.knows(report.due.year) else (report.due.year,)
        yield DueItem("market_report", f"report/{MARKET}-{report.department}", f"市场信息月报 {report.period}：{name}",
                      report.due, department.head if department else None, "customers.market_report", guessed)


def profile_approvals(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Profiles made since `customers.profile_approval_from` and not yet approved by the sales director."""
    roles = f.approvers("profile_approval")
    holders = [s for role in roles for s in f.staff_with_role(role)]
    for customer in f.index.of("customer").values():
        if not needs_approval(f, customer) or isinstance(customer.get("profile_approval"), dict):
            continue
        deadline = approval_deadline(f, customer)
        if deadline:
            yield DueItem("profile", customer.key, f"客户档案审批确认（{f.role_names(roles)}）", deadline,
                          holders[0] if holders else None, "customers.profile_approval_within",
                          f.calendar.guessed_years(date(customer.get("created", "date")),
                                                   f.policy.customers.profile_approval_within))


SOURCES: list[Source] = [market, profile_approvals]
