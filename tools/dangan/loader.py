"""The strict YAML loader: one record file in, data plus source positions out.

It never raises: every way a file can be wrong becomes a `Problem` with a line and
column. Parsing uses libyaml (PyYAML's C parser) with a narrowed set of implicit
types, so that a record means the same thing here as in any YAML 1.2 tool:

* booleans are only ``true``/``false``; ``yes``, ``no``, ``on``, ``off`` stay text;
* integers have no leading zero (``010020`` stays text), floats need a ``.`` or
  an exponent; dates stay text and are checked by the schema's ``format: date``;
* a plain scalar that other YAML tools would read as a number, boolean or null
  but that we keep as text is reported as ``yaml.needs-quotes``.

Duplicate keys, merge keys, anchors and aliases, custom tags, tab indentation,
nesting deeper than `MAX_DEPTH`, NUL bytes, non-UTF-8 text, empty files and files over
the size limit are errors.

Files are never opened blindly: `inspect` looks at what a path is (lstat) before anything
opens it — a named pipe, a socket or a device, a symbolic link that loops, dangles or leaves
the archive is a problem, not a read — and `read_file` opens without blocking and reads
only what fstat confirms is a regular file.
"""

from __future__ import annotations

import errno
import os
import re
import stat as st
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .paths import field_path
from .problems import Problem

try:  # the C parser; the pure-Python one is ~7x slower but behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml is part of every wheel we install
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

TAG_STR = "tag:yaml.org,2002:str"
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_MAP = "tag:yaml.org,2002:map"
TAG_SEQ = "tag:yaml.org,2002:seq"


class RecordLoader(_BaseLoader):
    """libyaml parser whose implicit typing is narrowed (see module docstring)."""

    yaml_implicit_resolvers: ClassVar[dict] = {}


RecordLoader.add_implicit_resolver(TAG_BOOL, re.compile(r"^(?:true|false)$"), list("tf"))
RecordLoader.add_implicit_resolver(TAG_NULL, re.compile(r"^(?:~|null|)$"), ["~", "n", ""])
RecordLoader.add_implicit_resolver(TAG_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                   list("-+0123456789"))
RecordLoader.add_implicit_resolver(
    TAG_FLOAT,
    re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?|(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+)$"),
    list("-+0123456789"),
)

# Plain scalars that YAML 1.2 (core schema) or YAML 1.1 tools read as something other
# than text, while we keep them as text: they must be quoted to mean the same everywhere.
OTHER_TOOLS_NON_TEXT = re.compile(
    r"""^(?:
        [-+]?[0-9][0-9_]*                       # 010020, 0755123456, 1_000
      | [-+]?0[oO]?[0-7]+ | [-+]?0[xX][0-9a-fA-F]+ | [-+]?0[bB][01]+
      | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?   # 1:20 (sexagesimal)
      | [-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?  # 1., .5, 00.5
      | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
      | yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N
      | True|TRUE|False|FALSE|Null|NULL
    )$""",
    re.VERBOSE,
)
_ALLOWED_TAGS = {TAG_STR, TAG_INT, TAG_FLOAT, TAG_BOOL, TAG_NULL, TAG_MAP, TAG_SEQ}

MAX_DEPTH = 32  # nesting of mappings and sequences: records need a handful; deeper only crashes parsers

# A position is (key line, key column, value line, value column), all 1-based.
Position = tuple[int, int, int, int]


@dataclass(slots=True)
class Parsed:
    """What the loader made of one file."""

    data: Any = None
    positions: dict[tuple, Position] = field(default_factory=dict)
    raw: dict[tuple, str] = field(default_factory=dict)  # text as written, for non-text scalars
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.severity == "error" for p in self.problems)


