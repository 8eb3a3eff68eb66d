"""Seed 002 (contracts, credit files, guest history) and seed 001's credit review (issue 16), each rule at
both sides of its boundary. The contract and credit clocks count calendar months, clamped to the month's
end (2025-01-31 + 1 month = 2025-02-28; 2024-01-31 + 1 month = 2024-02-29): no working days are involved."""

from __future__ import annotations

import json

import pytest

from conftest import CONTRACT_DOCUMENTS, enterprise, staff
from dangan.privacy import personal_values
from dangan.reader import build
from dangan.site.mask import HIDDEN_MARK, Masker


@pytest.fixture
def crm(archive):
    archive.add("staff", staff("S015", "韩明", ["contract_admin"], "zh"))
    archive.add("staff", staff("S010", "陈立新", ["vice_gm"], "ld"))
    archive.add("customer", enterprise())
    return archive


def contract(signed: str = "2025-01-31", **extra) -> dict:
    data = {"id": "HT2025-001", "number": "业一合字2025第001号", "department": "yw1", "customer": "KH0002",
            "type": "sales", "title": "销售合同", "amount": 100000, "signed_on": signed, "handled_by": "S004",
            "status": "active", "documents": dict.fromkeys(CONTRACT_DOCUMENTS, True)}
    data.update(extra)
    return data


def handed(admin: str | None, archive: str | None = None) -> dict:
    out = {}
    if admin:
        out["to_admin"] = {"by": "S015", "date": admin}
    if archive:
        out["archived"] = {"by": "S014", "date": archive}
    return out


def problems(archive) -> list[tuple[str, str]]:
    _, found = archive.check()
    assert all(p["line"] for p in found), found
    return sorted((p["code"], p["field"]) for p in found)


def due(archive, as_of: str, within: int = 0, kind: str | None = None) -> list[dict]:
    result = archive.run("due", "--format", "json", "--as-of", as_of, "--within", str(within))
    assert result.exit_code == 0, result.output
    return [i for i in json.loads(result.output)["items"] if kind is None or i["kind"] == kind]


# --- 1. every event's documents to the administrator, then to the archive ------------------------------

@pytest.mark.parametrize(("admin", "archived", "expected"), [
    ("2025-02-28", "2025-03-28", []),  # the month ends on 28 February: the last days in time
    ("2025-03-01", None, [("contract.to-admin-late", "to_admin.date")]),
    ("2025-02-28", "2025-03-29", [("contract.archive-late", "archived.date")]),
])
def test_signing_hand_in(crm, admin, archived, expected):
    crm.add("contract", contract(**handed(admin, archived)))
    assert problems(crm) == expected


def test_month_end_in_a_leap_year(crm):
    crm.add("contract", contract("2024-01-31", number="业一合字2024第001号", id="HT2024-001",
                                 **handed("2024-02-29")))
    assert problems(crm) == []
    crm.add("contract", contract("2024-01-31", number="业一合字2024第001号", id="HT2024-001",
                                 **handed("2024-03-01")))
    assert problems(crm) == [("contract.to-admin-late", "to_admin.date")]


@pytest.mark.parametrize("kind", ["change", "termination"])
def test_each_change_and_the_termination_has_its_own_hand_in(crm, kind):
    change = {"date": "2025-03-31", "kind": kind, "note": "补充协议"}
    crm.add("contract", contract(**handed("2025-02-10", "2025-02-20"),
                                 changes=[{**change, **handed("2025-04-30", "2025-05-30")}]))
    assert problems(crm) == []
    crm.add("contract", contract(**handed("2025-02-10", "2025-02-20"),
                                 changes=[{**change, **handed("2025-05-01", "2025-06-02")}]))
    assert problems(crm) == [("contract.archive-late", "changes[0].archived.date"),
                             ("contract.to-admin-late", "changes[0].to_admin.date")]
    crm.add("contract", contract(**handed("2025-02-10", "2025-02-20"),
                                 changes=[{**change, "to_admin": {"by": "S004", "date": "2025-04-01"}}]))
    assert problems(crm) == [("approval.role", "changes[0].to_admin.by")]


