"""`dangan check` and `dangan ledger` as a user runs them: outputs, formats, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import customer, dossier, needs_dangan_command

DANGAN = shutil.which("dangan")
pytestmark = needs_dangan_command


def run(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([DANGAN, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def broken(archive):
    archive.add("customer", customer(owner="S999"))
    archive.write("records/customers/KH0002.yaml", "id: KH0002\nname: [\n")
    archive.add("dossier", dossier())
    return archive


def test_text_output_groups_by_file_with_positions(broken):
    result = run("check", "--root", str(broken.root))
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    lines = result.stdout.splitlines()
    assert "records/customers/KH0001.yaml" in lines
    assert any(ln.strip().startswith("records/customers/KH0001.yaml:") and "ref.missing [owner]" in ln for ln in lines)
    assert any("records/customers/KH0002.yaml:3:1" in ln and "yaml.syntax" in ln for ln in lines)
    assert "个错误" in lines[-1]


def test_json_output_shape(broken):
    result = run("check", "--root", str(broken.root), "--format", "json")
    data = json.loads(result.stdout)
    assert result.returncode == 1 and data["records"] == 8 + 2 + 1  # staff, parsed customer and dossier, policy
    assert {tuple(sorted(p)) for p in data["problems"]} == {
        tuple(sorted(["file", "line", "column", "record", "field", "code", "severity", "message", "hint"]))}


def test_clean_archive_exits_zero(archive):
    archive.add("customer", customer())
    result = run("check", "--root", str(archive.root))
    assert result.returncode == 0 and "检查通过" in result.stdout


def test_warnings_alone_exit_zero(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier("2024鸿借字第002号"))  # 001 is missing: a gap is a warning
    result = run("check", "--root", str(archive.root), "--format", "json")
    assert result.returncode == 0
    assert [p["severity"] for p in json.loads(result.stdout)["problems"]] == ["warning"]


def test_github_annotations_and_full_log(broken):
    for n in range(3, 15):  # more than GitHub shows
        broken.add("customer", customer(f"KH{n:04d}", owner="S999"))
    result = run("check", "--root", str(broken.root), "--format", "github")
    annotations = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert len(annotations) == 14 and result.returncode == 1
    assert "::error file=records/customers/KH0002.yaml,line=3,col=1,title=yaml.syntax::" in result.stdout
    assert result.stdout.count("ref.missing [owner]") == 13  # the full list follows in the log


def test_gitlab_code_quality_report(broken, tmp_path):
    out = tmp_path / "gl-code-quality.json"
    result = run("check", "--root", str(broken.root), "--format", "gitlab", "--output", str(out))
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert result.returncode == 1 and len(rows) == 2
    assert len({r["fingerprint"] for r in rows}) == 2
    for row in rows:
        assert set(row) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert row["location"]["lines"]["begin"] >= 1 and row["severity"] in ("major", "minor")


def test_english(broken):
    result = run("check", "--root", str(broken.root), "--lang", "en")
    assert "YAML syntax error" in result.stdout and "errors" in result.stdout


def test_paths_limit_the_report(broken):
    result = run("check", "--root", str(broken.root), "--format", "json",
                 str(broken.root / "records/customers/KH0001.yaml"))
    files = {p["file"] for p in json.loads(result.stdout)["problems"]}
    assert files == {"records/customers/KH0001.yaml"}


def test_root_found_by_walking_up_and_from_env(broken):
    result = run("check", "--format", "json", cwd=broken.root / "records" / "customers")
    assert result.returncode == 1 and json.loads(result.stdout)["problems"]
    env = {**os.environ, "DANGAN_ROOT": str(broken.root)}
    result = run("check", "--format", "json", cwd="/", env=env)
    assert result.returncode == 1 and json.loads(result.stdout)["problems"]


def test_usage_and_environment_errors_exit_two(tmp_path):
    result = run("check", cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "DANGAN_ROOT"})
    assert result.returncode == 2 and "records/policy.yaml" in result.stderr and "Traceback" not in result.stderr
    assert run("check", "--format", "xml").returncode == 2
    assert run("check", "--root", str(tmp_path / "nowhere")).returncode == 2


def test_broken_schema_is_reported_not_crashed(archive):
    archive.write("schemas/visit.schema.json", '{"type": "object",,}')
    archive.write("schemas/survey.schema.json", '{"$id": "x", "type": "objekt"}')
    result = run("check", "--root", str(archive.root), "--format", "json")
    # a schema set that cannot be used stops the check (exit 2), naming every broken schema
    assert result.returncode == 2 and "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert "schemas/visit.schema.json:1:" in result.stderr and " schema.json" in result.stderr
    assert "schemas/survey.schema.json" in result.stderr and " schema.metaschema" in result.stderr


def test_ledger_table_csv_json(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier())
    table = run("ledger", "档案台帐", "--root", str(archive.root))
    assert table.returncode == 0 and "档号" in table.stdout and "王小明" in table.stdout
    csv_out = run("ledger", "dossiers", "--root", str(archive.root), "--format", "csv")
    header, row = csv_out.stdout.splitlines()[:2]
    assert header.startswith("档号,客户,项目名称") and row.startswith("2024鸿借字第001号,王小明")
    assert "小额贷款" not in row and "已归档" in row  # enums shown with their labels
    rows = json.loads(run("ledger", "dossier", "--root", str(archive.root), "--format", "json").stdout)
    assert rows == [{"id": "2024鸿借字第001号", "customer": "KH0001", "project": "王小明经营性贷款",
                     "business_type": "loan", "total_pages": 8, "project_end": "2024-03-12",
                     "manager_a": "S004", "manager_b": "S003", "location": "A柜-01层-01格", "status": "archived"}]


def test_unknown_ledger(archive):
    result = run("ledger", "nothing", "--root", str(archive.root))
    assert result.returncode == 2 and "dossier" in result.stderr
