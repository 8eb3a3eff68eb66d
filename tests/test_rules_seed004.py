"""Seed 004 (客户管理制度 篇一 tiers, blacklists and admission; 篇二 complaints and appeals; 篇四 the GM's and the
sales director's approvals; 篇五 the monthly market report), issue 17: each rule at both sides of its boundary,
the working-day clocks across National Day (2024-09-30 + 3 working days = 2024-10-10; 2025-09-26 + 10 working days
= 2025-10-16, through the make-up days 2025-09-28 and 2025-10-11), and every deadline in `dangan due`."""

from __future__ import annotations

import json

import pytest

from conftest import customer, staff


@pytest.fixture
def crm(archive):
    archive.add("staff", staff("S007", "周海涛", ["department_head", "project_manager"], "yw2"))
    archive.add("staff", staff("S010", "陈立新", ["vice_gm", "marketing_head", "sales_director"], "ld"))
    archive.add("staff", staff("S012", "卫晓燕", ["customer_service"], "kf", superior="S011"))
    return archive


def problems(archive) -> list[tuple[str, str, str]]:
    """(code, record, field) of every problem, each with its line."""
    _, found = archive.check()
    assert all(p["line"] for p in found), found
    return sorted((p["code"], p["record"], p["field"]) for p in found)


def severities(archive) -> dict[str, str]:
    return {p["code"]: p["severity"] for p in archive.check()[1]}


def due(archive, as_of: str, within: int = 0, kind: str | None = None) -> list[dict]:
    result = archive.run("due", "--format", "json", "--as-of", as_of, "--within", str(within))
    assert result.exit_code == 0, result.output
    return [i for i in json.loads(result.output)["items"] if kind is None or i["kind"] == kind]


# --- 篇一 2.2 d)、2.3 e): the quotas at every change of a tier, per department and per product ---------------

def graded(cid: str, tier: str = "qualified", since: str = "2025-01-10", **extra) -> dict:
    """A customer of 业务一部, qualified from its admission, then `tier` from `since`."""
    history = [{"tier": "qualified", "since": "2024-03-05"}]
    if tier != "qualified":
        history.append({"tier": tier, "since": since})
    return customer(cid, tier=tier, tier_history=history, **extra)


def department(archive, size: int, created: str = "2024-03-04", **extra) -> None:
    """KH0001 VIP from 2025-01-10, and qualified customers up to `size` in all; the last one created on `created`."""
    archive.add("customer", graded("KH0001", "vip", **extra))
    for n in range(2, size + 1):
        made = created if n == size else "2024-03-04"
        archive.add("customer", graded(f"KH{n:04d}", first_contact_on=made if n == size else "2024-03-01",
                                       created={"by": "S004", "date": made}, **extra))


@pytest.mark.parametrize(("size", "created", "expected"), [
    (7, "2024-03-04", []),  # 1 of 7 = 14.3 % ≤ 15 %
    (7, "2025-01-10", []),  # a customer whose profile was made on the day of the change counts
    (7, "2025-01-11", [("tier.quota-change", "customer/KH0001", "tier_history[1].tier")]),  # 1 of 6 on that day
    (6, "2024-03-04", [("tier.quota-change", "customer/KH0001", "tier_history[1].tier")]),
])
def test_the_vip_quota_holds_at_every_change(crm, size, created, expected):
    department(crm, size, created)
    assert problems(crm) == expected


def test_the_preferred_quota_holds_at_every_change_and_is_policy(crm):
    for n in range(1, 11):  # 3 of 10 preferred = 30 %
        crm.add("customer", graded(f"KH{n:04d}", "preferred" if n <= 3 else "qualified"))
    assert problems(crm) == []
    crm.add("customer", graded("KH0004", "preferred", since="2025-02-03"))  # 4 of 10
    assert problems(crm) == [("tier.quota-change", "customer/KH0004", "tier_history[1].tier")]
    crm.edit_policy(lambda p: p["customers"]["tier_quotas"].update(preferred=0.4))
    assert problems(crm) == []


@pytest.mark.parametrize(("guaranteed", "expected"), [(7, []), (6, ["tier.product-quota"])])
def test_the_per_product_quota_warns(crm, guaranteed, expected):
    """1 VIP among 7 guaranteed customers is 14.3 %; among 6 it is 16.7 % (「原则上」: a warning, exit 0)."""
    crm.add("customer", graded("KH0001", "vip", products=["loan", "guarantee"]))
    for n in range(2, 11):
        crm.add("customer", graded(f"KH{n:04d}", products=["loan", "guarantee"] if n <= guaranteed else ["loan"]))
    exit_code, found = crm.check()
    assert [(p["code"], p["field"], p["severity"]) for p in found] == [
        (code, "tier_history[1].tier", "warning") for code in expected]
    assert exit_code == 0


