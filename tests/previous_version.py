"""An archive made by the previous release, dangan 0.1.0, for the upgrade's tests: not a simulation but 0.1.0's own
`dangan init`, run from its source as this repository's history holds it (`git archive`; the tests need the whole
history, as the project's CI checks it out: `fetch-depth: 0`)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from conftest import REPO

PREVIOUS = "0.1.0"
PREVIOUS_COMMIT = "3fbcfc7a9a1da23cb8a6552b51f7546d20f06d72"  # the last commit of 0.1.0 (pyproject.toml)
NAME, SHORT_NAME = "测试融资担保有限公司", "测"
IDENTITY = {"GIT_AUTHOR_NAME": "档案管理员", "GIT_AUTHOR_EMAIL": "admin@ceshi.example",
            "GIT_COMMITTER_NAME": "档案管理员", "GIT_COMMITTER_EMAIL": "admin@ceshi.example"}


def source(target: Path) -> Path:
    """dangan 0.1.0's source (its tools/, schemas/, site/, mkdocs.yml and policy) in `target`."""
    found = subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{PREVIOUS_COMMIT}^{{commit}}"],
                           capture_output=True, check=False)
    if found.returncode != 0:
        pytest.skip(f"needs this repository's history: dangan {PREVIOUS} is commit {PREVIOUS_COMMIT[:10]}")
    tar = subprocess.run(["git", "-C", str(REPO), "archive", PREVIOUS_COMMIT], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target


def make(source_dir: Path, target: Path) -> Path:
    """`dangan init` of 0.1.0 (this Python's packages, 0.1.0's code): the archive a company made with it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DANGAN_ROOT")}
    env.update(IDENTITY, PYTHONPATH=str(source_dir / "tools"))
    made = subprocess.run([sys.executable, "-m", "dangan", "init", str(target), "--name", NAME, "--short-name",
                           SHORT_NAME], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    return target


def copy(made: Path, target: Path) -> Path:
    """A copy of a made archive, its git user the archivist (as in IDENTITY)."""
    shutil.copytree(made, target, symlinks=True)
    for key, value in (("user.name", IDENTITY["GIT_AUTHOR_NAME"]), ("user.email", IDENTITY["GIT_AUTHOR_EMAIL"])):
        subprocess.run(["git", "-C", str(target), "config", key, value], check=True)
    return target
