"""Daily acts from the command line (issue 6): each writes what it means, keeps comments,
is refused when the rules forbid it, and commits as its signer."""

from __future__ import annotations

import re

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, customer, dossier, staff
from dangan import yamlstyle
from dangan.cli import cli
from gitarchive import GitArchive

COMMENTED = """\
# 2024鸿借字第001号 —— 王小明经营性贷款（A角：李娜）
id: 2024鸿借字第001号
customer: KH0001
business_type: loan
project: 王小明经营性贷款   # 项目名称以审批表为准
project_end: '2024-03-12'
manager_a: S004
manager_b: S003
inventory:
  # 一、立项审批资料
  - part: approval
    items:
      - title: 借款申请书
        pages: 2
        form: original
  # 二、重要合同
  - part: contracts
    items:
      - title: 借款合同
        pages: 4
        form: original   # 原件一份
  - part: investigation
    items:
      - title: 贷前调查报告
        pages: 1
        form: original
  - part: customer
    items:
      - title: 身份证复印件
        pages: 1
        form: copy
inventory_copies: 3   # 清单一式三份
total_pages: 8

# 移交记录由 dangan handover 追加
handover: []
# 以下为备注
status: preparing
"""


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    archive = GitArchive(tmp_path / "archive", tmp_path / "keys")
    archive.add("staff", staff("S016", "离职者", ["project_manager", "sales_rep"], "yw1", left_on="2024-01-31"))
    archive.commit("S002", "登记离职员工", date="2024-02-01")
    checked = {"checked": ["licence", "no_illegal_record", "signed_contract"]}
    archive.add("customer", customer(status="prospect", admission=checked))
    archive.commit("S004", "新建客户", date="2024-03-01")
    archive.add("customer", customer(admission={**checked, "approved": {"by": "S003", "date": "2024-03-05"}}))
    archive.commit("S003", "准入批准", date="2024-03-05")
    archive.write("records/dossiers/2024鸿借字第001号.yaml", COMMENTED)
    archive.commit("S004", "A角整理档案", date="2024-03-12")
    return archive


def act(repo: GitArchive, sid: str, *args: str):
    """Run a dangan act as staff member `sid`: git user and signing key set as they would be."""
    for key, value in (("user.name", sid), ("user.email", repo.email(sid)), ("gpg.format", "ssh"),
                       ("user.signingkey", str(repo.keys / sid))):
        repo.git("config", key, value)
    return CliRunner().invoke(cli, [*args, "--root", str(repo.root)], catch_exceptions=False)


def head(repo: GitArchive) -> str:
    return repo.git("rev-parse", "HEAD").stdout.strip()


def data(repo: GitArchive, kind: str, rid: str) -> dict:
    return yaml.safe_load(repo.path(kind, rid).read_text(encoding="utf-8"))


def test_three_party_handover_keeps_every_comment(repo):
    assert act(repo, "S004", "handover", "2024鸿借字第001号", "--step", "a", "--on", "2024-03-13").exit_code == 0
    text = repo.path("dossier", "2024鸿借字第001号").read_text(encoding="utf-8")
    before, after = COMMENTED.splitlines(), text.splitlines()
    assert [ln for ln in before if ln.lstrip().startswith("#") or "#" in ln] == \
        [ln for ln in after if ln.lstrip().startswith("#") or "#" in ln]
    # the diff is only what the act means: the handover entry, A's signature on the inventory list, the status
    changed = [ln for ln in after if ln not in before]
    assert changed == ["handover:", "  - step: a", "    from: S004", "    to: S003", "    handed_on: '2024-03-13'",
                       "status: with_b", "inventory_signed:", "  - by: S004", "    date: '2024-03-13'"]
    log = repo.git("log", "-1", "--format=%an|%ae|%B").stdout
    assert log.startswith("S004|s004@hongyuan.example|") and "Dangan-Act: handover a" in log
    assert "gpgsig -----BEGIN SSH SIGNATURE-----" in repo.git("cat-file", "-p", "HEAD").stdout
    assert "Dangan-Record: dossier/2024鸿借字第001号" in log
    # B signs for it the next working day (allowed) and hands it on; the archivist registers it that day
    assert act(repo, "S003", "handover", "2024鸿借字第001号", "--step", "b", "--on", "2024-03-14").exit_code == 0
    result = act(repo, "S014", "handover", "2024鸿借字第001号", "--step", "archive", "--on", "2024-03-14",
                 "--location", "A柜-01层-01格")
    assert result.exit_code == 0, result.output
    record = data(repo, "dossier", "2024鸿借字第001号")
    assert record["status"] == "archived" and record["location"] == "A柜-01层-01格"
    assert [(s["from"], s["to"], s.get("received_on")) for s in record["handover"]] == [
        ("S004", "S003", "2024-03-14"), ("S003", "S014", "2024-03-14")]
    assert repo.check() == (0, [])  # signed by the right people, in separate commits
    assert "# 以下为备注" in repo.path("dossier", "2024鸿借字第001号").read_text(encoding="utf-8")


