"""Values computed from one record alone, kept beside its content id: the groups it belongs to and its latest
act date (`rule_cache`, `groups`, `rules.contracts.recorded_through`).

The store (`.dangan-cache/memo-v1.sqlite`) holds, per record file of the last rules' run, its content id and
kind, its keys per grouping (`keys`: members and what it depends on), and its scalar values (`scalars`: the
latest act date). Every value is computed for a record whenever the record is stored, so a file whose content
id is unchanged has all of them; the rest of the store is read only where a change reaches:

* `changed()`: the files whose content differs from the store (one scan of the ids, no record decoded);
* `files_with(name, keys)`: the files holding any of these keys, from an index of the keys;
* `latest(name)`: the greatest scalar of a name, read from the top down past the changed files.

A save writes only the changed files' rows, in one transaction that also sets a new generation: the rules'
entries that rest on the store carry it (`RuleCache.save`), so the two are used together or not at all; a
store another run wrote since this one read it is left as it is (this run's entries then rest on none). The
store holds data only; any fault in reading it sets it aside (the rules run whole) and the next save
starts it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import fixity
from .groups import GROUPINGS, Grouping
from .index import MEMO_ROWS, Index
from .record import Record
from .record_cache import clear_special
from .rules.contracts import ACT_DATE_KINDS, latest_act_day

VERSION = 1
NAME = f"memo-v{VERSION}.sqlite"
THROUGH = "through"  # the scalar: a record's latest act date (ISO)
ATTACHMENTS = "attachments"  # the scans a record lists: [[path of the entry, entry], …] as JSON
_TABLES = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE files (file TEXT PRIMARY KEY, sha BLOB, kind TEXT) WITHOUT ROWID;
CREATE TABLE keys (name TEXT, key TEXT, file TEXT);
CREATE TABLE scalars (name TEXT, value TEXT, file TEXT);
"""
_INDEXES = ("CREATE INDEX keys_by_key ON keys (name, key)", "CREATE INDEX keys_by_file ON keys (file)",
            "CREATE INDEX scalars_by_value ON scalars (name, value)", "CREATE INDEX scalars_by_file ON scalars (file)")
SIDE_FILES = ("-wal", "-shm", "-journal")
_CHUNK = 500  # SQLite's bound on the variables of one statement is far above this


def key_names(grouping: Grouping) -> tuple[str, str]:
    """The names a grouping's members and dependencies are kept under."""
    return f"{grouping.name}:m", (f"{grouping.name}:d" if grouping.depends else f"{grouping.name}:m")


