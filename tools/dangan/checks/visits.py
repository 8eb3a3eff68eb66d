"""Visits (seeds 003, 000): a scheduled visit done after its day is a warning (one not done
at all is reported by `dangan due`); a visit report is reviewed by the visitor's superior
or a role in `approvals.visit_review`; a low survey score is followed up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem
from ..schedules import fulfil


@needs("visits", "contracts")
def check_late_visits(index: Index, f: Facts) -> Iterator[Problem]:
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


__all__ = ["check_late_visits", "check_survey_follow_up", "check_visit_reports", "dt"]
