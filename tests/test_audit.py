"""Commits are signatures with no way around them (issue 12): each attack on a real repository with
real SSH keys, caught by `dangan check` and `dangan verify` with a message naming the commit, its
author, the rule and what to do."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from conftest import codes, customer, dossier
from gitarchive import GitArchive, handed_by_a, honest_handover, signed_repo

OUTSIDER = "someone@outside.example"


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    return signed_repo(tmp_path / "archive", tmp_path / "keys")


def verify(repo: GitArchive, *args: str) -> tuple[int, dict[str, str]]:
    result = repo.run("verify", "--format", "json", *args)
    return result.exit_code, {i["item"].split("：")[0]: i["status"] for i in json.loads(result.output)}


def errors(repo: GitArchive) -> list[dict]:
    return [p for p in repo.problems() if p["severity"] == "error"]


def set_mode(mode: str):
    return lambda p: p["signatures"].update(mode=mode)


def staff_data(repo: GitArchive, sid: str) -> dict:
    return yaml.safe_load(repo.path("staff", sid).read_text(encoding="utf-8"))


def prospect(cid: str, **extra) -> dict:
    """A new customer, before anyone else's approval act."""
    return customer(cid, status="prospect", admission={"checked": ["licence"]}, **extra)


def new_key(repo: GitArchive, name: str) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(repo.keys / name)], check=True)
    return (repo.keys / f"{name}.pub").read_text().strip()


# --- the policy is guarded ------------------------------------------------------------------------

def test_an_outsider_switching_signatures_off_and_rewriting_everything(repo):
    honest_handover(repo)
    repo.seal("S014", "2024-03-31")
    assert repo.check() == (0, []) and verify(repo)[0] == 0
    repo.edit_policy(set_mode("off"))
    off = repo.commit("S999", "关闭签名", date="2024-04-01", sign=False, email=OUTSIDER)
    found = errors(repo)
    assert sorted(codes(found)) == ["commit.not-staff", "commit.unauthorised"]
    unauthorised = next(p for p in found if p["code"] == "commit.unauthorised")
    assert unauthorised["file"] == "records/policy.yaml" and off[:10] in unauthorised["message"]
    assert OUTSIDER in unauthorised["message"] and "总经理" in unauthorised["message"]
    assert "approvals.policy" in unauthorised["message"] and "git revert" in unauthorised["hint"]
    # the switch did not take effect: a later unsigned change is still judged
    repo.add("customer", customer(note="外人改的"))
    repo.commit("S999", "改客户", date="2024-04-02", sign=False, email=OUTSIDER)
    assert codes(errors(repo)).count("commit.not-staff") == 2
    # rewriting every earlier commit (signatures dropped) is seen: the seal is no longer in the history
    env = {**os.environ, "FILTER_BRANCH_SQUELCH_WARNING": "1"}
    subprocess.run(["git", "-C", str(repo.root), "filter-branch", "-f", "--msg-filter", "cat; echo 改写", "--",
                    "main"], capture_output=True, env=env, check=True)
    found = errors(repo)
    assert "history.rewritten" in codes(found) and codes(found).count("commit.unsigned") >= 6
    exit_code, status = verify(repo)
    assert exit_code == 1 and status["签名"] == status["授权"] == status["封印"] == "failed"


def test_a_policy_change_cannot_make_itself_legal(repo):
    honest_handover(repo)
    repo.edit_policy(lambda p: p["approvals"].update(policy=["gm", "project_manager"]))
    first = repo.commit("S004", "给自己改制度的权限", date="2024-04-01")
    repo.edit_policy(set_mode("off"))
    repo.commit("S004", "关闭签名", date="2024-04-02")
    repo.add("customer", customer(note="未签名"))
    repo.commit("S004", "未签名的改动", date="2024-04-03", sign=False)
    found = errors(repo)
    assert sorted(codes(found)) == ["commit.unauthorised", "commit.unauthorised", "commit.unsigned"]
    assert any(first[:10] in p["message"] and "S004" in p["message"] for p in found)
    assert verify(repo)[1]["授权"] == "failed"