class Memos:
    """The store for one run over one index (see the module's docstring)."""

    def __init__(self, index: Index, path: Path, key: str):
        self.index, self.path, self.key = index, path, key
        self.generation = ""  # of the store as read ("" when there is none)
        self._db: sqlite3.Connection | None = None
        self._opened = False
        self._stored: dict[str, tuple[bytes, str]] = {}
        self._changed: set[str] | None = None
        self._fresh: dict[str, dict[str, Any]] = {}  # per changed current file, its values
        self._by_file: dict[str, Record] | None = None

    # --- reading --------------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._db
        self._opened = True
        if not self.path.is_file() or self.path.is_symlink():
            return None
        try:
            for suffix in SIDE_FILES:  # a link, pipe or socket in a side file's place: SQLite would block on it
                clear_special(Path(f"{self.path}{suffix}"))
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA trusted_schema = OFF")
            meta = dict(db.execute("SELECT k, v FROM meta"))
            if meta.get("key") != self.key or meta.get("version") != str(VERSION) or not meta.get("generation"):
                db.close()
                return None
            read = self.index.derived.get(MEMO_ROWS)  # read already for this index or the one an act's came from
            if read is not None and read[0] == (self.key, meta["generation"]):
                self._stored = read[1]
            else:
                self._stored = {file: (bytes(sha), kind) for file, sha, kind in db.execute("SELECT * FROM files")}
                self.index.derived[MEMO_ROWS] = ((self.key, meta["generation"]), self._stored)
            self._db, self.generation = db, meta["generation"]
        except (sqlite3.Error, OSError, ValueError, TypeError):
            self._forget()
        return self._db

    def _forget(self) -> None:
        """A store that cannot be read: set aside (the rules run whole; the next save starts it again)."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db, self._stored, self.generation = None, {}, ""

    def records(self) -> dict[str, Record]:
        if self._by_file is None:
            self._by_file = {r.file: r for by_id in self.index.records.values() for r in by_id.values()}
        return self._by_file

    def usable(self) -> bool:
        return self._open() is not None

    def changed(self) -> set[str]:
        """The files whose values the store does not hold for their current content: changed, added, removed."""
        if self._changed is None:
            self._open()
            digests, current = self.index.digests, self.records()
            self._changed = {file for file, (sha, kind) in self._stored.items()
                             if file not in current or digests.get(file) != sha or current[file].kind != kind}
            self._changed |= {file for file in current if file not in self._stored}
        return self._changed

    def kind_of(self, file: str) -> str | None:
        record = self.records().get(file)
        if record is not None:
            return record.kind
        stored = self._stored.get(file)
        return stored[1] if stored else None

    def fresh(self, record: Record) -> dict[str, Any]:
        """Every value of a record, computed from it (for a changed or new record)."""
        found = self._fresh.get(record.file)
        if found is None:
            found = self._fresh[record.file] = compute(self.index, record)
        return found

    def before(self, name: str, file: str) -> list[str] | None:
        """The keys a file had in the store (before its change), or None when it was not there."""
        db = self._open()
        if db is None or file not in self._stored:
            return None
        try:
            return [k for (k,) in db.execute("SELECT key FROM keys WHERE name = ? AND file = ?", (name, file))]
        except sqlite3.Error:
            self._forget()
            return None

    def keys(self, name: str, record: Record) -> list[str]:
        """A current record's keys under a name: stored while unchanged, else computed."""
        if record.file in self.changed():
            return self.fresh(record).get(name, [])
        try:
            return [k for (k,) in self._db.execute("SELECT key FROM keys WHERE name = ? AND file = ?",
                                                   (name, record.file))]
        except sqlite3.Error:
            self._forget()
            raise Unreadable from None

    def files_with(self, name: str, keys: Iterable[str]) -> set[str]:
        """The current files holding any of these keys under a name."""
        keys = list(set(keys))
        changed, found = self.changed(), set()
        try:
            for i in range(0, len(keys), _CHUNK):
                part = keys[i:i + _CHUNK]
                found.update(file for (file,) in self._db.execute(
                    f"SELECT file FROM keys WHERE name = ? AND key IN ({','.join('?' * len(part))})", (name, *part)))
        except sqlite3.Error:
            self._forget()
            raise Unreadable from None
        found -= changed
        wanted = set(keys)
        records = self.records()
        found |= {file for file in changed if file in records
                  and not wanted.isdisjoint(self.fresh(records[file]).get(name, ()))}
        return found

    def latest(self, name: str = THROUGH) -> tuple[bool, str | None]:
        """Whether the store could tell, and the greatest value of a scalar over the current records (None when
        none has one)."""
        if self._open() is None:
            return False, None
        changed, records = self.changed(), self.records()
        best = None
        try:
            for value, file in self._db.execute(
                    "SELECT value, file FROM scalars WHERE name = ? ORDER BY value DESC", (name,)):
                if file not in changed:
                    best = value
                    break
        except sqlite3.Error:
            self._forget()
            return False, None
        for file in changed:
            record = records.get(file)
            value = self.fresh(record).get(name) if record is not None else None
            if value is not None and (best is None or value > best):
                best = value
        return True, best

    def attachments(self) -> list[tuple[Record, tuple, dict]] | None:
        """Every scan the current records list (`fixity.listed`), reading only the records that list one; None
        when the store cannot tell."""
        if self._open() is None:
            return None
        changed, records = self.changed(), self.records()
        out = []
        try:
            for value, file in self._db.execute("SELECT value, file FROM scalars WHERE name = ?", (ATTACHMENTS,)):
                if file not in changed and file in records:
                    out += [(records[file], tuple(path), entry) for path, entry in json.loads(value)]
        except (sqlite3.Error, ValueError, TypeError):
            self._forget()
            return None
        for file in changed:
            record = records.get(file)
            value = self.fresh(record).get(ATTACHMENTS) if record is not None else None
            if value:
                out += [(record, tuple(path), entry) for path, entry in json.loads(value)]
        return out

    # --- writing --------------------------------------------------------------------------------------
    def save(self) -> str:
        """Write the changed files' rows under a new generation; the generation now in force ("" on failure)."""
        changed = self.changed()
        if self._db is not None and not changed:
            return self.generation
        generation = os.urandom(8).hex()
        records = self.records()
        try:
            new = self._db is None
            db = self._create() if new else self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                now = db.execute("SELECT v FROM meta WHERE k = 'generation'").fetchone()
                if (now[0] if now else "") != self.generation:  # another run wrote it since it was read
                    db.execute("ROLLBACK")
                    self.generation = ""
                    return ""
                gone = [] if new else [(file,) for file in changed]
                for table in ("files", "keys", "scalars"):
                    db.executemany(f"DELETE FROM {table} WHERE file = ?", gone)
                rows = [records[f] for f in self.changed() if f in records and f in self.index.digests]
                db.executemany("INSERT INTO files VALUES (?, ?, ?)",
                               [(r.file, self.index.digests[r.file], r.kind) for r in rows])
                db.executemany("INSERT INTO keys VALUES (?, ?, ?)",
                               [(name, key, r.file) for r in rows for name, keys in self.fresh(r).items()
                                if isinstance(keys, list) for key in keys])
                db.executemany("INSERT INTO scalars VALUES (?, ?, ?)",
                               [(name, value, r.file) for r in rows for name, value in self.fresh(r).items()
                                if isinstance(value, str)])
                for index in _INDEXES if new else ():  # a new store's indexes built once, after its rows
                    db.execute(index)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError):
            self._forget()
            with contextlib.suppress(OSError):
                self.path.unlink()
            return ""
        self.generation = generation
        return generation

    def _create(self) -> sqlite3.Connection:
        """A new, empty store in place of whatever was there (every record is then written as changed)."""
        self._forget()
        self.path.parent.mkdir(exist_ok=True)
        for suffix in ("", *SIDE_FILES):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                os.unlink(f"{self.path}{suffix}")  # a link is removed, never followed
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA trusted_schema = OFF")
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_TABLES)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("key", self.key), ("version", str(VERSION))])
        self._db, self._stored = db, {}
        self._changed = set(self.records())  # every record is written
        return db

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


class Unreadable(Exception):
    """The store failed while being read: what rests on it is worked out whole instead."""


def compute(index: Index, record: Record) -> dict[str, Any]:
    """Every value the store keeps for a record: its keys under each grouping that covers its kind, and its
    latest act date for the kinds that have one."""
    values: dict[str, Any] = {}
    for grouping in GROUPINGS:
        if grouping.covers(record.kind) and not grouping.per_record:
            members, depends = key_names(grouping)
            values[members] = list(grouping.members(index, record))
            if grouping.depends is not None:
                values[depends] = list(grouping.depends(index, record))
    if record.kind in ACT_DATE_KINDS:
        day = latest_act_day(record)
        if day is not None:
            values[THROUGH] = day
    scans = fixity.entries(index.schemas, record)
    if scans:
        values[ATTACHMENTS] = json.dumps([[list(path), entry] for path, entry in scans], ensure_ascii=False)
    return values
