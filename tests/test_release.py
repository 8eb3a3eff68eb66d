"""The released tool (issue 19): a wheel that is whole, and an archive that knows its tool.

The wheel is built from this checkout (sdist, then the wheel from the sdist, as a release is), installed
into a fresh virtual environment without this repository on any path, and used as a company would: from a
folder outside the repository, `dangan init`, `check`, a first act, `site build`, `demo`, and `dangan upgrade` of
an archive the previous release (0.1.0) made. And `dangan check` says when the installed dangan is not one the
archive was made for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
import warnings
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from dangan import bundle, versions
from dangan.checks import run
from dangan.reader import build as read_archive

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def sh(*args, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout,
                          check=False)


def source_copy(target: Path) -> Path:
    """This checkout as a fresh clone would have it, with the uncommitted changes: what git knows or would add."""
    listed = sh("git", "-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    source = source_copy(base / "source")
    built = sh(sys.executable, "-m", "build", "--outdir", base / "dist", source)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return next((base / "dist").glob("dangan-*.whl"))


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> dict:
    """A virtual environment holding only the wheel and its dependencies (from the package index); if they cannot
    be fetched here, one that sees this Python's packages but imports dangan from the wheel all the same."""
    where = tmp_path_factory.mktemp("venv") / "venv"
    # nothing of this checkout on any path (PYTHONPATH=tools would make pip think dangan is installed already)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "DANGAN_ROOT", "VIRTUAL_ENV")}
    env.update(PATH=f"{where / 'bin'}{os.pathsep}{env.get('PATH', '')}", NO_MKDOCS_2_WARNING="1",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(where.parent / "gitconfig"))
    (where.parent / "gitconfig").write_text("[user]\n\tname = 李娜\n\temail = s001@ceshi.example\n",
                                            encoding="utf-8")
    venv.create(where, with_pip=True)
    pip = [where / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    result = sh(*pip, wheel, env=env)
    isolated = result.returncode == 0
    if not isolated:
        warnings.warn("the wheel's dependencies could not be installed from the package index: testing the wheel "
                      f"in a virtual environment that sees this Python's packages ({result.stderr[-300:]})",
                      stacklevel=1)
        shutil.rmtree(where)
        venv.create(where, with_pip=True, system_site_packages=True)
        result = sh(*pip, "--no-deps", wheel, env=env)
        assert result.returncode == 0, result.stderr[-3000:]
    return {"venv": where, "env": env, "isolated": isolated}


def dangan(installed: dict, *args, cwd: Path) -> subprocess.CompletedProcess:
    return sh(installed["venv"] / "bin" / "dangan", *args, cwd=cwd, env=installed["env"])


def test_the_wheel_carries_the_archive_files_of_this_checkout(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        carried = {n.removeprefix("dangan/bundle/"): archive.read(n) for n in names if n.startswith("dangan/bundle/")}
    expected = {}
    for name in bundle.CONTENTS:
        path = REPO / name
        for file in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            if "__pycache__" not in file.parts:
                expected[file.relative_to(REPO).as_posix()] = file.read_bytes()
    assert carried == expected  # the same files, byte for byte: one source of truth
    assert {"dangan/templates/init/github-workflow.yml", "dangan/templates/init/gitlab-ci.yml",
            "dangan/site/templates/record.html", "dangan/site/theme/partials/copyright.html"} <= names
    assert not any(n.startswith(("tests/", "records/customers")) for n in names)


def test_a_company_starts_an_archive_from_the_wheel_alone(installed, tmp_path):
    python = installed["venv"] / "bin" / "python"
    where = sh(python, "-c", "import dangan; print(dangan.__file__)", cwd=tmp_path, env=installed["env"]).stdout
    assert where.startswith(str(installed["venv"])), where  # the wheel's dangan, not this checkout's
    assert dangan(installed, "--version", cwd=tmp_path).stdout.strip() == f"dangan {VERSION}"

    made = dangan(installed, "init", "archive", "--name", "测试融资担保有限公司", "--short-name", "测", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    root = tmp_path / "archive"
    policy = yaml.safe_load((root / "records" / "policy.yaml").read_text(encoding="utf-8"))
    assert policy["dangan"] == {"requires": versions.compatible(VERSION), "made_with": VERSION}
    assert versions.admits(policy["dangan"]["requires"], VERSION)
    for workflow in (".github/workflows/dangan.yml", ".gitlab-ci.yml"):
        text = (root / workflow).read_text(encoding="utf-8")
        assert f'"${{DANGAN_PACKAGE:-dangan{policy["dangan"]["requires"]}}}"' in text, workflow
    checked = dangan(installed, "check", cwd=root)
    assert checked.returncode == 0 and "检查通过" in checked.stdout, checked.stdout + checked.stderr

    # the first staff member, then the first act: a customer, committed by the person who made it
    first_staff_member(root, installed["env"])
    act = dangan(installed, "new", "customer", "--yes", "--no-input", "--set", "type=individual",
                 "--set", "name=张三丰", "--set", "individual.id_number=11010519491231002X",
                 "--set", "individual.gender=female", "--set", "individual.birth_date=1949-12-31",
                 "--set", "owner=S001", "--set", "department=yw1", "--set", "status=prospect",
                 "--set", "first_contact_on=2024-03-01", "--on", "2024-03-01", cwd=root)
    assert act.returncode == 0, act.stdout + act.stderr
    assert (root / "records" / "customers" / "KH0001.yaml").is_file()
    log = sh("git", "log", "-1", "--format=%an %s", cwd=root, env=installed["env"]).stdout
    assert log.startswith("李娜 ") and "KH0001" in log
    checked = dangan(installed, "check", "--format", "json", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    site = dangan(installed, "site", "build", cwd=root)
    assert site.returncode == 0, site.stdout + site.stderr
    page = (root / "public" / "records" / "customers" / "KH0001.html").read_text(encoding="utf-8")
    assert "张三丰" in page and "11010519491231002X" not in page  # the public build masks the ID number
    assert (root / "public" / "assets" / "dangan.css").is_file()


def first_staff_member(root: Path, env: dict) -> None:
    """The archive's first staff record (S001, 李娜), committed: whoever acts next is someone."""
    (root / "records" / "staff").mkdir()
    (root / "records" / "staff" / "S001.yaml").write_text(
        "id: S001\nname: 李娜\nroles: [sales_rep]\ndepartment: yw1\nemails: [s001@ceshi.example]\n"
        "joined_on: '2024-01-02'\n", encoding="utf-8")
    assert sh("git", "add", "--all", cwd=root, env=env).returncode == 0
    assert sh("git", "commit", "-q", "-m", "登记员工", cwd=root, env=env).returncode == 0


def test_the_demo_from_the_wheel_alone(installed, tmp_path):
    made = dangan(installed, "demo", "demo", "--size", "100", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    checked = dangan(installed, "check", "--root", "demo", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr


def test_the_version_comes_from_this_checkout():
    from click.testing import CliRunner

    from dangan.cli import cli

    assert versions.installed() == VERSION
    assert CliRunner().invoke(cli, ["--version"]).output.strip() == f"dangan {VERSION}"
    assert "## [" + VERSION + "]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_demo_policy_admits_this_version():
    requires = yaml.safe_load((REPO / "records" / "policy.yaml").read_text(encoding="utf-8"))["dangan"]["requires"]
    assert versions.admits(requires, VERSION)
    assert not [p for p in run(read_archive(REPO)) if p.code.startswith("tool.")]


def test_compatible_ranges():
    assert versions.compatible("0.2.0") == ">=0.2,<0.3"
    assert versions.compatible("0.2.7") == ">=0.2,<0.3"
    assert versions.compatible("1.4.2") == ">=1.4,<2"
    assert versions.admits(">=0.2,<0.3", "0.2.1rc1") and not versions.admits(">=0.2,<0.3", "0.3.0")
    assert versions.below(">=0.2,<0.3", "0.1.9") and not versions.below(">=0.2,<0.3", "0.3.0")


@pytest.mark.parametrize(("requires", "code", "exit_code"), [
    (">=99.0", "tool.too-old", 0),
    ("<0.1", "tool.too-new", 0),
    ("~=1", "tool.bad-range", 1),  # the schema's pattern lets it through; PEP 440 does not
])
def test_check_says_when_the_tool_is_not_the_archives(archive, requires, code, exit_code):
    archive.edit_policy(lambda p: p["dangan"].update(requires=requires))
    found, problems = archive.check()
    assert found == exit_code
    mine = [p for p in problems if p["code"].startswith("tool.")]
    assert [p["code"] for p in mine] == [code]
    assert mine[0]["file"] == "records/policy.yaml" and mine[0]["field"] == "dangan.requires" and mine[0]["line"]
    text = archive.run("check").output
    if code != "tool.bad-range":
        assert VERSION in text and f'pip install "dangan{requires}"' in text
    if code == "tool.too-new":
        assert "dangan upgrade" in text
    english = archive.run("check", "--lang", "en").output
    assert code in english and ("installed dangan" in english or "version range" in english)


def test_an_archive_without_a_range_is_not_judged(archive):
    archive.edit_policy(lambda p: p.pop("dangan"))
    _, problems = archive.check()
    assert not [p for p in problems if p["code"].startswith("tool.")]


def test_readmes_third_command_starts_an_archive(installed, tmp_path):
    """README's line for a company: install the released tool (here: the wheel, installed already), then init."""
    line = next(line for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("pipx install dangan && "))
    result = sh("bash", "-c", line.removeprefix("pipx install dangan && "), cwd=tmp_path, env=installed["env"])
    assert result.returncode == 0 and "检查通过" in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "our-archive" / "records" / "policy.yaml").is_file()


def test_an_archive_of_the_previous_version_is_upgraded_from_the_wheel_alone(installed, tmp_path):
    """A copy of an archive dangan 0.1.0 made (its own init, `previous_version`), upgraded by the wheel's dangan:
    the diff first, then one commit; then check, an act and the site work on it."""
    import previous_version

    made = previous_version.make(previous_version.source(tmp_path / "source"), tmp_path / "made")
    root = previous_version.copy(made, tmp_path / "archive")
    env = installed["env"]
    shown = dangan(installed, "upgrade", "--dry-run", cwd=root)
    assert shown.returncode == 0 and "+++ b/schemas/policy.schema.json" in shown.stdout, shown.stdout + shown.stderr
    assert not sh("git", "status", "--porcelain", cwd=root, env=env).stdout
    done = dangan(installed, "upgrade", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sh("git", "log", "-1", "--format=%(trailers:key=Dangan-Act,valueonly)", cwd=root, env=env).stdout.split() \
        == ["upgrade"]
    policy = yaml.safe_load((root / "records" / "policy.yaml").read_text(encoding="utf-8"))
    assert policy["dangan"] == {"requires": versions.compatible(VERSION), "made_with": VERSION}
    assert (root / ".dangan" / "base" / VERSION / "schemas" / "policy.schema.json").is_file()
    checked = dangan(installed, "check", cwd=root)
    assert checked.returncode == 0 and "检查通过" in checked.stdout, checked.stdout + checked.stderr

    first_staff_member(root, env)
    sh("git", "config", "user.email", "s001@ceshi.example", cwd=root, env=env)
    act = dangan(installed, "new", "customer", "--yes", "--no-input", "--set", "type=enterprise",
                 "--set", "name=测试商贸有限公司", "--set", "enterprise.credit_code=91350100M000100Y43",
                 "--set", "owner=S001", "--set", "department=yw1", "--set", "status=prospect",
                 "--set", "first_contact_on=2024-03-01", "--on", "2024-03-01", cwd=root)
    assert act.returncode == 0, act.stdout + act.stderr
    site = dangan(installed, "site", "build", cwd=root)
    assert site.returncode == 0, site.stdout + site.stderr
    assert (root / "public" / "records" / "customers" / "KH0001.html").is_file()
    again = dangan(installed, "upgrade", cwd=root)
    assert again.returncode == 0 and "无需升级" in again.stdout, again.stdout + again.stderr
