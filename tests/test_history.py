"""Commits as signatures (issue 5), in real git repositories with real ssh-keygen keys."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml

from conftest import codes, customer, dossier
from gitarchive import GitArchive, handed_by_a, honest_handover, signed_repo


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    return signed_repo(tmp_path / "archive", tmp_path / "keys")


def test_honest_three_party_handover_passes(repo):
    honest_handover(repo)
    assert repo.check() == (0, [])
    # plain git agrees once dangan keys wrote the allowed signers
    assert repo.run("keys", "--install").exit_code == 0
    for rev in ("HEAD", "HEAD~1", "HEAD~2"):
        assert repo.git("verify-commit", rev, check=False).returncode == 0
    log = repo.git("log", "--format=%G? %GS", "-4").stdout.split("\n")
    assert log[:4] == ["G s014@hongyuan.example", "G s003@hongyuan.example", "G s003@hongyuan.example",
                       "G s004@hongyuan.example"]


def test_forged_receipt(repo):
    honest_handover(repo)
    record = dossier("2024鸿借字第002号", status="with_b")
    record["handover"] = [dict(record["handover"][0])]
    repo.add("dossier", record)
    repo.commit("S004", "A 自己写了 B 的接收", date="2024-03-13")  # A writes B's receipt
    found = [p for p in repo.problems() if p["code"] == "sig.forged"]
    assert [p["field"] for p in found] == ["handover[0].received_on"]
    assert "S003" in found[0]["message"] and found[0]["severity"] == "error"
    assert "sig.reused" in codes(repo.problems())  # two people's acts in one commit


def test_unsigned_commit_under_required(repo):
    record = handed_by_a()
    repo.add("dossier", record)
    repo.commit("S004", "A角移交（未签名）", sign=False)
    found = repo.problems()
    assert codes(found) == ["commit.unsigned"]
    assert found[0]["file"] == "records/dossiers/2024鸿借字第001号.yaml" and "S004" in found[0]["message"]
    assert repo.git("verify-commit", "HEAD", check=False).returncode != 0


def test_signed_with_someone_elses_key(repo):
    record = handed_by_a()
    repo.add("dossier", record)
    repo.commit("S004", "A角移交，用了 B 的密钥", key="S003")
    found = [p for p in repo.problems() if p["code"] == "commit.bad-key"]
    assert len(found) == 1 and "孙建国（S003）的密钥" in found[0]["message"]
    # one judgement: dangan history says forged too, as check and the site do
    entries = json.loads(repo.run("history", "2024鸿借字第001号", "--format", "json").output)["history"]
    assert entries[-1]["verdict"] == "forged"
    assert "伪签" in repo.run("history", "2024鸿借字第001号").output


def test_unknown_key_is_not_good(repo, tmp_path):
    import subprocess
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(repo.keys / "stranger")], check=True)
    record = handed_by_a()
    repo.add("dossier", record)
    repo.commit("S004", "A角移交，未登记的密钥", key="stranger")
    found = [p for p in repo.problems() if p["code"] == "commit.bad-key"]
    assert len(found) == 1 and "未在任何员工记录中登记" in found[0]["message"]


def test_imported_acts_and_warn_mode(repo):
    """Acts dated before signatures.since came from paper: the importer's signed commit is not a forgery."""
    repo.edit_policy(lambda p: p["signatures"].update(since="2024-06-01"))
    repo.commit("S002", "签名要求自 2024-06-01 起", date="2024-05-01")
    record = handed_by_a()  # handed over on 2024-03-13, before since
    repo.add("dossier", record)
    repo.commit("S014", "从纸质档案导入", date="2024-07-01")
    assert repo.check() == (0, [])
    record2 = dossier("2024鸿借字第002号", status="preparing", project_end="2024-07-01")
    record2["handover"] = [{"step": "a", "from": "S004", "to": "S003", "handed_on": "2024-07-02"}]
    repo.add("dossier", record2)
    repo.commit("S014", "代 A 角移交", date="2024-07-02")  # after since: a forgery
    assert codes(repo.problems()) == ["sig.forged"]
    # under warn (committed by the GM), the same is a warning
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.edit_policy(lambda p: p["signatures"].update(mode="warn"))
    repo.commit("S002", "签名只提示", date="2024-07-01")
    repo.add("dossier", record2)
    repo.commit("S014", "代 A 角移交", date="2024-07-02", sign=False)
    exit_code, problems = repo.check()
    assert exit_code == 0 and sorted(codes(problems)) == ["commit.unsigned", "sig.forged"]
    assert {p["severity"] for p in problems} == {"warning"}