# --- 篇一 2.2 b)、2.3 a) d): the tier criteria against the credit record ------------------------------------------

@pytest.mark.parametrize(("tier", "arrears", "expected"), [
    ("vip", 0, []), ("vip", 1, [("tier.arrears", "credit.arrears")]),
    ("preferred", 1, [("tier.arrears", "credit.arrears")]), ("qualified", 5000, []),
])
def test_a_vip_with_arrears_is_flagged(crm, tier, arrears, expected):
    department(crm, 20)
    crm.add("customer", graded("KH0002", tier, credit={"arrears": arrears}))
    assert [(c, f) for c, _, f in problems(crm)] == expected


@pytest.mark.parametrize(("default_on", "expected", "severity"), [
    ("2025-01-10", ("tier.default-before", "tier_history[1].tier"), "error"),  # a default before (or on) the change
    ("2025-01-11", ("tier.default-since", "credit.defaults[0]"), "warning"),  # one since: downgrade at the review
])
def test_defaults_and_the_tier(crm, default_on, expected, severity):
    department(crm, 10)
    crm.add("customer", graded("KH0002", "preferred",
                               credit={"defaults": [{"date": default_on, "kind": "late_payment"}]}))
    assert [(c, f) for c, _, f in problems(crm)] == [expected]
    assert severities(crm)[expected[0]] == severity
    crm.add("customer", graded("KH0002", credit={"defaults": [{"date": default_on, "kind": "late_payment"}]}))
    assert problems(crm) == []  # a qualified customer may have defaults


# --- 篇一 五1.1: admission does not apply to retail and related-party customers --------------------------------

@pytest.mark.parametrize(("category", "expected"), [
    (None, ["admission.incomplete"]), ("regular", ["admission.incomplete"]), ("retail", []), ("related_party", []),
])
def test_admission_exempt_categories(crm, category, expected):
    data = customer(admission={"checked": ["licence"]})
    if category:
        data["category"] = category
    crm.add("customer", data)
    assert [c for c, _, _ in problems(crm)] == expected


def test_the_exempt_categories_are_policy(crm):
    crm.add("customer", customer(category="retail", admission={"checked": []}))
    assert problems(crm) == []
    crm.edit_policy(lambda p: p["customers"].update(admission_exempt_categories=["related_party"]))
    assert problems(crm) == [("admission.incomplete", "customer/KH0001", "status")]


# --- 篇一 3.5 a): who keeps which blacklist -------------------------------------------------------------------

@pytest.mark.parametrize(("scope", "dept", "by", "expected"), [
    ("company", None, "S010", []),  # the marketing division
    ("company", None, "S002", [("approval.role", "blacklist.by")]),
    ("department", "yw1", "S003", []),  # the head of 业务一部
    ("department", "yw1", "S007", [("blacklist.department-by", "blacklist.by")]),  # another department's head
    ("department", None, "S003", [("blacklist.no-department", "blacklist.scope")]),
])
def test_blacklists_by_scope(crm, scope, dept, by, expected):
    entry = {"scope": scope, "reason": "提供虚假财务报表", "date": "2025-05-01", "by": by}
    if dept:
        entry["department"] = dept
    crm.add("customer", customer(status="blacklisted", blacklist=entry))
    assert [(c, f) for c, _, f in problems(crm)] == expected


# --- 篇四 4、1、2 c): the sales director approves new profiles --------------------------------------------------

def new_profile(made: str = "2025-09-26", approved: str | None = None, by: str = "S010", **extra) -> dict:
    data = customer(first_contact_on=made, created={"by": "S004", "date": made}, **extra)
    if approved:
        data["profile_approval"] = {"by": by, "date": approved}
    return data


@pytest.mark.parametrize(("made", "approved", "by", "expected"), [
    ("2025-09-26", "2025-10-16", "S010", []),  # 10 working days through National Day
    ("2025-09-26", "2025-10-17", "S010", [("customer.approval-late", "profile_approval.date")]),
    ("2025-09-26", "2025-09-25", "S010", [("customer.approval-dates", "profile_approval.date")]),
    ("2025-09-26", "2025-10-09", "S003", [("approval.role", "profile_approval.by")]),
    ("2025-06-30", None, "S010", []),  # made before customers.profile_approval_from
])
def test_profiles_approved_by_the_sales_director(crm, made, approved, by, expected):
    crm.add("customer", new_profile(made, approved, by))
    assert [(c, f) for c, _, f in problems(crm)] == expected