def test_lowering_a_deadline_or_removing_an_approver_needs_the_gm(repo):
    repo.edit_policy(lambda p: p["dossier_types"]["loan"]["handover"][0]["deadline"].update(days=30))
    repo.commit("S003", "放宽移交时限", date="2024-04-01")
    assert codes(errors(repo)) == ["commit.unauthorised"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.edit_policy(lambda p: p["approvals"].update(loan=["chairman"]))
    repo.commit("S002", "总经理调整借阅审批", date="2024-04-01")
    assert repo.check() == (0, [])


def test_a_schema_change_is_an_act_of_the_gm(repo):
    path = repo.root / "schemas" / "dossier.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"x-signed-by": "from"', '"x-signed-by-x": "from"'),
                    encoding="utf-8")
    repo.commit("S014", "改 schema", date="2024-04-01")
    found = errors(repo)
    assert [(p["code"], p["file"]) for p in found] == [("commit.unauthorised", "schemas/dossier.schema.json")]


# --- staff, keys and employment --------------------------------------------------------------------

def test_registering_a_key_for_someone_else_is_refused_and_the_key_stays_unknown(repo):
    data = staff_data(repo, "S002")
    data["ssh_keys"].append(new_key(repo, "planted"))
    repo.add("staff", data)
    repo.commit("S004", "给总经理加一把钥匙", date="2024-04-01")
    repo.add("customer", customer(note="以总经理名义"))
    repo.commit("S002", "冒充总经理", date="2024-04-02", key="planted")
    found = errors(repo)
    assert sorted(codes(found)) == ["commit.bad-key", "commit.unauthorised"]
    bad_key = next(p for p in found if p["code"] == "commit.bad-key")
    assert "未在任何员工记录中登记的密钥" in bad_key["message"]
    assert "员工名册" in next(p for p in found if p["code"] == "commit.unauthorised")["message"]


def test_a_key_is_valid_only_while_it_is_registered(repo):
    second = new_key(repo, "S004-laptop")
    repo.add("customer", customer(note="新电脑上签的"))
    early = repo.commit("S004", "用尚未登记的密钥", date="2024-04-01", key="S004-laptop")
    data = staff_data(repo, "S004")
    old_key = data["ssh_keys"][0]
    data["ssh_keys"] = [second]  # the GM registers the new key and revokes the old one
    repo.add("staff", data)
    repo.commit("S002", "登记 S004 的新密钥，吊销旧密钥", date="2024-04-02")
    repo.add("customer", customer(note="新密钥"))
    repo.commit("S004", "用新密钥", date="2024-04-03", key="S004-laptop")
    repo.add("customer", customer(note="旧密钥"))
    late = repo.commit("S004", "用已吊销的密钥", date="2024-04-04")
    found = errors(repo)
    assert codes(found) == ["commit.bad-key", "commit.bad-key"]
    messages = {early[:10]: "", late[:10]: ""}
    for p in found:
        messages[next(c for c in messages if c in p["message"])] = p["message"]
    assert all("已撤销或尚未登记" in m for m in messages.values())
    assert old_key not in json.dumps(found)


