"""A record: one YAML file of the archive, parsed, with where each of its fields stands in the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .loader import Position
from .paths import field_path
from .problems import Problem


@dataclass(slots=True)
class Record:
    kind: str
    id: str
    file: str  # relative to the archive root
    data: dict[str, Any]
    positions: dict[tuple, Position]
    raw: dict[tuple, str]
    valid: bool = True  # passed its schema

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
        node: Any = self.data
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
