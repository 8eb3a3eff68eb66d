"""The archive's one YAML style, and round-trip edits that keep what people wrote.

Records are written with ruamel.yaml's round-trip mode, configured so that a file in
the archive's style loads and dumps byte for byte: comments, key order, quoting and
blank lines survive, and an act's diff is only the lines it means (DESIGN §6).
"""

from __future__ import annotations

import copy
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"


def round_trip() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def loads(text: str) -> Any:
    return round_trip().load(text)


def dumps(data: Any) -> str:
    out = io.StringIO()
    round_trip().dump(data, out)
    return out.getvalue()


def to_yaml(value: Any) -> Any:
    """Plain dicts and lists as ruamel's commented containers (so comments can attach later)."""
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        return CommentedMap((k, to_yaml(v)) for k, v in value.items())
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        return CommentedSeq(to_yaml(v) for v in value)
    return value


def _last_slot(node: Any) -> tuple[Any, Any] | tuple[None, None]:
    """The container and key whose trailing comment ends `node` (its deepest last entry)."""
    if isinstance(node, CommentedMap) and node:
        key = list(node.keys())[-1]
        inner = _last_slot(node[key])
        return inner if inner[0] is not None else (node, key)
    if isinstance(node, CommentedSeq) and node:
        inner = _last_slot(node[-1])
        return inner if inner[0] is not None else (node, len(node) - 1)
    return None, None


def append(seq: CommentedSeq, item: Any) -> None:
    """Append to a list, keeping a comment that followed the list where it was.

    ruamel attaches the comment lines after a list's last item to that item; appended
    naively, the new item would land after them (e.g. after the next section's heading).
    """
    item = to_yaml(item)
    holder, key = _last_slot(seq) if len(seq) else (None, None)
    token = None
    if holder is not None:
        entry = holder.ca.items.get(key)
        if isinstance(entry, list):
            index = 2 if isinstance(holder, CommentedMap) else 0
            token = entry[index] if len(entry) > index else None
    if token is None or "\n" not in token.value or not token.value.split("\n", 1)[1].strip():
        seq.append(item)
        return
    head, rest = token.value.split("\n", 1)
    entry = holder.ca.items[key]
    index = 2 if isinstance(holder, CommentedMap) else 0
    if head.strip():
        kept = copy.copy(token)
        kept.value = head + "\n"
        entry[index] = kept
    else:
        entry[index] = None
    seq.append(item)
    new_holder, new_key = _last_slot(seq)
    moved = copy.copy(token)
    moved.value = "\n" + rest
    if isinstance(new_holder, CommentedMap):
        new_holder.ca.items[new_key] = [None, None, moved, None]
    else:
        new_holder.ca.items[new_key] = [moved, None]


