"""Each check of issue 2, failing and passing."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import codes, customer, dossier, enterprise
from dangan import identifiers as ids


def problem(problems: list[dict], code: str) -> dict:
    found = [p for p in problems if p["code"] == code]
    assert len(found) == 1, problems
    return found[0]


# --- identifiers -------------------------------------------------------------------------

def test_id_number_examples():
    assert ids.check_id_number("11010519491231002X") is None
    assert ids.check_id_number("110105194912310021") == "checksum"
    assert ids.check_id_number("110105194902300026") == "birth-date"  # 1949-02-30
    assert ids.check_id_number("11010519491231002") == "shape"
    assert ids.check_id_number(ids.make_id_number("150102", dt.date(1990, 1, 1), 7)) is None


def test_credit_code_examples():
    assert ids.check_credit_code("91350100M000100Y43") is None
    assert ids.check_credit_code("91350100M000100Y44") == "checksum"
    assert ids.check_credit_code("91350100M000100YI3") == "shape"  # I is not in the charset
    # codes that do not start with a digit are valid too (python-stdnum gets this wrong)
    code = ids.make_credit_code("Y1", "150100", "MA0Q7K3B5")
    assert ids.check_credit_code(code) is None


@pytest.mark.parametrize("mobile", ["13904710001", "+86 139-0471-0001", "139 0471 0001"])
def test_mobile_accepts_written_forms(mobile):
    assert ids.check_mobile(mobile) is None


@pytest.mark.parametrize("mobile", ["12904710001", "1390471000", "0471-5201234"])
def test_mobile_rejects(mobile):
    assert ids.check_mobile(mobile) == "mobile"


def test_bad_id_number_in_a_record(archive):
    record = customer()
    number = record["individual"]["id_number"]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    record["individual"]["id_number"] = wrong
    archive.add("customer", record)
    code, problems = archive.check()
    found = problem(problems, "id.checksum")
    assert code == 1 and found["field"] == "individual.id_number" and wrong in found["message"]
    assert "GB 11643" in found["message"]


def test_birth_date_and_gender_must_match_id(archive):
    record = customer()
    record["individual"].update(birth_date="1985-04-13", gender="female")
    archive.add("customer", record)
    _, problems = archive.check()
    assert problem(problems, "id.birth-mismatch")["field"] == "individual.birth_date"
    assert problem(problems, "id.gender-mismatch")["field"] == "individual.gender"


def test_bad_credit_code_and_mobile(archive):
    record = enterprise(contacts=[{"name": "刘强", "mobile": "12904710001"}])
    good = record["enterprise"]["credit_code"]
    record["enterprise"]["credit_code"] = good[:17] + ("0" if good[17] != "0" else "1")
    archive.add("customer", record)
    _, problems = archive.check()
    assert problem(problems, "id.checksum")["field"] == "enterprise.credit_code"
    assert problem(problems, "id.mobile")["field"] == "contacts[0].mobile"


def test_staff_mobile_is_checked_too(archive):
    from conftest import staff
    archive.add("staff", staff("S020", "测试", ["sales_rep"], "yw1", mobile="2390471000X"))
    _, problems = archive.check()
    assert "records/staff/S020.yaml" in {p["file"] for p in problems}


# --- references --------------------------------------------------------------------------

def test_missing_references_are_reported_each(archive):
    archive.add("customer", customer(owner="S999"))
    archive.add("dossier", dossier(customer="KH0404", manager_b="S998"))
    _, problems = archive.check()
    refs = sorted((p["file"], p["field"]) for p in problems if p["code"] == "ref.missing")
    assert refs == [("records/customers/KH0001.yaml", "owner"),
                    ("records/dossiers/2024鸿借字第001号.yaml", "customer"),
                    ("records/dossiers/2024鸿借字第001号.yaml", "manager_b")]


def test_reference_to_the_wrong_kind(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier(manager_a="KH0001"))  # a customer is not a staff member
    _, problems = archive.check()
    found = problem(problems, "ref.missing")
    assert found["field"] == "manager_a" and "员工" in found["message"]


def test_references_into_the_policy(archive):
    archive.add("customer", customer(department="yw9"))
    archive.add("dossier", dossier(business_type="mortgage"))
    _, problems = archive.check()
    fields = {p["field"] for p in problems if p["code"] == "ref.policy"}
    assert fields == {"department", "business_type"}


def test_policy_references_staff(archive):
    archive.edit_policy(lambda p: p["departments"]["yw1"].update(head="S404"))
    _, problems = archive.check()
    found = problem(problems, "ref.missing")
    assert found["file"] == "records/policy.yaml" and found["field"] == "departments.yw1.head"


def test_loan_references(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier())
    archive.add("loan", {"id": "JY2024-001", "dossiers": ["2024鸿借字第001号", "2024鸿借字第002号"],
                         "borrower": "S004", "purpose": "贷后检查", "lent": {"by": "S014", "date": "2024-05-06"},
                         "due_on": "2024-05-20"})
    _, problems = archive.check()
    assert problem(problems, "ref.missing")["field"] == "dossiers[1]"


# --- numbering ---------------------------------------------------------------------------

def test_dossier_number_pattern_and_type(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier("2024鸿借字001号"))
    archive.add("dossier", dossier("2024鸿保字第001号"))  # business type is loan: code 借
    _, problems = archive.check()
    assert problem(problems, "number.pattern")["record"] == "dossier/2024鸿借字001号"
    assert problem(problems, "number.type")["record"] == "dossier/2024鸿保字第001号"


def test_dossier_numbers_are_unique_and_gapless(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier("2024鸿借字第001号"))
    archive.add("dossier", dossier("2024鸿借字第0001号"))
    archive.add("dossier", dossier("2024鸿借字第004号"))
    _, problems = archive.check()
    assert problem(problems, "number.duplicate")["record"] == "dossier/2024鸿借字第001号"
    gap = problem(problems, "number.gap")
    assert gap["severity"] == "warning" and "2, 3" in gap["message"]


def test_voided_number_closes_the_gap(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier("2024鸿借字第001号"))
    archive.add("dossier", {"id": "2024鸿借字第002号", "status": "voided",
                            "voided": {"by": "S014", "date": "2024-04-01", "note": "重复编号，作废"}})
    archive.add("dossier", dossier("2024鸿借字第003号"))
    assert archive.check() == (0, [])


def test_changing_the_pattern_changes_the_verdict(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier("鸿借2024-001"))
    assert "number.pattern" in codes(archive.check()[1])
    archive.edit_policy(lambda p: p["numbering"].update(dossier="{org}{type}{year}-{seq:03}"))
    assert archive.check() == (0, [])


def test_certificate_carries_its_dossier_number(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier())
    base = {"dossier": "2024鸿借字第001号", "kind": "other_rights", "title": "他项权证",
            "number": "蒙(2024)呼市不动产证明第0012345号", "holder": "鸿远小额贷款有限公司",
            "quantity": 1, "status": "in_safe"}
    archive.add("certificate", {"id": "2024鸿借字第001号-01", **base})
    archive.add("certificate", {"id": "2024鸿借字第002号-01", **base})
    _, problems = archive.check()
    assert problem(problems, "number.certificate")["record"] == "certificate/2024鸿借字第002号-01"


def contract(cid: str, number: str, department: str = "yw1") -> dict:
    return {"id": cid, "number": number, "department": department, "customer": "KH0001", "type": "loan",
            "title": "借款合同", "amount": 200000, "signed_on": "2024-03-10", "handled_by": "S004",
            "status": "active"}


def test_contract_numbers_unique_within_department(archive):
    archive.add("customer", customer())
    archive.add("contract", contract("HT2024-001", "业一合字2024第001号"))
    archive.add("contract", contract("HT2024-002", "业一合字2024第001号"))
    archive.add("contract", contract("HT2024-003", "业二合字2024第001号", "yw2"))
    archive.add("contract", contract("HT2024-004", "合同2024-9"))
    _, problems = archive.check()
    dup = problem(problems, "number.duplicate")
    assert dup["record"] == "contract/HT2024-002" and "HT2024-001" in dup["message"]
    assert problem(problems, "number.contract")["record"] == "contract/HT2024-004"


# --- schema ------------------------------------------------------------------------------

def test_schema_problems_all_reported_with_labels(archive):
    record = customer(status="vip", colour="red")
    del record["owner"]
    archive.add("customer", record)
    _, problems = archive.check()
    assert problem(problems, "schema.required")["field"] == "owner"
    assert "客户经理" in problem(problems, "schema.required")["message"]
    enum = problem(problems, "schema.enum")
    assert enum["field"] == "status" and "active（有效客户）" in enum["hint"]
    assert problem(problems, "schema.additional")["field"] == "colour"


def test_conditional_requirements(archive):
    record = customer(status="blacklisted")
    del record["individual"]
    archive.add("customer", record)
    _, problems = archive.check()
    assert {p["field"] for p in problems if p["code"] == "schema.required"} == {"individual", "blacklist"}


def test_english_messages(archive):
    archive.add("customer", customer(owner="S999"))
    result = archive.run("check", "--lang", "en")
    assert "names 员工 'S999'" in result.output or "S999" in result.output
    assert "does not exist" in result.output
