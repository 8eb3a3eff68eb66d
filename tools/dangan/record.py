"""A record: one YAML file of the archive, parsed, with where each of its fields stands in the file.

Where the fields stand (`positions`) and how non-text scalars were written (`raw`) weigh more than the data
itself (about 2.5× at 100,000 records), and only a record with a problem ever needs them: a record read from
the cache, or parsed in bulk, is `detach`ed: it fetches both on first use (`record_cache.Sources`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from .loader import Position
from .paths import field_path
from .problems import Problem


class Sources(Protocol):
    """Where the records of a run get their positions and raw texts back (`record_cache.Sources`)."""

    def fetch(self, rel: str, sha1: bytes) -> tuple[dict[tuple, Position], dict[tuple, str]]: ...

    def parse(self, rel: str, sha1: bytes) -> Any: ...


class Record:
    """`data` may be given as the JSON text the record store holds (`record_cache`): it is decoded the first
    time it is used, so that a run whose rules are all answered by their cache decodes no record at all.
    A record `detach`ed from its source holds neither positions nor raw texts: both are fetched together the
    first time either is used, from where the run's sources have them (the store, or the file parsed again)."""

    __slots__ = ("_data", "_positions", "_raw", "_source", "file", "id", "kind", "valid")
    # while a list (`decoded_for_a_while`): each record decoded from the store's JSON, with that JSON, so that
    # `let_go` can hold it as such again (a site build renders 100,000 pages: their records are not all kept decoded)
    _listed: list[tuple[Record, bytes]] | None = None

    def __init__(self, kind: str, id: str, file: str, data: dict[str, Any] | bytes,
                 positions: Mapping[tuple, Position], raw: Mapping[tuple, str], valid: bool = True):
        self.kind, self.id, self.file = kind, id, file  # file: relative to the archive root
        self._data = data
        self._positions: Mapping[tuple, Position] | None = positions
        self._raw: Mapping[tuple, str] | None = raw  # the text of plain non-text scalars (`yaml.needs-quotes`)
        self._source: tuple[Sources, bytes] | None = None
        self.valid = valid  # passed its schema

    def detach(self, sources: Sources, sha1: bytes) -> None:
        """Let go of the positions and raw texts: fetched again (for the content `sha1`) if a problem needs them."""
        self._source, self._positions, self._raw = (sources, sha1), None, None

    @property
    def detached(self) -> bool:
        """Whether the positions are still where the record came from (not fetched this run)."""
        return self._positions is None

    def _fetch(self) -> None:
        if self._source is None:
            self._positions, self._raw = {}, {}
        else:
            sources, sha1 = self._source
            self._positions, self._raw = sources.fetch(self.file, sha1)

    @property
    def positions(self) -> Mapping[tuple, Position]:
        if self._positions is None:
            self._fetch()
        return self._positions

    @positions.setter
    def positions(self, value: Mapping[tuple, Position]) -> None:
        self._positions = value

    @property
    def raw(self) -> Mapping[tuple, str]:
        if self._raw is None:
            self._fetch()
        return self._raw

    @raw.setter
    def raw(self, value: Mapping[tuple, str]) -> None:
        self._raw = value

    def keep_stored(self, stored: bytes) -> None:
        """Hold the data as the record store's JSON (`record_cache`) instead of decoded: what a cold run reads is
        then held as a warm run holds it, and decoded again only if a rule reads it."""
        self._data = stored

    def may_hold(self, text: str) -> bool:
        """Whether the record's data may hold `text` in a string: False only when it is still the store's JSON
        and the text is not in it (so that a scan for a marker decodes only the records that have it)."""
        return type(self._data) is not bytes or _as_stored(text) in self._data

    def peek(self) -> dict[str, Any]:
        """The data, decoded for the caller only: a record still held as the store's JSON stays so (a pass over
        every record, as the site's backlinks make, then holds none of them decoded)."""
        if type(self._data) is bytes:
            try:
                return json.loads(self._data)
            except ValueError:
                pass
        return self.data

    def stored(self) -> bytes:
        """The data as the record store's JSON: held as such, or made as the store makes it."""
        if type(self._data) is bytes:
            return self._data
        return json.dumps(self._data, ensure_ascii=False, separators=(",", ":"), default=str).encode()

    def strings(self) -> Iterator[str]:
        """Every string value of the data (not its keys), in order; read from the store's JSON when the data is
        still held as such, without decoding it (a site build reads every record's strings, and decoded, 100,000
        records held 450 MB)."""
        if type(self._data) is not bytes:
            yield from _strings(self._data)
            return
        for token in _STRING.finditer(self._data):
            raw = token.group(1)
            if token.group(2):  # a key
                continue
            yield raw.decode("utf-8") if b"\\" not in raw else json.loads(b'"' + raw + b'"')

    def may_match(self, pattern: re.Pattern[bytes]) -> bool:
        """`may_hold` for many texts at once: `pattern` matches any of them as the store's JSON spells them
        (`stored_pattern`)."""
        return type(self._data) is not bytes or pattern.search(self._data) is not None

    @property
    def data(self) -> dict[str, Any]:
        if type(self._data) is bytes:
            try:
                stored = self._data
                self._data = json.loads(stored)
                if Record._listed is not None:
                    Record._listed.append((self, stored))
            except ValueError:  # a damaged row of the store: the file itself, read again
                parsed = self._source[0].parse(self.file, self._source[1]) if self._source else None
                self._data = parsed.data if parsed is not None else {}
        return self._data

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (self.kind, self.id, self.file, self.data, self.valid) == (other.kind, other.id, other.file,
                                                                          other.data, other.valid)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Record({self.kind!r}, {self.id!r}, {self.file!r}, valid={self.valid})"

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"

    def position(self, path: tuple, *, value: bool = False) -> tuple[int | None, int | None]:
        """Line and column of a field (of its key, or of its value), or of its nearest parent."""
        path = tuple(path)
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return (pos[2], pos[3]) if value else (pos[0], pos[1])
            path = path[:-1]
        return 1, 1

    def problem(self, code: str, path: tuple = (), *, value: bool = False,
                severity: str = "error", **args) -> Problem:
        line, col = self.position(path, value=value)
        return Problem(code, self.file, line, col, record=self.key,
                       field=field_path(path) or None, args=args, severity=severity)

    def get(self, *path, default=None):
        """The value at a path (`record.get("returned", "date")`), or `default` (by keyword only)."""
        if "" in path:  # `get("name", "")` would read a field named "" instead of defaulting
            raise TypeError("Record.get: pass a default as default=…, not as a path part")
        node: Any = self._data
        if type(node) is bytes:
            node = self.data
        return value_at(node, path, default)


