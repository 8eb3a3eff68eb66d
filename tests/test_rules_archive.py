"""The archive's rules (issue 3): each compliant and violated at its boundary, across a
holiday and an adjusted working day, and with policy values changed."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import codes, customer, dossier, staff
from dangan.policy import Period
from dangan.workdays import WorkCalendar

D = dt.date


def problems_of(archive, code: str) -> list[dict]:
    return [p for p in archive.check()[1] if p["code"] == code]


# --- working days ------------------------------------------------------------------------

def test_national_day_and_adjusted_saturday():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2024, 9, 30), 3) == D(2024, 10, 10)  # across the National Day holiday
    assert cal.add_workdays(D(2024, 10, 10), 2) == D(2024, 10, 12)  # a Saturday that is a working day
    assert cal.deadline(D(2024, 9, 30), Period(3, "calendar_days")) == D(2024, 10, 3)
    assert not cal.unknown_years


def test_policy_calendar_extends_the_package_and_unknown_years_fall_back():
    cal = WorkCalendar(holidays={D(2027, 1, 1)}, workdays={D(2027, 1, 2)})
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 2)  # 1 Jan holiday, 2 Jan (Sat) a make-up day
    assert not cal.unknown_years
    cal = WorkCalendar()
    assert cal.add_workdays(D(2028, 1, 7), 1) == D(2028, 1, 10)  # Friday + 1: Monday, by weekdays
    assert cal.unknown_years == {2028}
    cal = WorkCalendar(closures={D(2024, 10, 8)})
    assert cal.add_workdays(D(2024, 9, 30), 3) == D(2024, 10, 11)  # a company closure


def national_day(a_handed: str, b_handed: str, **extra) -> dict:
    return dossier("2024鸿借字第001号", project_end="2024-09-30", handover=[
        {"step": "a", "from": "S004", "to": "S003", "handed_on": a_handed, "received_on": a_handed,
         "inventory_checked": True},
        {"step": "b", "from": "S003", "to": "S014", "handed_on": b_handed, "received_on": b_handed,
         "inventory_checked": True}], **extra)


@pytest.fixture
def loan_archive(archive):
    archive.add("customer", customer())
    return archive


def test_handover_on_the_last_allowed_days(loan_archive):
    loan_archive.add("dossier", national_day("2024-10-10", "2024-10-12"))
    assert loan_archive.check() == (0, [])


def test_handover_a_day_late(loan_archive):
    loan_archive.add("dossier", national_day("2024-10-11", "2024-10-14"))
    late = problems_of(loan_archive, "handover.late")
    assert [p["field"] for p in late] == ["handover[0].handed_on"]  # B's deadline runs from A's receipt
    assert "2024-10-10" in late[0]["message"] and "dossier_types.loan.handover[0].deadline" in late[0]["message"]


def test_second_step_late_after_the_adjusted_saturday(loan_archive):
    loan_archive.add("dossier", national_day("2024-10-10", "2024-10-14"))
    late = problems_of(loan_archive, "handover.late")
    assert [p["field"] for p in late] == ["handover[1].handed_on"] and "2024-10-12" in late[0]["message"]


def test_policy_deadline_changes_the_verdict(loan_archive):
    loan_archive.add("dossier", national_day("2024-10-11", "2024-10-14"))
    assert codes(loan_archive.check()[1]) == ["handover.late", "handover.total-late"]  # A late, so the whole

    def longer(policy):
        policy["dossier_types"]["loan"]["handover"][0]["deadline"].update(days=4)
        policy["dossier_types"]["loan"]["handover_within"].update(days=6)
    loan_archive.edit_policy(longer)
    assert loan_archive.check() == (0, [])


def test_approved_extension_covers_a_late_step(loan_archive):
    ext = {"step": "a", "reason": "客户补签材料", "until": "2024-10-15",
           "approved": {"by": "S002", "date": "2024-10-09"}}
    loan_archive.add("dossier", national_day("2024-10-15", "2024-10-15", extensions=[ext]))
    assert loan_archive.check() == (0, [])  # the extension covers the whole handover up to its day
    loan_archive.add("dossier", national_day("2024-10-16", "2024-10-17", extensions=[ext]))
    assert codes(loan_archive.check()[1]) == ["handover.late", "handover.total-late"]


def test_extension_by_an_unauthorised_role(loan_archive):
    ext = {"step": "a", "reason": "客户补签材料", "until": "2024-10-15",
           "approved": {"by": "S003", "date": "2024-10-09"}}
    loan_archive.add("dossier", national_day("2024-10-15", "2024-10-15", extensions=[ext]))
    assert sorted(codes(loan_archive.check()[1])) == ["approval.role", "handover.late", "handover.total-late"]


def test_steps_in_order_by_the_right_roles_with_inventory_checked(loan_archive):
    record = national_day("2024-10-10", "2024-10-12")
    a, b = record["handover"]
    record["handover"] = [b, a]
    loan_archive.add("dossier", record)
    assert "handover.order" in codes(loan_archive.check()[1])
    record["handover"] = [a, {**b, "from": "S004", "inventory_checked": False}]
    loan_archive.add("dossier", record)
    found = set(codes(loan_archive.check()[1]))
    assert {"handover.chain", "handover.unchecked"} <= found
    record["handover"] = [a, {**b, "to": "S002"}]  # the GM is not the archivist
    loan_archive.add("dossier", record)
    assert [p["field"] for p in problems_of(loan_archive, "handover.role")] == ["handover[1].to"]


def test_archived_dossier_needs_every_step_and_matching_pages(loan_archive):
    record = national_day("2024-10-10", "2024-10-12", total_pages=9)
    record["handover"] = record["handover"][:1]
    loan_archive.add("dossier", record)
    assert sorted(codes(loan_archive.check()[1])) == ["dossier.pages", "handover.incomplete"]


def test_supplement_requests(loan_archive):
    request = {"step": "a", "requested": {"by": "S003", "date": "2024-10-10"}, "items": ["担保人签字页"]}
    loan_archive.add("dossier", national_day("2024-10-10", "2024-10-12", supplements=[request]))
    assert codes(loan_archive.check()[1]) == ["supplement.open"]
    request["closed"] = {"by": "S004", "date": "2024-10-11"}  # A may not close B's request
    loan_archive.add("dossier", national_day("2024-10-10", "2024-10-12", supplements=[request]))
    assert codes(loan_archive.check()[1]) == ["supplement.closed-by"]
    request["closed"] = {"by": "S003", "date": "2024-10-11"}
    loan_archive.add("dossier", national_day("2024-10-10", "2024-10-12", supplements=[request]))
    assert loan_archive.check() == (0, [])


def test_a_medical_record_chain_is_policy_only(archive):
    def medical(policy):
        policy["roles"].update(nurse={"name": "护理部"}, assistant_doctor={"name": "助理医生"},
                               chief_surgeon={"name": "主刀医生"})
        policy["dossier_types"]["medical"] = {"name": "病历", "code": "病", "retention_years": 30, "handover": [
            {"id": "nursing", "name": "护理部交助理医生", "from_role": "nurse", "to_role": "assistant_doctor",
             "deadline": {"days": 2, "unit": "calendar_days"}},
            {"id": "assistant", "name": "助理医生交主刀医生", "from_role": "assistant_doctor",
             "to_role": "chief_surgeon", "deadline": {"days": 3, "unit": "calendar_days"}},
            {"id": "chief", "name": "主刀医生审阅后交档案室", "from_role": "chief_surgeon", "to_role": "archivist",
             "deadline": {"days": 2, "unit": "calendar_days"}}]}
    archive.edit_policy(medical)
    archive.add("staff", staff("S021", "护士甲", ["nurse"], "kf"))
    archive.add("staff", staff("S022", "医生乙", ["assistant_doctor"], "kf"))
    archive.add("staff", staff("S023", "医生丙", ["chief_surgeon"], "kf"))
    archive.add("customer", customer())

    def steps(last: str) -> list[dict]:
        return [{"step": "nursing", "from": "S021", "to": "S022", "handed_on": "2024-05-03",
                 "received_on": "2024-05-03", "inventory_checked": True},
                {"step": "assistant", "from": "S022", "to": "S023", "handed_on": "2024-05-06",
                 "received_on": "2024-05-06", "inventory_checked": True},
                {"step": "chief", "from": "S023", "to": "S014", "handed_on": last, "received_on": last,
                 "inventory_checked": True}]
    signed = [{"by": s, "date": "2024-05-08"} for s in ("S021", "S022", "S023", "S014")]  # every party of the chain
    record = dossier("2024鸿病字第001号", business_type="medical", project_end="2024-05-01", manager_a="S021",
                     manager_b="S022", handover=steps("2024-05-08"), inventory_signed=signed)
    archive.add("dossier", record)
    assert archive.check() == (0, [])
    archive.add("dossier", {**record, "handover": steps("2024-05-09")})
    late = problems_of(archive, "handover.late")
    assert len(late) == 1 and "主刀医生审阅后交档案室" in late[0]["message"]


# --- certificates ------------------------------------------------------------------------

def certificate(**extra) -> dict:
    data = {"id": "2024鸿借字第001号-01", "dossier": "2024鸿借字第001号", "kind": "other_rights", "title": "他项权证",
            "number": "蒙(2024)呼和浩特市不动产证明第0012345号", "holder": "鸿远小额贷款有限公司", "quantity": 1,
            "listed_by": "S004", "checked": [{"by": "S004", "date": "2024-03-13"}, {"by": "S003", "date": "2024-03-13"},
                                             {"by": "S014", "date": "2024-03-13"}],
            "received": {"by": "S014", "date": "2024-03-13"}, "location": "保险柜1-01", "status": "in_safe"}
    data.update(extra)
    return data


@pytest.fixture
def cert_archive(loan_archive):
    loan_archive.add("dossier", dossier())
    return loan_archive


def test_certificate_in_the_safe(cert_archive):
    cert_archive.add("certificate", certificate())
    assert cert_archive.check() == (0, [])
    record = certificate(received={"by": "S004", "date": "2024-03-13"})
    del record["location"]
    cert_archive.add("certificate", record)
    assert sorted(codes(cert_archive.check()[1])) == ["certificate.keeper", "certificate.location"]


def test_certificate_release_needs_an_authorised_approval(cert_archive):
    release = {"approved": {"by": "S003", "date": "2025-03-01"}, "by": "S014", "date": "2025-03-02", "to": "王小明"}
    cert_archive.add("certificate", certificate(status="released", released=release))
    assert codes(cert_archive.check()[1]) == ["approval.role"]
    release["approved"]["by"] = "S002"
    cert_archive.add("certificate", certificate(status="released", released=release))
    assert cert_archive.check() == (0, [])


def loan(lid: str = "JY2024-001", **extra) -> dict:
    data = {"id": lid, "dossiers": ["2024鸿借字第001号"], "borrower": "S004", "purpose": "贷后检查",
            "approved": {"by": "S002", "date": "2024-05-06"}, "lent": {"by": "S014", "date": "2024-05-06"},
            "due_on": "2024-05-20",
            "returned": {"date": "2024-05-17", "checked_by": "S014", "complete": True}}
    data.update(extra)
    return data


def test_lent_certificate_status_and_approval(cert_archive):
    cert_archive.add("certificate", certificate(status="lent"))
    assert codes(cert_archive.check()[1]) == ["certificate.status"]
    record = loan(dossiers=None, certificates=["2024鸿借字第001号-01"], approved={"by": "S001", "date": "2024-05-06"})
    del record["dossiers"], record["returned"]
    cert_archive.add("loan", record)
    assert cert_archive.check() == (0, [])  # the chairman may approve any loan, certificates included
    record["approved"]["by"] = "S003"
    cert_archive.add("loan", record)
    # refused twice: by approvals.loan and by approvals.certificate_release
    assert codes(cert_archive.check()[1]) == ["approval.role", "approval.role"]
    record["approved"]["by"] = "S002"
    cert_archive.add("loan", record)
    assert cert_archive.check() == (0, [])


# --- loans -------------------------------------------------------------------------------

def test_loan_approval(cert_archive):
    cert_archive.add("loan", loan())
    assert cert_archive.check() == (0, [])
    record = loan()
    del record["approved"]
    cert_archive.add("loan", record)
    assert codes(cert_archive.check()[1]) == ["loan.unapproved"]
    cert_archive.add("loan", loan(approved={"by": "S003", "date": "2024-05-06"}))
    assert codes(cert_archive.check()[1]) == ["approval.role"]
    cert_archive.add("loan", {**record, "borrower": "S002"})  # the GM borrows without a slip's approval
    assert cert_archive.check() == (0, [])
    cert_archive.edit_policy(lambda p: p["approvals"].update(loan_exempt=["chairman"]))
    assert codes(cert_archive.check()[1]) == ["loan.unapproved"]


def test_nothing_is_lent_twice_at_once(cert_archive):
    cert_archive.add("loan", loan())
    cert_archive.add("loan", loan("JY2024-002", approved={"by": "S002", "date": "2024-05-17"},
                                  lent={"by": "S014", "date": "2024-05-17"}, due_on="2024-05-30"))
    assert cert_archive.check() == (0, [])  # returned in the morning, lent again the same day
    cert_archive.add("loan", loan("JY2024-002", approved={"by": "S002", "date": "2024-05-16"},
                                  lent={"by": "S014", "date": "2024-05-16"}, due_on="2024-05-30"))
    found = problems_of(cert_archive, "loan.double")
    assert [p["record"] for p in found] == ["loan/JY2024-002"]


def test_sealed_files_need_the_gm(cert_archive):
    cert_archive.add("dossier", dossier(confidentiality="sealed"))
    cert_archive.add("loan", loan(approved={"by": "S010", "date": "2024-05-06"}))
    cert_archive.add("staff", staff("S010", "副总", ["vice_gm"], "ld"))
    assert codes(cert_archive.check()[1]) == ["loan.sealed"]
    cert_archive.add("loan", loan())
    assert cert_archive.check() == (0, [])


def test_returns_are_checked_and_list_missing_items(cert_archive):
    cert_archive.add("loan", loan(returned={"date": "2024-05-17", "checked_by": "S004", "complete": False}))
    assert sorted(codes(cert_archive.check()[1])) == ["loan.missing-unlisted", "loan.return-checker"]
    cert_archive.add("loan", loan(returned={"date": "2024-05-17", "checked_by": "S014", "complete": False,
                                            "missing": ["抵押合同第3页"]}))
    assert cert_archive.check() == (0, [])


def test_dossier_status_follows_open_loans(cert_archive):
    record = loan()
    del record["returned"]
    cert_archive.add("loan", record)
    assert codes(cert_archive.check()[1]) == ["dossier.on-loan"]
    cert_archive.add("dossier", dossier(status="on_loan"))
    assert cert_archive.check() == (0, [])


# --- disposal ----------------------------------------------------------------------------

def disposal(executed_on: str, **extra) -> dict:
    data = {"id": "XH2034-001", "dossiers": ["2024鸿借字第001号"], "reason": "保管期满",
            "approved": {"by": "S002", "date": executed_on}, "executed_on": executed_on, "executed_by": "S014",
            "method": "shred", "supervisors": ["S013", "S003"],
            "verification": [{"dossier": "2024鸿借字第001号", "by": "S014", "date": executed_on, "complete": True}]}
    data.update(extra)
    return data


@pytest.fixture
def destroyed(loan_archive):
    loan_archive.add("dossier", dossier(status="destroyed", disposal="XH2034-001"))
    return loan_archive


def test_destruction_after_retention_expires(destroyed):
    destroyed.add("disposal", disposal("2034-03-14"))  # archived 2024-03-14, kept 10 years
    assert destroyed.check() == (0, [])
    destroyed.add("disposal", disposal("2034-03-13"))
    found = problems_of(destroyed, "disposal.retention")
    assert len(found) == 1 and "2034-03-14" in found[0]["message"]
    destroyed.edit_policy(lambda p: p["dossier_types"]["loan"].update(retention_years=5))
    assert destroyed.check() == (0, [])


def test_destruction_approval_and_supervisors(destroyed):
    destroyed.add("disposal", disposal("2034-03-14", approved={"by": "S003", "date": "2034-03-14"},
                                       supervisors=["S013"]))
    assert sorted(codes(destroyed.check()[1])) == ["approval.role", "disposal.supervisors"]
    destroyed.edit_policy(lambda p: p["disposal"].update(min_supervisors=3))
    destroyed.add("disposal", disposal("2034-03-14"))
    assert codes(destroyed.check()[1]) == ["disposal.supervisors"]


def test_destroyed_dossier_stays_marked_and_certificates_go_first(loan_archive):
    loan_archive.add("dossier", dossier())
    loan_archive.add("disposal", disposal("2034-03-14"))
    loan_archive.add("certificate", certificate())
    assert sorted(codes(loan_archive.check()[1])) == ["disposal.certificate", "disposal.status"]
    loan_archive.add("dossier", dossier(status="destroyed", disposal="XH2034-001"))
    release = {"approved": {"by": "S002", "date": "2034-03-01"}, "by": "S014", "date": "2034-03-02", "to": "王小明"}
    loan_archive.add("certificate", certificate(status="released", released=release))
    assert loan_archive.check() == (0, [])


# --- departed staff ----------------------------------------------------------------------

def test_departed_staff_hold_no_loan_and_no_step(loan_archive):
    loan_archive.add("staff", staff("S016", "离职者", ["project_manager", "sales_rep"], "yw1", left_on="2024-06-30"))
    loan_archive.add("dossier", dossier())
    record = loan(borrower="S016")
    del record["returned"]
    loan_archive.add("loan", record)
    loan_archive.add("dossier", dossier(status="on_loan"))
    loan_archive.add("dossier", dossier("2024鸿借字第002号", manager_a="S016", handover=[], status="preparing"))
    assert sorted(codes(loan_archive.check()[1])) == ["staff.left-loan", "staff.left-step"]
