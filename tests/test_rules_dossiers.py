"""Seed 000 篇1 §四–六 (issue 16): the inventory's four parts, its numbering, sign-off and copies; the whole
handover's five working days; B's clock from A's hand-over; the archivist's same-day register; certificates to
the keeper at once, listed by A and checked three ways; loans returned late; the chairman, GM and vice GMs and
certificates. Each rule on both sides of its boundary, across National Day 2024 where it counts working days."""

from __future__ import annotations

import json

import pytest

from conftest import codes, customer, dossier, staff

DOSSIER = "2024鸿借字第001号"
SIGNED = [{"by": "S004", "date": "2024-10-08"}, {"by": "S003", "date": "2024-10-08"},
          {"by": "S014", "date": "2024-10-12"}]


@pytest.fixture
def arch(archive):
    archive.add("customer", customer())
    return archive


def found(archive, code: str) -> list[dict]:
    return [p for p in archive.check()[1] if p["code"] == code]


def steps(a_handed: str, b_handed: str | None, a_received: str | None = None,
          b_received: str | None = None) -> list[dict]:
    out = [{"step": "a", "from": "S004", "to": "S003", "handed_on": a_handed, "received_on": a_received or a_handed,
            "inventory_checked": True}]
    if b_handed:
        out.append({"step": "b", "from": "S003", "to": "S014", "handed_on": b_handed,
                    "received_on": b_received or b_handed, "inventory_checked": True})
    return out


def national_day(a_handed: str, b_handed: str | None, **extra) -> dict:
    """A loan that ended on Monday 30 September 2024: five working days run to Saturday 12 October (a working
    day), across the holiday of 1–7 October."""
    extra.setdefault("handover", steps(a_handed, b_handed))
    extra.setdefault("inventory_signed", SIGNED)
    if not b_handed:
        extra.setdefault("status", "with_b")
    return dossier(DOSSIER, project_end="2024-09-30", **extra)


def extension(step: str, until: str, by: str = "S002") -> dict:
    return {"step": step, "reason": "客户补签材料", "until": until, "approved": {"by": by, "date": "2024-10-08"}}


# --- 1. the inventory's parts, before the dossier leaves A ------------------------------------------------

def test_all_four_parts_in_order_once_a_has_handed_over(arch):
    arch.add("dossier", national_day("2024-10-08", "2024-10-09"))
    assert arch.check() == (0, [])
    record = national_day("2024-10-08", "2024-10-09")
    record["inventory"] = record["inventory"][:2] + record["inventory"][3:]  # no 项目调查资料
    record["total_pages"] = 7
    arch.add("dossier", record)
    missing = found(arch, "inventory.part-missing")
    assert [p["field"] for p in missing] == ["inventory"] and "项目调查资料" in missing[0]["message"]
    assert missing[0]["line"]


def test_parts_may_be_incomplete_while_a_still_holds_the_dossier(arch):
    record = national_day("2024-10-08", None, handover=[], status="preparing")
    record["inventory"] = record["inventory"][:1]
    record["total_pages"] = 2
    arch.add("dossier", record)
    assert arch.check() == (0, [])
    record["handover"] = steps("2024-10-08", None)[:1]
    del record["handover"][0]["received_on"], record["handover"][0]["inventory_checked"]
    record["status"] = "with_b"
    arch.add("dossier", record)  # the day A hands it over, the parts must be there
    assert codes(arch.check()[1]) == ["inventory.part-missing"]


def test_parts_out_of_order(arch):
    record = national_day("2024-10-08", "2024-10-09")
    record["inventory"][0], record["inventory"][1] = record["inventory"][1], record["inventory"][0]
    arch.add("dossier", record)
    order = found(arch, "inventory.part-order")
    assert [p["field"] for p in order] == ["inventory[0].part"] and "重要合同或单据" in order[0]["message"]


def test_a_type_declares_its_own_parts(arch):
    arch.edit_policy(lambda p: p["dossier_types"]["loan"].update(inventory_parts=["approval", "contracts"]))
    record = national_day("2024-10-08", "2024-10-09")
    arch.add("dossier", record)
    assert [p["field"] for p in found(arch, "inventory.part-unexpected")] == ["inventory[2].part",
                                                                              "inventory[3].part"]
    record["inventory"] = record["inventory"][:2]
    record["total_pages"] = 6
    arch.add("dossier", record)
    assert arch.check() == (0, [])


# --- 5. item numbers and complete signatures -----------------------------------------------------------------

