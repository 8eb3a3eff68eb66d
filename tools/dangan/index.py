"""The one in-memory index of the archive: every record by kind and id, and the lookups on them.

Files -> reader -> index -> checks / ledgers / pages. The reader (`reader.build`) fills it once;
whatever is computed from it is memoised in `derived` (the facts, the typed policy).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem
from .record import Record
from .schemas import SchemaSet

POLICY_FILE = "records/policy.yaml"
RECORDS = "records"


@dataclass
class Index:
    root: Path
    schemas: SchemaSet
    policy: Record | None = None
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # from reading and validating
    files: int = 0
    cache: Any = None  # a RecordCache while building
    notes: list[Problem] = field(default_factory=list)  # about this run, not the archive (the cache)
    derived: dict[str, Any] = field(default_factory=dict)  # views computed once from it (the facts, the typed policy)

    def of(self, kind: str) -> dict[str, Record]:
        return self.records.get(kind, {})

    def get(self, kind: str, record_id: object) -> Record | None:
        """The record of a kind with an id; None for a missing record or a value that is not an id."""
        if not isinstance(record_id, str):
            return None
        return self.records.get(kind, {}).get(record_id)

    def __iter__(self) -> Iterator[Record]:
        for by_id in self.records.values():
            yield from by_id.values()

    def __len__(self) -> int:
        return sum(len(v) for v in self.records.values()) + (self.policy is not None)

    @property
    def policy_data(self) -> dict[str, Any]:
        return self.policy.data if self.policy else {}