def test_the_completion_has_its_own_hand_in(crm):
    done = {"status": "completed", "ended_on": "2025-08-31", **handed("2025-02-10", "2025-02-20")}
    crm.add("contract", contract(**done, completion=handed("2025-09-30", "2025-10-30")))
    assert problems(crm) == []
    crm.add("contract", contract(**done, completion=handed("2025-10-01")))
    assert problems(crm) == [("contract.to-admin-late", "completion.to_admin.date")]


def test_due_lists_each_event(crm):
    termination = {"date": "2025-03-31", "kind": "termination", "note": "协商解除"}
    crm.add("contract", contract(**handed("2025-02-10"), changes=[termination], ended_on="2025-03-31",
                                 status="terminated"))
    items = due(crm, "2025-03-31", 31, "contract")
    assert [(i["due"], i["owner"], i["rule"]) for i in items] == [
        ("2025-03-10", "S015", "contracts.to_archive_within_months"),  # the signing's, overdue
        ("2025-04-30", "S004", "contracts.to_admin_within_months")]  # the termination's; no completion
    assert "解除 2025-03-31" in items[1]["what"]
    crm.add("contract", contract(**handed("2025-02-10", "2025-02-20"), status="completed", ended_on="2025-08-31"))
    assert [(i["due"], i["what"]) for i in due(crm, "2025-09-01", 30, "contract")] == [
        ("2025-09-30", "合同资料交合同管理员：业一合字2025第001号（履行完毕 2025-08-31）")]


# --- 2. the 1.1–1.11 checklist before archiving ----------------------------------------------------------

def test_documents_complete_or_explained_before_archiving(crm):
    partial = dict.fromkeys([k for k in CONTRACT_DOCUMENTS if k != "acceptance"], True)
    crm.add("contract", contract(**handed("2025-02-10"), documents=partial))
    assert problems(crm) == []  # not archived yet
    crm.add("contract", contract(**handed("2025-02-10", "2025-02-20"), documents=partial))
    exit_code, found = crm.check()
    assert exit_code == 1 and [(p["code"], p["field"]) for p in found] == [("contract.documents-incomplete",
                                                                            "documents")]
    assert "「标的验收记录」" in found[0]["message"]
    crm.add("contract", contract(**handed("2025-02-10", "2025-02-20"), documents=partial,
                                 documents_missing={"acceptance": "借款合同无标的验收。"}))
    assert problems(crm) == []


# --- 3. the statistics and the annual credit report -------------------------------------------------------

def filed(rid: str, report: str, period: str, day: str) -> dict:
    return {"id": rid, "report": report, "period": period, "submitted": {"by": "S015", "date": day}}


def paid_on(day: str) -> dict:
    """A contract of 2024 whose last payment is the archive's latest recorded act."""
    return contract("2024-03-01", id="HT2024-001", number="业一合字2024第001号",
                    payments=[{"date": day, "amount": 1000, "method": "transfer"}])


def test_reports_missing_after_their_day(crm):
    crm.add("contract", paid_on("2025-01-10"))
    assert problems(crm) == []
    crm.add("contract", paid_on("2025-01-11"))
    exit_code, found = crm.check()
    assert exit_code == 0  # a warning: the filing may still come
    assert sorted((p["code"], p["file"], p["field"], p["severity"]) for p in found) == [
        ("report.missing", "records/policy.yaml", "contracts.statistics_due", "warning"),
        ("report.missing", "records/policy.yaml", "credit.report_due", "warning")]
    assert any("2024 的信用管理情况分析报告" in p["message"] and "最迟 2025-01-10（含）" in p["message"] for p in found)
    crm.add("report", filed("BS2025-001", "contract_statistics", "2024H2", "2025-01-10"))
    crm.add("report", filed("BS2025-002", "credit_analysis", "2024", "2025-01-10"))
    assert problems(crm) == []
    crm.add("report", filed("BS2025-002", "credit_analysis", "2024", "2025-01-11"))
    assert problems(crm) == [("report.late", "submitted.date")]


