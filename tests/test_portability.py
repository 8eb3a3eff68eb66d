"""Works where they work (issue 23): a record saved with CRLF on Windows, code that runs on Windows and macOS as
on Linux, and the project's own CI on all three. Paths with Chinese characters: tests/test_firstday.py works
in a clone named 何新的档案库 with keys under 何新的电脑/.ssh."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO, customer
from dangan.yamlstyle import SCHEMA_LINE, dumps, to_yaml
from gitarchive import GitArchive

WORKFLOW = REPO / ".github" / "workflows" / "tests.yml"


def test_a_crlf_record_is_read_and_an_act_keeps_its_line_endings(tmp_path):
    repo = GitArchive(tmp_path / "archive", tmp_path / "keys")
    record = customer(status="prospect", admission={"checked": ["licence"]})
    text = SCHEMA_LINE.format(kind="customer") + dumps(to_yaml(record))
    repo.write("records/customers/KH0001.yaml", text.replace("\n", "\r\n").encode("utf-8"))
    repo.commit("S004", "在 Windows 上保存的客户档案", date="2024-03-04")
    assert repo.check() == (0, [])
    repo.configure("S004")
    result = repo.run("reassign", "--from", "S004", "--to", "S003")
    assert result.exit_code == 0, result.output
    raw = repo.path("customer", "KH0001").read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") and b"owner: S003\r\n" in raw
    changed = repo.git("diff", "--numstat", "HEAD~1", "HEAD").stdout.split()
    assert changed[:2] == ["6", "1"]  # owner changed, the transfer added: nothing else rewritten
    assert repo.check() == (0, [])


_POSIX_ONLY = re.compile(r"\bos\.(O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC|O_NOCTTY|O_DIRECTORY|getuid|geteuid|getgid|fork|"
                         r"setsid|killpg|getpgid|mkfifo|sync)\b|^\s*(import|from) (fcntl|pwd|grp|termios|resource)\b|"
                         r"preexec_fn")


def test_no_posix_only_call_without_a_fallback():
    """POSIX-only calls go through getattr(os, …, fallback) or a platform check (filelock locks the archive)."""
    found = []
    for path in sorted((REPO / "tools" / "dangan").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _POSIX_ONLY.search(line) or ("signal.SIGKILL" in line and "hasattr" not in line
                                            and "os.kill" not in line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema: pip install -e '.[test]'")
def test_the_projects_workflow_is_valid_and_tests_on_three_systems():
    checked = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    job = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["test"]
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "windows-latest", "macos-latest"]
    steps = job["steps"]
    assert steps[-1]["run"] == "bash .ci/run"  # the command of README and of this machine
    assert all(step.get("if") == "runner.os == 'Linux'" for step in steps if "apt-get" in step.get("run", ""))
