"""Seed 001 rules (issue 16): verification before destruction and the executor apart from the
supervisors, complaints archived with name, number and date, every customer's periodic update,
and the basic profile of a customer who does business — each at both sides of its boundary."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import codes, customer, dossier, enterprise
from dangan.policy import Period
from dangan.workdays import WorkCalendar

DOSSIER = "2024鸿借字第001号"


def problems_of(archive, code: str) -> list[dict]:
    return [p for p in archive.check()[1] if p["code"] == code]


def line_of(archive, kind: str, rid: str, text: str, after: str | None = None) -> int:
    """The 1-based line of the first line holding `text` (after the first holding `after`) in a record's file."""
    lines = archive.path(kind, rid).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def due(archive, *args) -> list[dict]:
    result = archive.run("due", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["items"]


# --- 销毁前核实, and the executor is no supervisor ------------------------------------------

def disposal(executed_on: str = "2034-03-14", verified_on: str | None = None, **extra) -> dict:
    data = {"id": "XH2034-001", "dossiers": [DOSSIER], "reason": "保管期满",
            "approved": {"by": "S002", "date": executed_on}, "executed_on": executed_on, "executed_by": "S014",
            "method": "shred", "supervisors": ["S013", "S003"],
            "verification": [{"dossier": DOSSIER, "by": "S014", "date": verified_on or executed_on,
                              "complete": True, "note": "逐页核对卷内清单，完整。"}]}
    data.update(extra)
    return data


@pytest.fixture
def destroyed(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier(status="destroyed", disposal="XH2034-001"))
    return archive


def test_verified_on_the_day_of_destruction_at_the_latest(destroyed):
    destroyed.add("disposal", disposal(verified_on="2034-03-14"))
    assert destroyed.check() == (0, [])
    destroyed.add("disposal", disposal(verified_on="2034-03-15"))
    [found] = problems_of(destroyed, "disposal.verified-late")
    assert found["field"] == "verification[0].date"
    assert found["line"] == line_of(destroyed, "disposal", "XH2034-001", "date: '2034-03-15'", after="verification")
    assert "最迟 2034-03-14（含）" in found["message"]


def test_every_dossier_is_verified_before_destruction(destroyed):
    destroyed.add("disposal", disposal(verification=[]))
    [found] = problems_of(destroyed, "disposal.unverified")
    assert found["field"] == "dossiers[0]" and DOSSIER in found["message"] and "档案管理员" in found["message"]
    assert found["line"] == line_of(destroyed, "disposal", "XH2034-001", DOSSIER)
    # a list still being prepared needs no verification yet
    data = disposal(verification=[])
    del data["executed_on"], data["executed_by"]
    destroyed.add("disposal", data)
    destroyed.add("dossier", dossier())
    assert destroyed.check() == (0, [])


def test_verification_finds_the_dossier_complete(destroyed):
    record = disposal()
    record["verification"][0]["complete"] = False
    destroyed.add("disposal", record)
    [found] = problems_of(destroyed, "disposal.verified-incomplete")
    assert found["field"] == "verification[0].complete"


def test_the_verifier_holds_the_policy_role(destroyed):
    record = disposal()
    record["verification"][0]["by"] = "S003"
    destroyed.add("disposal", record)
    [found] = problems_of(destroyed, "disposal.verifier-role")
    assert found["field"] == "verification[0].by" and "孙建国（S003）" in found["message"]
    assert "approvals.disposal_verification" in found["message"]
    destroyed.edit_policy(lambda p: p["approvals"].update(disposal_verification=["archivist", "department_head"]))
    assert destroyed.check() == (0, [])


def test_a_verification_names_a_listed_dossier(destroyed):
    record = disposal()
    record["verification"].append({"dossier": "2024鸿借字第009号", "by": "S014", "date": "2034-03-14",
                                   "complete": True})
    destroyed.add("disposal", record)
    found = [p for p in destroyed.check()[1] if p["code"] == "disposal.verification-unlisted"]
    assert [p["field"] for p in found] == ["verification[1].dossier"]


def test_the_executor_is_not_a_supervisor(destroyed):
    destroyed.add("disposal", disposal(supervisors=["S013", "S014"]))
    [found] = problems_of(destroyed, "disposal.executor-supervises")
    assert found["field"] == "supervisors[1]" and "冯晓燕（S014）" in found["message"]
    destroyed.add("disposal", disposal(supervisors=["S013", "S003", "S011"]))
    assert destroyed.check() == (0, [])


# --- complaints archived with name, number and date ------------------------------------------

def complaint(cid: str = "KS2024-001", closed: str | None = "2024-09-30", archived: str | None = None,
              number: str = "客诉档2024-001", **extra) -> dict:
    data = {"id": cid, "customer": "KH0001", "received": {"by": "S011", "date": "2024-09-20"}, "channel": "phone",
            "category": "service", "urgent": False, "description": "放款进度未及时告知",
            "outcome_approval": {"by": "S002", "date": "2024-09-24"}, "reply": {"by": "S011", "date": "2024-09-25"},
            "feedback": {"text": "满意", "satisfaction": 5, "recorded_on": "2024-09-29"}}
    if closed:
        data["closed"] = {"by": "S011", "date": closed}
    if archived:
        data["archived"] = {"number": number, "name": "王小明服务态度投诉", "by": "S011", "date": archived}
    data.update(extra)
    return data


@pytest.fixture
def crm(archive):
    archive.add("customer", customer())
    return archive


def test_five_working_days_after_closing_across_national_day():
    assert WorkCalendar().deadline(dt.date(2024, 9, 30), Period(5, "working_days")) == dt.date(2024, 10, 12)


@pytest.mark.parametrize(("archived", "late"), [("2024-10-12", False), ("2024-10-13", True)])
def test_complaint_archived_within_the_policy_period(crm, archived, late):
    crm.add("complaint", complaint(archived=archived))  # closed 2024-09-30; 2024-10-12 is a working Saturday
    found = problems_of(crm, "complaint.archive-late")
    if not late:
        assert crm.check() == (0, [])
        return
    [problem] = found
    assert problem["field"] == "archived.date" and "最迟 2024-10-12（含）" in problem["message"]
    assert problem["line"] == line_of(crm, "complaint", "KS2024-001", "date: '2024-10-13'")
    crm.edit_policy(lambda p: p["complaints"]["archive_within"].update(days=6))
    assert crm.check() == (0, [])


def test_archived_only_once_closed(crm):
    crm.add("complaint", complaint(closed=None, archived="2024-10-08"))
    [found] = problems_of(crm, "complaint.archived-open")
    assert found["field"] == "archived"
    crm.add("complaint", complaint(closed="2024-09-30", archived="2024-09-29"))
    assert codes(crm.check()[1]) == ["complaint.archived-before-closed"]


def test_each_archive_number_names_one_complaint(crm):
    crm.add("complaint", complaint("KS2024-001", archived="2024-10-08"))
    crm.add("complaint", complaint("KS2024-002", archived="2024-10-08"))
    [found] = problems_of(crm, "complaint.archive-number")
    assert found["record"] == "complaint/KS2024-002" and found["field"] == "archived.number"
    crm.add("complaint", complaint("KS2024-002", archived="2024-10-08", number="客诉档2024-002"))
    assert crm.check() == (0, [])


def test_archiving_is_due_after_closing(crm):
    crm.add("complaint", complaint())
    items = [i for i in due(crm, "--as-of", "2024-10-08", "--within", "10") if i["kind"] == "complaint_archive"]
    assert [(i["record"], i["due"], i["owner"], i["rule"]) for i in items] == [
        ("complaint/KS2024-001", "2024-10-12", "S011", "complaints.archive_within")]
    crm.add("complaint", complaint(archived="2024-10-10"))
    assert not [i for i in due(crm, "--as-of", "2024-10-08", "--within", "10") if i["kind"] == "complaint_archive"]


def test_the_complaint_catalogue_lists_the_archive(crm):
    crm.add("complaint", complaint(archived="2024-10-10"))
    result = crm.run("ledger", "客诉档案目录", "--format", "csv")
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()[:2]
    for title in ("客诉编号", "客户", "投诉类别", "结案", "档案编号", "档案名称", "归档日期"):
        assert title in header, header
    assert "客诉档2024-001" in row and "2024-10-10" in row and "服务态度" in row


# --- the periodic update of every customer --------------------------------------------------

def updated(*days: str) -> list[dict]:
    return [{"by": "S004", "date": day, "note": "核实联系方式"} for day in days]


@pytest.mark.parametrize(("flags", "last_day"), [
    ({}, "2025-09-03"),  # the others: every 6 months
    ({"long_term": True}, "2025-06-03"),  # long-term partners: every quarter (seed 002)
    ({"key_customer": True}, "2025-06-03"),
    ({"long_term": True, "key_customer": True}, "2025-06-03"),
])
def test_update_within_the_period_of_the_customers_category(archive, flags, last_day):
    made = {"created": {"by": "S004", "date": "2025-03-03"}, "first_contact_on": "2025-03-01"}
    archive.add("customer", customer(**made, **flags, updates=updated(last_day)))
    assert archive.check() == (0, [])
    late = (dt.date.fromisoformat(last_day) + dt.timedelta(days=1)).isoformat()
    archive.add("customer", customer(**made, **flags, updates=updated(late)))
    [found] = problems_of(archive, "customer.update-late")
    assert found["field"] == "updates[0].date" and f"最迟 {last_day}（含）" in found["message"]
    assert found["line"] == line_of(archive, "customer", "KH0001", f"date: '{late}'", after="updates")


def test_each_update_starts_the_next_period(archive):
    archive.add("customer", customer(created={"by": "S004", "date": "2025-03-03"}, first_contact_on="2025-03-01",
                                     updates=updated("2025-08-01", "2026-02-01", "2026-02-02")))
    assert archive.check() == (0, [])
    archive.add("customer", customer(created={"by": "S004", "date": "2025-03-03"}, first_contact_on="2025-03-01",
                                     updates=updated("2025-08-01", "2026-02-02")))
    assert [p["field"] for p in problems_of(archive, "customer.update-late")] == ["updates[1].date"]


def test_profiles_made_before_the_rule_count_from_update_from(archive):
    archive.add("customer", customer(updates=updated("2025-07-01")))  # created 2024-03-04; the rule from 2025-01-01
    assert archive.check() == (0, [])
    archive.add("customer", customer(updates=updated("2025-07-02")))
    assert codes(archive.check()[1]) == ["customer.update-late"]


def test_the_old_bare_number_means_long_term_customers_only(archive):
    archive.edit_policy(lambda p: p["customers"].update(update_every_months=3))
    archive.add("customer", customer(updates=updated("2025-12-01")))
    assert archive.check() == (0, [])
    assert not [i for i in due(archive, "--as-of", "2025-12-01", "--within", "400") if i["rule"].startswith(
        "customers.update_every_months")]
    archive.add("customer", customer(long_term=True, updates=updated("2025-04-02")))
    [found] = problems_of(archive, "customer.update-late")
    assert "customers.update_every_months.long_term" in found["message"]


def test_every_live_customer_is_due_for_its_update(archive):
    archive.add("customer", customer(updates=updated("2025-09-03")))
    archive.add("customer", enterprise(long_term=True, updates=updated("2025-09-03")))
    archive.add("customer", enterprise("KH0003", status="prospect"))
    archive.add("customer", enterprise("KH0004", status="closed"))
    items = {i["record"]: i for i in due(archive, "--as-of", "2025-12-01", "--within", "120")
             if i["rule"].startswith("customers.update_every_months")}
    assert {k: (v["due"], v["owner"], v["rule"]) for k, v in items.items()} == {
        "customer/KH0001": ("2026-03-03", "S004", "customers.update_every_months.default"),
        "customer/KH0002": ("2025-12-03", "S004", "customers.update_every_months.long_term"),
        "customer/KH0003": ("2025-07-01", "S004", "customers.update_every_months.default"),
    }
    assert "长期合作客户" in items["customer/KH0002"]["what"]


# --- the basic profile ----------------------------------------------------------------------

def test_builders_hold_the_basic_profile(archive):
    archive.add("customer", customer())
    archive.add("customer", enterprise())
    assert archive.check() == (0, [])


def test_an_active_enterprise_names_each_missing_field(archive):
    data = enterprise()
    del data["enterprise"]["legal_representative"], data["enterprise"]["founded_on"], data["contacts"]
    archive.add("customer", data)
    found = problems_of(archive, "customer.profile-incomplete")
    assert [p["field"] for p in found] == ["contacts", "enterprise.founded_on", "enterprise.legal_representative"]
    by_field = {p["field"]: p for p in found}
    block = line_of(archive, "customer", "KH0002", "enterprise:")
    assert by_field["enterprise.legal_representative"]["line"] == block  # absent: at its block
    assert by_field["contacts"]["line"] == 1  # absent at the top level: at the record
    assert "有效客户的基本资料不完整：缺少“法定代表人”" in by_field["enterprise.legal_representative"]["message"]


def test_an_individual_needs_contacts_and_an_address(archive):
    archive.add("customer", customer(addresses=[], contacts=[]))
    found = problems_of(archive, "customer.profile-incomplete")
    assert sorted(p["field"] for p in found) == ["addresses", "contacts"]


@pytest.mark.parametrize(("status", "required"), [
    ("prospect", False), ("active", True), ("dormant", True), ("blacklisted", True), ("closed", False)])
def test_which_statuses_need_the_basic_profile(archive, status, required):
    data = enterprise(status=status)
    del data["enterprise"]["registered_capital"]
    if status == "blacklisted":
        data["blacklist"] = {"scope": "company", "reason": "逾期", "date": "2025-01-02", "by": "S002"}
    archive.add("customer", data)
    found = problems_of(archive, "customer.profile-incomplete")
    assert [p["field"] for p in found] == (["enterprise.registered_capital"] if required else [])


def test_the_basic_fields_are_policy(archive):
    data = enterprise()
    del data["enterprise"]["registered_capital"]
    archive.add("customer", data)
    assert codes(archive.check()[1]) == ["customer.profile-incomplete"]
    archive.edit_policy(lambda p: p["customers"]["basic_profile"]["enterprise"].remove("enterprise.registered_capital"))
    assert archive.check() == (0, [])