def test_items_are_numbered_through_the_list(arch):
    record = national_day("2024-10-08", "2024-10-09")
    for n, part in enumerate(record["inventory"], 1):
        part["items"][0].update(seq=n, signatures_complete=True)
    arch.add("dossier", record)
    assert arch.check() == (0, [])
    record["inventory"][2]["items"][0]["seq"] = 4
    record["inventory"][3]["items"][0]["seq"] = 5
    arch.add("dossier", record)
    assert [p["field"] for p in found(arch, "inventory.seq")] == ["inventory[2].items[0].seq"]


def test_an_archived_item_has_its_signatures(arch):
    record = national_day("2024-10-08", None)
    record["inventory"][1]["items"][0]["signatures_complete"] = False  # with B: to be supplemented
    arch.add("dossier", record)
    assert arch.check() == (0, [])
    record = national_day("2024-10-08", "2024-10-09")
    record["inventory"][1]["items"][0]["signatures_complete"] = False
    arch.add("dossier", record)
    problems = found(arch, "inventory.signatures-incomplete")
    assert [p["field"] for p in problems] == ["inventory[1].items[0].signatures_complete"]


# --- 4. signed by all three, in the policy's copies --------------------------------------------------------

def test_archived_inventory_signed_by_a_b_and_the_archivist(arch):
    arch.add("dossier", national_day("2024-10-08", None, inventory_signed=SIGNED[:2]))
    assert arch.check() == (0, [])  # with B: the archivist signs on receipt
    arch.add("dossier", national_day("2024-10-08", "2024-10-09", inventory_signed=SIGNED[:2]))
    unsigned = found(arch, "inventory.unsigned")
    assert [p["field"] for p in unsigned] == ["inventory_signed"] and "冯晓燕（S014）" in unsigned[0]["message"]


def test_inventory_copies_follow_the_policy(arch):
    arch.add("dossier", national_day("2024-10-08", "2024-10-09", inventory_copies=2))
    problems = found(arch, "inventory.copies")
    assert [p["field"] for p in problems] == ["inventory_copies"]
    assert "dossier_types.loan.inventory_copies" in problems[0]["message"]
    record = national_day("2024-10-08", "2024-10-09")
    del record["inventory_copies"]
    arch.add("dossier", record)
    assert [p["field"] for p in found(arch, "inventory.copies")] == ["status"]
    arch.edit_policy(lambda p: p["dossier_types"]["loan"].update(inventory_copies=2))
    arch.add("dossier", national_day("2024-10-08", "2024-10-09", inventory_copies=2))
    assert arch.check() == (0, [])


# --- 2. the whole handover within five working days; B's clock from A's hand-over ---------------------------

def test_the_whole_handover_on_the_last_day_after_an_extension_of_a(arch):
    # A extended to Friday 11 October; B hands over on Saturday 12 October, the fifth working day
    arch.add("dossier", national_day("2024-10-11", "2024-10-12", extensions=[extension("a", "2024-10-11")]))
    assert arch.check() == (0, [])


def test_the_whole_handover_a_day_late_though_b_is_on_time(arch):
    # B's own two working days from A's hand-over (11 October) run to 14 October; the whole chain to 12 October
    arch.add("dossier", national_day("2024-10-11", "2024-10-14", extensions=[extension("a", "2024-10-11")]))
    late = found(arch, "handover.total-late")
    assert [p["field"] for p in late] == ["handover[1].handed_on"] and not found(arch, "handover.late")
    assert "最迟 2024-10-12（含）" in late[0]["message"]
    assert "dossier_types.loan.handover_within" in late[0]["message"]


def test_an_approved_extension_covers_the_whole_handover(arch):
    arch.add("dossier", national_day("2024-10-11", "2024-10-14", extensions=[
        extension("a", "2024-10-11"), extension("b", "2024-10-14")]))
    assert arch.check() == (0, [])
    arch.add("dossier", national_day("2024-10-11", "2024-10-14", extensions=[
        extension("a", "2024-10-11"), extension("b", "2024-10-14", by="S003")]))  # not by an approver
    assert "handover.total-late" in codes(arch.check()[1])


def test_the_whole_limit_is_a_policy_value(arch):
    arch.add("dossier", national_day("2024-10-11", "2024-10-14", extensions=[extension("a", "2024-10-11")]))
    arch.edit_policy(lambda p: p["dossier_types"]["loan"]["handover_within"].update(days=6))
    assert arch.check() == (0, [])


def test_b_clock_runs_from_a_hand_over_not_from_a_late_receipt(arch):
    # A hands over on 8 October, B signs for it on 9 October: B's two working days still end on 10 October
    record = national_day("2024-10-08", "2024-10-10", handover=steps("2024-10-08", "2024-10-10", "2024-10-09"))
    arch.add("dossier", record)
    assert arch.check() == (0, [])
    record["handover"] = steps("2024-10-08", "2024-10-11", "2024-10-09")
    arch.add("dossier", record)
    late = found(arch, "handover.late")
    assert [p["field"] for p in late] == ["handover[1].handed_on"] and "2024-10-10" in late[0]["message"]