def test_uncommitted_acts_are_unsigned_yet(repo):
    record = handed_by_a()
    repo.add("dossier", record)
    assert codes(repo.problems()) == ["file.uncommitted"]  # not committed, so not signed: not a forgery either
    assert repo.check("--before-commit") == (0, [])


def test_signing_after_leaving(repo):
    honest_handover(repo)
    staff_file = repo.path("staff", "S003")
    data = yaml.safe_load(staff_file.read_text(encoding="utf-8"))
    data["left_on"] = "2024-03-13"
    repo.add("staff", data)
    repo.commit("S002", "S003 离职", date="2024-03-20")
    found = [p for p in repo.problems() if p["code"] == "sig.after-leave"]
    assert [p["field"] for p in found] == ["handover[1].handed_on"]  # handed on the 14th, a day after leaving


def test_deleted_record(repo):
    honest_handover(repo)
    repo.path("dossier", "2024鸿借字第001号").unlink()
    repo.commit("S014", "删除档案", date="2024-04-01")
    found = [p for p in repo.problems() if p["code"] == "history.deleted"]
    assert [p["file"] for p in found] == ["records/dossiers/2024鸿借字第001号.yaml"]


def test_archived_inventory_changes_only_by_amendment(repo):
    honest_handover(repo)
    path = repo.path("dossier", "2024鸿借字第001号")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["inventory"][0]["items"][0]["pages"] = 3
    data["total_pages"] = 9
    repo.add("dossier", data)
    repo.commit("S014", "改了清单页数", date="2024-04-01")
    assert codes(repo.problems()) == ["history.archived-changed"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    data["amendments"] = [{"date": "2024-04-01", "reason": "借款申请书漏计一页", "fields": ["inventory", "total_pages"],
                           "approved": {"by": "S002", "date": "2024-04-01"}}]
    repo.add("dossier", data)
    repo.commit("S002", "经批准更正清单页数", date="2024-04-01")
    assert repo.check() == (0, [])


def test_rewritten_history_below_a_seal(repo):
    honest_handover(repo)
    repo.seal("S014")
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.commit("S004", "另起炉灶", date="2024-03-15")  # every new commit signed again
    found = [p for p in repo.problems() if p["code"] == "history.rewritten"]
    assert len(found) == 1 and "dangan-seal-" in found[0]["message"] and "S014" in found[0]["message"]


def _scanned(repo):
    """A dossier whose inventory lists a scan, committed: the scan's path and its SHA-256."""
    scan = repo.root / "attachments" / "2024鸿借字第001号" / "借款合同.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.4 scanned contract")
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    honest_handover(repo)
    path = repo.path("dossier", "2024鸿借字第001号")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scanned = {"path": "2024鸿借字第001号/借款合同.pdf", "sha256": digest, "pages": 6}
    data["inventory"][1]["items"][0]["files"] = [scanned]
    data["amendments"] = [{"date": "2024-04-01", "reason": "补扫描件", "fields": ["inventory"],
                           "approved": {"by": "S002", "date": "2024-04-01"}}]
    repo.add("dossier", data)
    repo.commit("S002", "补充扫描件", date="2024-04-01")
    return scan, digest


def test_tampered_attachment(repo):
    scan, _ = _scanned(repo)
    assert repo.check() == (0, [])
    scan.write_bytes(b"%PDF-1.4 altered")
    assert codes(repo.problems()) == ["attachment.hash"]
    scan.unlink()
    (repo.root / "attachments" / "stray.pdf").write_bytes(b"x")
    assert sorted(codes(repo.problems())) == ["attachment.missing", "attachment.unreferenced"]


