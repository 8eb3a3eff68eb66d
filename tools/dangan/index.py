"""The one in-memory index of the archive: every record by kind and id, and the lookups on them.

Files -> reader -> index -> checks / ledgers / pages. The reader (`reader.build`) fills it once;
whatever is computed from it is memoised in `derived` (the facts, the typed policy).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem
from .record import Record
from .schemas import SchemaSet

POLICY_FILE = "records/policy.yaml"
RECORDS = "records"
GIT = "@git"  # read by whoever uses the repository's history or refs (`rule_cache`: keyed by `git.state`)
MEMO_ROWS = "memo rows"  # in `derived`: the memo store's files as read, with its generation (`memo_store`)
FINGERPRINTS = "fingerprints"  # in `derived`: kind -> (fingerprint, its records' dict, their number)
THROUGH = "@through"  # read by whoever uses the archive's own today (`rules.contracts.recorded_through`)


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
    # each record file's content id (git's blob id), as read or as an act holds it in memory (`reader.overlay`):
    # what the rules' cache tells versions apart by, so an act's records match the files it then writes
    digests: dict[str, bytes] = field(default_factory=dict)
    reads: set[str] | None = None  # while a check runs: the kinds it asked for (`rule_cache`)
    use_cache: bool = False  # built with the caches: the rules' cache is used too
    # while the rules' cache is open: the values computed from one record, kept beside its content id
    # (`memo_store.Memos`), so an unchanged record is not decoded to give them again
    memo: Any = None

    def of(self, kind: str) -> dict[str, Record]:
        if self.reads is not None:
            self.reads.add(kind)
        return self.records.get(kind, {})

    def get(self, kind: str, record_id: object) -> Record | None:
        """The record of a kind with an id; None for a missing record or a value that is not an id."""
        if self.reads is not None:
            self.reads.add(kind)
        if not isinstance(record_id, str):
            return None
        return self.records.get(kind, {}).get(record_id)

    # --- the fingerprint of a kind's records (`rule_cache`), kept while that kind's records are the same ----
    def known_print(self, kind: str) -> str | None:
        """The fingerprint computed for a kind's records, while they are the ones it was computed from."""
        found = self.derived.get(FINGERPRINTS, {}).get(kind)
        if found is None:
            return None
        value, by_id, count = found
        current = self.records.get(kind)
        return value if current is by_id and len(current or ()) == count else None

    def keep_print(self, kind: str, value: str) -> None:
        current = self.records.get(kind)
        self.derived.setdefault(FINGERPRINTS, {})[kind] = (value, current, len(current or ()))

    def carry_over(self, other: Index, changed: set[str]) -> None:
        """Give an index made from this one (an act's: `reader.overlay`) the fingerprints of the kinds whose
        records it took unchanged, and the memo store's rows as read (kept with the store's generation)."""
        if MEMO_ROWS in self.derived:
            other.derived[MEMO_ROWS] = self.derived[MEMO_ROWS]
        for kind in self.derived.get(FINGERPRINTS, {}):
            value = self.known_print(kind)
            if value is not None and kind not in changed:
                other.keep_print(kind, value)

    def note_reads(self, kinds) -> None:
        """A view built from these kinds is used: whoever uses it read them (`rule_cache`)."""
        if self.reads is not None:
            self.reads.update(kinds)

    def __iter__(self) -> Iterator[Record]:
        if self.reads is not None:
            self.reads.add("*")
        for by_id in self.records.values():
            yield from by_id.values()

    def __len__(self) -> int:
        return sum(len(v) for v in self.records.values()) + (self.policy is not None)

    @property
    def policy_data(self) -> dict[str, Any]:
        return self.policy.data if self.policy else {}

    def policy_digest(self) -> str:
        """A digest of the policy as read (what every rule's verdict rests on: `rule_cache`)."""
        text = json.dumps(self.policy_data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha1(f"{self.policy is not None and self.policy.valid}{text}".encode()).hexdigest()
