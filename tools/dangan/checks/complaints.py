"""Complaints (seeds 004, 001): replied within `complaints.reply_within`, or
`complaints.urgent_reply_within` when urgent; closed only with the customer's feedback;
archived under its own name and number within `complaints.archive_within` of closing; each
outcome approved by `approvals.complaint_outcome` before the reply; appeals within
`complaints.appeal_within`; reinvestigated until the customer is satisfied (`complaints.satisfied_min`)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..rules.complaints import appeal_deadline, dissatisfied, round_reply_deadline, rounds, satisfaction
from ..rules.deadlines import archive_deadline, reply_deadline
from ..workdays import describe


@needs("complaints")
def check_complaints(index: Index, f: Facts) -> Iterator[Problem]:
    for complaint in index.of("complaint").values():
        deadline, key, period = reply_deadline(f, complaint)
        replied = date((complaint.get("reply") or {}).get("date"))
        if deadline and replied and replied > deadline:
            yield complaint.problem("complaint.late-reply", ("reply", "date"), value=True,
                                    deadline=deadline.isoformat(), period=describe(period),
                                    policy_key=f"complaints.{key}")
        closed = complaint.get("closed")
        if isinstance(closed, dict):
            if not isinstance(complaint.get("feedback"), dict):
                yield complaint.problem("complaint.closed-without-feedback", ("closed",))
            if not isinstance(complaint.get("reply"), dict):
                yield complaint.problem("complaint.closed-without-reply", ("closed",))


@needs("complaints")
def check_complaint_archive(index: Index, f: Facts) -> Iterator[Problem]:
    """A closed complaint is archived with its name, number and date (seed 001 客诉档案管理制度及流程 四3(2)
    「归档时，需注明档案名称、编号、归档日期」) within `complaints.archive_within` of closing, never before
    it is closed; each archive number names one complaint (seed 001 五2「分类、编码、编号」)."""
    numbers: dict[str, str] = {}
    for complaint in sorted(index.of("complaint").values(), key=lambda r: r.id):
        archived = complaint.get("archived")
        if not isinstance(archived, dict):
            continue
        number = archived.get("number")
        if isinstance(number, str):
            if number in numbers:
                yield complaint.problem("complaint.archive-number", ("archived", "number"), value=True,
                                        number=number, other=numbers[number])
            numbers.setdefault(number, complaint.id)
        closed, done = date(complaint.get("closed", "date")), date(archived.get("date"))
        if closed is None:
            yield complaint.problem("complaint.archived-open", ("archived",))
            continue
        if done is None:
            continue
        if done < closed:
            yield complaint.problem("complaint.archived-before-closed", ("archived", "date"), value=True,
                                    closed=closed.isoformat())
        deadline, period = archive_deadline(f, complaint)
        if deadline and done > deadline:
            yield complaint.problem("complaint.archive-late", ("archived", "date"), value=True,
                                    closed=closed.isoformat(), deadline=deadline.isoformat(),
                                    period=describe(period), policy_key="complaints.archive_within")


@needs("complaints", "approvals")
def check_complaint_outcomes(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇四 7、2–7、3「处理结果公司总经理审批后，由办公室反馈到客户」: each round's outcome (the first
    handling and every reinvestigation) is approved by a role of `approvals.complaint_outcome` on or before the
    day it is replied to the customer."""
    roles = f.approvers("complaint_outcome")
    for complaint in index.of("complaint").values():
        for round_ in rounds(complaint):
            approval, replied = round_.act("outcome_approval"), round_.replied
            if approval is None:
                if replied:
                    yield complaint.problem("complaint.outcome-unapproved", (*round_.at, "reply", "date"), value=True,
                                            roles=f.role_names(roles), policy_key="approvals.complaint_outcome")
                continue
            if not f.has_role(approval.get("by"), roles):
                yield complaint.problem("approval.role", (*round_.at, "outcome_approval", "by"), value=True,
                                        staff=approval.get("by"), roles=f.role_names(roles),
                                        policy_key="approvals.complaint_outcome")
            approved = date(approval.get("date"))
            if approved and replied and approved > replied:
                yield complaint.problem("complaint.outcome-after-reply", (*round_.at, "outcome_approval", "date"),
                                        value=True, replied=replied.isoformat(),
                                        policy_key="approvals.complaint_outcome")


@needs("complaints", "approvals")
def check_complaint_reinvestigations(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 004 篇二 1.1「接到测试报告后十日内以书面形式提出申诉」and 4.「如果客户对处理结果不满意，职责部门应重新
    对该投诉进行调查处理，直至客户满意为止」: an appeal comes within `complaints.appeal_within` of the reply before it
    (a later one is not accepted); a reinvestigation is replied within the complaint's reply period
    (`complaints.reply_within`, urgent `urgent_reply_within`) of the day the customer raised it; a complaint whose
    last feedback is below `complaints.satisfied_min` is not closed without a decision (`decision`) recorded by a
    role of `approvals.complaint_outcome`."""
    roles = f.approvers("complaint_outcome")
    for complaint in index.of("complaint").values():
        found = rounds(complaint)
        for before, round_ in pairwise(found):
            raised = round_.start
            if round_.data.get("cause") == "appeal" and raised:
                deadline = appeal_deadline(f, before.replied)
                if deadline and raised > deadline:
                    yield complaint.problem("complaint.appeal-late", (*round_.at, "date"), value=True,
                                            replied=before.replied.isoformat(), deadline=deadline.isoformat(),
                                            period=describe(f.policy.complaints.appeal_within),
                                            policy_key="complaints.appeal_within")
            deadline, key, period = round_reply_deadline(f, complaint, raised)
            if deadline and round_.replied and round_.replied > deadline:
                yield complaint.problem("complaint.late-reply", (*round_.at, "reply", "date"), value=True,
                                        deadline=deadline.isoformat(), period=describe(period),
                                        policy_key=f"complaints.{key}")
        last, decision = found[-1], complaint.get("decision")
        if isinstance(decision, dict) and not f.has_role(decision.get("by"), roles):
            yield complaint.problem("approval.role", ("decision", "by"), value=True, staff=decision.get("by"),
                                    roles=f.role_names(roles), policy_key="approvals.complaint_outcome")
        if isinstance(complaint.get("closed"), dict) and dissatisfied(f, last.feedback) \
                and not isinstance(decision, dict):
            yield complaint.problem("complaint.closed-dissatisfied", ("closed",),
                                    satisfaction=satisfaction(last.feedback),
                                    minimum=f.policy.complaints.satisfied_min,
                                    policy_key="complaints.satisfied_min")
