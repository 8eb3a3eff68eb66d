"""`dangan demo DIR`: the demo archive as a repository with an honest, signed history."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from conftest import needs_dangan_command

pytestmark = needs_dangan_command

def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(["dangan", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    target = tmp_path_factory.mktemp("demo") / "archive"
    result = run("demo", str(target))
    assert result.returncode == 0, result.stderr
    return target


def git(root, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def test_demo_history_is_signed_and_clean(demo):
    key = str(demo / ".demo-keys" / "ci.age")  # the demo's CI key, in the demo (demo only)
    result = run("--key", key, "check", "--root", str(demo), "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["problems"] == []
    result = run("check", "--root", str(demo), "--format", "json")  # without it: what did not run, said once
    assert result.returncode == 0
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["crypto.unchecked"]
    policy = yaml.safe_load((demo / "records" / "policy.yaml").read_text(encoding="utf-8"))
    assert policy["signatures"]["mode"] == "required"
    assert run("verify", "--root", str(demo)).returncode == 0


def test_no_raw_id_number_or_customer_mobile_is_committed(demo):
    from dangan.demo.records import demo_records

    raw = set()
    for kind, _, data in demo_records():
        if kind in ("customer", "visit", "registration"):
            text = json.dumps(data, ensure_ascii=False)
            raw.update(re.findall(r"(?<![0-9])(1[3-9][0-9]{9}|[0-9]{17}[0-9X])(?![0-9])", text))
    assert len(raw) > 50
    objects = git(demo, "rev-list", "--objects", "--all").split()
    blobs = subprocess.run(["git", "-C", str(demo), "cat-file", "--batch-check"], input="\n".join(objects),
                           capture_output=True, text=True, check=True).stdout.splitlines()
    ids = [line.split()[0] for line in blobs if " blob " in line]
    contents = subprocess.run(["git", "-C", str(demo), "cat-file", "--batch"], input="\n".join(ids),
                              capture_output=True, text=True, check=True).stdout
    assert [number for number in raw if number in contents] == []


def test_plain_git_agrees(demo):
    assert run("keys", "--install", "--root", str(demo)).returncode == 0
    verdicts = git(demo, "log", "--format=%G?").split()
    assert len(verdicts) > 500 and set(verdicts) == {"G"}
    assert subprocess.run(["git", "-C", str(demo), "verify-commit", "HEAD"], capture_output=True).returncode == 0
    assert not git(demo, "ls-files", ".demo-keys")  # private keys are never committed


def test_three_parties_sign_a_handover(demo):
    result = run("history", "2024鸿借字第003号", "--root", str(demo), "--format", "json")
    entries = json.loads(result.stdout)["history"]
    record = yaml.safe_load((demo / "records" / "dossiers" / "2024鸿借字第003号.yaml").read_text(encoding="utf-8"))
    signer_of = {f["field"]: e["staff"] for e in entries for f in e["fields"] if f["old"] is None}
    a, b = record["manager_a"], record["manager_b"]
    assert [signer_of[f"handover[{i}].{when}"] for i, when in ((0, "handed_on"), (0, "received_on"),
                                                                 (1, "handed_on"), (1, "received_on"))] == [a, b, b,
                                                                                                            "S014"]
    assert all(e["verdict"] == "valid" and e["key"].startswith("SHA256:") for e in entries)
    assert any("Dangan-Act" in e["trailers"] for e in entries)


def test_a_forgery_in_the_demo_is_caught(demo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(demo), str(clone)], check=True)
    path = clone / "records" / "complaints"
    open_complaint = next(p for p in sorted(path.glob("*.yaml")) if "reply:" not in p.read_text(encoding="utf-8"))
    text = open_complaint.read_text(encoding="utf-8")
    open_complaint.write_text(text.replace("urgent:", "reply:\n  by: S011\n  date: '2026-01-05'\nurgent:", 1),
                              encoding="utf-8")
    subprocess.run(["git", "-C", str(clone), "-c", "user.name=冒名者", "-c", "user.email=someone@example.invalid",
                    "commit", "-qam", "代人答复"], check=True)
    result = run("check", "--root", str(clone), "--format", "json")
    found = {p["code"] for p in json.loads(result.stdout)["problems"]}
    assert result.returncode == 1 and {"sig.forged", "commit.not-staff"} <= found
