"""Customer-service and visit rules (issue 17; seed 000 篇3–篇4, seed 003), each at both sides of its boundary,
with the position of the problem and the `dangan due` item of each deadline."""

from __future__ import annotations

import json

import pytest

from conftest import CONTRACT_DOCUMENTS, customer, staff


@pytest.fixture
def crm(archive):
    archive.add("staff", staff("S005", "张伟", ["project_manager", "sales_rep"], "yw1", superior="S003"))
    archive.add("staff", staff("S012", "卫晓燕", ["customer_service"], "kf", superior="S011"))
    archive.add("staff", staff("S010", "副总", ["vice_gm"], "ld"))
    archive.add("customer", customer())
    return archive


def problems(archive) -> list[tuple[str, str, int | None]]:
    """(code, file, line) of every problem of the records, in order (these rules never point at the policy;
    what the acts' dates make due elsewhere, such as monthly reports, is other rules' business)."""
    return [(p["code"], p["file"], p["line"]) for p in archive.check()[1] if p["file"] != "records/policy.yaml"]


def line_of(archive, kind: str, rid: str, text: str) -> int:
    """The line of a record's file that holds `text` (the field a problem points at)."""
    lines = archive.path(kind, rid).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def due(archive, *args) -> list[dict]:
    result = archive.run("due", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["items"]


def visit(vid: str, day: str, who: str = "S004", kind: str = "routine", **extra) -> dict:
    data = {"id": vid, "customer": "KH0001", "staff": who, "date": day, "method": "phone", "kind": kind}
    data.update(extra)
    return data


def contract(cid: str, start: str, end: str, **extra) -> dict:
    data = {"id": cid, "number": f"业一合字2025第{cid[-3:]}号", "department": "yw1", "customer": "KH0001",
            "type": "sales", "title": "服务合同", "amount": 100000, "signed_on": start,
            "term": {"start": start, "end": end}, "handled_by": "S004", "status": "active",
            "documents": dict.fromkeys(CONTRACT_DOCUMENTS, True)}
    data.update(extra)
    return data


def rel(archive, kind: str, rid: str) -> str:
    return str(archive.path(kind, rid).relative_to(archive.root))


# --- visit plans approved before they are carried out (seed 000 篇3 篇一 1., 篇4 篇二 第五条) -------------------

def planned(day: str, approved_on: str, by: str = "S003", who: str = "S004") -> dict:
    return visit("HF2025-0001", day, who=who, kind="key_customer", method="onsite",
                 plan={"content": "了解经营情况", "approved": {"by": by, "date": approved_on}})


def test_a_planned_visit_waits_for_the_plans_approval(crm):
    crm.add("visit", planned("2025-03-10", "2025-03-10"))  # approved the same day: in time
    assert problems(crm) == []
    crm.add("visit", planned("2025-03-10", "2025-03-11"))  # a day after the visit
    assert problems(crm) == [("visit.plan-late", rel(crm, "visit", "HF2025-0001"),
                              line_of(crm, "visit", "HF2025-0001", "date: '2025-03-11'"))]


def test_a_key_customer_visit_needs_an_approved_plan(crm):
    crm.add("visit", visit("HF2024-0001", "2024-12-31", kind="key_customer"))  # before visits.effective_from
    assert problems(crm) == []
    crm.add("visit", visit("HF2025-0001", "2025-01-02", kind="key_customer"))
    assert problems(crm) == [("visit.plan-missing", rel(crm, "visit", "HF2025-0001"),
                              line_of(crm, "visit", "HF2025-0001", "kind:"))]
    crm.edit_policy(lambda p: p["visits"].update(plan_required=[]))
    assert problems(crm) == []


@pytest.mark.parametrize(("by", "who", "code"), [
    ("S010", "S003", None),  # the vice GM approves the head's plan
    ("S003", "S003", "visit.plan-self"),  # nobody approves their own
    ("S005", "S004", "approval.role"),  # a sales rep may not approve (approvals.visit_plan)
])
def test_who_approves_a_visit_plan(crm, by, who, code):
    crm.add("visit", planned("2025-03-10", "2025-03-07", by=by, who=who))
    expected = [(code, rel(crm, "visit", "HF2025-0001"), line_of(crm, "visit", "HF2025-0001", f"by: {by}"))]
    assert problems(crm) == (expected if code else [])


def test_due_visits_of_planned_kinds_say_the_plan_comes_first(crm):
    crm.add("customer", customer(key_customer=True))
    items = [i for i in due(crm, "--as-of", "2025-01-20", "--within", "15")
             if i["rule"] == "visits.schedules[key_customer_department]"]
    assert [(i["due"], i["owner"]) for i in items] == [("2025-01-31", "S004")]
    assert "先报批回访计划" in items[0]["what"]


# --- weekly phone contact (seed 000 篇3 篇一 5.「每周至少电话联系一次」) ----------------------------------------

def weekly(archive, *args) -> list[str]:
    return [i["due"] for i in due(archive, *args) if i["rule"] == "visits.schedules[key_customer_weekly_call]"]


def test_key_customers_are_called_every_week(crm):
    crm.add("customer", customer(key_customer=True))
    assert weekly(crm, "--as-of", "2025-03-03", "--within", "13")[-3:] == ["2025-03-02", "2025-03-09", "2025-03-16"]
    crm.add("visit", visit("HF2025-0001", "2025-03-09", who="S012"))  # Sunday: the week's last day
    assert "2025-03-09" not in weekly(crm, "--as-of", "2025-03-03", "--within", "13")
    assert problems(crm) == []
    crm.add("visit", visit("HF2025-0001", "2025-03-10", who="S012"))  # Monday: the next week's call
    left = weekly(crm, "--as-of", "2025-03-03", "--within", "13")
    assert "2025-03-09" in left and "2025-03-16" not in left
    assert problems(crm) == []


def test_a_weekly_call_must_be_a_call(crm):
    crm.add("customer", customer(key_customer=True))
    crm.add("visit", visit("HF2025-0001", "2025-03-05", who="S012", method="wechat"))
    assert "2025-03-09" in weekly(crm, "--as-of", "2025-03-03", "--within", "13")
    crm.edit_policy(lambda p: next(s for s in p["visits"]["schedules"] if s["id"] == "key_customer_weekly_call")
                    .update(methods=["phone", "wechat"]))
    assert "2025-03-09" not in weekly(crm, "--as-of", "2025-03-03", "--within", "13")


def test_every_weeks_may_be_longer(crm):
    crm.add("customer", customer(key_customer=True))
    crm.edit_policy(lambda p: next(s for s in p["visits"]["schedules"] if s["id"] == "key_customer_weekly_call")
                    .update(every_weeks=2))
    assert weekly(crm, "--as-of", "2025-01-01", "--within", "25") == ["2025-01-12", "2025-01-26"]


# --- the visit report by the next (working) day (seed 000 篇4 篇一 五1.) -------------------------------------

@pytest.mark.parametrize(("written", "code"), [
    ("2024-09-30", None),
    ("2024-10-08", None),  # visit on Monday 30 September 2024, the next working day after National Day
    ("2024-10-09", "visit.report-late"),
    ("2024-09-29", "visit.report-dates"),  # a Sunday that was a working day, but before the visit
])
def test_the_report_is_written_by_the_next_working_day(crm, written, code):
    crm.add("visit", visit("HF2024-0001", "2024-09-30", report={"written_on": written}))
    expected = [(code, rel(crm, "visit", "HF2024-0001"), line_of(crm, "visit", "HF2024-0001", "written_on"))]
    assert problems(crm) == (expected if code else [])


def test_a_report_not_written_is_due(crm):
    crm.add("visit", visit("HF2024-0001", "2024-09-30"))
    items = [i for i in due(crm, "--as-of", "2024-09-30", "--within", "10") if i["rule"] == "visits.report_within"]
    assert [(i["due"], i["owner"], i["record"]) for i in items] == [("2024-10-08", "S004", "visit/HF2024-0001")]
    crm.add("visit", visit("HF2024-0001", "2024-09-30", report={"written_on": "2024-10-08"}))
    assert not [i for i in due(crm, "--as-of", "2024-09-30", "--within", "10") if i["rule"] == "visits.report_within"]


# --- visit materials back the same day, or kept with the supervisor's approval (seed 000 篇4 篇一 四3.) --------

@pytest.mark.parametrize(("materials", "code", "at"), [
    ({"returned": {"by": "S011", "date": "2025-03-10"}}, None, None),
    ({"returned": {"by": "S011", "date": "2025-03-11"}}, "visit.materials-late", "date: '2025-03-11'"),
    ({"kept": {"reason": "客户留存待签", "approved": {"by": "S011", "date": "2025-03-10"}}}, None, None),
    ({"kept": {"reason": "客户留存待签", "approved": {"by": "S011", "date": "2025-03-11"}}}, "visit.materials-late",
     "date: '2025-03-11'"),
    ({"kept": {"reason": "客户留存待签", "approved": {"by": "S003", "date": "2025-03-10"}}}, "approval.role",
     "by: S003"),
])
def test_visit_materials_come_back_the_same_day(crm, materials, code, at):
    crm.add("visit", visit("HF2025-0001", "2025-03-10", method="onsite", materials={"items": "客户档案摘要",
                                                                                     **materials}))
    expected = [(code, rel(crm, "visit", "HF2025-0001"), line_of(crm, "visit", "HF2025-0001", at or "-"))] \
        if code else []
    assert problems(crm) == expected


def test_materials_not_back_are_due(crm):
    crm.add("visit", visit("HF2025-0001", "2025-03-10", materials={"items": "客户档案摘要"}))
    items = [i for i in due(crm, "--as-of", "2025-03-10", "--within", "5")
             if i["rule"] == "visits.materials_return_within"]
    assert [(i["due"], i["owner"], i["overdue_days"]) for i in items] == [("2025-03-10", "S004", 0)]
    items = [i for i in due(crm, "--as-of", "2025-03-11", "--within", "5")
             if i["rule"] == "visits.materials_return_within"]
    assert [i["overdue_days"] for i in items] == [1]


# --- the customer form: on the event day, to the sales manager the next day (seed 003 二、3 and 5) ------------

@pytest.mark.parametrize(("source", "created", "code"), [
    ("event", "2024-03-01", None),  # first contact 2024-03-01 at an event: the same day
    ("event", "2024-03-02", "customer.profile-late"),
    ("referral", "2024-03-08", None),  # everyone else: within a week (seed 002)
    ("referral", "2024-03-09", "customer.profile-late"),
])
def test_the_profile_deadline_depends_on_the_category(crm, source, created, code):
    handover = {"profile_handover": {"by": "S003", "date": created}} if source == "event" else {}
    crm.add("customer", customer(source=source, created={"by": "S004", "date": created}, **handover))
    expected = [(code, rel(crm, "customer", "KH0001"), line_of(crm, "customer", "KH0001", f"date: '{created}'"))]
    assert problems(crm) == (expected if code else [])


def test_a_single_profile_period_still_holds_for_everyone(crm):
    crm.edit_policy(lambda p: p["customers"].update(profile_within={"days": 7, "unit": "calendar_days"}))
    crm.add("customer", customer(source="event", created={"by": "S004", "date": "2024-03-08"},
                                 profile_handover={"by": "S003", "date": "2024-03-09"}))
    assert problems(crm) == []


@pytest.mark.parametrize(("handed", "by", "code"), [
    ("2024-03-02", "S003", None),
    ("2024-03-03", "S003", "customer.handover-late"),
    ("2024-03-02", "S005", "customer.handover-to"),  # a colleague is not the sales manager
])
def test_the_form_reaches_the_sales_manager_the_next_day(crm, handed, by, code):
    crm.add("customer", customer(source="event", created={"by": "S004", "date": "2024-03-01"},
                                 profile_handover={"by": by, "date": handed}))
    at = f"date: '{handed}'" if code == "customer.handover-late" else f"by: {by}"
    lines = [n for n, line in enumerate(crm.path("customer", "KH0001").read_text(encoding="utf-8").splitlines(), 1)
             if at in line]
    expected = [(code, rel(crm, "customer", "KH0001"), lines[-1])]  # the hand-over is the last such line
    assert problems(crm) == (expected if code else [])


def test_a_form_not_handed_over_is_due(crm):
    crm.add("customer", customer(source="event", created={"by": "S004", "date": "2024-03-01"}))
    items = [i for i in due(crm, "--as-of", "2024-03-01", "--within", "5")
             if i["rule"] == "customers.profile_handover_within.event"]
    assert [(i["due"], i["owner"]) for i in items] == [("2024-03-02", "S004")]
    crm.add("customer", customer(created={"by": "S004", "date": "2024-03-01"}))  # not met at an event
    assert not [i for i in due(crm, "--as-of", "2024-03-01", "--within", "5")
                if i["rule"].startswith("customers.profile_handover_within")]


# --- the collector owns the customer (seed 003 一、5 and 8「谁收集的档案归谁」) --------------------------------

def test_the_collector_owns_the_customer_unless_transferred(crm):
    crm.add("customer", customer(owner="S005"))  # collected by S004
    assert problems(crm) == [("customer.owner-not-collector", rel(crm, "customer", "KH0001"),
                              line_of(crm, "customer", "KH0001", "owner: S005"))]
    transfer = {"date": "2024-06-01", "from": "S004", "to": "S005", "reason": "销售经理按地域重新分配"}
    crm.add("customer", customer(owner="S005", owner_transfers=[transfer]))
    assert problems(crm) == []
    crm.add("customer", customer(owner="S004", owner_transfers=[transfer]))  # the transfer is not applied
    assert [p[0] for p in problems(crm)] == ["customer.owner-not-collector"]


def test_reassigning_records_the_transfer(crm):
    crm.add("staff", staff("S016", "离职者", ["sales_rep"], "yw1", superior="S003"))
    crm.add("customer", customer(owner="S016", created={"by": "S016", "date": "2024-03-04"}))
    result = crm.run("reassign", "--from", "S016", "--to", "S005", "--as", "S003", "--no-commit")
    assert result.exit_code == 0, result.output
    assert problems(crm) == []


# --- key customers: a yearly on-site visit to their leaders while a contract runs (seed 003 3.2.2) -----------

def leader(archive, *args) -> list[tuple[str, str]]:
    return [(i["due"], i["owner"]) for i in due(archive, *args) if i["rule"] == "visits.schedules[key_customer_leader]"]


@pytest.mark.parametrize(("end", "expected"), [
    ("2024-12-31", []),  # the contract ended before 2025
    ("2025-01-01", [("2025-12-31", "S003")]),  # in force on the year's first day: the year owes a visit
])
def test_the_yearly_leader_visit_only_while_a_contract_runs(crm, end, expected):
    crm.add("customer", customer(key_customer=True))
    crm.add("contract", contract("HT2024-001", "2024-01-01", end, signed_on="2024-01-01"))
    assert leader(crm, "--as-of", "2025-12-01", "--within", "30") == expected


def test_the_yearly_leader_visit_is_on_site(crm):
    crm.add("customer", customer(key_customer=True))
    crm.add("contract", contract("HT2025-001", "2025-04-15", "2026-04-14"))
    plan = {"content": "年度拜访", "approved": {"by": "S010", "date": "2025-11-03"}}
    head = {"who": "S003", "kind": "key_customer", "plan": plan}
    crm.add("visit", visit("HF2025-0001", "2025-11-05", method="onsite", **head))  # the quarter's
    crm.add("visit", visit("HF2025-0002", "2025-11-06", method="phone", **head))
    assert leader(crm, "--as-of", "2025-12-01", "--within", "30") == [("2025-12-31", "S003")]
    crm.add("visit", visit("HF2025-0002", "2025-11-06", method="onsite", **head))
    assert leader(crm, "--as-of", "2025-12-01", "--within", "30") == []


# --- festival greetings: 五一, 国庆, 中秋, 元旦, 春节 (seed 003 3.2.5) ----------------------------------------

def greetings(archive, *args) -> list[str]:
    return [i["due"] for i in due(archive, *args) if i["kind"] == "greeting"]


def test_all_five_festivals_by_default(crm):
    crm.add("customer", customer(key_customer=True))
    crm.edit_policy(lambda p: p["visits"].pop("festivals"))
    # 2025: 春节 29 Jan, 五一, 国庆, 中秋 6 Oct, and 元旦 2026 greeted by 31 December; 元旦 2025's week began in 2024
    assert sorted(greetings(crm, "--as-of", "2025-12-31", "--within", "0")) == [
        "2025-01-28", "2025-04-30", "2025-09-30", "2025-10-05", "2025-12-31"]


@pytest.mark.parametrize(("day", "done"), [
    ("2025-04-23", False),  # before the week before 五一
    ("2025-04-24", True),
    ("2025-04-30", True),
])
def test_labour_day_greeting_window(crm, day, done):
    crm.add("customer", customer(key_customer=True))
    crm.add("visit", visit("HF2025-0001", day, kind="festival"))
    assert ("2025-04-30" in greetings(crm, "--as-of", "2025-04-20", "--within", "15")) is not done


def test_new_year_greeting_by_the_last_day_of_the_year(crm):
    crm.add("customer", customer(key_customer=True))
    crm.edit_policy(lambda p: p["visits"].update(effective_from="2024-01-01"))
    assert "2024-12-31" in greetings(crm, "--as-of", "2024-12-20", "--within", "15")
    crm.add("visit", visit("HF2024-0001", "2024-12-25", kind="festival"))
    assert "2024-12-31" not in greetings(crm, "--as-of", "2024-12-20", "--within", "15")


# --- repair tickets followed up within 72 hours like complaints (seed 000 篇4 篇二 第二条) ---------------------

@pytest.mark.parametrize(("day", "late"), [("2025-03-06", False), ("2025-03-07", True)])
def test_repair_tickets_are_followed_up_within_72_hours(crm, day, late):
    crm.add("complaint", {"id": "KS2025-001", "customer": "KH0001", "received": {"by": "S012", "date": "2025-03-03"},
                          "channel": "phone", "category": "repair", "urgent": False,
                          "description": "自助还款终端无法读卡"})
    items = [i for i in due(crm, "--as-of", "2025-03-03", "--within", "5")
             if i["rule"] == "visits.schedules[complaint_follow_up]"]
    assert [(i["due"], i["record"]) for i in items] == [("2025-03-06", "customer/KH0001")]
    crm.add("visit", visit("HF2025-0001", day, who="S012", kind="complaint", basis="KS2025-001"))
    found = [(p["code"], p["severity"], p["line"]) for p in crm.check()[1] if p["file"] != "records/policy.yaml"]
    line = line_of(crm, "visit", "HF2025-0001", "date:")
    assert found == ([("visit.late", "warning", line)] if late else [])
