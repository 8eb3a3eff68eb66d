"""A record: one YAML file of the archive, parsed, with where each of its fields stands in the file.

Where the fields stand (`positions`) and how non-text scalars were written (`raw`) weigh more than the data
itself (about 2.5× at 100,000 records), and only a record with a problem ever needs them: a record read from
the cache, or parsed in bulk, holds them as `Lazy` mappings that fetch both on first use (`record_cache`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from .loader import Position
from .paths import field_path
from .problems import Problem


class Origin(Protocol):
    """Where a record's positions and raw texts can be had again (`record_cache.Origin`)."""

    def load(self) -> tuple[dict[tuple, Position], dict[tuple, str]]: ...

    def data(self) -> dict[str, Any] | None: ...


class Lazy(Mapping):
    """One of a record's two source maps (`part` 0: positions, 1: raw), fetched from its origin on first use."""

    __slots__ = ("origin", "part")

    def __init__(self, origin: Origin, part: int):
        self.origin, self.part = origin, part

    def _map(self) -> dict:
        return self.origin.load()[self.part]

    def get(self, key, default=None):
        return self._map().get(key, default)

    def __getitem__(self, key):
        return self._map()[key]

    def __iter__(self) -> Iterator:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())


def lazy(origin: Origin) -> tuple[Lazy, Lazy]:
    """The positions and raw maps of a record whose source is kept out of memory."""
    return Lazy(origin, 0), Lazy(origin, 1)


class Record:
    """`data` may be given as the JSON text the record store holds (`record_cache`): it is decoded the first
    time it is used, so that a run whose rules are all answered by their cache decodes no record at all."""

    __slots__ = ("_data", "file", "id", "kind", "positions", "raw", "valid")

    def __init__(self, kind: str, id: str, file: str, data: dict[str, Any] | bytes,
                 positions: Mapping[tuple, Position], raw: Mapping[tuple, str], valid: bool = True):
        self.kind, self.id, self.file = kind, id, file  # file: relative to the archive root
        self._data = data
        self.positions = positions  # a dict, or `Lazy` until a problem needs it
        self.raw = raw  # the text of plain non-text scalars, for `yaml.needs-quotes` (validation)
        self.valid = valid  # passed its schema

    @property
    def data(self) -> dict[str, Any]:
        if type(self._data) is bytes:
            try:
                self._data = json.loads(self._data)
            except ValueError:  # a damaged row of the store: the file itself, read again
                self._data = (getattr(self.positions, "origin", None) and self.positions.origin.data()) or {}
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