def test_missing_items_open_a_supplement_request(repo):
    act(repo, "S004", "handover", "2024鸿借字第001号", "--step", "a", "--on", "2024-03-13")
    result = act(repo, "S003", "handover", "2024鸿借字第001号", "--step", "b", "--on", "2024-03-13",
                 "--missing", "担保人签字页")
    assert result.exit_code == 0 and "补充资料清单" in result.output
    record = data(repo, "dossier", "2024鸿借字第001号")
    assert record["supplements"] == [{"step": "a", "requested": {"by": "S003", "date": "2024-03-13"},
                                      "items": ["担保人签字页"]}] and len(record["handover"]) == 1
    refused = act(repo, "S003", "handover", "2024鸿借字第001号", "--step", "b", "--on", "2024-03-14")
    assert refused.exit_code == 1 and "补充资料清单尚未关闭" in refused.output
    assert act(repo, "S004", "supplement", "close", "2024鸿借字第001号").exit_code == 1  # only B closes it
    assert act(repo, "S003", "supplement", "close", "2024鸿借字第001号", "--on", "2024-03-14").exit_code == 0
    assert act(repo, "S003", "handover", "2024鸿借字第001号", "--step", "b", "--on", "2024-03-14").exit_code == 0
    assert repo.check() == (0, [])


def unchanged(repo: GitArchive, before: str) -> bool:
    return head(repo) == before and repo.git("status", "--porcelain").stdout == ""


@pytest.mark.parametrize("attempt", [
    ("S003", "handover", "2024鸿借字第001号", "--step", "b"),  # out of order: A has not handed over
    ("S014", "handover", "2024鸿借字第001号", "--step", "archive"),
    ("S003", "handover", "2024鸿借字第001号", "--step", "a"),  # B may not hand over for A
])
def test_out_of_order_handovers_are_refused(repo, attempt):
    before = head(repo)
    result = act(repo, *attempt)
    assert result.exit_code == 1 and "拒绝" in result.output and unchanged(repo, before)


def archived(repo: GitArchive) -> None:
    act(repo, "S004", "handover", "2024鸿借字第001号", "--step", "a", "--on", "2024-03-13")
    act(repo, "S003", "handover", "2024鸿借字第001号", "--step", "b", "--on", "2024-03-14")
    act(repo, "S014", "handover", "2024鸿借字第001号", "--step", "archive", "--on", "2024-03-14", "--location", "A1")


