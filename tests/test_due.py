"""`dangan due`: every kind of item, one person's list, every format, and the CI exit."""

from __future__ import annotations

import json

import pytest

from conftest import customer, dossier, staff


@pytest.fixture
def busy(archive):
    archive.add("staff", staff("S005", "张伟", ["project_manager", "sales_rep"], "yw1"))
    archive.add("customer", customer(profile_review={"by": "S003", "date": "2024-03-05"}))
    archive.add("dossier", dossier())  # archived 2024-03-14: retention expires 2034-03-14
    archive.add("dossier", dossier("2024鸿借字第002号", project_end="2024-09-30", status="preparing", handover=[],
                                   manager_a="S005"))
    archive.add("dossier", dossier("2024鸿借字第003号", project_end="2024-09-26", status="with_b", handover=[
        {"step": "a", "from": "S004", "to": "S003", "handed_on": "2024-09-27", "received_on": "2024-09-27",
         "inventory_checked": True}],
        supplements=[{"step": "a", "requested": {"by": "S003", "date": "2024-09-27"}, "items": ["抵押物照片"]}],
        extensions=[{"step": "b", "reason": "等待补充资料", "until": "2024-10-15",
                     "approved": {"by": "S002", "date": "2024-09-29"}}]))
    archive.add("certificate", {
        "id": "2024鸿借字第001号-01", "dossier": "2024鸿借字第001号", "kind": "other_rights",
        "title": "他项权证", "number": "蒙(2024)不动产证明第0012345号",
        "holder": "鸿远小额贷款有限公司", "quantity": 1, "listed_by": "S004",
        "checked": [{"by": s, "date": "2024-03-13"} for s in ("S004", "S003", "S014")],
        "received": {"by": "S014", "date": "2024-03-13"}, "location": "保险柜1-01", "status": "lent"})
    archive.add("loan", {"id": "JY2024-001", "certificates": ["2024鸿借字第001号-01"], "borrower": "S004",
                         "purpose": "办理抵押登记变更", "approved": {"by": "S002", "date": "2024-09-20"},
                         "lent": {"by": "S014", "date": "2024-09-20"}, "due_on": "2024-10-08"})
    assert archive.check() == (0, [])
    return archive


def due(archive, *args) -> list[dict]:
    result = archive.run("due", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["items"]


def test_every_kind_of_item(busy):
    items = due(busy, "--as-of", "2024-10-09", "--within", "7")
    by_kind = {i["kind"]: i for i in items}
    assert set(by_kind) == {"handover", "supplement", "extension", "loan", "certificate"}
    handover = [i for i in items if i["kind"] == "handover"]
    assert {(i["record"], i["due"], i["owner"]) for i in handover} == {
        ("dossier/2024鸿借字第002号", "2024-10-10", "S005"),  # A: 3 working days across National Day
        ("dossier/2024鸿借字第003号", "2024-10-15", "S003")}  # B: extended
    assert by_kind["supplement"] == {"kind": "supplement", "record": "dossier/2024鸿借字第003号",
                                     "what": "补齐资料：抵押物照片", "due": "2024-09-30", "owner": "S004",
                                     "overdue_days": 9, "rule": "supplements.within"}
    assert by_kind["loan"]["overdue_days"] == 1 and by_kind["loan"]["owner"] == "S004"
    assert by_kind["certificate"]["record"] == "certificate/2024鸿借字第001号-01"
    retention = due(busy, "--as-of", "2034-03-10", "--within", "7")
    assert {i["kind"] for i in retention} >= {"retention"}
    assert next(i for i in retention if i["kind"] == "retention")["due"] == "2034-03-14"


def test_within_window(busy):
    assert {i["kind"] for i in due(busy, "--as-of", "2024-09-30", "--within", "0")} == {"supplement"}
    assert due(busy, "--as-of", "2024-09-28", "--within", "1") == []


def test_one_persons_list(busy):
    assert {i["owner"] for i in due(busy, "--as-of", "2024-10-09", "--staff", "S005")} == {"S005"}
    result = busy.run("due", "--staff", "S999")
    assert result.exit_code == 2


def test_text_csv_ics(busy):
    text = busy.run("due", "--as-of", "2024-10-09").output
    assert "逾期 1 天" in text and "李娜（S004）" in text
    csv_out = busy.run("due", "--as-of", "2024-10-09", "--format", "csv").output.splitlines()
    assert csv_out[0] == "kind,record,what,due,owner,overdue_days,rule" and len(csv_out) == 7
    ics = busy.run("due", "--as-of", "2024-10-09", "--format", "ics").stdout_bytes.decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == 6 and "DTSTART;VALUE=DATE:20241010" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_ics_parses_as_icalendar(busy):
    ics = busy.run("due", "--as-of", "2024-10-09", "--format", "ics").stdout_bytes.decode()
    unfolded = ics.replace("\r\n ", "")
    events = unfolded.split("BEGIN:VEVENT")[1:]
    assert len({e.split("UID:")[1].split("\r\n")[0] for e in events}) == len(events)
    assert all("SUMMARY:" in e and "DTSTAMP:" in e for e in events)


def test_fail_on_overdue(busy):
    assert busy.run("due", "--as-of", "2024-09-28", "--fail-on-overdue").exit_code == 0
    assert busy.run("due", "--as-of", "2024-10-09", "--fail-on-overdue").exit_code == 1
    assert busy.run("due", "--as-of", "2024-13-01").exit_code == 2


def test_policy_prints_the_rules(busy):
    text = busy.run("policy").output
    assert "A角移交B角" in text and "3 个工作日" in text and "借阅审批：董事长、总经理、副总经理" in text
    busy.edit_policy(lambda p: p["dossier_types"]["loan"]["handover"][0]["deadline"].update(days=4))
    assert "4 个工作日" in busy.run("policy").output
    english = busy.run("policy", "--lang", "en").output
    assert "working days" in english and "chairman" in english
