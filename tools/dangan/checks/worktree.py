"""The working tree against the history: what is not committed is not signed (DESIGN §4).

A record or schema that differs from HEAD — modified, staged, added, deleted or untracked —
is reported (`file.uncommitted`: a warning, an error when the rules in force at HEAD say
`signatures.mode: required`), so that debris of an interrupted act or a forgotten edit is
never mistaken for the archive; `dangan check --before-commit` (the pre-commit hook, and
while editing) leaves these out. An act killed mid-way (its journal is there and no act
holds the lock) is an error until the next act or `dangan recover` undoes it
(`act.interrupted`).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import git, journal, lock
from ..facts import Facts
from ..index import Index
from ..problems import ERROR, WARNING, Problem

_STATES = {"M": "modified", "A": "added", "D": "deleted", "R": "renamed", "C": "copied", "?": "untracked",
           "U": "unmerged", "T": "modified"}


def check_uncommitted(index: Index, f: Facts) -> Iterator[Problem]:
    try:  # not git.output: it strips, and a status line may begin with a space
        out = git.text(index.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "records",
                       "schemas")
    except git.GitError:
        return
    if not out.strip("\0"):
        return  # a clean tree: the mode in force is not even looked up
    mode = f.head_mode
    if mode == "none":
        return
    severity = ERROR if mode == "required" else WARNING
    fields = out.split("\0")
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            i += 1  # the old path follows
        staged = code[0] not in (" ", "?")
        letter = (code[1] if code[1] != " " else code[0])
        yield Problem("file.uncommitted", path, severity=severity,
                      args={"state": _STATES.get(letter, "modified"), "staged": staged})


def check_interrupted(index: Index, f: Facts) -> Iterator[Problem]:
    if not (index.root / ".git").exists() and not (index.root / ".dangan-cache").exists():
        return
    folder = lock.state_dir(index.root)
    try:
        found = journal.pending(folder)
    except journal.Unrecoverable as error:
        yield Problem("act.interrupted", "records", args={"act": "?", "started": "?", "detail": str(error)})
        return
    if found is None or lock.is_held(index.root):  # none, or an act is running now
        return
    files = [f.get("path") for f in found.get("files", []) if isinstance(f, dict)]
    yield Problem("act.interrupted", files[0] if files else "records",
                  args={"act": found.get("act"), "started": found.get("started"), "files": ", ".join(files[:5])})