def test_lending_and_returning(repo):
    archived(repo)
    result = act(repo, "S004", "lend", "--dossier", "2024鸿借字第001号", "--borrower", "S004", "--purpose", "贷后检查",
                 "--due", "2024-05-20", "--on", "2024-05-06")
    assert result.exit_code == 0, result.output
    before = head(repo)
    refused = act(repo, "S014", "lend", "JY2024-001", "--on", "2024-05-06")  # not approved yet
    assert refused.exit_code == 1 and "loan.unapproved" in refused.output and unchanged(repo, before)
    assert act(repo, "S002", "sign", "loan", "JY2024-001", "approved", "--on", "2024-05-06").exit_code == 0
    assert act(repo, "S014", "lend", "JY2024-001", "--on", "2024-05-06").exit_code == 0
    assert data(repo, "dossier", "2024鸿借字第001号")["status"] == "on_loan"
    # lend what is on loan: refused
    act(repo, "S004", "lend", "--dossier", "2024鸿借字第001号", "--borrower", "S004", "--purpose", "复核",
        "--due", "2024-05-30", "--on", "2024-05-07")
    act(repo, "S002", "sign", "loan", "JY2024-002", "approved", "--on", "2024-05-07")
    before = head(repo)
    refused = act(repo, "S014", "lend", "JY2024-002", "--on", "2024-05-07")
    assert refused.exit_code == 1 and "loan.double" in refused.output and unchanged(repo, before)
    result = act(repo, "S014", "return", "JY2024-001", "--on", "2024-05-17", "--missing", "借款合同第3页")
    assert result.exit_code == 0
    returned = data(repo, "loan", "JY2024-001")["returned"]
    assert returned == {"date": "2024-05-17", "checked_by": "S014", "complete": False, "missing": ["借款合同第3页"]}
    before = head(repo)
    assert act(repo, "S014", "return", "JY2024-001").exit_code == 1 and unchanged(repo, before)  # not lent now
    assert repo.check()[0] == 0


def test_destroying_before_retention_expires_is_refused(repo):
    archived(repo)
    assert act(repo, "S014", "dispose", "new", "--dossier", "2024鸿借字第001号", "--reason", "保管期满",
               "--on", "2024-06-01").exit_code == 0
    act(repo, "S002", "sign", "disposal", "XH2024-001", "approved", "--on", "2024-06-01")
    act(repo, "S013", "dispose", "supervise", "XH2024-001")
    act(repo, "S003", "dispose", "supervise", "XH2024-001")
    before = head(repo)
    result = act(repo, "S014", "dispose", "execute", "XH2024-001", "--on", "2024-06-02")
    assert result.exit_code == 1 and "disposal.retention" in result.output and unchanged(repo, before)


def test_reassigning_to_someone_who_left_is_refused(repo):
    before = head(repo)
    result = act(repo, "S003", "reassign", "--from", "S004", "--to", "S016")
    assert result.exit_code == 1 and unchanged(repo, before)
    result = act(repo, "S003", "reassign", "--from", "S004", "--to", "S003")
    assert result.exit_code == 0 and data(repo, "customer", "KH0001")["owner"] == "S003"
    assert data(repo, "dossier", "2024鸿借字第001号")["manager_a"] == "S003"
    assert repo.git("log", "-1", "--format=%B").stdout.count("Dangan-Record:") == 2  # one commit for everything


def test_the_act_must_be_committed_by_its_signer(repo):
    before = head(repo)
    repo.git("config", "user.email", "nobody@example.invalid")
    result = CliRunner().invoke(cli, ["handover", "2024鸿借字第001号", "--step", "a", "--root", str(repo.root)])
    assert result.exit_code == 1 and "不是员工" in result.output and unchanged(repo, before)
    result = act(repo, "S004", "handover", "2024鸿借字第001号", "--step", "a", "--as", "S003")
    assert result.exit_code == 1 and unchanged(repo, before)