def test_commits_outside_employment(repo):
    repo.add("customer", customer(note="入职前"))
    repo.commit("S004", "入职前的提交", date="2019-12-01")
    found = errors(repo)
    assert codes(found) == ["commit.not-employed"] and "入职（2020-01-06）之前" in found[0]["message"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    data = staff_data(repo, "S003")
    data["left_on"] = "2024-06-30"
    repo.add("staff", data)
    repo.commit("S002", "S003 离职", date="2024-06-01")
    repo.add("customer", customer(note="离职后"))
    repo.commit("S003", "离职后的提交", date="2024-07-02")
    found = errors(repo)
    assert codes(found) == ["commit.not-employed"] and "离职（2024-06-30）之后" in found[0]["message"]


# --- what an act signed ----------------------------------------------------------------------------

def test_changing_signed_handover_dates_is_an_amendment(repo):
    record = handed_by_a()
    repo.add("dossier", record)
    repo.commit("S004", "A角移交B角", date="2024-03-13")
    record["handover"][0]["handed_on"] = "2024-03-12"
    repo.add("dossier", record)
    changed = repo.commit("S004", "悄悄改早移交日期", date="2024-03-20")
    found = errors(repo)
    assert codes(found) == ["commit.amended"]
    assert found[0]["field"] == "handover[0].handed_on" and changed[:10] in found[0]["message"]
    assert found[0]["line"] and "总经理、副总经理" in found[0]["message"]
    assert "approvals.amendment" in found[0]["message"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    record["handover"][0].update(handed_on="2024-03-13", received_on="2024-03-13", inventory_checked=True)
    repo.add("dossier", record)
    repo.commit("S003", "B角接收", date="2024-03-13")
    assert repo.check() == (0, [])
    record["handover"][0]["handed_on"] = "2024-03-12"
    repo.add("dossier", record)
    repo.commit("S002", "总经理更正移交日期", date="2024-03-20")
    assert repo.check() == (0, [])


def test_an_outsider_changing_an_archived_dossier(repo):
    honest_handover(repo)
    path = repo.path("dossier", "2024鸿借字第001号")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["project"] = "另一个项目"
    data["amount"] = 9_000_000
    repo.add("dossier", data)
    repo.commit("S999", "改金额", date="2024-04-01", sign=False, email=OUTSIDER)
    found = errors(repo)
    assert sorted(codes(found)) == ["commit.not-staff", "history.archived-changed"]
    changed = next(p for p in found if p["code"] == "history.archived-changed")
    assert "amount" in changed["message"] and "project" in changed["message"]


# --- merges ----------------------------------------------------------------------------------------

def test_a_merge_is_judged_by_what_it_brings_in(repo):
    honest_handover(repo)
    repo.git("checkout", "-q", "-b", "side")
    repo.add("customer", prospect("KH0002", name="李四"))
    repo.commit("S004", "新客户", date="2024-04-01")
    repo.git("checkout", "-q", "main")
    repo.add("customer", customer(note="主线的改动"))
    repo.commit("S004", "主线", date="2024-04-01")
    # a clean merge by the forge, unsigned: it brings in only signed commits
    repo.git("-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "merge", "-q", "--no-ff", "side",
             "-m", "Merge side")
    assert repo.check() == (0, [])
    # a merge that smuggles in a change of its own
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
    repo.add("customer", customer(note="合并时夹带的改动"))
    merge = repo.commit("S004", "Merge side", date="2024-04-02", sign=False)
    found = errors(repo)
    assert codes(found) == ["commit.unsigned"] and merge[:10] in found[0]["message"]
    assert found[0]["file"] == "records/customers/KH0001.yaml"


def test_a_branch_from_before_signatures_cannot_be_merged_in_unsigned(repo):
    repo.edit_policy(set_mode("off"))
    repo.commit("S002", "暂停签名要求", date="2024-04-01")
    repo.git("checkout", "-q", "-b", "old")
    repo.add("customer", customer(note="签名暂停时的改动"))
    repo.commit("S999", "外人改客户", date="2024-04-02", sign=False, email=OUTSIDER)
    repo.git("checkout", "-q", "main")
    repo.edit_policy(set_mode("required"))
    repo.commit("S002", "恢复签名要求", date="2024-04-03")
    assert repo.check() == (0, [])  # on its own branch the change was made while nothing was judged
    repo.git("-c", "user.name=S002", "-c", "user.email=s002@hongyuan.example", "merge", "-q", "--no-ff", "old",
             "-m", "合并旧分支")
    found = errors(repo)
    assert codes(found) == ["commit.not-staff"] and "由合并提交" in found[0]["message"]


# --- history that is not what the commits hold ----------------------------------------------------

def test_replace_objects_and_grafts_are_ignored_and_reported(repo):
    honest_handover(repo)
    first = repo.git("rev-list", "--reverse", "HEAD").stdout.split()[3]  # A's handover
    repo.git("checkout", "-q", first)
    path = repo.path("dossier", "2024鸿借字第001号")
    path.write_text(path.read_text(encoding="utf-8").replace("王小明经营性贷款", "伪造的项目"), encoding="utf-8")
    forged = repo.commit("S004", "A角移交B角", date="2024-03-13")
    repo.git("checkout", "-q", "main")
    repo.git("replace", first, forged)
    assert "伪造的项目" in repo.git("show", f"{first}:records/dossiers/2024鸿借字第001号.yaml").stdout  # git shows it
    found = errors(repo)
    assert codes(found) == ["history.replaced"] and "refs/replace/" in found[0]["message"]
    history = json.loads(repo.run("history", "2024鸿借字第001号", "--format", "json").output)["history"]
    assert all(f["new"] != "伪造的项目" for e in history for f in e["fields"])
    assert [e["verdict"] for e in history] == ["valid"] * 4
    repo.git("replace", "-d", first)
    root = repo.git("rev-list", "--max-parents=0", "HEAD").stdout.strip()
    head = repo.git("rev-parse", "HEAD").stdout.strip()
    (repo.root / ".git" / "info" / "grafts").write_text(f"{head} {root}\n", encoding="utf-8")
    found = errors(repo)
    assert codes(found) == ["history.replaced"] and "info/grafts" in found[0]["message"]
    assert len(json.loads(repo.run("history", "2024鸿借字第001号", "--format", "json").output)["history"]) == 4


def test_a_shallow_clone_says_what_it_could_not_check(repo, tmp_path):
    honest_handover(repo)
    repo.seal("S014", "2024-03-31")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    result = repo.run("check", "--format", "json")  # the full repository: fine
    assert json.loads(result.output)["problems"] == []
    from click.testing import CliRunner

    from dangan.cli import cli
    out = CliRunner().invoke(cli, ["check", "--format", "json", "--root", str(clone)])
    assert [p["code"] for p in json.loads(out.output)["problems"]] == ["history.shallow"]
    out = CliRunner().invoke(cli, ["verify", "--root", str(clone)])
    assert "[未检查]" in out.output and "浅克隆" in out.output and out.exit_code == 0
    assert CliRunner().invoke(cli, ["verify", "--strict", "--root", str(clone)]).exit_code == 1


# --- seals, and what this checkout saw ---------------------------------------------------------------

def test_dangan_seal(repo):
    honest_handover(repo)
    repo.configure("S004")
    result = repo.run("seal")
    assert result.exit_code == 1 and "档案管理员、总经理" in result.output
    repo.configure("S014")
    result = repo.run("seal", "-m", "三月封印")
    assert result.exit_code == 0, result.output
    name = result.output.split("：")[1].split("（")[0]
    assert repo.git("cat-file", "-t", name).stdout.strip() == "tag"
    assert repo.run("keys", "--install").exit_code == 0
    assert repo.git("verify-tag", name, check=False).returncode == 0  # plain git agrees
    assert verify(repo)[1]["封印"] == "passed"
    # a seal over a history with problems is refused
    repo.add("customer", customer(note="未签名"))
    repo.commit("S004", "未签名", date="2024-04-01", sign=False)
    result = repo.run("seal")
    assert result.exit_code == 1 and "commit.unsigned" in result.output


def test_seals_made_by_hand(repo):
    honest_handover(repo)
    repo.git("tag", "dangan-seal-20240401-000000")
    repo.seal("S004", "2024-04-02")  # signed, but not by a role that may seal
    found = errors(repo)
    assert sorted(codes(found)) == ["seal.unauthorised", "seal.unsigned"]
    assert "S004" in next(p for p in found if p["code"] == "seal.unauthorised")["message"]


def test_a_published_commit_or_seal_that_vanishes(repo, tmp_path):
    honest_handover(repo)
    repo.seal("S014", "2024-03-31")
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(bare)], check=True)
    mine = GitArchive.__new__(GitArchive)
    mine.root, mine.keys = tmp_path / "mine", repo.keys
    subprocess.run(["git", "clone", "-q", str(bare), str(mine.root)], check=True)
    assert mine.check() == (0, [])  # remembers origin/main's tip and the seal
    # someone force-pushes a rewritten main and deletes the seal on the server
    repo.git("remote", "add", "origin", str(bare))
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.add("customer", customer(note="改写后"))
    repo.commit("S014", "改写", date="2024-03-15")
    repo.git("push", "-q", "--force", "origin", "main")
    subprocess.run(["git", "-C", str(bare), "tag", "-d", "dangan-seal-20240331-180000"], capture_output=True,
                   check=True)
    mine.git("fetch", "-q", "--prune", "--prune-tags", "origin")
    mine.git("reset", "-q", "--hard", "origin/main")
    found = errors(mine)
    assert sorted(codes(found)) == ["history.vanished", "seal.removed"]
    assert "dangan-seal-20240331-180000" in next(p for p in found if p["code"] == "seal.removed")["message"]
    assert errors(mine) == found  # remembered, not reported once


