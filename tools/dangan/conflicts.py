"""Merge conflicts inside a record file: detected and explained, never parsed as data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import git, loader

MARKER = re.compile(r"^<<<<<<< ", re.MULTILINE)


def has_conflict(text: str) -> bool:
    return bool(MARKER.search(text))


def first_marker_line(text: str) -> int:
    found = MARKER.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def sides(text: str) -> tuple[str, str]:
    """The file as each side of the merge wrote it: (ours, theirs); diff3 bases are dropped."""
    ours, theirs, state = [], [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< "):
            state = "ours"
        elif line.startswith("||||||| ") and state == "ours":
            state = "base"
        elif line.startswith("=======") and state in ("ours", "base"):
            state = "theirs"
        elif line.startswith(">>>>>>> ") and state == "theirs":
            state = None
        elif state is None:
            ours.append(line)
            theirs.append(line)
        elif state == "ours":
            ours.append(line)
        elif state == "theirs":
            theirs.append(line)
    return "".join(ours), "".join(theirs)


def theirs(path: Path) -> Any:
    """The data of a conflicted record file as the merged-in side (theirs) wrote it ({} when it holds none);
    None when there is no such file."""
    if not path.is_file():
        return None
    _, their_text = sides(path.read_text(encoding="utf-8-sig"))
    return loader.parse(their_text, "", []).data or {}


def added_on_both_sides(root: Path, rel: str) -> bool:
    """An add/add conflict: the file is unmerged and has no common ancestor version (stage 1)."""
    listed = git.output(root, "ls-files", "-u", "--", rel) or ""
    stages = {line.split()[2] for line in listed.splitlines() if len(line.split()) > 2}
    return bool(stages) and "1" not in stages
