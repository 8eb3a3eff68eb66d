"""dangan upgrade (issue 19): an archive made by the previous release brought to this one as one commit, a company's
own changes kept by a three-way merge, a true conflict stopping with both sides shown, records migrated with their
comments, and nothing written by a dry run, a conflict or someone without the right.

The previous release is the real dangan 0.1.0 (`previous_version`: its own `dangan init`, from this repository's
history). Only the rename of a field is simulated: 0.1 → 0.2 renamed none, so that test rewinds an archive made
now to a fictitious 0.1.9 whose policy called `limits.future_days` `limits.days_ahead`, and upgrades it with a
migration step of its own, through the same machinery the release's steps use."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import previous_version
from conftest import REPO
from dangan import bundle, init, lock, migrations, upgrade, versions
from dangan.cli import cli
from dangan.reader import build
from dangan.yamlstyle import dumps, loads

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="session")
def made_by_previous(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("previous")
    return previous_version.make(previous_version.source(where / "source"), where / "archive")


@pytest.fixture
def old(made_by_previous, tmp_path) -> Path:
    return previous_version.copy(made_by_previous, tmp_path / "archive")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "--all")
    git(root, "commit", "-q", "-m", message)


def dangan(root: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--root", str(root)], catch_exceptions=False)


def state(root: Path) -> tuple[str, str]:
    """HEAD and the working tree's status: equal before and after means nothing was written."""
    return git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain", "--untracked-files=all")


def checked(root: Path) -> list[dict]:
    result = dangan(root, "check", "--format", "json")
    assert result.exit_code == 0, result.output[-3000:]
    return json.loads(result.output)["problems"]


def test_init_keeps_the_base_and_an_archive_of_this_version_is_up_to_date(tmp_path):
    root = tmp_path / "archive"
    init.create(root, previous_version.NAME, previous_version.SHORT_NAME)
    git(root, "config", "user.email", "admin@ceshi.example")
    base = root / init.BASE / VERSION
    shipped = init.shipped(bundle.root(), previous_version.NAME, versions.compatible(VERSION))
    kept = {p.relative_to(base).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()}
    assert kept == {**shipped, init.EDITOR_SETTINGS: (root / init.EDITOR_SETTINGS).read_bytes()}
    for path, content in kept.items():
        assert (root / path).read_bytes() == content, path  # the base is what init wrote
    assert not git(root, "status", "--porcelain")  # committed with the archive
    assert checked(root) == []  # the checks do not read the base as records

    before = state(root)
    result = dangan(root, "upgrade")
    assert result.exit_code == 0 and "无需升级" in result.output, result.output
    assert state(root) == before


def test_an_archive_of_the_previous_version_is_upgraded_in_one_commit(old):
    policy_before = (old / "records" / "policy.yaml").read_text(encoding="utf-8")
    count = int(git(old, "rev-list", "--count", "HEAD"))
    result = dangan(old, "upgrade")
    assert result.exit_code == 0, result.output
    assert "0.1.0 → " + VERSION in result.output and "已提交" in result.output

    assert int(git(old, "rev-list", "--count", "HEAD")) == count + 1  # one commit
    trailers = git(old, "log", "-1", "--format=%(trailers:key=Dangan-Act,valueonly)").split()
    assert trailers == ["upgrade"]
    assert f"0.1.0 -> {VERSION}" in git(old, "log", "-1", "--format=%(trailers:key=Dangan-Upgrade,valueonly)")
    assert not git(old, "status", "--porcelain", "--untracked-files=all")  # all of it in that commit

    for schema in (REPO / "schemas").glob("*.schema.json"):
        assert (old / "schemas" / schema.name).read_bytes() == schema.read_bytes(), schema.name
    requires = versions.compatible(VERSION)
    for workflow in (".github/workflows/dangan.yml", ".gitlab-ci.yml"):
        text = (old / workflow).read_text(encoding="utf-8")
        # 0.2's: installs the archive's range, publishes nothing
        assert f"dangan{requires}" in text and "  pages: write" not in text.splitlines(), workflow
    assert (old / ".github/workflows/dangan-notify.yml").is_file() and (old / ".gitlab/dangan-notify.yml").is_file()
    assert sorted(p.name for p in (old / init.BASE).iterdir()) == [VERSION]

    # the policy: every line of it kept, comments too, and the dangan section with each value's source
    policy = (old / "records" / "policy.yaml").read_text(encoding="utf-8")
    new_lines = policy.splitlines()
    assert [line for line in new_lines if line in policy_before.splitlines()] == policy_before.splitlines()
    assert yaml.safe_load(policy)["dangan"] == {"requires": requires, "made_with": VERSION}
    for key in ("requires", "made_with"):
        at = next(i for i, line in enumerate(new_lines) if line.startswith(f"  {key}: "))
        assert new_lines[at - 1].startswith("  # 来源：公司自定 —— ")

    problems = checked(old)
    assert not [p for p in problems if p["code"].startswith("tool.")]
    again = dangan(old, "upgrade")
    assert again.exit_code == 0 and "无需升级" in again.output


