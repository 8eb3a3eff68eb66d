"""`dangan check --since REV` (CI): the problems of the files changed since the branch left REV, at the cost of what
changed (with a warm cache only the changed files are parsed)."""

from __future__ import annotations

import json

import pytest

from conftest import customer
from gitarchive import GitArchive, signed_repo


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    return signed_repo(tmp_path / "archive", tmp_path / "keys")


def reported(repo: GitArchive, *args: str) -> set[str]:
    result = repo.run("check", "--format", "json", *args)
    return {p["file"] for p in json.loads(result.output)["problems"]}


def test_since_counts_from_where_the_branch_left(repo):
    """What REV gained after the branch left it (main moving on) is not this branch's change: as
    `git diff REV...HEAD` plus the working tree, not the plain difference to REV."""
    repo.add("customer", customer("KH0001", owner="S999"))  # a problem already on main
    base = repo.commit("S004", "客户", date="2024-04-01")
    repo.git("switch", "-q", "-c", "topic")
    repo.git("switch", "-q", "main")
    repo.add("customer", customer("KH0001", owner="S999", note="主干上的改动"))
    repo.commit("S004", "主干", date="2024-04-02")
    repo.git("switch", "-q", "topic")
    repo.add("customer", customer("KH0003", owner="S999"))
    repo.commit("S004", "分支", date="2024-04-03")
    repo.add("customer", customer("KH0004", owner="S999"))  # not committed yet
    assert reported(repo, "--since", "main") == {"records/customers/KH0003.yaml", "records/customers/KH0004.yaml"}
    assert reported(repo, "--since", base) == reported(repo, "--since", "main")
    assert "records/customers/KH0001.yaml" in reported(repo)


def test_since_parses_only_what_changed(repo, monkeypatch):
    from dangan import reader

    for n in range(1, 30):
        repo.add("customer", customer(f"KH{n:04d}"))
    repo.commit("S004", "客户", date="2024-04-01")
    assert reported(repo, "--since", "HEAD") == set()  # fills the cache
    repo.add("customer", customer("KH0007", owner="S999"))
    repo.commit("S004", "改", date="2024-04-02")
    parsed = []
    original = reader._parse_one
    monkeypatch.setattr(reader, "_parse_one", lambda index, rel, *a: parsed.append(rel) or original(index, rel, *a))
    assert reported(repo, "--since", "HEAD~1") == {"records/customers/KH0007.yaml"}
    assert parsed == ["records/customers/KH0007.yaml"]