def test_a_scan_is_hashed_once_per_version(repo):
    """A scan's hash is kept with its file's status: a same-size rewrite with its old modification time put back
    is still seen (its change time moved); the records that list scans are found from the memo store."""
    import os
    import time

    scan, digest = _scanned(repo)
    assert repo.check() == (0, [])  # hashed: just written, too fresh to be kept (racily clean)
    kept = repo.root / ".dangan-cache" / "fixity-v1.json"
    assert "2024鸿借字第001号/借款合同.pdf" not in (json.loads(kept.read_text()) if kept.exists() else {})
    time.sleep(2.2)
    assert repo.check() == (0, [])
    assert json.loads(kept.read_text())["2024鸿借字第001号/借款合同.pdf"][4] == digest
    assert repo.check() == (0, [])  # from the cache
    before = os.stat(scan)
    scan.write_bytes(b"%PDF-1.4 altered contract")  # the same size
    os.utime(scan, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert codes(repo.problems()) == ["attachment.hash"]


def test_history_command_and_cache(repo):
    honest_handover(repo)
    result = repo.run("history", "2024鸿借字第001号", "--format", "json")
    entries = json.loads(result.output)["history"]
    assert [e["staff"] for e in entries] == ["S004", "S003", "S003", "S014"]
    assert all(e["verdict"] == "valid" and e["key"].startswith("SHA256:") for e in entries)
    assert {"field": "handover[0].received_on", "old": None, "new": "2024-03-13"} in entries[1]["fields"]
    assert (repo.root / ".dangan-cache" / "history-v3.sqlite").is_file()
    text = repo.run("history", "dossier/2024鸿借字第001号").output
    assert "签名有效" in text and "handover[1].received_on: — → 2024-03-14" in text
    repo.add("customer", customer(note="补充备注"))
    repo.commit("S004", "补充备注", date="2024-04-02")
    entries = json.loads(repo.run("history", "KH0001", "--format", "json").output)["history"]
    assert entries[-1]["fields"] == [{"field": "note", "old": None, "new": "补充备注"}]


def test_keys_that_are_no_field_paths(repo):
    """Keys whose names hold brackets or dots (no schema has them) are reported, shown as written in the history,
    and a change to one inside a signed act is still an amendment: nothing stops on a path that cannot be parsed."""
    checked = ["licence", "no_illegal_record", "signed_contract"]
    approved = {"by": "S003", "date": "2024-03-05", "[note]": "一"}
    repo.add("customer", customer(admission={"checked": checked, "approved": approved}))
    repo.commit("S003", "准入批准附注", date="2024-03-06")
    repo.add("customer", customer(**{"contacts[-1]": "x"}, admission={"checked": checked,
                                                                       "approved": {**approved, "[note]": "二"}}))
    repo.commit("S004", "改了附注", date="2024-03-07")
    problems = repo.problems()
    assert {p["field"] for p in problems if p["code"] == "schema.additional"} >= {"contacts[-1]",
                                                                                   "admission.approved.[note]"}
    amended = [p for p in problems if p["code"] == "commit.amended"]
    assert [(p["field"], p["line"]) for p in amended] == [("admission.approved.[note]", None)]
    entries = json.loads(repo.run("history", "KH0001", "--format", "json").output)["history"]
    assert {"field": "admission.approved.[note]", "old": "一", "new": "二"} in entries[-1]["fields"]
    assert {"field": "contacts[-1]", "old": None, "new": "x"} in entries[-1]["fields"]


def test_verify_reports_the_four_properties(repo):
    honest_handover(repo)
    result = repo.run("verify")
    assert result.exit_code == 0 and "真实性" in result.output and "[通过]" in result.output
    record = dossier("2024鸿借字第002号", status="with_b")
    record["handover"] = [dict(record["handover"][0])]
    repo.add("dossier", record)
    repo.commit("S004", "伪造", date="2024-03-13")
    result = repo.run("verify", "--format", "json")
    items = json.loads(result.output)
    assert result.exit_code == 1
    status = {i["item"].split("：")[0]: i["status"] for i in items}
    assert [name for name, s in status.items() if s == "failed"] == ["签名"]
    assert status["封印"] == "unchecked" and status["公开网站不含未脱敏的个人信息和封存档案"] == "not-applicable"
    assert "还没有封印" in repo.run("verify").output


def test_check_since_limits_to_changed_files(repo):
    honest_handover(repo)
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    repo.add("customer", customer("KH0002", owner="S999"))
    repo.commit("S004", "新客户", date="2024-04-02")
    result = repo.run("check", "--since", base, "--format", "json")
    files = {p["file"] for p in json.loads(result.output)["problems"]}
    assert files == {"records/customers/KH0002.yaml"}
    assert repo.run("check", "--since", "no-such-rev").exit_code == 2


def test_the_store_grows_by_each_commit_and_agrees_with_git(repo):
    """Each new commit appends its rows to the history store (the rows before stay as they were), and a check
    judging the new commits against the stored ones finds exactly what it finds from a history read again from
    git: an archived dossier changed without an amendment, a forged act, a renamed and a deleted record."""
    import shutil
    import sqlite3

    from dangan import history

    honest_handover(repo)
    assert repo.check() == (0, [])
    store = repo.root / ".dangan-cache" / history.STORE

    def rows() -> list[tuple]:
        db = sqlite3.connect(store)
        try:
            return db.execute("SELECT seq, commit_id, path, fields FROM changes ORDER BY seq").fetchall()
        finally:
            db.close()

    before = rows()
    path = repo.path("dossier", "2024鸿借字第001号")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["total_pages"] = 9
    repo.add("dossier", data)
    repo.commit("S014", "改了页数", date="2024-04-01")
    assert "history.archived-changed" in codes(repo.problems())
    after = rows()
    assert after[:len(before)] == before and len(after) == len(before) + 1  # appended, not rewritten
    forged = dossier("2024鸿借字第002号", status="with_b")
    forged["handover"] = [dict(forged["handover"][0])]
    repo.add("dossier", forged)
    repo.commit("S004", "A 自己写了 B 的接收", date="2024-04-02")
    assert "sig.forged" in codes(repo.problems())
    repo.git("mv", "records/customers/KH0001.yaml", "records/customers/KH0009.yaml")
    repo.commit("S004", "改了文件名", date="2024-04-03")
    repo.problems()
    repo.git("rm", "-q", "records/dossiers/2024鸿借字第002号.yaml")
    repo.commit("S014", "删除档案", date="2024-04-04")
    incremental = repo.problems()
    assert {"history.archived-changed", "history.renamed", "history.deleted"} <= set(codes(incremental))
    shutil.rmtree(repo.root / ".dangan-cache")
    assert repo.problems() == incremental  # the same from git alone


def test_a_run_killed_while_appending_leaves_the_store_as_it_was(repo):
    """An append is one SQLite transaction: a process killed in the middle of one (here, after writing a forged
    verdict and before committing) leaves the store it found, which the next run reads and extends."""
    import os
    import signal
    import subprocess
    import sys

    from dangan import history

    honest_handover(repo)
    assert repo.check() == (0, [])
    store = repo.root / ".dangan-cache" / history.STORE
    killer = ("import os, signal, sqlite3, sys\n"
              "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "db.execute('BEGIN IMMEDIATE')\n"
              "db.execute(\"UPDATE commits SET signature = 'N'\")\n"
              "db.execute(\"INSERT INTO meta VALUES ('head', '\\\"\" + 'f' * 40 + \"\\\"') "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value\")\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", killer, str(store)], check=False)
    assert done.returncode == -signal.SIGKILL
    found = history._read_store(repo.root)
    assert found is not None and found.head == repo.git("rev-parse", "HEAD").stdout.strip()
    assert {c.signature for c in found.commits.values() if c.paths} == {"U"}  # git's verdicts, as stored
    found.db.close()
    assert not os.path.exists(f"{store}.damaged")
    repo.add("customer", customer(note="补充备注"))
    repo.commit("S004", "补充备注", date="2024-04-02")
    assert repo.check() == (0, [])