# --- 3. receipts registered in time --------------------------------------------------------------------------

def test_the_archivist_registers_on_the_day_of_hand_over(arch):
    arch.add("dossier", national_day("2024-10-08", "2024-10-09", handover=steps(
        "2024-10-08", "2024-10-09", b_received="2024-10-10")))
    late = found(arch, "handover.receipt-late")
    assert [p["field"] for p in late] == ["handover[1].received_on"]
    assert "冯晓燕（S014）" in late[0]["message"] and "最迟 2024-10-09（含）" in late[0]["message"]


def test_b_signs_for_it_within_one_working_day(arch):
    # A hands over on Monday 30 September; the next working day is 8 October
    record = national_day("2024-09-30", "2024-10-08", handover=steps("2024-09-30", "2024-10-08", "2024-10-08"))
    arch.add("dossier", record)
    assert arch.check() == (0, [])
    record["handover"] = steps("2024-09-30", "2024-10-09", "2024-10-09")
    arch.add("dossier", record)
    assert [p["field"] for p in found(arch, "handover.receipt-late")] == ["handover[0].received_on"]


# --- dangan due: the whole handover where it comes first -----------------------------------------------------

def due(archive, *args) -> list[dict]:
    result = archive.run("due", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["items"]


def test_due_lists_the_whole_handover_when_it_comes_first(arch):
    arch.add("dossier", national_day("2024-10-11", None, extensions=[extension("a", "2024-10-11")]))
    items = [i for i in due(arch, "--as-of", "2024-10-11", "--within", "7") if i["kind"] == "handover"]
    assert {(i["due"], i["rule"]) for i in items} == {
        ("2024-10-12", "dossier_types.loan.handover_within"),  # the whole chain's fifth working day
        ("2024-10-14", "dossier_types.loan.handover[1].deadline")}  # B's own clock
    whole = next(i for i in items if i["rule"].endswith("handover_within"))
    assert "最迟 2024-10-12（含）" in whole["what"] and whole["owner"] == "S003"
    text = arch.run("due", "--as-of", "2024-10-14", "--within", "0").output
    assert "逾期 2 天" in text and "handover_within" in text


def test_due_lists_only_the_step_while_it_comes_first(arch):
    arch.add("dossier", national_day("2024-10-08", None))
    items = [i for i in due(arch, "--as-of", "2024-10-08", "--within", "7") if i["kind"] == "handover"]
    assert [(i["due"], i["rule"]) for i in items] == [("2024-10-10", "dossier_types.loan.handover[1].deadline")]


# --- 6. certificates -----------------------------------------------------------------------------------------

def certificate(cid: str = f"{DOSSIER}-01", **extra) -> dict:
    data = {"id": cid, "dossier": DOSSIER, "kind": "other_rights", "title": "他项权证",
            "number": "蒙(2024)呼和浩特市不动产证明第0012345号", "holder": "鸿远小额贷款有限公司", "quantity": 1,
            "listed_by": "S004",
            "checked": [{"by": s, "date": "2024-10-08"} for s in ("S004", "S003", "S014")],
            "received": {"by": "S014", "date": "2024-10-08"}, "location": "保险柜1-01", "status": "in_safe"}
    data.update(extra)
    return data


@pytest.fixture
def certs(arch):
    arch.add("dossier", national_day("2024-10-08", "2024-10-09"))
    return arch


def test_certificates_reach_the_keeper_the_next_working_day(certs):
    certs.add("certificate", certificate())  # 30 September + 1 working day, across National Day
    assert certs.check() == (0, [])
    certs.add("certificate", certificate(received={"by": "S014", "date": "2024-10-09"}))
    late = found(certs, "certificate.late")
    assert [p["field"] for p in late] == ["received.date"] and "最迟 2024-10-08（含）" in late[0]["message"]
    certs.edit_policy(lambda p: p["certificates"]["to_keeper_within"].update(days=2))
    assert certs.check() == (0, [])


def test_certificates_listed_by_a_and_checked_three_ways(certs):
    certs.add("certificate", certificate(listed_by="S003"))
    listed = found(certs, "certificate.listed-by")
    assert [p["field"] for p in listed] == ["listed_by"] and "李娜（S004）" in listed[0]["message"]
    certs.add("certificate", certificate(checked=[{"by": "S004", "date": "2024-10-08"}]))
    assert sorted(codes(certs.check()[1])) == ["certificate.unchecked", "certificate.unchecked-role"]
    assert "孙建国（S003）" in found(certs, "certificate.unchecked")[0]["message"]


def test_two_certificates_share_the_archive_number_and_differ_by_their_own(certs):
    certs.add("certificate", certificate())
    certs.add("certificate", certificate(f"{DOSSIER}-02", kind="property_borrower", title="不动产权证书",
                                         number="蒙(2019)呼和浩特市不动产权第0054321号", holder="王小明"))
    assert certs.check() == (0, [])
    certs.add("certificate", certificate(f"{DOSSIER}-02", kind="property_borrower", title="不动产权证书",
                                         holder="王小明"))
    dup = found(certs, "certificate.duplicate-number")
    assert [(p["record"], p["field"]) for p in dup] == [(f"certificate/{DOSSIER}-02", "number")]


@pytest.mark.parametrize("kind", ["property_borrower", "property_guarantor", "other_rights", "chattel_mortgage",
                                  "equity_pledge", "other"])
def test_every_kind_the_seed_lists_is_accepted(certs, kind):
    certs.add("certificate", certificate(kind=kind))
    assert certs.check() == (0, [])


def test_due_lists_certificates_not_yet_with_the_keeper(certs):
    record = certificate(status="listed")
    del record["received"], record["location"], record["checked"]
    certs.add("certificate", record)
    assert certs.check() == (0, [])
    items = [i for i in due(certs, "--as-of", "2024-10-08", "--within", "0") if i["kind"] == "certificate_handover"]
    assert [(i["due"], i["owner"], i["rule"]) for i in items] == [
        ("2024-10-08", "S004", "certificates.to_keeper_within")]
    assert "最迟 2024-10-08（含）" in items[0]["what"]


# --- 7, 8. loans ---------------------------------------------------------------------------------------------

def loan(**extra) -> dict:
    data = {"id": "JY2024-001", "dossiers": [DOSSIER], "borrower": "S004", "purpose": "贷后检查",
            "approved": {"by": "S002", "date": "2024-11-04"}, "lent": {"by": "S014", "date": "2024-11-04"},
            "due_on": "2024-11-18", "returned": {"date": "2024-11-18", "checked_by": "S014", "complete": True}}
    data.update(extra)
    return data


def test_a_loan_returned_after_its_due_date_stays_marked_late(certs):
    certs.add("loan", loan())
    assert certs.check() == (0, [])
    certs.add("loan", loan(returned={"date": "2024-11-19", "checked_by": "S014", "complete": True}))
    exit_code, problems = certs.check()
    assert exit_code == 0 and [(p["code"], p["severity"], p["field"]) for p in problems] == [
        ("loan.returned-late", "warning", "returned.date")]
    assert "晚了 1 天" in problems[0]["message"]
    ledger = json.loads(certs.run("ledger", "loans", "--format", "json").output)
    assert ledger[0]["lateness"] == "逾期 1 天归还"
    assert "逾期 1 天归还" in certs.run("ledger", "loans", "--format", "csv").output


def test_the_chairman_gm_and_vice_gms_may_approve_or_borrow_certificates(certs):
    certs.add("staff", staff("S010", "副总", ["vice_gm"], "ld"))
    certs.add("certificate", certificate())
    for approver in ("S001", "S002", "S010"):
        record = loan(certificates=[f"{DOSSIER}-01"], approved={"by": approver, "date": "2024-11-04"})
        del record["dossiers"]
        certs.add("loan", record)
        assert certs.check() == (0, []), approver
    for borrower in ("S001", "S002", "S010"):
        record = loan(certificates=[f"{DOSSIER}-01"], borrower=borrower)
        del record["dossiers"], record["approved"]
        certs.add("loan", record)
        assert certs.check() == (0, []), borrower
    certs.add("loan", loan(certificates=[f"{DOSSIER}-01"], approved={"by": "S003", "date": "2024-11-04"}))
    assert "approval.role" in codes(certs.check()[1])


def test_the_keeper_records_the_three_way_check_on_receipt(certs):
    receive = ("certificate", "receive", "--dossier", DOSSIER, "--kind", "other_rights", "--title", "他项权证",
               "--number", "蒙(2024)第1号", "--holder", "鸿远小额贷款有限公司", "--location", "保险柜1-01",
               "--listed-by", "S004", "--as", "S014", "--on", "2024-10-08", "--no-commit")
    refused = certs.run(*receive)
    assert refused.exit_code == 1 and "certificate.unchecked" in refused.output
    checked = ("--checked-by", "S004", "--checked-by", "S003", "--checked-by", "S014")
    assert certs.run(*receive, *checked).exit_code == 0
    assert certs.check() == (0, [])
