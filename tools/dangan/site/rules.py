"""The rules in force, from the policy (`policy_text.policy_lines`, as `dangan policy` prints them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..policy_text import policy_lines
from . import routes
from .pages import Page, Site

_ITEM = re.compile(r"^( *)(?:- |(\d+\. ))(.*)$")


def blocks(lines: list[str]) -> list[tuple[str, int, str]]:
    """(kind, depth, text): kind is h1, h2, p or li; the depth of a list item is its indentation."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        if line.startswith("## "):
            out.append(("h2", 0, line[3:]))
        elif line.startswith("# "):
            out.append(("h1", 0, line[2:]))
        elif match := _ITEM.match(line):
            out.append(("li", len(match.group(1)) // 2, (match.group(2) or "") + match.group(3)))
        else:
            out.append(("p", len(line) - len(line.lstrip(" ")), line.strip()))
    return out


def pages(site: Site) -> Iterator[Page]:
    text = [site.view.mask.text(line) for line in policy_lines(site.index)]
    yield Page(routes.RULES, "rules.html", {"blocks": blocks(text)})
