"""The archive's one YAML style, and round-trip edits that keep what people wrote.

Records are written with ruamel.yaml's round-trip mode, configured so that a file in
the archive's style loads and dumps byte for byte: comments, key order, quoting and
blank lines survive, and an act's diff is only the lines it means (DESIGN §6).

A string the writer puts in a file reads back as that string in every tool: one that
YAML 1.1 or 1.2 tools would read as a boolean, null, number or date is single-quoted
(`outcome: 'yes'`, `phone: '0755123456'`), so the writer never writes what the strict
loader's `yaml.needs-quotes` check refuses. A value that stood plain in the file is
written back plain, so an edit changes only the lines it means.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import yaml.resolver
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import PlainScalarString, ScalarString
from yaml.nodes import ScalarNode

from .loader import OTHER_TOOLS_NON_TEXT, TAG_STR, RecordLoader

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"
_STRICT = RecordLoader("")  # only its resolver is used: how `dangan check` reads a plain scalar
_YAML11 = yaml.resolver.Resolver()  # PyYAML: how YAML 1.1 tools read one


def needs_quotes(text: str) -> bool:
    """A plain `text` would not read back as this string: our strict loader reads it as a boolean, null
    or number, or reports it as `yaml.needs-quotes` (its own predicate), or YAML 1.1 reads it as
    something else. YAML 1.2 (ruamel's own resolver: dates, timestamps …) is ruamel's representer's
    concern, which quotes what it would itself read otherwise."""
    return (OTHER_TOOLS_NON_TEXT.match(text) is not None
            or _STRICT.resolve(ScalarNode, text, (True, False)) != TAG_STR
            or _YAML11.resolve(ScalarNode, text, (True, False)) != TAG_STR)


class _StoodPlain(PlainScalarString):
    """A plain scalar of a file that, written anew, would be quoted: written back plain, as it stood.

    A value put in its place is new: ruamel gives it the old value's type (`type(old)(new)`,
    to keep a file's quotes), which here makes a plain str, quoted like any new value."""

    __slots__ = ()

    def __new__(cls, value: str, anchor: Any = None) -> Any:
        return str(value)

    @classmethod
    def read(cls, value: str) -> _StoodPlain:
        return ScalarString.__new__(cls, value)

    def __reduce__(self) -> tuple:
        return (_StoodPlain.read, (str(self),))


class _Constructor(RoundTripConstructor):
    def construct_yaml_str(self, node: Any) -> Any:
        value = super().construct_yaml_str(node)
        if type(value) is str and not node.style and needs_quotes(value):
            return _StoodPlain.read(value)
        return value


_Constructor.add_constructor("tag:yaml.org,2002:str", _Constructor.construct_yaml_str)


class _Representer(RoundTripRepresenter):
    def represent_str(self, data: str) -> Any:
        if needs_quotes(data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)


_Representer.add_representer(str, _Representer.represent_str)
_Representer.add_representer(_StoodPlain, RoundTripRepresenter.represent_plain_scalarstring)


def round_trip() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.Representer = _Representer
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


