"""The one way Dangan runs git.

History is read as it is stored: replace objects (`refs/replace/*`) and a grafts file would
let a repository show other content or other parents than its commits hold, so every call
runs with both disabled (`GIT_NO_REPLACE_OBJECTS`, a `GIT_GRAFT_FILE` that cannot exist);
`integrity` reports their presence. Read-only calls take no optional locks, so that a check
never blocks an act running at the same time.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

ZERO = "0" * 40
# a path that cannot exist on any system (its parent is a device file), so git reads no grafts
_NO_GRAFTS = os.path.join(os.devnull, "dangan-no-grafts")
_ENV = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": _NO_GRAFTS, "GIT_OPTIONAL_LOCKS": "0",
        "GIT_TERMINAL_PROMPT": "0"}


class GitError(RuntimeError):
    """git failed; the message is its own (stderr)."""


def _command(root: Path, args: tuple[str, ...], config: tuple[str, ...]) -> list[str]:
    return ["git", *[x for c in config for x in ("-c", c)], "-C", str(root), *args]


def run(root: Path, *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
        config: tuple[str, ...] = (), binary: bool = False) -> str | bytes:
    """git's standard output; GitError with its message when it fails."""
    result = subprocess.run(_command(root, args, config), input=input, capture_output=True, text=not binary,
                            encoding=None if binary else "utf-8", errors=None if binary else "replace",
                            env={**os.environ, **_ENV, **(env or {})}, check=False)
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace") if binary else result.stderr
        raise GitError(err.strip() or f"git {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def text(root: Path, *args: str, **options) -> str:
    out = run(root, *args, **options)
    assert isinstance(out, str)
    return out


def output(root: Path, *args: str, **options) -> str | None:
    """Stripped output, or None when git fails."""
    try:
        return text(root, *args, **options).strip()
    except GitError:
        return None


def succeeds(root: Path, *args: str, **options) -> bool:
    return output(root, *args, **options) is not None


def completed(root: Path, *args: str, config: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The whole result (exit code, stdout and stderr), for commands whose verdict is in stderr."""
    return subprocess.run(_command(root, args, config), capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env={**os.environ, **_ENV}, check=False)


def is_repository(root: Path) -> bool:
    """The archive's root is the top of a git work tree."""
    top = output(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top).resolve() == root.resolve()


def head(root: Path) -> str | None:
    return output(root, "rev-parse", "--verify", "-q", "HEAD") or None


def state(root: Path) -> str:
    """What the repository's checks (commits, signatures, history, seals, merged numbers) read of git, as one
    text to compare: HEAD, every ref and its object (branches, remotes, tags, replace refs), and the files that
    make git show other history (grafts, shallow). Equal texts, equal verdicts (`rule_cache`)."""
    where = output(root, "rev-parse", "--absolute-git-dir", "--git-common-dir", "--verify", "-q", "HEAD")
    if where is None:
        return "no repository"
    refs = output(root, "for-each-ref", "--format=%(objectname) %(*objectname) %(refname)") or ""
    parts = [where, refs]
    folder = root / where.split("\n")[1]  # the common folder (relative to the root, or absolute)
    for name in ("shallow", "info/grafts"):
        try:
            parts.append((folder / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            parts.append("-")
    return "\0".join(parts)


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    return succeeds(root, "merge-base", "--is-ancestor", older, newer)


def changed_since(root: Path, rev: str) -> set[str]:
    """The files changed since `rev`, committed or not (a rename as a deletion and an addition), and the untracked
    ones; GitError when `rev` is no revision. As `git diff REV...HEAD` plus the working tree: from where this
    branch left `rev` (their merge base), so that what `rev` gained since (main moving on) is not counted."""
    base = output(root, "merge-base", rev, "HEAD") or text(root, "rev-parse", "--verify", "--end-of-options",
                                                          f"{rev}^{{commit}}").strip()
    changed = text(root, "diff", "-z", "--name-only", "--no-renames", base, "--")  # -z: names as they are
    untracked = output(root, "ls-files", "-z", "--others", "--exclude-standard") or ""
    return (set(changed.split("\0")) | set(untracked.split("\0"))) - {""}


def git_dir(root: Path) -> Path | None:
    found = output(root, "rev-parse", "--absolute-git-dir")
    return Path(found) if found else None


def is_shallow(root: Path) -> bool:
    return output(root, "rev-parse", "--is-shallow-repository") == "true"


def config(root: Path, key: str) -> str | None:
    return output(root, "config", "--get", key) or None


def merge_file(ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str],
               favour: str | None = None) -> tuple[bytes, int]:
    """A three-way merge of one file's contents (`git merge-file -p --diff3`): the result and how many
    conflicts it holds (marked as git marks them, the base between the two sides); `favour` ('ours' or
    'theirs') settles each conflict for that side instead. Needs no repository."""
    with tempfile.TemporaryDirectory(prefix="dangan-merge-") as folder:
        names = []
        for name, content in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(content)
            names.append(str(path))
        args = ["merge-file", "-p", "--diff3", *[x for label in labels for x in ("-L", label)]]
        if favour:
            args.append(f"--{favour}")
        result = subprocess.run(_command(Path(folder), (*args, *names), ()), capture_output=True,
                                env={**os.environ, **_ENV}, check=False)
    if result.returncode < 0 or result.returncode > 127:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or "git merge-file failed")
    return result.stdout, result.returncode