def test_a_dry_run_shows_every_diff_and_writes_nothing(old):
    before = state(old)
    policy = (old / "records" / "policy.yaml").read_bytes()
    result = dangan(old, "upgrade", "--dry-run")
    assert result.exit_code == 0, result.output
    for expected in ("--- a/schemas/policy.schema.json", "+++ b/schemas/policy.schema.json",
                     "--- /dev/null", "+++ b/.gitlab/dangan-notify.yml",
                     "+++ b/records/policy.yaml", "+dangan:", '+  made_with: "' + VERSION + '"',
                     "-  pages: write", "未写入任何文件"):
        assert expected in result.output, expected
    assert "制度加入 dangan 一节" in result.output  # the migration that rewrites the policy, named
    assert state(old) == before and (old / "records" / "policy.yaml").read_bytes() == policy
    assert not (old / init.BASE).exists()


def test_a_companys_own_field_is_kept_by_a_three_way_merge(old):
    """The company added a field to the policy's schema, which the new version changes too (it adds `dangan`
    and `notify`), and one to a schema the new version leaves alone; both stay, and the policy uses its own."""
    path = old / "schemas" / "policy.schema.json"
    schema = path.read_text(encoding="utf-8")
    marker = '      "short_name": {'
    assert schema.count(marker) == 1
    own = ('      "registered_address": {\n        "title": "注册地址（本公司自加）",\n        "type": "string"\n'
           '      },\n')
    path.write_text(schema.replace(marker, own + marker), encoding="utf-8")
    customer = old / "schemas" / "complaint.schema.json"  # a schema this version leaves alone
    customer_text = customer.read_text(encoding="utf-8").replace(
        '  "properties": {\n', '  "properties": {\n    "wechat_group": {\n      "type": "string"\n    },\n', 1)
    customer.write_text(customer_text, encoding="utf-8")
    policy = old / "records" / "policy.yaml"
    address = "  registered_address: 内蒙古自治区呼和浩特市新城区\n"
    policy.write_text(policy.read_text(encoding="utf-8").replace("  short_name: 测\n", "  short_name: 测\n" + address),
                      encoding="utf-8")
    commit_all(old, "本公司自加字段")

    result = dangan(old, "upgrade")
    assert result.exit_code == 0, result.output
    assert "合并 (merged with local changes): schemas/policy.schema.json" in result.output
    assert "保留本地改动 (kept as changed here): schemas/complaint.schema.json" in result.output
    merged = json.loads(path.read_text(encoding="utf-8"))
    assert "registered_address" in merged["properties"]["organisation"]["properties"]  # ours
    assert {"dangan", "notify"} <= set(merged["properties"])  # theirs
    assert customer.read_text(encoding="utf-8") == customer_text
    base = json.loads((old / init.BASE / VERSION / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    assert "registered_address" not in base["properties"]["organisation"]["properties"]  # the base stays pristine
    assert yaml.safe_load(policy.read_text(encoding="utf-8"))["organisation"]["registered_address"]
    checked(old)


def test_a_true_conflict_stops_with_both_sides_and_writes_nothing(old):
    workflow = old / ".github" / "workflows" / "dangan.yml"
    lines = workflow.read_text(encoding="utf-8").splitlines(keepends=True)
    ours = "# 本公司的 CI：检查档案，网站只在内网构建。\n"
    workflow.write_text(ours + "".join(lines[1:]), encoding="utf-8")  # the very line 0.2 rewrote
    commit_all(old, "本公司的工作流说明")
    before = state(old)

    result = dangan(old, "upgrade")
    assert result.exit_code == 1
    assert "冲突" in result.output and ".github/workflows/dangan.yml:1:" in result.output
    shown = result.output
    for marker in ("<<<<<<< 本档案库 (ours)", "||||||| dangan 0.1.0 (base)", "=======",
                   f">>>>>>> dangan {VERSION} (theirs)"):
        assert marker in shown, marker
    assert ours.strip() in shown and "作为本次运行的构件（artifact）保存" in shown  # both sides
    assert state(old) == before  # nothing written
    assert dangan(old, "upgrade", "--dry-run").exit_code == 1

    settled = dangan(old, "upgrade", "--ours")
    assert settled.exit_code == 0, settled.output
    text = workflow.read_text(encoding="utf-8")
    assert text.startswith(ours) and "<<<<<<<" not in text
    assert f"dangan{versions.compatible(VERSION)}" in text  # the rest of the new version merged in
    checked(old)


def test_someone_without_the_right_may_not_upgrade(old):
    """The upgrade changes the schemas and the policy: an act of `approvals.policy` (the GM), as the audit judges."""
    staff = old / "records" / "staff"
    staff.mkdir()
    (staff / "S002.yaml").write_text("id: S002\nname: 钱立群\nroles: [gm]\ndepartment: ld\n"
                                     "emails: [gm@ceshi.example]\njoined_on: '2020-01-06'\n", encoding="utf-8")
    (staff / "S004.yaml").write_text("id: S004\nname: 李娜\nroles: [sales_rep]\ndepartment: yw1\n"
                                     "emails: [admin@ceshi.example]\njoined_on: '2020-01-06'\n", encoding="utf-8")
    policy = old / "records" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert text.count("  mode: 'warn'\n") == 1
    policy.write_text(text.replace("  mode: 'warn'\n", "  mode: required\n"), encoding="utf-8")
    commit_all(old, "登记员工，签名为必需")
    before = state(old)
    result = dangan(old, "upgrade")
    assert result.exit_code == 1
    assert "拒绝" in result.output and "S004" in result.output and "总经理" in result.output, result.output
    assert state(old) == before


def test_a_migration_renames_a_field_keeping_its_comments(tmp_path):
    """Simulated: 0.1 → 0.2 renamed no field. An archive made now is rewound to a fictitious 0.1.9 whose policy
    schema and policy called `limits.future_days` `limits.days_ahead` (its base too), and upgraded with a step
    that renames it back."""
    root = tmp_path / "archive"
    init.create(root, previous_version.NAME, previous_version.SHORT_NAME)
    git(root, "config", "user.email", "admin@ceshi.example")
    (root / init.BASE / VERSION).rename(root / init.BASE / "0.1.9")
    for schema in (root / "schemas" / "policy.schema.json", root / init.BASE / "0.1.9" / "schemas" /
                   "policy.schema.json"):
        schema.write_text(schema.read_text(encoding="utf-8").replace('"future_days"', '"days_ahead"'),
                          encoding="utf-8")
    policy = root / "records" / "policy.yaml"
    data = loads(policy.read_text(encoding="utf-8"))
    data["dangan"]["made_with"], data["dangan"]["requires"] = "0.1.9", ">=0.1,<0.2"
    text = dumps(data)
    assert text.count("  future_days: 0\n") == 1
    policy.write_text(text.replace("  future_days: 0\n", "  days_ahead: 0  # 本公司：不预先登记\n"), encoding="utf-8")
    commit_all(root, "as 0.1.9 made it")
    assert checked(root) is not None

    step = migrations.Step("0.1.0", "0.2.0", "policy", "limits.days_ahead 改名为 limits.future_days (renamed)",
                           migrations.renamed(("limits", "days_ahead"), "future_days"))
    assert migrations.due("0.1.9", VERSION, [step]) == [step] and migrations.due(VERSION, VERSION, [step]) == []
    index = build(root)
    plan = upgrade.plan(index, steps=[step])
    assert not plan.conflicts and plan.made_with == "0.1.9"
    rewritten = next(c for c in plan.changes if c.path == "records/policy.yaml")
    assert step.description in rewritten.notes
    with lock.holding(root, "upgrade") as folder:
        upgrade.apply(plan, index, None, folder)

    lines = policy.read_text(encoding="utf-8").splitlines()
    at = lines.index("  future_days: 0  # 本公司：不预先登记")  # renamed in place, its own comment kept
    assert lines[at - 2].startswith("  # 动作日期最多可晚于今天几天") and lines[at - 1].startswith("  # 来源：")
    assert "days_ahead" not in policy.read_text(encoding="utf-8")
    assert '"future_days"' in (root / "schemas" / "policy.schema.json").read_text(encoding="utf-8")
    assert not [p for p in checked(root) if p["severity"] == "error"]
    assert git(root, "log", "-1", "--format=%(trailers:key=Dangan-Act,valueonly)").split() == ["upgrade"]


def test_an_archive_without_any_base_takes_a_side(old):
    """No base copy and no init commit (history rewritten): a file that differs cannot be merged; --theirs takes
    the new version's."""
    shutil.rmtree(old / ".git")
    git(old, "init", "-q", "-b", "main")
    git(old, "config", "user.email", "admin@ceshi.example")
    git(old, "config", "user.name", "档案管理员")
    commit_all(old, "我们的档案库")
    result = dangan(old, "upgrade")
    assert result.exit_code == 1 and "没有基础副本" in result.output and "schemas/policy.schema.json" in result.output
    settled = dangan(old, "upgrade", "--theirs")
    assert settled.exit_code == 0, settled.output
    shipped = (REPO / "schemas" / "policy.schema.json").read_bytes()
    assert (old / "schemas" / "policy.schema.json").read_bytes() == shipped
    checked(old)


def test_every_release_names_what_an_upgrade_changes():
    """CHANGELOG.md: each release after the first has a section saying what `dangan upgrade` changes."""
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = text.split("\n## [")[1:]
    released = [e for e in entries if e[0].isdigit() and not e.startswith("0.1.0]")]
    assert any(e.startswith(VERSION + "]") for e in released)
    for entry in released:
        assert "### 升级会改变什么 / What an upgrade changes" in entry, entry.split("]")[0]
    for step in migrations.STEPS:  # every migration is named in its release's entry
        entry = next(e for e in released if e.startswith(step.to + "]"))
        assert f"`{step.kind}" in entry or f"records/{step.kind}" in entry, step.description
