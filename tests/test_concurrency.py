"""No act loses, mixes or misplaces data (issue 13): real processes in parallel, real SIGKILL at
each step of an act, real staged debris, hostile ids — in real git repositories with real keys."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import codes, customer, is_root, needs_dangan_command, posix_only, without_permission_bypass
from gitarchive import GitArchive, handed_by_a, signed_repo

KILL_POINTS = ("journal", "written", "staged", "committed")
pytestmark = needs_dangan_command


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    return signed_repo(tmp_path / "archive", tmp_path / "keys")


def identity(repo: GitArchive, sid: str) -> dict[str, str]:
    """A process acting as `sid`: git identity and signing key given to every git call it makes."""
    settings = {"user.name": sid, "user.email": repo.email(sid), "gpg.format": "ssh",
                "user.signingkey": str(repo.keys / sid)}
    env = {**os.environ, "GIT_CONFIG_COUNT": str(len(settings))}
    for i, (key, value) in enumerate(settings.items()):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    return env


def dangan(repo: GitArchive, sid: str, *args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen(["dangan", *args, "--root", str(repo.root)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**identity(repo, sid), **(env or {})}, **popen)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def visit(repo: GitArchive, sid: str, customer_id: str, **options) -> subprocess.Popen:
    return dangan(repo, sid, "visit", "--customer", customer_id, "--kind", "follow_up", "--on", "2024-04-01",
                  **options)


def status(repo: GitArchive) -> str:
    return repo.git("status", "--porcelain", "--untracked-files=all").stdout


def committed_files(repo: GitArchive, rev: str = "HEAD") -> list[str]:
    return repo.git("show", "--name-only", "--format=", rev).stdout.split()


def with_customers(repo: GitArchive, count: int) -> list[str]:
    ids = [f"KH{n:04d}" for n in range(2, 2 + count)]
    for cid in ids:
        repo.add("customer", customer(cid, name=f"客户{cid}", status="prospect", admission={"checked": ["licence"]}))
    repo.commit("S004", "新客户", date="2024-03-20")
    return ["KH0001", *ids]


# --- one act at a time ---------------------------------------------------------------------------

def test_parallel_acts_each_take_their_own_number_and_commit_only_their_own_file(repo):
    customers = with_customers(repo, 3)
    for _ in range(3):  # several rounds: a race shows up only sometimes
        running = [visit(repo, "S004", cid) for cid in customers]
        results = [finish(p) for p in running]
        assert [code for code, _ in results] == [0] * 4, results
        said = sorted(out.split("：")[1].split("（")[0] for _, out in results)
        assert len(set(said)) == 4  # four numbers, as each process was told
        for number in said:
            path = repo.root / "records" / "visits" / f"{number}.yaml"
            log = repo.git("log", "--format=%H %s", "--", str(path)).stdout.split("\n")[0].split(" ", 1)
            assert number in log[1] and committed_files(repo, log[0]) == [f"records/visits/{number}.yaml"]
        assert status(repo) == ""
    visits = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (repo.root / "records" / "visits").glob("*.yaml")]
    assert sorted(v["customer"] for v in visits) == sorted(customers * 3)
    assert repo.check() == (0, [])


def new_customer(name: str, seq: int) -> list[str]:
    """`dangan new customer` arguments for a prospect with a valid ID number of its own."""
    import datetime as dt

    from dangan.identifiers import make_id_number
    number = make_id_number("150102", dt.date(1980, 1, 1) + dt.timedelta(days=seq), seq % 500)
    return ["new", "customer", "--no-input", "--yes", "--set", f"name={name}", "--set", "type=individual",
            "--set", f"individual.id_number={number}", "--set", "owner=S004", "--set", "department=yw1",
            "--set", "status=prospect", "--set", "first_contact_on=2024-04-01", "--on", "2024-04-02"]


def test_parallel_new_customers(repo):
    running = [dangan(repo, "S004", *new_customer(f"新客户{i}", i)) for i in range(3)]
    results = [finish(p) for p in running]
    assert [code for code, _ in results] == [0, 0, 0], results
    names = {yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
             for p in (repo.root / "records" / "customers").glob("*.yaml")}
    assert {"新客户0", "新客户1", "新客户2"} <= names and status(repo) == ""


def test_a_second_act_waits_then_says_who_holds_the_lock(repo):
    from dangan import lock

    with lock.holding(repo.root, "handover（测试持有）"):
        code, out = finish(visit(repo, "S004", "KH0001", env={"DANGAN_LOCK_TIMEOUT": "1"}))
    assert code == 2 and "另一个动作正在进行：handover（测试持有）" in out and "Traceback" not in out
    assert status(repo) == ""
    assert finish(visit(repo, "S004", "KH0001"))[0] == 0  # released


# --- exactly its own files ---------------------------------------------------------------------------

def test_an_act_never_commits_what_else_is_staged(repo):
    repo.add("customer", customer(note="用户自己暂存的改动"))
    repo.git("add", "records/customers/KH0001.yaml")
    code, out = finish(visit(repo, "S004", "KH0001"))
    assert code == 0, out
    assert committed_files(repo) == ["records/visits/HF2024-0001.yaml"]
    assert status(repo) == "M  records/customers/KH0001.yaml\n"  # still staged, still the user's


def test_an_act_refuses_a_target_with_uncommitted_changes(repo):
    repo.add("dossier", handed_by_a())
    repo.commit("S004", "A角移交B角", date="2024-03-13")
    path = repo.path("dossier", "2024鸿借字第001号")
    path.write_text(path.read_text(encoding="utf-8") + "note: 编辑到一半\n", encoding="utf-8")
    code, out = finish(dangan(repo, "S003", "handover", "2024鸿借字第001号", "--step", "a", "--on", "2024-03-13"))
    assert code == 1 and "有未提交的改动" in out
    assert path.read_text(encoding="utf-8").endswith("note: 编辑到一半\n")


# --- killed mid-way, failed after writing ---------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("point", KILL_POINTS)
def test_an_act_killed_at_any_step_is_finished_or_undone(repo, point):
    head = repo.git("rev-parse", "HEAD").stdout.strip()
    process = visit(repo, "S004", "KH0001", env={"DANGAN_KILL_AT": point})
    code, _ = finish(process)
    assert code == -signal.SIGKILL
    found = repo.problems()
    assert "act.interrupted" in codes(found)  # check does not call the archive clean
    if point in ("written", "staged"):
        assert "file.uncommitted" in codes(found)
    code, out = finish(dangan(repo, "S004", "recover"))
    assert code == 0
    assert ("已经提交" if point == "committed" else "已撤销") in out
    assert status(repo) == "" and not list(repo.root.rglob(".*.tmp"))
    moved = repo.git("rev-parse", "HEAD").stdout.strip() != head
    assert moved == (point == "committed")
    assert repo.check() == (0, [])
    assert finish(dangan(repo, "S004", "recover"))[1].startswith("没有被中断的动作")


def test_the_next_act_undoes_an_interrupted_one_and_commits_only_its_own(repo):
    finish(visit(repo, "S004", "KH0001", env={"DANGAN_KILL_AT": "staged"}))
    assert "A  records/visits/HF2024-0001.yaml" in status(repo)  # the debris, staged
    code, out = finish(visit(repo, "S004", "KH0001"))
    assert code == 0 and "已撤销" in out
    assert committed_files(repo) == ["records/visits/HF2024-0001.yaml"] and status(repo) == ""
    assert len(list((repo.root / "records" / "visits").glob("*.yaml"))) == 1
    assert repo.check() == (0, [])


def test_an_act_that_fails_after_writing_leaves_nothing(repo):
    # the signing key is gone: git refuses the commit after the files were written and staged
    code, out = finish(visit(repo, "S004", "KH0001", env={"GIT_CONFIG_VALUE_3": str(repo.keys / "lost")}))
    assert code == 1 and "已撤销，未留下任何改动" in out and "新建回访记录" not in out.split("拒绝")[0]
    assert status(repo) == "" and not list((repo.root / "records").glob("visits/*"))
    assert repo.check() == (0, [])


def test_check_reports_what_is_not_committed(repo):
    repo.add("customer", customer(note="手工改的"))
    repo.write("records/customers/KH0009.yaml", yaml.safe_dump(customer("KH0009"), allow_unicode=True))
    found = {p["file"]: p for p in repo.problems()}
    assert found["records/customers/KH0001.yaml"]["code"] == "file.uncommitted"
    assert found["records/customers/KH0001.yaml"]["severity"] == "error"  # signatures required
    assert "已修改" in found["records/customers/KH0001.yaml"]["message"]
    assert "未纳入 git" in found["records/customers/KH0009.yaml"]["message"]
    _, problems = repo.check("--before-commit")
    assert "file.uncommitted" not in codes(problems)


# --- ids are not paths --------------------------------------------------------------------------------

def test_a_hostile_id_never_becomes_a_path(repo, tmp_path):
    repo.add("dossier", handed_by_a())
    repo.commit("S004", "A角移交B角", date="2024-03-13")
    outside = tmp_path / "some"
    for hostile in ("../../../../some/where/x", "../x", "/tmp/x", ".hidden", "a\x1b[31mb", "..", "a b"):
        code, out = finish(dangan(repo, "S002", "renumber", "2024鸿借字第001号", hostile))
        assert code == 1 and "不能用作" in out, (hostile, out)
        assert "\x1b" not in out
    assert not outside.exists() and not (repo.root.parent / "x.yaml").exists()
    assert repo.path("dossier", "2024鸿借字第001号").is_file() and status(repo) == ""


# --- many writers, nothing lost --------------------------------------------------------------------------

WRITER = """
import sys
from click.testing import CliRunner
from dangan.cli import cli
from test_concurrency import new_customer
root, who, count, customers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
failed = 0
for i in range(count):
    if i % 3:
        args = ["visit", "--customer", customers[i % len(customers)], "--kind", "follow_up", "--on", "2024-04-01"]
    else:
        args = new_customer(f"{who}客户{i}", int(who[1:]) * 1000 + i)
    result = CliRunner().invoke(cli, [*args, "--root", root])
    if result.exit_code != 0:
        failed += 1
        print(result.output, file=sys.stderr)