def test_new_records_take_the_next_number(repo):
    result = act(repo, "S004", "new", "customer", "--set", "type=individual", "--set", "name=王小明",
                 "--set", "individual.id_number=" + customer()["individual"]["id_number"],
                 "--set", "owner=S004", "--set", "department=yw1", "--set", "status=prospect",
                 "--set", "first_contact_on=2024-04-01", "--on", "2024-04-02")
    assert result.exit_code == 2 and "KH0001" in result.output  # a likely duplicate
    result = act(repo, "S004", "new", "customer", "--set", "type=individual", "--set", "name=王小明",
                 "--set", "individual.id_number=" + customer()["individual"]["id_number"],
                 "--set", "owner=S004", "--set", "department=yw1", "--set", "status=prospect",
                 "--set", "first_contact_on=2024-04-01", "--on", "2024-04-02", "--yes")
    assert result.exit_code == 0, result.output
    text = repo.path("customer", "KH0002").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/customer.schema.json\nid: KH0002\n")
    assert data(repo, "customer", "KH0002")["created"] == {"by": "S004", "date": "2024-04-02"}
    result = act(repo, "S004", "visit", "--customer", "KH0001", "--kind", "follow_up", "--on", "2024-04-03")
    assert result.exit_code == 0 and repo.path("visit", "HF2024-0001").exists()


def test_no_commit_only_stages(repo):
    act(repo, "S004", "handover", "2024鸿借字第001号", "--step", "a", "--on", "2024-03-13", "--no-commit")
    assert repo.git("-c", "core.quotePath=false", "diff", "--cached", "--name-only").stdout.split() == [
        "records/dossiers/2024鸿借字第001号.yaml"]
    assert "A角整理档案" in repo.git("log", "-1", "--format=%s").stdout


def test_someone_elses_change_is_not_overwritten(repo, monkeypatch):
    from dangan import transaction

    real = transaction.atomic_write

    def meddle(root, rel, target, text, original):
        (root / rel).write_text((root / rel).read_text(encoding="utf-8") + "# 他人刚刚保存\n", encoding="utf-8")
        return real(root, rel, target, text, original)

    monkeypatch.setattr(transaction, "atomic_write", meddle)
    result = act(repo, "S004", "handover", "2024鸿借字第001号", "--step", "a", "--on", "2024-03-13")
    assert result.exit_code == 1 and "被他人修改" in result.output
    assert repo.path("dossier", "2024鸿借字第001号").read_text(encoding="utf-8").endswith("# 他人刚刚保存\n")


def test_amendment_by_an_authorised_approver(repo):
    archived(repo)
    result = act(repo, "S004", "amend", "2024鸿借字第001号", "--set", "inventory[0].items[0].pages=3",
                 "--set", "total_pages=9", "--reason", "漏计一页", "--on", "2024-04-01")
    assert result.exit_code == 1 and "approval.role" in result.output
    result = act(repo, "S002", "amend", "2024鸿借字第001号", "--set", "inventory[0].items[0].pages=3",
                 "--set", "total_pages=9", "--reason", "漏计一页", "--on", "2024-04-01")
    assert result.exit_code == 0, result.output
    assert repo.check() == (0, [])


def test_renumber_fixes_every_reference(repo):
    archived(repo)
    repo.add("certificate", {"id": "2024鸿借字第001号-01", "dossier": "2024鸿借字第001号", "kind": "other_rights",
                             "title": "他项权证", "number": "蒙(2024)第1号", "holder": "鸿远小额贷款有限公司",
                             "quantity": 1, "listed_by": "S004",
                             "checked": [{"by": s, "date": "2024-03-13"} for s in ("S004", "S003", "S014")],
                             "received": {"by": "S014", "date": "2024-03-13"}, "location": "保险柜1-01",
                             "status": "in_safe"})
    repo.commit("S014", "权证入柜", date="2024-03-14")
    result = act(repo, "S014", "renumber", "2024鸿借字第001号", "2024鸿借字第002号")
    assert result.exit_code == 0, result.output
    assert repo.path("dossier", "2024鸿借字第002号").exists() and not repo.path("dossier", "2024鸿借字第001号").exists()
    assert data(repo, "certificate", "2024鸿借字第002号-01")["dossier"] == "2024鸿借字第002号"


def test_every_demo_file_round_trips_byte_for_byte():
    files = sorted((REPO / "records").rglob("*.yaml"))
    assert len(files) > 300
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yamlstyle.dumps(yamlstyle.loads(text)) == text, path