def test_profile_approval_due_then_missing(crm):
    crm.add("customer", new_profile())
    assert [(i["due"], i["owner"], i["rule"]) for i in due(crm, "2025-10-01", 15, "profile")
            if "审批确认" in i["what"]] == [("2025-10-16", "S010", "customers.profile_approval_within")]
    assert problems(crm) == []
    crm.add("customer", new_profile("2025-10-17", "2025-10-17", cid="KH0002"))  # the archive runs past the day
    assert [(c, r, f) for c, r, f in problems(crm)] == [("customer.approval-missing", "customer/KH0001", "created")]
    assert severities(crm)["customer.approval-missing"] == "warning"


# --- 篇四 7: the GM approves the outcome before it goes back to the customer ------------------------------------

def complaint(received: str = "2025-03-03", replied: str | None = "2025-03-05", approved: str | None = "2025-03-05",
              by: str = "S002", **extra) -> dict:
    data = {"id": "KS2025-001", "customer": "KH0001", "received": {"by": "S012", "date": received},
            "channel": "phone", "category": "service", "urgent": False, "description": "放款进度未及时告知"}
    if approved:
        data["outcome_approval"] = {"by": by, "date": approved}
    if replied:
        data["reply"] = {"by": "S011", "date": replied}
    data.update(extra)
    return data


@pytest.mark.parametrize(("approved", "by", "expected"), [
    ("2025-03-05", "S002", []),  # approved on the day of the reply
    ("2025-03-06", "S002", [("complaint.outcome-after-reply", "outcome_approval.date")]),
    (None, "S002", [("complaint.outcome-unapproved", "reply.date")]),
    ("2025-03-04", "S003", [("approval.role", "outcome_approval.by")]),
])
def test_the_outcome_is_approved_before_the_reply(crm, approved, by, expected):
    crm.add("customer", customer())
    crm.add("complaint", complaint(approved=approved, by=by))
    assert [(c, f) for c, _, f in problems(crm)] == expected


def feedback(score: int, on: str) -> dict:
    return {"text": "意见", "satisfaction": score, "recorded_on": on}


def again(cause: str, raised: str, replied: str | None = None, approved: str | None = None, **extra) -> dict:
    data = {"cause": cause, "date": raised, "reason": "客户认为处理不当"}
    if replied:
        data["outcome_approval"] = {"by": "S002", "date": approved or replied}
        data["reply"] = {"by": "S011", "date": replied}
    data.update(extra)
    return data


@pytest.mark.parametrize(("raised", "expected"), [
    ("2025-03-15", []),  # ten days after the reply of 2025-03-05
    ("2025-03-16", [("complaint.appeal-late", "reinvestigations[0].date")]),
])
def test_an_appeal_within_ten_days_of_the_reply(crm, raised, expected):
    crm.add("customer", customer())
    crm.add("complaint", complaint(feedback=feedback(4, "2025-03-07"), reinvestigations=[again("appeal", raised)]))
    assert [(c, f) for c, _, f in problems(crm)] == expected


@pytest.mark.parametrize(("urgent", "raised", "replied", "late"), [
    (False, "2025-03-15", "2025-03-30", False), (False, "2025-03-15", "2025-03-31", True),
    (True, "2024-09-30", "2024-10-10", False), (True, "2024-09-30", "2024-10-11", True),  # across National Day
])
def test_a_reinvestigation_is_replied_in_the_reply_period(crm, urgent, raised, replied, late):
    crm.add("customer", customer())
    crm.add("complaint", complaint("2024-09-20", "2024-09-24", "2024-09-24", urgent=urgent,
                                   feedback=feedback(2, "2024-09-26"),
                                   reinvestigations=[again("dissatisfied", raised, replied)]))
    assert [(c, f) for c, _, f in problems(crm)] == (
        [("complaint.late-reply", "reinvestigations[0].reply.date")] if late else [])


@pytest.mark.parametrize(("score", "decision_by", "expected"), [
    (4, None, []), (3, None, [("complaint.closed-dissatisfied", "closed")]),
    (3, "S002", []), (3, "S003", [("approval.role", "decision.by")]),
])
def test_no_closing_with_a_dissatisfied_customer_without_a_decision(crm, score, decision_by, expected):
    crm.add("customer", customer())
    extra = {"decision": {"text": "诉求无合同依据，维持处理结果", "by": decision_by, "date": "2025-03-10"}} \
        if decision_by else {}
    crm.add("complaint", complaint(feedback=feedback(2, "2025-03-07"),
                                   reinvestigations=[again("dissatisfied", "2025-03-07", "2025-03-09",
                                                           feedback=feedback(score, "2025-03-10"))],
                                   closed={"by": "S011", "date": "2025-03-10"}, **extra))
    assert [(c, f) for c, _, f in problems(crm)] == expected


def test_the_satisfied_line_is_policy(crm):
    crm.add("customer", customer())
    crm.add("complaint", complaint(feedback=feedback(3, "2025-03-07"), closed={"by": "S011", "date": "2025-03-10"}))
    assert [c for c, _, _ in problems(crm)] == ["complaint.closed-dissatisfied"]
    crm.edit_policy(lambda p: p["complaints"].update(satisfied_min=3))
    assert problems(crm) == []