def test_a_store_damaged_where_the_changes_lie_is_read_again_from_git(repo):
    """A store whose first pages read well but whose changes do not (a disk error, a half-copied file) is not
    trusted: the run reads the changes again from git, reports what a history read from git reports, and sets
    the damaged file aside."""
    import sqlite3

    from dangan import history

    honest_handover(repo)
    path = repo.path("dossier", "2024鸿借字第001号")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["total_pages"] = 9
    repo.add("dossier", data)
    repo.commit("S014", "改了页数", date="2024-04-01")
    expected = repo.problems()
    assert "history.archived-changed" in codes(expected)
    store = repo.root / ".dangan-cache" / history.STORE
    db = sqlite3.connect(store)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = [n for (n,) in db.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'changes'")]
    db.close()
    with open(store, "r+b") as handle:  # the changes' pages (table and indexes) overwritten
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(b"\xff" * size)
    opened = history._read_store(repo.root)  # the commits, tags and findings still read well
    assert opened is not None and len(opened.order) == len(repo.git("rev-list", "HEAD").stdout.split())
    opened.db.close()
    (repo.root / ".dangan-cache" / "rules-v2.json").unlink(missing_ok=True)
    assert repo.problems() == expected
    assert (store.parent / f"{history.STORE}.damaged").is_file()


def test_a_file_added_whole_gives_every_field_as_added():
    """A record added whole keeps its fields once (no second set of their names in memory), and still answers
    which fields it added — the same as a change from an empty record — in memory and once stored."""
    from dangan.history import Change, _change, _change_row, diff

    data = {"id": "X", "approved": {"by": "S001", "date": "2024-01-01"}, "pages": [{"no": 1}], "note": None}
    fields, added = diff(None, data)
    assert added is None and fields == diff({}, data)[0]
    change = Change("c" * 40, "records/dossiers/X.yaml", "A", None, fields, added)
    expected = diff({}, data)[1]
    assert "approved" in expected and "approved.by" in expected
    assert change.added_fields() == expected
    assert _change(_change_row(change)).added_fields() == expected