def test_reports_due(crm):
    crm.add("contract", paid_on("2024-12-20"))
    items = due(crm, "2025-01-05", 5)
    assert sorted((i["kind"], i["due"], i["owner"], i["rule"]) for i in items if i["record"] == "policy/policy") == [
        ("report", "2025-01-10", "S015", "credit.report_due"),
        ("statistics", "2025-01-10", "S015", "contracts.statistics_due")]
    assert not [i for i in due(crm, "2025-01-05", 4) if i["record"] == "policy/policy"]
    overdue = [i for i in due(crm, "2025-02-01") if i["kind"] == "report"]
    assert [(i["what"], i["overdue_days"]) for i in overdue] == [("2024 年度信用管理情况分析报告", 22)]
    crm.add("report", filed("BS2025-001", "credit_analysis", "2024", "2025-01-08"))
    assert not [i for i in due(crm, "2025-02-01") if i["kind"] == "report"]


def test_reports_start_from_the_policy_day(crm):
    crm.add("contract", paid_on("2025-06-01"))
    crm.edit_policy(lambda p: p["contracts"].update(reports_from="2025-01-11"))
    assert problems(crm) == []
    crm.edit_policy(lambda p: p["contracts"].pop("reports_from"))  # from the first contract: 2024H1 on
    assert [c for c, _ in problems(crm)] == ["report.missing"] * 3


# --- 4. the credit file ------------------------------------------------------------------------------------

def credit(**extra) -> dict:
    data = {"rating": "A", "limit": 500000, "reviewed_on": "2025-01-31", "next_review": "2026-01-31",
            "payment_habit": "按月付息，到期还本。", "overview": "批发企业，成立于 2010 年。",
            "banks": [{"bank": "中国工商银行呼和浩特新城支行", "account": "1502001109200012345", "basic": True}],
            "financial": {"date": "2025-01-31", "total_assets": 8000000, "summary": "负债率适中。"},
            "operations": {"date": "2025-01-31", "summary": "经营稳定。"},
            "limit_history": [{"limit": 500000, "since": "2025-01-31",
                               "approved": {"by": "S003", "date": "2025-01-31"}}],
            "forms": {"application": "2025-01-20", "investigation": "2025-01-22", "approval": "2025-01-31",
                      "credit_grant": "2025-01-31"}}
    data.update(extra)
    return data


def test_a_credit_limit_needs_the_credit_file(crm):
    crm.add("customer", enterprise(credit=credit()))
    assert problems(crm) == []
    lacking = credit(forms={"application": "2025-01-20"})
    del lacking["banks"]
    crm.add("customer", enterprise(credit=lacking))
    _, found = crm.check()
    assert [(p["code"], p["field"]) for p in found] == [("credit.file-incomplete", "credit.limit")]
    assert "「往来银行」、「客户调查表」、「客户信用审批表」、「授信资料」" in found[0]["message"]
    crm.add("customer", enterprise(credit={"rating": "C", "limit": 0}))  # no limit, no file needed
    assert problems(crm) == []


# --- 5. credit limits approved, reviews on time ---------------------------------------------------------------

def test_a_limit_change_is_approved_by_a_listed_role(crm):
    raised = [{"limit": 300000, "since": "2024-01-31", "approved": {"by": "S003", "date": "2024-01-31"}},
              {"limit": 500000, "since": "2025-01-31", "approved": {"by": "S010", "date": "2025-01-31"}}]
    crm.add("customer", enterprise(credit=credit(limit_history=raised)))
    assert problems(crm) == []
    raised[1]["approved"]["by"] = "S004"
    crm.add("customer", enterprise(credit=credit(limit_history=raised)))
    _, found = crm.check()
    assert [(p["code"], p["field"]) for p in found] == [("approval.role", "credit.limit_history[1].approved.by")]
    assert "李娜（S004）" in found[0]["message"]
    raised[1]["approved"]["by"] = "S010"
    crm.add("customer", enterprise(credit=credit(limit_history=raised, limit=600000)))
    assert problems(crm) == [("credit.limit-unrecorded", "credit.limit")]