# --- a problem already pushed is acknowledged, not erased --------------------------------------------

def test_acknowledging_a_reverted_commit(repo):
    honest_handover(repo)
    repo.add("customer", customer(note="外人改的"))
    bad = repo.commit("S999", "外人改客户", date="2024-04-01", sign=False, email=OUTSIDER)
    repo.git("-c", "user.name=S002", "-c", "user.email=s002@hongyuan.example", "-c", "gpg.format=ssh",
             "-c", f"user.signingkey={repo.keys / 'S002'}", "revert", "--no-edit", "-S", "HEAD")
    assert codes(errors(repo)) == ["commit.not-staff"]
    repo.configure("S004")
    result = repo.run("acknowledge", bad[:8], "--reason", "已撤销")
    assert result.exit_code == 1 and "总经理" in result.output
    repo.configure("S002")
    result = repo.run("acknowledge", bad[:8], "--reason", "已撤销，并已查明原因")
    assert result.exit_code == 0, result.output
    exit_code, problems = repo.check()
    assert exit_code == 0 and codes(problems) == ["commit.not-staff"] and problems[0]["severity"] == "warning"
    assert "已由钱立群（S002）" in problems[0]["message"] and "确认处理" in problems[0]["message"]
    assert "已由 S002 确认处理" in repo.run("acknowledge", bad[:8], "--reason", "再来一次").output
    # an acknowledgement by someone without the role counts for nothing
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("-c", "user.name=S004", "-c", "user.email=s004@hongyuan.example", "-c", "gpg.format=ssh",
             "-c", f"user.signingkey={repo.keys / 'S004'}", "commit", "-q", "-S", "--allow-empty", "-m", "自己确认",
             "--trailer", f"Dangan-Acknowledge: {bad}")
    assert codes(errors(repo)) == ["commit.not-staff"]


