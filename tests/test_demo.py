"""The committed demo archive: generated deterministically, clean under `dangan check` and under an
independent JSON Schema validator, and showing every case the demo is there to show."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangan.cli import cli
from dangan.demo.dates import TODAY
from dangan.demo.records import demo_records, folders
from dangan.demo.write import main, write_records
from dangan.index import build

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
CHECK_JSONSCHEMA = shutil.which("check-jsonschema")


def record_files(root: Path) -> dict[str, bytes]:
    """Every record file of every kind under root/records/, by path relative to root."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in folders().values() for path in sorted((root / "records" / folder).glob("*.yaml"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_records(root, demo_records())
    return root


@pytest.fixture(scope="module")
def demo():
    return build(REPO)


def test_generator_is_deterministic():
    assert demo_records() == demo_records()


def test_committed_records_are_the_generated_ones(generated):
    committed, fresh = record_files(REPO), record_files(generated)
    assert sorted(committed) == sorted(fresh)
    changed = [path for path in fresh if committed[path] != fresh[path]]
    assert not changed, f"regenerate with `python -m dangan.demo.write`: {changed[:5]}"


def test_writer_replaces_records_and_keeps_the_policy(tmp_path):
    policy = tmp_path / "records" / "policy.yaml"
    policy.parent.mkdir()
    policy.write_text("# the company's rules\n", encoding="utf-8")
    stale = tmp_path / "records" / "customers" / "KH9999.yaml"
    stale.parent.mkdir()
    stale.write_text("id: KH9999\n", encoding="utf-8")
    main([str(tmp_path)])
    assert not stale.exists()
    assert policy.read_text(encoding="utf-8") == "# the company's rules\n"
    assert record_files(tmp_path) == record_files(REPO)


def test_values_other_tools_would_misread_are_quoted():
    text = (REPO / "records" / "customers" / "KH0001.yaml").read_text(encoding="utf-8")
    assert "postcode: '010050'" in text
    assert "first_contact_on: '2013-09-10'" in text
    assert "    mobile: '1" in text
    person = (REPO / "records" / "customers" / "KH0003.yaml").read_text(encoding="utf-8")
    assert "  id_number: '150102" in person


def test_dangan_check_finds_no_problem():
    result = CliRunner().invoke(cli, ["check", "--root", str(REPO), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["problems"] == []


def test_demo_has_every_case(demo):
    assert len(demo.of("staff")) >= 10
    assert len(demo.of("customer")) >= 40
    assert len(demo.of("dossier")) >= 25
    loans = [r.data for r in demo.of("loan").values()]
    open_loans = [loan for loan in loans if "returned" not in loan]
    assert any(loan["due_on"] < TODAY.isoformat() for loan in open_loans)  # overdue
    assert sum(loan.get("returned", {}).get("complete") is False for loan in loans) == 1
    assert sum(r.get("urgent") is True for r in demo.of("complaint").values()) == 1
    assert len(demo.of("disposal")) == 1
    assert len(demo.of("review")) >= 1
    assert sum(r.get("status") == "blacklisted" for r in demo.of("customer").values()) == 2


def test_departed_staff_holds_nothing(demo):
    left = {r.id for r in demo.of("staff").values() if r.get("left_on")}
    assert left
    assert not [r.id for r in demo.of("customer").values() if r.get("owner") in left]
    assert not [r.id for r in demo.of("loan").values() if r.get("borrower") in left and not r.get("returned")]


def test_tier_quotas_hold_in_each_department(demo):
    for dept in ("yw1", "yw2"):
        active = [r for r in demo.of("customer").values()
                  if r.get("department") == dept and r.get("status") == "active"]
        assert sum(r.get("tier") == "vip" for r in active) <= 0.15 * len(active)
        assert sum(r.get("tier") == "preferred" for r in active) <= 0.30 * len(active)


def _kinds() -> list[tuple[str, str]]:
    """(kind, folder) of every record kind, plus the policy."""
    return [*sorted(folders().items()), ("policy", "")]


@pytest.mark.parametrize(("kind", "folder"), _kinds())
def test_check_jsonschema_accepts_every_record(kind, folder):
    files = ([str(REPO / "records" / "policy.yaml")] if kind == "policy"
             else sorted(str(p) for p in (REPO / "records" / folder).glob("*.yaml")))
    assert files
    result = subprocess.run([CHECK_JSONSCHEMA,
                             "--base-uri", SCHEMAS.as_uri() + "/",
                             "--schemafile", str(SCHEMAS / f"{kind}.schema.json"), *files],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
