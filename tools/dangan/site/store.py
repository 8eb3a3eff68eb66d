"""The site's store of rendered pages: `.dangan-cache/pages.sqlite` (git-ignored), beside the record store.

One row per rendered page body, keyed by a hash of everything the page is made from (`records.RecordPages.key`:
its record, the records it shows, its history, the templates, the policy, the schemas, the Dangan code) or, for
a page without such a key, by its source path and a hash of its body. A build renders only the pages whose key
has no row; every other page's title and body come from here. The public and the internal build keep their rows
apart (`variant`); after a build, the rows of that variant it did not use are deleted, so the store holds one
build of each.

Plain data (text), never pickles. Never a crash and never a wrong page: a store that is busy, damaged or cannot
be written is set aside for the run (the site is then rendered whole), and `DANGAN_NO_CACHE` leaves it unused.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from ..record_cache import set_aside

NAME = "pages.sqlite"
VERSION = 2
BUSY_SECONDS = 0.2
CHUNK = 2000  # rows a write transaction
_SCHEMA = ("CREATE TABLE IF NOT EXISTS pages (variant TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL,"
           " body TEXT NOT NULL, PRIMARY KEY (variant, key)) WITHOUT ROWID")
_WRITTEN = ("CREATE TABLE IF NOT EXISTS written (variant TEXT NOT NULL, place TEXT NOT NULL, name TEXT NOT NULL,"
            " digest TEXT NOT NULL, PRIMARY KEY (variant, place, name)) WITHOUT ROWID")


class PageStore:
    """Rows of one variant (public or internal). Without a usable database it stores nothing and finds nothing."""

    def __init__(self, root: Path, variant: str):
        self.variant = variant
        self.path = root / ".dangan-cache" / NAME
        self.db: sqlite3.Connection | None = None
        self.failed = False  # the store failed during the run: pages it said it had are rendered again
        self.pending: dict[str, tuple[str, str]] = {}  # key -> (title, body), not yet written
        self.used: set[str] = set()
        self.memory: dict[str, tuple[str, str]] = {}  # without a usable database: this run's pages, held here
        if os.environ.get("DANGAN_NO_CACHE"):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
        except sqlite3.OperationalError:  # busy, or not writable: this run renders every page
            self.db = None
        except sqlite3.DatabaseError:  # damaged: set aside, and a new one started
            set_aside(self.path)  # with its write-ahead log, which a new store of that name would read
            with contextlib.suppress(OSError, sqlite3.Error):
                self.db = self._open()
        except OSError:
            self.db = None

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                db.execute("DROP TABLE IF EXISTS pages")
                db.execute("DROP TABLE IF EXISTS written")
                db.execute(f"PRAGMA user_version = {VERSION}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(_SCHEMA)
            db.execute(_WRITTEN)
            db.execute("SELECT count(*) FROM pages WHERE variant = ? AND key = ''", (self.variant,)).fetchone()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        """The store fails during the run: not used any more this run. Rows stored before cannot be read any
        more either: the run's pages are rendered (and held in memory) from here on."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
        self.memory.update(self.pending)
        self.pending.clear()
        self.failed = True

    def has(self, key: str) -> bool:
        self.used.add(key)
        if key in self.pending:
            return True
        if self.db is None:
            return key in self.memory
        try:
            return self.db.execute("SELECT 1 FROM pages WHERE variant = ? AND key = ?",
                                   (self.variant, key)).fetchone() is not None
        except sqlite3.Error:
            self._set_aside()
            return False

    def keep(self, key: str) -> None:
        """The page stored under `key` is used by this build without being read (its file is unchanged)."""
        self.used.add(key)

    def get(self, key: str) -> tuple[str, str] | None:
        """(title, body) of the page stored under `key`, or None."""
        self.used.add(key)
        if key in self.pending:
            return self.pending[key]
        if self.db is None:
            return self.memory.get(key)
        try:
            found = self.db.execute("SELECT title, body FROM pages WHERE variant = ? AND key = ?",
                                    (self.variant, key)).fetchone()
        except sqlite3.Error:
            self._set_aside()
            return None
        return (found[0], found[1]) if found else None

    def get_many(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key -> (title, body) of those of `keys` that are stored."""
        self.used.update(keys)
        found = {key: self.pending[key] for key in keys if key in self.pending}
        if self.db is None:
            found.update((key, self.memory[key]) for key in keys if key in self.memory)
            return found
        wanted = [key for key in keys if key not in found]
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(f"SELECT key, title, body FROM pages WHERE variant = ? AND key IN ({marks})",
                                       (self.variant, *chunk))
                found.update((key, (title, body)) for key, title, body in rows)
        except sqlite3.Error:
            self._set_aside()
        return found

    def put(self, key: str, title: str, body: str) -> None:
        self.used.add(key)
        if self.db is None:
            self.memory[key] = (title, body)
            return
        self.pending[key] = (title, body)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.db is None or not self.pending:
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?)",
                                    [(self.variant, key, *made) for key, made in self.pending.items()])
        except sqlite3.Error:
            self._set_aside()  # the pages not written are held in memory for this run
            return
        self.pending.clear()

    def prune(self) -> None:
        """Delete this variant's rows that the build did not use."""
        self.flush()
        if self.db is None:
            return
        try:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY) WITHOUT ROWID")
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute("DELETE FROM temp.used")
                self.db.executemany("INSERT OR IGNORE INTO temp.used VALUES (?)", ((k,) for k in self.used))
                self.db.execute("DELETE FROM pages WHERE variant = ? AND key NOT IN (SELECT key FROM temp.used)",
                                (self.variant,))
        except sqlite3.Error:
            self._set_aside()

    def written(self, place: str) -> dict[str, str]:
        """What the last build wrote to `place` (the site's folder, the search's documents): name -> digest of
        what it is made from. Empty when unknown: everything is written again."""
        if self.db is None:
            return {}
        try:
            return dict(self.db.execute("SELECT name, digest FROM written WHERE variant = ? AND place = ?",
                                        (self.variant, place)))
        except sqlite3.Error:
            self._set_aside()
            return {}

    def forget(self, place: str) -> None:
        """`place` is being rewritten: what was written there is unknown until `wrote` says it again."""
        self._write("DELETE FROM written WHERE variant = ? AND place = ?", [(self.variant, place)])

    def wrote(self, place: str, names: dict[str, str], *, alone: str = "") -> None:
        """What this build wrote to `place`; the places of this variant starting with `alone` other than `place`
        forgotten (one site folder remembered, not every folder ever built into)."""
        self._write("DELETE FROM written WHERE variant = ? AND (place = ? OR (? != '' AND substr(place, 1, ?) = ?))",
                    [(self.variant, place, alone, len(alone), alone)])
        self._write("INSERT OR REPLACE INTO written VALUES (?, ?, ?, ?)",
                    [(self.variant, place, name, digest) for name, digest in names.items()])

    def _write(self, statement: str, rows: list) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(statement, rows)
        except sqlite3.Error:
            self._set_aside()

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