def test_an_honest_history_with_branches_and_seals_passes(repo):
    honest_handover(repo)
    repo.git("checkout", "-q", "-b", "visit")
    repo.add("customer", prospect("KH0002", name="李四"))
    repo.commit("S004", "新客户", date="2024-04-01")
    repo.git("checkout", "-q", "main")
    repo.git("-c", "user.name=S014", "-c", "user.email=s014@hongyuan.example", "-c", "gpg.format=ssh",
             "-c", f"user.signingkey={repo.keys / 'S014'}", "merge", "-q", "-S", "--no-ff", "visit", "-m", "合并")
    repo.seal("S014", "2024-04-30")
    assert repo.check() == (0, [])
    exit_code, status = verify(repo, "--strict")
    assert exit_code == 0 and set(status.values()) == {"passed", "not-applicable"}
    assert dossier()["id"] in repo.run("history", "2024鸿借字第001号").output


def test_moving_a_record_out_of_the_archive_is_a_deletion(repo):
    honest_handover(repo)
    (repo.root / "old").mkdir()
    repo.git("mv", "records/dossiers/2024鸿借字第001号.yaml", "old/2024鸿借字第001号.yaml")
    moved = repo.commit("S014", "移出档案库", date="2024-04-01", add=False)
    found = errors(repo)
    assert codes(found) == ["history.deleted"] and moved[:10] in found[0]["message"]
    assert found[0]["file"] == "records/dossiers/2024鸿借字第001号.yaml"


def test_one_verdict_for_check_history_and_the_site(repo):
    from dangan.facts import facts
    from dangan.reader import build
    from dangan.site.changes import RecordHistory
    from dangan.site.values import View

    repo.add("dossier", handed_by_a())
    repo.commit("S004", "A角移交，用了 B 的密钥", key="S003")
    assert codes(errors(repo)) == ["commit.bad-key"]
    entries = json.loads(repo.run("history", "2024鸿借字第001号", "--format", "json").output)["history"]
    assert [e["verdict"] for e in entries] == ["forged"]
    index = build(repo.root)
    f = facts(index)
    page = RecordHistory(View(index, False), f.history, f.audit)
    record = index.get("dossier", "2024鸿借字第001号")
    assert [row.verdict for row in page.changes(record)] == ["forged"]
    assert [row.verdict for row in page.acts(record)] == ["forged"]


def test_acts_refuse_what_the_audit_would_report(repo):
    from dangan.reader import build
    from dangan.transaction import Refused, Transaction

    repo.add("dossier", handed_by_a())
    repo.commit("S004", "A角移交B角", date="2024-03-13")
    repo.configure("S004")
    tx = Transaction(build(repo.root), "S004")
    tx.edit("staff", "S004")["roles"].append("gm")
    with pytest.raises(Refused, match="员工名册变更须由 总经理 提交"):
        tx.apply("staff", "给自己加总经理岗位")
    tx = Transaction(build(repo.root), "S004")
    tx.edit("dossier", "2024鸿借字第001号")["handover"][0]["handed_on"] = "2024-03-12"
    with pytest.raises(Refused, match="总经理、副总经理"):
        tx.apply("amend", "改移交日期")
    assert repo.git("status", "--porcelain").stdout == ""  # nothing written
    repo.configure("S002")
    tx = Transaction(build(repo.root), "S002")
    tx.edit("dossier", "2024鸿借字第001号")["handover"][0]["handed_on"] = "2024-03-12"
    tx.apply("amend", "总经理更正移交日期")
    assert repo.check() == (0, [])