def decode(raw: bytes, rel: str, problems: list[Problem]) -> str | None:
    """Bytes to text: strict UTF-8 (BOM allowed); name the encoding a file seems to have."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        problems.append(Problem("file.encoding", rel, 1, 1, args={"encoding": "UTF-16"}))
        return None
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        problems.append(Problem("file.nul", rel, line, col))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            guess = "GBK/GB18030"
        except UnicodeDecodeError:
            guess = ""
        problems.append(Problem("file.encoding", rel, line, col, args={"encoding": guess}))
        return None


def _looks_utf16(raw: bytes) -> bool:
    head = raw[:200]
    return len(head) >= 4 and head.count(b"\x00") * 3 >= len(head)


def parse(text: str, rel: str, problems: list[Problem] | None = None) -> Parsed:
    """Parse one record's text. Problems are appended to `Parsed.problems`."""
    out = Parsed(problems=problems if problems is not None else [])
    if "\t" in text and _tab_indentation(text, rel, out.problems):
        return out
    if _maybe_deep(text) and _too_deep(text, rel, out.problems):
        return out
    if ("&" in text or "*" in text) and _anchors(text, rel, out.problems):
        return out
    try:
        loader = RecordLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        code = "yaml.multi-document" if "single document" in str(exc.context or "") else "yaml.syntax"
        out.problems.append(Problem(code, rel, mark.line + 1 if mark else None,
                                    mark.column + 1 if mark else None,
                                    args={"detail": exc.problem or exc.context or ""}))
        return out
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        mark = getattr(exc, "position", None)
        detail = str(exc).split("\n", 1)[0]
        if isinstance(getattr(exc, "character", None), int):
            detail = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        out.problems.append(Problem("yaml.syntax", rel, args={"detail": detail},
                                    line=None if mark is None else text.count("\n", 0, mark) + 1))
        return out
    if node is None:
        out.problems.append(Problem("file.empty", rel, 1, 1))
        return out
    if not isinstance(node, MappingNode):
        out.problems.append(Problem("yaml.not-mapping", rel, node.start_mark.line + 1,
                                    node.start_mark.column + 1))
        return out
    builder = _Builder(rel, out)
    out.data = builder.build(node, ())
    return out


def _tab_indentation(text: str, rel: str, problems: list[Problem]) -> bool:
    found = False
    for number, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            problems.append(Problem("yaml.tab", rel, number, indent.index("\t") + 1))
            found = True
    return found


_BLOCK_PREFIX = re.compile(r"^[ ?-]*", re.MULTILINE)


def _maybe_deep(text: str) -> bool:
    """A cheap bound: each level of nesting needs a bracket, or a space, dash or `?` before a line's
    content. Only a text that could exceed `MAX_DEPTH` is scanned event by event."""
    brackets = text.count("[") + text.count("{")
    return brackets > MAX_DEPTH or brackets + max(map(len, _BLOCK_PREFIX.findall(text)), default=0) > MAX_DEPTH