print(failed)
"""


def test_parallel_writers_over_hundreds_of_acts_lose_nothing(repo):
    customers = with_customers(repo, 3)
    writers, each = 3, 70
    env = {**identity(repo, "S004"), "PYTHONPATH": str(Path(__file__).parent)}
    running = [subprocess.Popen([sys.executable, "-c", WRITER, str(repo.root), f"W{w}", str(each), ",".join(customers)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for w in range(writers)]
    outputs = [p.communicate(timeout=1200) for p in running]
    assert [out.strip() for out, _ in outputs] == ["0"] * writers, [err[-2000:] for _, err in outputs]
    created = [yaml.safe_load(p.read_text(encoding="utf-8"))
               for p in (repo.root / "records" / "customers").glob("*.yaml")]
    names = {c["name"] for c in created}
    for w in range(writers):
        assert {f"W{w}客户{i}" for i in range(0, each, 3)} <= names
    visits = list((repo.root / "records" / "visits").glob("*.yaml"))
    assert len(visits) == writers * len([i for i in range(each) if i % 3])
    acts = int(repo.git("rev-list", "--count", "HEAD").stdout) - 4  # the founding, two customer, one setup commits
    assert acts == writers * each
    assert status(repo) == ""
    assert repo.check() == (0, [])
    assert json.loads(repo.run("verify", "--format", "json").output)[0]["status"] == "passed"


@posix_only
def test_an_act_in_a_read_only_folder_is_an_environment_error(repo):
    folder = repo.root / "records" / "visits"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        process = dangan(repo, "S004", "visit", "--customer", "KH0001", "--kind", "follow_up", "--on", "2024-04-01",
                         preexec_fn=without_permission_bypass if is_root() else None)
        code, out = finish(process)
    finally:
        folder.chmod(0o755)
    assert code == 2 and "失败" in out and "已撤销" in out and "Traceback" not in out
    assert status(repo) == "" and not list(folder.iterdir())
    assert "act.interrupted" not in codes(repo.problems())