@pytest.mark.parametrize(("reviewed", "planned", "expected"), [
    ("2025-01-31", "2026-01-31", []),
    ("2025-01-31", "2026-02-01", [("credit.review-interval", "credit.next_review")]),
    ("2024-02-29", "2025-02-28", []),
    ("2024-02-29", "2025-03-01", [("credit.review-interval", "credit.next_review")]),
])
def test_the_next_review_within_the_policy_months(crm, reviewed, planned, expected):
    crm.add("customer", enterprise(credit=credit(reviewed_on=reviewed, next_review=planned)))
    assert problems(crm) == expected


@pytest.mark.parametrize(("last_act", "expected"), [("2026-01-31", []), ("2026-02-01", ["warning"])])
def test_a_passed_review_warns(crm, last_act, expected):
    crm.add("customer", enterprise(credit=credit()))
    crm.add("visit", {"id": "HF2026-0001", "customer": "KH0002", "staff": "S004", "date": last_act,
                      "method": "phone", "kind": "routine", "purpose": "贷后回访"})
    exit_code, found = crm.check()
    assert exit_code == 0
    assert [p["severity"] for p in found if p["code"] == "credit.review-overdue"] == expected
    assert all(p["field"] == "credit.next_review" for p in found if p["code"] == "credit.review-overdue")


def test_credit_review_due(crm):
    crm.add("customer", enterprise(credit=credit()))
    assert [(i["record"], i["due"], i["owner"]) for i in due(crm, "2026-01-21", 10, "credit")] == [
        ("customer/KH0002", "2026-01-31", "S004")]
    assert not due(crm, "2026-01-20", 10, "credit")
    crm.add("customer", enterprise(credit=credit(next_review=None)))  # from the last review and the policy
    crm.add("customer", enterprise(credit={k: v for k, v in credit().items() if k != "next_review"}))
    assert [i["due"] for i in due(crm, "2026-01-21", 10, "credit")] == ["2026-01-31"]


# --- 6. the guest history ------------------------------------------------------------------------------------

GUEST = {"hotel": "青城国际酒店", "room_type": "高楼层行政大床房", "bedding": "两个低枕，硬床垫",
         "bath_products": "自带洗浴用品", "diet": "清淡，不吃羊肉", "drinks": "普洱熟茶", "room_climate": "空调 24℃",
         "reading": "《经济观察报》", "entertainment": "财经新闻",
         "stays": [{"arrived": "2025-04-23", "departed": "2025-04-25", "room": "1608", "rate": 468, "spent": 1356}],
         "important_dates": [{"kind": "birthday", "date": "1983-05-24", "note": "本人生日"}]}


def test_guest_history_is_structured_and_masked(crm):
    crm.add("customer", enterprise(guest_history=GUEST))
    assert problems(crm) == []
    index = build(crm.root)
    mask = Masker(index)
    record = index.get("customer", "KH0002")
    assert mask.value("customer", ("guest_history", "diet"), "清淡，不吃羊肉", record) == HIDDEN_MARK
    assert mask.value("customer", ("guest_history", "stays", 0, "room"), "1608", record) == HIDDEN_MARK
    assert mask.value("customer", ("guest_history", "important_dates", 0, "date"), "1983-05-24", record) == "1983-**-**"
    assert mask.value("customer", ("guest_history", "hotel"), "青城国际酒店", record) == "青城国际酒店"
    assert {"清淡，不吃羊肉", "1608", "1983-05-24"} <= {p.value for p in personal_values(index)}
    crm.add("customer", enterprise(guest_history={**GUEST, "pillow": "低枕"}))  # not a field: bedding is
    exit_code, found = crm.check()
    assert exit_code == 1 and [p["field"] for p in found] == ["guest_history.pillow"]
