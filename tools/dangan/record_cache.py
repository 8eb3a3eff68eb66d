"""The store of parsed and validated records: `.dangan-cache/records.sqlite` (git-ignored).

One row per file: its path, kind, size, modification time, content hash (git's blob id), the
record's data, the problems of reading and validating it and, apart, where its fields stand. A run
reads the rows of the files it meets, one at a time, and writes only the rows of the files that
changed: nothing is loaded or rewritten whole. Rows are plain data (JSON text and an array of
integers), never pickles: a cache someone else can write must not be able to run code here.

Every row carries the key of the schemas and of this package's reading code (`_code_digest`): change
a schema or upgrade Dangan and every row is a miss (and replaced when its file is read again). A file
whose size and modification time are those of its row is not even read, unless it was written so
close to when the row was stored that a later edit could share its timestamp ("racy", as git says):
those are compared by content. What a row gives back is exactly what reading the file would give.

Two processes at once: SQLite's own locking, in WAL mode (readers never wait for a writer), writes in
short transactions with a short busy timeout. A store that is busy is skipped for this run; one that
is damaged is set aside; one that cannot be written is reported (`cache.unwritable`) — never a crash,
never a wrong answer. Positions (`Record.detach`) are fetched only for records that have a problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat as st
import time
from array import array
from pathlib import Path
from typing import Any

from .loader import Position, decode, parse, read_file
from .problems import Problem, Words
from .record import Record
from .schemas import SchemaSet

VERSION = 3
NAME = "records.sqlite"
RACY_NS = 2_000_000_000
BUSY_SECONDS = 0.2  # a writer waits this long for another; then this run's rows are not stored
CHUNK = 2000  # rows a write transaction: another process never waits long for the lock
FLUSH = 10_000  # rows held before they are written (a cold run holds no more than these)
_SIDE_FILES = ("", "-wal", "-shm", "-journal")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL,"
    " size INTEGER NOT NULL, stamp INTEGER NOT NULL, sha1 BLOB NOT NULL, stored_ns INTEGER NOT NULL,"
    " id TEXT, valid INTEGER, data TEXT, problems TEXT)",
    "CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, key TEXT NOT NULL, sha1 BLOB NOT NULL,"
    " positions BLOB NOT NULL, raw TEXT)",
)
_ROWS = ("SELECT path, key, kind, size, stamp, sha1, stored_ns, id, valid, CAST(data AS BLOB), problems"
         " FROM records WHERE key = ?")  # the data as UTF-8 bytes: decoded only if a rule reads it (`Record.data`)


class Unusable(Exception):
    """The store cannot be used at all this run (the reason is for `cache.unwritable`)."""


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for name in ("loader.py", "validation.py", "index.py", "schemas.py", "problems.py", "record.py",
                 "record_cache.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def stamp(stat: os.stat_result) -> int:
    """What a file's status says of its version, as git's index keeps it: modification and change times,
    inode and mode (a `chmod` or a replaced file is looked at again, as `core.trustctime` does)."""
    return hash((stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_mode))


def content_id(raw: bytes) -> bytes:
    """git's blob id of a file's bytes: the same hash git holds for a committed file."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.digest()


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the store at `path`, only ever to a regular file: a symbolic link, named pipe or socket
    in its place (or in a side file's) is removed first (SQLite would follow or block on it), a folder makes
    the store `Unusable`. Never runs code the file holds: no extensions, no untrusted schema functions."""
    folder = path.parent
    try:
        if create:
            folder.mkdir(exist_ok=True)
        if not st.S_ISDIR(os.lstat(folder).st_mode):
            raise Unusable(f"not a folder: {folder}")
        for suffix in _SIDE_FILES:
            _clear_special(Path(f"{path}{suffix}"))
        if create:  # the system's own words for why not (SQLite only says it cannot open the file)
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | _NOT_FOLLOWED, 0o644))
        elif not path.exists():
            raise Unusable("no store")
        db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise Unusable(_reason(exc, folder)) from None
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        with contextlib.suppress(sqlite3.OperationalError):  # read-only: reads still work
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        if create and db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            _create(db)
    except sqlite3.Error:
        db.close()
        raise
    return db


# POSIX only (Windows has none of them, nor named pipes in a folder: `_clear_special` has removed any link)
_NOT_FOLLOWED = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def clear_special(path: Path) -> None:
    """Remove a link, named pipe or socket at a SQLite store's path or a side file's (SQLite would follow or block on
    it); a folder there is `IsADirectoryError`. Every store under .dangan-cache/ goes through this."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if st.S_ISDIR(mode):
        raise IsADirectoryError(f"a folder in the way: {path}")
    if not st.S_ISREG(mode):
        path.unlink()


def _clear_special(path: Path) -> None:
    try:
        clear_special(path)
    except IsADirectoryError as exc:
        raise Unusable(str(exc)) from None


def _create(db: sqlite3.Connection) -> None:
    """Make (or remake, for another layout of the store) the tables."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            for table in ("records", "sources"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _reason(exc: BaseException, where: Path) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename or where}"
    return f"{exc}: {where}"


def set_aside(path: Path) -> None:
    """Move a damaged store out of the way (kept beside, for whoever wants to look at it)."""
    with contextlib.suppress(OSError):
        os.replace(path, f"{path}.damaged")
    for suffix in _SIDE_FILES[1:]:
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _locked(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def _damaged(exc: sqlite3.Error) -> bool:
    """Not a store (or a broken one), as opposed to a store we may not write or that is busy."""
    return not isinstance(exc, sqlite3.OperationalError) or "malformed" in str(exc) or "no such" in str(exc)


# Problems and sources as plain data.

def _problems_text(problems: list[Problem]) -> str | None:
    """JSON of the problems (None for none); TypeError for a value JSON cannot hold exactly."""
    if not problems:
        return None
    return json.dumps([[p.code, p.file, p.line, p.column, p.record, p.field, _args(p.args), p.severity]
                       for p in problems], ensure_ascii=False, separators=(",", ":"), default=_refuse)


def _args(args: dict[str, Any]) -> list:
    return [[name, 1, [str(v), v.en]] if isinstance(v, Words) else [name, 0, _exact(v)] for name, v in args.items()]


def _exact(value: Any) -> Any:
    """A value that comes back from JSON as it went in; TypeError for anything else (a tuple, a date …)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if type(value) is list:
        return [_exact(v) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {k: _exact(v) for k, v in value.items()}
    raise TypeError(type(value).__name__)


def _refuse(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def _problems_from(text: str | None) -> list[Problem]:
    if not text:
        return []
    return [Problem(code, file, line, column, record, field,
                    {name: Words(*v) if tag else v for name, tag, v in args}, severity)
            for code, file, line, column, record, field, args, severity in json.loads(text)]


def pack(positions: dict[tuple, Position], raw: dict[tuple, str]) -> tuple[bytes, str | None]:
    """Positions as one array of integers in the order of the record's fields (the order the loader met them
    and the order of its data), and the raw texts by their field's place in that order."""
    flat = array("I")
    places = {}
    for n, (path, position) in enumerate(positions.items()):
        flat.extend(position)
        if path in raw:
            places[n] = raw[path]
    text = json.dumps(list(places.items()), ensure_ascii=False, separators=(",", ":")) if places else None
    return flat.tobytes(), text


def unpack(data: Any, blob: bytes, text: str | None) -> tuple[dict, dict] | None:
    """`pack` undone against the record's data; None when they do not fit (a newer file, another loader)."""
    paths: list[tuple] = []
    _paths(data, (), paths)
    flat = array("I")
    flat.frombytes(blob)
    if len(flat) != 4 * len(paths):
        return None
    positions = {path: tuple(flat[4 * n:4 * n + 4]) for n, path in enumerate(paths)}
    raw = {paths[n]: value for n, value in json.loads(text)} if text else {}
    return positions, raw


def _paths(node: Any, path: tuple, out: list[tuple]) -> None:
    """Every field's path, depth first, in the loader's order (`loader._Builder`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*path, key))
            _paths(value, (*path, key), out)
    elif isinstance(node, list):
        for n, value in enumerate(node):
            out.append((*path, n))
            _paths(value, (*path, n), out)


class Sources:
    """Where the records of one run get their positions back: the store's row (when its content is the same),
    else the file parsed again (when it has not changed since), else none (a problem then points at line 1)."""

    def __init__(self, root: Path, path: Path | None, key: str | None):
        self.root, self.path, self.key = root, path, key
        self.db: sqlite3.Connection | None = None
        self.tried = False

    def open(self) -> None:
        """Connect now (cheap): the index keeps its way back to its positions even if the archive's folder is
        moved or renamed while it is in use (an open file stays open)."""
        if self.path is not None and not self.tried:
            self.tried = True
            with contextlib.suppress(Unusable, sqlite3.Error):
                self.db = connect(self.path, create=False)

    def fetch(self, rel: str, sha1: bytes) -> tuple[dict, dict]:
        found = self._stored(rel, sha1)
        return found or self._parsed_again(rel, sha1) or ({}, {})

    def _stored(self, rel: str, sha1: bytes) -> tuple[dict, dict] | None:
        if self.path is None:
            return None
        try:
            self.open()
            if self.db is None:
                return None
            row = self.db.execute("SELECT s.positions, s.raw, r.data FROM sources s JOIN records r USING (path) "
                                  "WHERE path = ? AND s.key = ? AND s.sha1 = ? AND r.key = ? AND r.sha1 = ?",
                                  (rel, self.key, sha1, self.key, sha1)).fetchone()
            return unpack(json.loads(row[2]), row[0], row[1]) if row and row[2] else None
        except (Unusable, sqlite3.Error, ValueError):
            return None

    def _parsed_again(self, rel: str, sha1: bytes) -> tuple[dict, dict] | None:
        parsed = self.parse(rel, sha1)
        return (parsed.positions, parsed.raw) if parsed is not None else None

    def parse(self, rel: str, sha1: bytes):
        """The file parsed again (`loader.parse`), if its content is still the one with id `sha1`."""
        try:
            raw = read_file(self.root / rel)
        except OSError:
            return None
        if content_id(raw) != sha1:
            return None
        text = decode(raw, rel, [])
        parsed = parse(text, rel, []) if text is not None else None
        return parsed if parsed is not None and parsed.data is not None else None


def detach(record: Record, sources: Sources, sha1: bytes) -> None:
    """Let go of a record's positions and raw texts: fetched again from `sources` if a problem needs them."""
    record.detach(sources, sha1)


def key_of(schemas: SchemaSet) -> str:
    """The key of the rows this code and these schemas wrote (`RecordCache`)."""
    digest = hashlib.sha1(_code_digest().encode())
    for kind in sorted(schemas.raw):
        digest.update(json.dumps(schemas.raw[kind], sort_keys=True).encode())
    digest.update(json.dumps(sorted(p.code for p in schemas.problems)).encode())
    return digest.hexdigest()


def parsed_by_content(root: Path, schemas: SchemaSet):
    """A lookup of the parsed data the store holds by content id (git's blob id, hex): {id: data} for those of
    `wanted` it holds, as `loader.parse` gave them. The history reads most versions of the files from here
    instead of parsing them again (a first commit holds the files just read). None without a store."""
    key = key_of(schemas)
    try:
        db = connect(root / ".dangan-cache" / NAME, create=False)
        if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            db.close()
            return None
    except (Unusable, sqlite3.Error):
        return None
    rows: dict[str, int] = {}

    def lookup(wanted: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        try:
            if not rows:
                rows.update((bytes(sha1).hex(), rowid) for rowid, sha1 in db.execute(
                    "SELECT rowid, sha1 FROM records WHERE key = ? AND data IS NOT NULL", (key,)))
            for blob in wanted:
                rowid = rows.get(blob)
                found = db.execute("SELECT data FROM records WHERE rowid = ? AND key = ? AND sha1 = ?",
                                   (rowid, key, bytes.fromhex(blob))).fetchone() if rowid is not None else None
                if found and found[0]:
                    out[blob] = json.loads(found[0])
        except (sqlite3.Error, ValueError):
            return out
        return out
    return lookup


class RecordCache:
    """The store as one run of the reader uses it: look up each file met, remember what to write, write it."""

    def __init__(self, root: Path, key: str):
        self.root, self.key = root, key
        self.path = root / ".dangan-cache" / NAME
        self.sources = Sources(root, self.path, key)
        self.db: sqlite3.Connection | None = None
        self.failure: str | None = None  # why the store could not be used or written
        self.damaged = False
        self.seen: set[str] = set()
        self.new: list[tuple] = []  # rows to write
        self.new_sources: list[tuple] = []
        self.touched: list[tuple] = []  # rows whose file changed time but not content
        self.row: tuple[str, tuple | None] = ("", None)
        self.rows: dict[str, tuple] | None = None  # this run's rows by path, read at the first lookup
        # rows are stored as of when this run began: every file it read was read after that, so a file written
        # less than RACY_NS before it may have changed again within its timestamp's tick (`by_stat`)
        self.started = time.time_ns()

    @classmethod
    def open(cls, root: Path, schemas: SchemaSet) -> RecordCache:
        cache = cls(root, key_of(schemas))
        cache._connect()
        return cache

    def _connect(self) -> None:
        try:
            self.db = connect(self.path, create=True)
        except Unusable as exc:  # cannot be written; what it holds may still be read (a read-only checkout)
            self.failure = str(exc)
            with contextlib.suppress(Unusable, sqlite3.Error):
                self.db = connect(self.path, create=False)
                if self.db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                    self.close()
        except sqlite3.Error as exc:
            self._failed(exc)
            if self.damaged:  # a new store in its place, for this run already
                set_aside(self.path)
                self.damaged = False
                with contextlib.suppress(Unusable, sqlite3.Error):
                    self.db = connect(self.path, create=True)

    def _failed(self, exc: sqlite3.Error) -> None:
        """Stop using the store for this run; a damaged one is set aside when the run saves."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
        if _damaged(exc):
            self.damaged = True
        elif not _locked(exc):
            self.failure = _reason(exc, self.path)

    def _fetch(self, rel: str) -> tuple | None:
        if self.row[0] == rel:
            return self.row[1]
        if self.rows is None:
            self.rows = self._all_rows()
        row = self.rows.pop(rel, None)  # each file is met once: its row is let go of as it becomes a record
        self.row = (rel, row)
        return row

    def _all_rows(self) -> dict[str, tuple]:
        """Every row of this code and schema set, in one ordered scan (a lookup per path costs six times more)."""
        if self.db is None:
            return {}
        try:
            return {row[0]: row[1:] for row in self.db.execute(_ROWS, (self.key,))}
        except sqlite3.Error as exc:
            self._failed(exc)
            return {}

    def by_stat(self, rel: str, kind: str, stat: os.stat_result) -> tuple | None:
        """Reuse without reading when size and mtime are unchanged, unless the file was written so close to
        when its row was stored that a later edit could share its timestamp: those are compared by content."""
        self.seen.add(rel)
        row = self._fetch(rel)
        if row is None or row[1] != kind or row[2] != stat.st_size or row[3] != stamp(stat):
            return None
        if stat.st_mtime_ns >= row[5] - RACY_NS:
            return None
        return self._hit(rel, row)

    def by_content(self, rel: str, kind: str, stat: os.stat_result, raw: bytes) -> tuple | None:
        row = self._fetch(rel)
        if row is None or row[1] != kind or row[4] != content_id(raw):
            return None
        hit = self._hit(rel, row)
        if hit is not None:  # the next run knows it by its time again
            self.touched.append((stat.st_size, stamp(stat), self.started, rel, row[4]))
        return hit

    def _hit(self, rel: str, row: tuple) -> tuple | None:
        _, kind, _, _, sha1, _, rid, valid, data, problems = row
        try:
            record = None
            if data is not None:
                record = Record(kind, rid, rel, bytes(data), {}, {}, bool(valid))
                detach(record, self.sources, sha1)
            return record, _problems_from(problems), sha1
        except (ValueError, TypeError):  # a row that is not what this code writes: read the file
            return None

    def store(self, rel: str, kind: str, stat: os.stat_result, raw: bytes, record: Record | None,
              problems: list[Problem], source: tuple[bytes, str | None] | None) -> bytes:
        """Remember the row of a file read this run; its content id (where the record's positions come back from)."""
        sha1 = content_id(raw)
        try:
            data = None if record is None else json.dumps(record.data, ensure_ascii=False, separators=(",", ":"))
            row = (rel, self.key, kind, stat.st_size, stamp(stat), sha1, 0,
                   None if record is None else record.id, None if record is None else int(record.valid),
                   data, _problems_text(problems))
        except (TypeError, ValueError):  # not plain data: this file is simply read again next time
            return sha1
        self.new.append(row)
        if record is not None:  # held as the store holds it, decoded again if a rule reads it (as in a warm run)
            record.keep_stored(data.encode())
        if source is not None:
            self.new_sources.append((rel, self.key, sha1, *source))
        if len(self.new) >= FLUSH and self.db is None and not self.failure:
            self._flush()  # a cold run (after the parse's processes started): rows written as they come
        return sha1

    def _flush(self) -> None:
        """Write the rows so far (the connection for reading is closed by then, `close`)."""
        failure = self.save(forget=False)
        if failure:
            self.failure = failure
        self.new, self.new_sources, self.touched = [], [], []

    def close(self) -> None:
        """Let go of the connection (before worker processes fork: a child must never hold it)."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
        self.row = ("", None)

    def save(self, *, forget: bool = True) -> str | None:
        """Write the rows of what changed (and, with `forget`, delete those of files no longer there); the reason
        when the store cannot be written (a read-only checkout still works, only slower: the caller says so).
        A busy store is left to the other process."""
        self.close()
        if self.damaged:
            set_aside(self.path)
            self.damaged = False
        if self.failure:
            return self.failure
        try:
            db = connect(self.path, create=True)
        except Unusable as exc:
            return str(exc)
        except sqlite3.Error as exc:
            return None if _locked(exc) else _reason(exc, self.path)
        try:
            self._write(db, forget)
        except UnicodeError as exc:  # text SQLite cannot hold (the loader lets none through): not stored
            return str(exc)
        except sqlite3.Error as exc:
            if _damaged(exc):
                db.close()
                set_aside(self.path)
                return None
            return None if _locked(exc) else _reason(exc, self.path)
        finally:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        return None

    def _write(self, db: sqlite3.Connection, forget: bool) -> None:
        rows = [(*row[:6], self.started, *row[7:]) for row in self.new]
        writes = [("INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows),
                  ("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)", self.new_sources),
                  ("UPDATE records SET size = ?, stamp = ?, stored_ns = ? WHERE path = ? AND sha1 = ?",
                   self.touched)]
        for statement, items in writes:
            for start in range(0, len(items), CHUNK):
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany(statement, items[start:start + CHUNK])
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        if forget:
            self._forget(db)

    def _forget(self, db: sqlite3.Connection) -> None:
        """Delete the rows of files no longer there (cheap to find out: only when there are more rows than files)."""
        if db.execute("SELECT count(*) FROM records").fetchone()[0] <= len(self.seen):
            return
        gone = [(p,) for (p,) in db.execute("SELECT path FROM records") if p not in self.seen]
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM records WHERE path = ?", gone)
            db.executemany("DELETE FROM sources WHERE path = ?", gone)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
