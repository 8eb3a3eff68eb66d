"""Where each rule of records/policy.yaml comes from: the comment written above its key.

The policy names its sources in comments, so that the file stays the one place a rule is
written and explained: a comment line `# 来源：种子 000 篇1 四(五)…` (or `# 来源：公司自定…`
where the number is the company's own choice) directly above a key is that key's source, and
the other comment lines of the same block are its explanation. `dangan policy` prints both.

Only the text is read (a key's path is followed by its indentation), so a comment cannot
change a rule, and a file that fails to parse simply has no sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE_PREFIXES = ("来源：", "来源:", "source:", "Source:")
_KEY = re.compile(r"^(?P<indent> *)(?:- )?(?P<key>[A-Za-z_][A-Za-z0-9_]*|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")
_ITEM_ID = re.compile(r"^(?P<indent> *)- +id:\s*(?P<id>[A-Za-z0-9_\-]+)")


@dataclass(frozen=True)
class Note:
    """The comments above one key: its source (if one is named) and the rest of the block."""
    source: str = ""
    text: str = ""


def notes(text: str) -> dict[tuple[str, ...], Note]:
    """Each commented key's path (list items by their `id`, else by position) → its note."""
    found: dict[tuple[str, ...], Note] = {}
    stack: list[tuple[int, str]] = []  # (indent, key) of the open mappings
    items: dict[tuple[int, tuple[str, ...]], int] = {}  # list item counters by (indent, parent path)
    pending: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        if not stripped:
            pending = []
            continue
        match = _KEY.match(raw)
        if not match:
            pending = []
            continue
        indent = len(match["indent"])
        key = match["key"].strip("'\"")
        if raw.lstrip().startswith("- "):
            # a list item opens: it lives under the key above it, named by its id or its position
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = tuple(k for _, k in stack)
            item = _ITEM_ID.match(raw)
            counter = items.get((indent, parent), 0)
            items[(indent, parent)] = counter + 1
            label = item["id"] if item else str(counter)
            stack.append((indent, label))
            indent += 2
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = (*(k for _, k in stack), key)
        if pending:
            found[path if not raw.lstrip().startswith("- ") else path[:-1]] = _note(pending)
        pending = []
        stack.append((indent, key))
    return found


def _note(lines: list[str]) -> Note:
    source = [line.split("：" if "：" in line else ":", 1)[1].strip() for line in lines
              if line.startswith(SOURCE_PREFIXES)]
    rest = [line for line in lines if not line.startswith(SOURCE_PREFIXES)]
    return Note(source="；".join(source), text=" ".join(rest))


def source_of(found: dict[tuple[str, ...], Note], path: tuple[str, ...]) -> str:
    """The source named for `path`, or the nearest one above it (a section's source covers its keys)."""
    for end in range(len(path), 0, -1):
        note = found.get(tuple(path[:end]))
        if note and note.source:
            return note.source
    return ""