def _too_deep(text: str, rel: str, problems: list[Problem]) -> bool:
    """Report nesting deeper than `MAX_DEPTH` before any recursive code sees it: libyaml's
    composer crashes the interpreter a few hundred thousand levels down, our builder and the
    validators raise far sooner. The event scan is iterative and stops at the first level too many."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=RecordLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    problems.append(Problem("yaml.too-deep", rel, mark.line + 1, mark.column + 1,
                                            args={"limit": MAX_DEPTH}))
                    return True
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return False  # the main parse reports the syntax error
    return False


def _anchors(text: str, rel: str, problems: list[Problem]) -> bool:
    """Report anchors and aliases (no expansion bombs, one meaning per value)."""
    found = False
    try:
        for event in yaml.parse(text, Loader=RecordLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                problems.append(Problem("yaml.alias", rel, mark.line + 1, mark.column + 1,
                                        args={"anchor": event.anchor}))
                found = True
    except yaml.YAMLError:
        return found  # the main parse reports the syntax error
    return found


class _Builder:
    """Builds Python data from the node tree, recording positions and problems."""

    def __init__(self, rel: str, out: Parsed):
        self.rel = rel
        self.out = out

    def problem(self, code: str, node, path: tuple, **args) -> None:
        mark = node.start_mark
        self.out.problems.append(Problem(code, self.rel, mark.line + 1, mark.column + 1,
                                         field=field_path(path) or None, args=args))

    def build(self, node, path: tuple) -> Any:
        if node.tag not in _ALLOWED_TAGS:
            self.problem("yaml.tag", node, path, tag=node.tag)
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for i, child in enumerate(node.value):
                mark = child.start_mark
                self.out.positions[(*path, i)] = (mark.line + 1, mark.column + 1,
                                                  mark.line + 1, mark.column + 1)
                items.append(self.build(child, (*path, i)))
            return items
        return self.scalar(node, path)

    def mapping(self, node: MappingNode, path: tuple) -> dict:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem("yaml.complex-key", key_node, path)
                continue
            key = key_node.value
            if key == "<<" and not key_node.style:
                self.problem("yaml.merge-key", key_node, path)
                continue
            if key in first_line:
                self.problem("yaml.duplicate-key", key_node, (*path, key), key=key,
                             first=first_line[key])
                continue
            first_line[key] = key_node.start_mark.line + 1
            km, vm = key_node.start_mark, value_node.start_mark
            self.out.positions[(*path, key)] = (km.line + 1, km.column + 1,
                                                vm.line + 1, vm.column + 1)
            result[key] = self.build(value_node, (*path, key))
        return result

    def scalar(self, node: ScalarNode, path: tuple) -> Any:
        text, tag = node.value, node.tag
        plain = not node.style  # libyaml gives "" for plain scalars, PyYAML None
        if tag == TAG_STR:
            if plain and path and OTHER_TOOLS_NON_TEXT.match(text):
                self.problem("yaml.needs-quotes", node, path, text=text)
            return text
        try:
            if tag == TAG_NULL:
                value: Any = None
            elif tag == TAG_BOOL:
                value = {"true": True, "false": False}[text.lower()]
            elif tag == TAG_INT:
                value = int(text)
            else:
                value = float(text)
        except (ValueError, KeyError):
            self.problem("yaml.tag", node, path, tag=tag)
            return None
        if plain and text:
            self.out.raw[path] = text
        return value


# Reading files: look before opening, never block, never follow a link out of the archive.

_SPECIAL = ((st.S_ISFIFO, "fifo"), (st.S_ISSOCK, "socket"), (st.S_ISCHR, "char-device"),
            (st.S_ISBLK, "block-device"), (st.S_ISDIR, "directory"))


def special_type(mode: int) -> str:
    """What a non-regular file is, as a word the message catalogue knows ("fifo", "socket" …)."""
    for test, name in _SPECIAL:
        if test(mode):
            return name
    return "other"


def inspect(path: Path | str, rel: str, root: Path, problems: list[Problem], *,
            folders: bool = False) -> os.stat_result | None:
    """The status of what `path` names, without opening it: a regular file (or, with `folders`, a
    folder) inside the archive, following symbolic links that stay inside. Anything else is a
    problem and None: a named pipe, socket or device (`file.special`), a link that loops, dangles
    or leaves the archive. None without a problem when the path does not exist."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        problems.append(Problem("file.unreadable", rel, args={"detail": exc.strerror or str(exc)}))
        return None
    if st.S_ISLNK(found.st_mode):
        try:
            found = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problems.append(Problem("file.symlink-loop", rel))
            elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
                problems.append(Problem("file.symlink-dangling", rel, args={"target": _link_target(path)}))
            else:
                problems.append(Problem("file.unreadable", rel, args={"detail": exc.strerror or str(exc)}))
            return None
        if not inside(path, root):
            problems.append(Problem("file.symlink", rel))
            return None
    if st.S_ISREG(found.st_mode) or (folders and st.S_ISDIR(found.st_mode)):
        return found
    problems.append(Problem("file.special", rel, args={"type": special_type(found.st_mode)}))
    return None


def inside(path: Path | str, root: Path) -> bool:
    """Whether `path`, links followed, is inside `root` (a loop or an unresolvable path is not)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
        return True
    except (ValueError, OSError):
        return False


def _link_target(path: Path | str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


class NotRegular(OSError):
    """What was opened turned out not to be a regular file (it changed since `inspect`)."""

    def __init__(self, mode: int):
        super().__init__(errno.EINVAL, special_type(mode))
        self.type = special_type(mode)


def read_file(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file, at most `limit` + 1 of them. Opened non-blocking, so that a named
    pipe put in its place after `inspect` cannot hang the read; `NotRegular` when it is not a file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not st.S_ISREG(mode):
            raise NotRegular(mode)
        handle = open(descriptor, "rb", closefd=True)  # noqa: SIM115 - closes the descriptor from here on
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        if limit is None:
            return handle.read()
        # a read sized by the file, not by the limit: a buffer of `limit` bytes shrunk to a small file stays a memory
        # mapping of its own, and 65,530 of them (vm.max_map_count) make every later allocation fail
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(min(size, limit) + 1)
        if size < len(data) <= limit:  # it grew since: the rest, up to the limit
            data += handle.read(limit + 1 - len(data))
        return data