def test_appending_keeps_the_following_comment_in_place():
    text = "handover:\n  - step: a\n    from: S004\n# 以下为备注\nstatus: preparing\n"
    data_ = yamlstyle.loads(text)
    yamlstyle.append(data_["handover"], {"step": "b", "from": "S003"})
    assert yamlstyle.dumps(data_) == ("handover:\n  - step: a\n    from: S004\n  - step: b\n    from: S003\n"
                                      "# 以下为备注\nstatus: preparing\n")


def test_refusal_lists_rule_messages(repo):
    """An act the rules forbid is refused with each rule's location, code and message (not for a missing record)."""
    archived(repo)
    act(repo, "S004", "lend", "--dossier", "2024鸿借字第001号", "--borrower", "S004", "--purpose", "贷后检查",
        "--due", "2024-05-20", "--on", "2024-05-06")
    act(repo, "S002", "sign", "loan", "JY2024-001", "approved", "--on", "2024-05-06")
    assert act(repo, "S014", "lend", "JY2024-001", "--on", "2024-05-06").exit_code == 0
    before = head(repo)
    result = act(repo, "S004", "return", "JY2024-001", "--on", "2024-05-17")  # S004 is no archivist
    assert result.exit_code == 1 and unchanged(repo, before)
    assert "拒绝 (refused)" in result.output
    assert re.search(r"^  records/loans/JY2024-001\.yaml:\d+:\d+: loan\.return-checker: "
                     r"归还应由.+核对，李娜（S004）不是", result.output, re.MULTILINE), result.output


def test_two_branches_take_the_same_number(repo):
    """Both take 2024鸿借字第002号; after the merge check says so and renumber fixes the later one."""
    archived(repo)
    base = head(repo)
    repo.git("checkout", "-q", "-b", "other")
    repo.add("dossier", dossier("2024鸿借字第002号", project="周记商贸流动资金贷款", status="preparing", handover=[]))
    repo.commit("S004", "另一分支新建档案", date="2024-04-01")
    repo.git("checkout", "-q", "main")
    repo.add("dossier", dossier("2024鸿借字第002号", project="王小明第二笔贷款", status="preparing", handover=[]))
    repo.commit("S004", "本分支新建档案", date="2024-04-01")
    assert repo.git("merge", "-q", "other", check=False).returncode != 0  # add/add conflict
    exit_code, problems = repo.check()
    duplicate = [p for p in problems if p["code"] == "number.duplicate"]
    assert exit_code == 1 and duplicate and "dangan renumber 2024鸿借字第002号 --resolve" in duplicate[0]["hint"]
    result = act(repo, "S004", "renumber", "2024鸿借字第002号", "--resolve")
    assert result.exit_code == 0, result.output
    assert data(repo, "dossier", "2024鸿借字第002号")["project"] == "王小明第二笔贷款"
    assert data(repo, "dossier", "2024鸿借字第003号")["project"] == "周记商贸流动资金贷款"
    assert repo.check()[0] == 0 and base != head(repo)


def test_new_asks_for_what_is_missing_with_choices(repo):
    for key, value in (("user.name", "S004"), ("user.email", repo.email("S004")), ("gpg.format", "ssh"),
                       ("user.signingkey", str(repo.keys / "S004"))):
        repo.git("config", key, value)
    answers = "\n".join(["KH0001", "S004", "phone", "follow_up"]) + "\n"
    result = CliRunner().invoke(cli, ["new", "visit", "--set", "date=2024-04-03", "--on", "2024-04-03",
                                      "--root", str(repo.root)],
                                input=answers, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "KH0001=王小明" in result.output and "follow_up=跟进" in result.output
    assert data(repo, "visit", "HF2024-0001")["customer"] == "KH0001"
    result = CliRunner().invoke(cli, ["new", "visit", "--root", str(repo.root)], input="KH0404\n")
    assert result.exit_code != 0 and not repo.path("visit", "HF2024-0002").exists()  # not a customer
