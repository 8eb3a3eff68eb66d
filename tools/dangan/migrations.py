"""What `dangan upgrade` does to the records when a release renames or restructures a field.

Each step names the release that brought the change (`to`), the release before it (`since`), the kind
of record it rewrites, what it does (Chinese, then English: the upgrade prints it and CHANGELOG.md names
it), and a function that changes one record's round-trip data in place and says whether it changed
anything. An archive made with version M gets, in order, every step with M < `to` <= the installed
version; each record is read and written with ruamel's round trip (`yamlstyle`), so comments, key order
and quoting stay as people wrote them, and the schemas the same upgrade brings describe the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from packaging.version import Version
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import versions

Change = Callable[[Any], bool]


@dataclass(frozen=True)
class Step:
    since: str  # the release whose archives need it
    to: str  # the release that brought it
    kind: str  # the kind of record it rewrites ("policy": records/policy.yaml)
    description: str  # 中文 (English)
    change: Change  # (one record's round-trip data) -> whether it changed it


def renamed(path: tuple[str, ...], new: str) -> Change:
    """A step's change that renames the field at `path` (a key of the mapping at path[:-1]) to `new`, in its
    place, with its comments; nothing when the record has no such field."""

    def change(data: Any) -> bool:
        holder = data
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if not isinstance(holder, CommentedMap) or path[-1] not in holder or new in holder:
            return False
        position = list(holder).index(path[-1])
        comment = holder.ca.items.pop(path[-1], None)
        holder.insert(position, new, holder.pop(path[-1]))
        if comment is not None:
            token = comment[2] if len(comment) > 2 else None
            if token is not None and token.value.startswith("#"):  # a comment on the same line stays as far away
                token.start_mark.column += len(new) - len(path[-1])
            holder.ca.items[new] = comment
        return True

    return change


# what dangan upgrade writes into a policy that has no `dangan` section: the comments of the bundled policy's
_TOOL_HEADING = "本档案库所用的 dangan：dangan init 写入，dangan upgrade 更新；CI 安装此范围内的版本。"
_TOOL_SOURCES = {
    "requires": "来源：公司自定 —— 档案库按此范围内的 dangan 建立和检查，新版本可能改动 schema 和规则；不在范围内时 "
                "dangan check 提出警告",
    "made_with": "来源：公司自定 —— 建库（或最近一次升级）所用的版本，dangan upgrade 据此比较自带的 schema、网站和设置",
}
MADE_BEFORE_RANGES = "0.1.0"  # archives whose policy has no `dangan` section were made by 0.1


def add_tool_section(data: Any) -> bool:
    """0.1 → 0.2: the policy records the dangan it was made for. An archive of 0.1 gets the section saying
    so (made with 0.1.0, for the 0.1 line), with each value's source above it; the upgrade then moves both
    to the installed version."""
    if not isinstance(data, CommentedMap) or "dangan" in data:
        return False
    section = CommentedMap([("requires", DoubleQuotedScalarString(versions.compatible(MADE_BEFORE_RANGES))),
                            ("made_with", DoubleQuotedScalarString(MADE_BEFORE_RANGES))])
    for key, source in _TOOL_SOURCES.items():
        section.yaml_set_comment_before_after_key(key, before=source, indent=2)
    position = list(data).index("organisation") + 1 if "organisation" in data else 0
    data.insert(position, "dangan", section)
    data.yaml_set_comment_before_after_key("dangan", before=_TOOL_HEADING)
    return True


STEPS: tuple[Step, ...] = (
    Step("0.1.0", "0.2.0", "policy",
         "制度加入 dangan 一节（requires、made_with），记下档案库所用的 dangan 版本 "
         "(the policy gains its `dangan` section: the range and the version the archive was made with)",
         add_tool_section),
)


def due(made_with: str, installed: str, steps: Iterable[Step] = STEPS) -> list[Step]:
    """The steps an archive made with `made_with` needs on its way to `installed`, in order."""
    made, now = versions.parse(made_with), versions.parse(installed)
    if made is None or now is None:
        return []
    return sorted((s for s in steps if made < Version(s.to) <= now), key=lambda s: Version(s.to))