def test_reinvestigation_and_appeal_due(crm):
    crm.add("customer", customer())
    crm.add("complaint", complaint(feedback=feedback(2, "2025-03-07")))
    items = due(crm, "2025-03-07", 20, "complaint")
    assert [(i["due"], i["owner"], i["rule"]) for i in items] == [("2025-03-22", "S011", "complaints.satisfied_min")]
    appeal = due(crm, "2025-03-15", 0, "appeal")  # the last day the customer may appeal
    assert [(i["due"], i["rule"]) for i in appeal] == [("2025-03-15", "complaints.appeal_within")]
    assert not due(crm, "2025-03-16", 0, "appeal")
    crm.add("complaint", complaint(feedback=feedback(2, "2025-03-07"),
                                   reinvestigations=[again("dissatisfied", "2025-03-08")]))
    items = due(crm, "2025-03-08", 20, "complaint")
    assert [(i["due"], i["what"]) for i in items] == [("2025-03-23", "重新调查处理并答复：KH0001")]


# --- 篇五 6.1: the market report on the first Monday of each month ----------------------------------------------

def market(month: str, submitted: str, dept: str = "yw1", rid: str = "BS2025-001", **extra) -> dict:
    return {"id": rid, "report": "market_report", "period": month, "department": dept,
            "submitted": {"by": "S004", "date": submitted}, "to": "客户服务部", **extra}


@pytest.fixture
def monthly(crm):
    crm.add("customer", customer())
    crm.edit_policy(lambda p: p["customers"]["market_report"].update({"from": "2025-05-01"}))
    return crm


@pytest.mark.parametrize(("submitted", "expected"), [
    ("2025-05-06", []),  # the first Monday, 2025-05-05, is Labour Day: the next working day
    ("2025-05-07", [("report.late", "report/BS2025-001", "submitted.date")]),
])
def test_the_market_report_on_the_first_monday(monthly, submitted, expected):
    monthly.add("report", market("2025-05", submitted))
    assert problems(monthly) == expected


def test_a_missing_market_report_warns_and_goes_to_customer_service(monthly):
    monthly.add("report", market("2025-05", "2025-05-06"))
    monthly.add("report", market("2025-06", "2025-06-02", rid="BS2025-002", to="财务部"))
    assert problems(monthly) == [("report.recipient", "report/BS2025-002", "to")]
    monthly.add("report", market("2025-06", "2025-06-02", rid="BS2025-002"))
    monthly.add("customer", customer("KH0002", department="yw2", owner="S007",  # 业务二部 files too
                                     created={"by": "S007", "date": "2024-03-04"}))
    found = monthly.check()[1]  # its May report is missing once June's were filed; June's is due that very day
    assert [(p["code"], p["file"], p["field"], p["severity"]) for p in found] == [
        ("report.missing-department", "records/policy.yaml", "customers.market_report", "warning")]
    assert "业务二部 2025-05 的市场信息月报应在最迟 2025-05-06（含）报送" in found[0]["message"]


def test_the_market_report_due(monthly):
    monthly.edit_policy(lambda p: p["customers"]["market_report"].update({"from": "2024-10-01"}))
    items = due(monthly, "2024-10-01", 7, "market_report")
    assert [(i["record"], i["due"], i["owner"], i["rule"]) for i in items] == [
        ("report/market_report-yw1", "2024-10-08", "S003", "customers.market_report")]  # 10-07: National Day
    assert not due(monthly, "2024-10-01", 6, "market_report")
    assert [i["due"] for i in due(monthly, "2025-08-25", 7, "market_report") if "2025-09" in i["what"]] == [
        "2025-09-01"]  # a month that begins on a Monday


# --- 篇四 6 c): the satisfaction analysis approved by the GM before it goes out ---------------------------------

@pytest.mark.parametrize(("approved", "by", "expected"), [
    ("2025-12-24", "S002", []), ("2025-12-26", "S002", []),
    ("2025-12-27", "S002", [("report.approved-late", "approved.date")]),
    ("2025-12-24", "S003", [("approval.role", "approved.by")]),
    (None, None, [("report.unapproved", "submitted")]),
])
def test_the_satisfaction_analysis_is_approved_by_the_gm(crm, approved, by, expected):
    crm.add("customer", customer())
    data = {"id": "BS2025-010", "report": "satisfaction_analysis", "period": "2025",
            "submitted": {"by": "S011", "date": "2025-12-26"}, "to": "各部门"}
    if approved:
        data["approved"] = {"by": by, "date": approved}
    crm.add("report", data)
    crm.edit_policy(lambda p: p["customers"].pop("market_report"))
    assert [(c, f) for c, _, f in problems(crm)] == expected