def value_at(node: Any, path: tuple, default: Any = None) -> Any:
    """The value at a path of a record's data (`Record.get`, or data read with `Record.peek`), or `default`."""
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
            node = node[part]
        else:
            return default
        if node is None:
            return default
    return node


@contextlib.contextmanager
def decoded_for_a_while() -> Iterator[None]:
    """While the block runs, the records decoded from the store's JSON are listed, and `let_go` holds them as that
    JSON again (decoded again if read again). For a pass over many records that reads each a few times."""
    Record._listed = []
    try:
        yield
    finally:
        let_go()
        Record._listed = None


def let_go() -> int:
    """The records decoded since the last call (inside `decoded_for_a_while`) held as the store's JSON again."""
    listed = Record._listed
    if not listed:
        return 0
    for record, stored in listed:
        if type(record._data) is not bytes:
            record._data = stored
    count = len(listed)
    listed.clear()
    return count


_STRING = re.compile(rb'"((?:[^"\\]|\\.)*)"(:?)')  # every string of the store's JSON, in order; a key's colon


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def stored_pattern(texts: set[str]) -> re.Pattern[bytes] | None:
    """A pattern matching any of the texts inside a string of the store's JSON (`Record.may_match`); None for
    none."""
    if not texts:
        return None
    return re.compile(b"|".join(re.escape(json.dumps(t, ensure_ascii=False)[1:-1].encode()) for t in sorted(texts)))


@functools.lru_cache(maxsize=16)
def _as_stored(text: str) -> bytes:
    """A text as the store's JSON spells it inside a string."""
    return json.dumps(text, ensure_ascii=False)[1:-1].encode()
