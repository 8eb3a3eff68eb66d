"""Field paths: `contacts[0].mobile` as people write it, ("contacts", 0, "mobile") as the code holds it.

The one place that turns a path into words and words into a path. A name is any text without dots
and brackets, an index a number in brackets; `parse_path` refuses anything else (an empty path or
name, `[-1]`, `[x]`, an unclosed bracket, a name glued to `]`) rather than guess what was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_NAME = re.compile(r"[^.\[\]]+")
_INDEX = re.compile(r"\[(\d+)\]")


class PathError(ValueError):
    """A field path not written like `contacts[0].mobile`; `at` is where it goes wrong (0-based)."""

    def __init__(self, path: str, at: int):
        super().__init__(f"malformed field path {path!r} at character {at + 1}")
        self.path, self.at = path, at


def join(prefix: str, part: str | int) -> str:
    """One step further down: `contacts` and 0 -> `contacts[0]`; `contacts[0]` and `mobile` -> `contacts[0].mobile`."""
    if isinstance(part, int) and not isinstance(part, bool):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else str(part)


def field_path(parts: Iterable[str | int]) -> str:
    """Render a data path as users write it: ("contacts", 0, "mobile") -> `contacts[0].mobile`."""
    out = ""
    for part in parts:
        out = join(out, part)
    return out


@lru_cache(maxsize=4096)
def parse_path(path: str) -> tuple[str | int, ...]:
    """`contacts[0].mobile` -> ("contacts", 0, "mobile"); PathError when it is not written so."""
    parts: list[str | int] = []
    at = 0
    while at < len(path):
        if path[at] == "[":
            found = _INDEX.match(path, at)
            if found is None:
                raise PathError(path, at)
            parts.append(int(found.group(1)))
        else:
            if parts:  # a name after the first step follows a dot
                if path[at] != ".":
                    raise PathError(path, at)
                at += 1
            found = _NAME.match(path, at)
            if found is None:
                raise PathError(path, at)
            parts.append(found.group())
        at = found.end()
    if not parts:
        raise PathError(path, 0)
    return tuple(parts)
