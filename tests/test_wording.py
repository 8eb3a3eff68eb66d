"""What a reader sees (issue 16, wording): people by name with their id, codes by their Chinese
labels, deadlines as 最迟 …（含）, a leave ahead as 将于…离职, ledger columns each with a title of its own."""

from __future__ import annotations

import datetime as dt

from conftest import customer, dossier
from dangan.ledger import columns
from dangan.reader import build


def messages(archive, code: str, *args: str) -> list[str]:
    result = archive.run("check", "--format", "json", *args)
    import json
    return [p["message"] for p in json.loads(result.output)["problems"] if p["code"] == code]


def test_people_are_named_by_name_and_id_in_both_languages(archive):
    archive.add("customer", customer())
    record = dossier()
    record["handover"][0]["to"] = "S001"  # the chairman is no project manager
    archive.add("dossier", record)
    [zh] = messages(archive, "handover.role")
    assert "赵志远（S001）" in zh and "S001 " not in zh
    [en] = messages(archive, "handover.role", "--lang", "en")
    assert "赵志远 (S001)" in en


def test_deadlines_read_as_the_last_day_included(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier(handover=[
        {"step": "a", "from": "S004", "to": "S003", "handed_on": "2024-10-11", "received_on": "2024-10-11",
         "inventory_checked": True}], project_end="2024-09-30", status="in_transit"))
    [zh] = messages(archive, "handover.late")
    assert "最迟 2024-10-10（含）" in zh and "前" not in zh.split("最迟")[1].split("移交")[0]


def test_a_leave_date_ahead_reads_as_will_leave(archive):
    ahead = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    archive.add("staff", {"id": "S020", "name": "何飞", "roles": ["sales_rep"], "department": "yw1",
                          "emails": ["s020@hongyuan.example"], "joined_on": "2020-01-06", "left_on": ahead})
    archive.add("customer", customer(owner="S020"))
    found = messages(archive, "staff.left-owner")
    assert found and all(f"何飞（S020）将于 {ahead} 离职" in m for m in found)
    archive.add("staff", {"id": "S020", "name": "何飞", "roles": ["sales_rep"], "department": "yw1",
                          "emails": ["s020@hongyuan.example"], "joined_on": "2020-01-06", "left_on": "2024-06-28"})
    assert all("已于 2024-06-28 离职" in m for m in messages(archive, "staff.left-owner"))


def test_ledger_columns_have_titles_of_their_own(archive):
    index = build(archive.root)
    for kind in index.schemas.kinds:
        titles = [c.title for c in columns(index, kind)]
        assert len(titles) == len(set(titles)), (kind, titles)
        assert "经办人" not in [t for c, t in zip(columns(index, kind), titles, strict=True)
                               if c.path[0] == "approved"], kind
    complaint = [c.title for c in columns(index, "complaint")]
    assert {"受理日期", "答复日期", "结案日期"} <= set(complaint)
    assert "审批人" in [c.title for c in columns(index, "disposal")]


def test_codes_become_their_labels_and_unknown_values_stay(archive):
    from dangan.messages import render
    from dangan.naming import name_values
    from dangan.problems import Problem
    index = build(archive.root)
    found = [Problem("tier.quota", "records/reviews/x.yaml", record="review/x",
                     args={"tier": "vip", "count": 3, "total": 10, "quota": "15%"}),
             Problem("blacklist.business", "records/contracts/x.yaml", record="contract/x",
                     args={"customer": "KH0001", "since": "2024-01-02", "scope": "company"}),
             Problem("handover.role", "records/dossiers/x.yaml", record="dossier/x",
                     args={"step": "a", "staff": "S999", "role": "项目经理"})]
    name_values(found, index)
    assert "VIP 客户" in render(found[0], "zh")[0] and "vip" in render(found[0], "en")[0]
    assert "vip" not in render(found[0], "zh")[0]
    assert "company" not in render(found[1], "zh")[0]
    assert "S999" in render(found[2], "zh")[0]  # nobody by that id: the id as written
