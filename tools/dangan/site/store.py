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

NAME = "pages.sqlite"
VERSION = 1
BUSY_SECONDS = 0.2
CHUNK = 2000  # rows a write transaction
_SCHEMA = ("CREATE TABLE IF NOT EXISTS pages (variant TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL,"
           " body TEXT NOT NULL, PRIMARY KEY (variant, key)) WITHOUT ROWID")


class PageStore:
    """Rows of one variant (public or internal). Without a usable database it stores nothing and finds nothing."""

    def __init__(self, root: Path, variant: str):
        self.variant = variant
        self.path = root / ".dangan-cache" / NAME
        self.db: sqlite3.Connection | None = None
        self.failed = False  # the store failed during the run: pages it said it had are rendered again
        self.pending: list[tuple[str, str, str, str]] = []
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
            with contextlib.suppress(OSError, sqlite3.Error):
                self.path.replace(self.path.with_name(NAME + ".damaged"))
                self.db = self._open()
        except OSError:
            self.db = None

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                db.execute("DROP TABLE IF EXISTS pages")
                db.execute(f"PRAGMA user_version = {VERSION}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(_SCHEMA)
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
        self.memory.update((key, (title, body)) for _, key, title, body in self.pending)
        self.pending.clear()
        self.failed = True

    def has(self, key: str) -> bool:
        self.used.add(key)
        if self.db is None:
            return key in self.memory
        try:
            return self.db.execute("SELECT 1 FROM pages WHERE variant = ? AND key = ?",
                                   (self.variant, key)).fetchone() is not None
        except sqlite3.Error:
            self._set_aside()
            return False

    def get(self, key: str) -> tuple[str, str] | None:
        """(title, body) of the page stored under `key`, or None."""
        self.used.add(key)
        if self.db is None:
            return self.memory.get(key)
        self.flush()
        try:
            found = self.db.execute("SELECT title, body FROM pages WHERE variant = ? AND key = ?",
                                    (self.variant, key)).fetchone()
        except sqlite3.Error:
            self._set_aside()
            return None
        return (found[0], found[1]) if found else None

    def put(self, key: str, title: str, body: str) -> None:
        self.used.add(key)
        if self.db is None:
            self.memory[key] = (title, body)
            return
        self.pending.append((self.variant, key, title, body))
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.db is None or not self.pending:
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?)", self.pending)
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

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
