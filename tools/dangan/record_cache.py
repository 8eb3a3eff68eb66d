"""The cache of parsed and validated records, in `.dangan-cache/` (git-ignored).

An entry is keyed by the file's path and content (SHA-1 of its bytes), under the digest
of the schemas and of this package's loader: change a schema or upgrade Dangan and the
whole cache is set aside. A file whose size and modification time are unchanged is not
even read again. What a cached entry holds is exactly what reading the file would give:
the record (or none) and the problems of reading and validating it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any

from .loader import read_file
from .schemas import SchemaSet

VERSION = 1
NAME = f"records-v{VERSION}.pickle"
RACY_NS = 2_000_000_000


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for name in ("loader.py", "validation.py", "index.py", "schemas.py", "problems.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class RecordCache:
    def __init__(self, path: Path, key: str, entries: dict[str, tuple], saved_ns: int = 0):
        self.path, self.key, self.saved_ns = path, key, saved_ns
        self.old = entries  # rel -> (kind, size, mtime_ns, sha1, record, problems)
        self.new: dict[str, tuple] = {}

    @classmethod
    def open(cls, root: Path, schemas: SchemaSet) -> RecordCache:
        digest = hashlib.sha1(_code_digest().encode())
        for kind in sorted(schemas.raw):
            digest.update(pickle.dumps(schemas.raw[kind]))
        digest.update(pickle.dumps(sorted(p.code for p in schemas.problems)))
        key = digest.hexdigest()
        path = root / ".dangan-cache" / NAME
        entries: dict = {}
        saved_ns = 0
        try:
            found = pickle.loads(read_file(path))  # never blocks on a named pipe in its place
            if isinstance(found, dict) and found.get("key") == key:
                entries, saved_ns = found["entries"], found["saved_ns"]
        except Exception:  # unreadable, damaged or from another version: a cache is only ever set aside
            entries, saved_ns = {}, 0
        return cls(path, key, entries, saved_ns)

    def by_stat(self, rel: str, kind: str, stat: os.stat_result) -> tuple | None:
        """Reuse without reading when size and mtime are unchanged, unless the file was written so
        close to when the cache was saved that a later edit could share its timestamp ("racy" files,
        as git calls them): those are compared by content."""
        entry = self.old.get(rel)
        racy = stat.st_mtime_ns >= self.saved_ns - RACY_NS
        if entry and not racy and entry[0] == kind and entry[1] == stat.st_size and entry[2] == stat.st_mtime_ns:
            self.new[rel] = entry
            return entry[4], entry[5]
        return None

    def by_content(self, rel: str, kind: str, stat: os.stat_result, raw: bytes) -> tuple | None:
        entry = self.old.get(rel)
        if entry and entry[0] == kind and entry[3] == hashlib.sha1(raw).digest():
            self.new[rel] = (kind, stat.st_size, stat.st_mtime_ns, entry[3], entry[4], entry[5])
            return entry[4], entry[5]
        return None

    def store(self, rel: str, kind: str, stat: os.stat_result, raw: bytes, record: Any, problems: list) -> None:
        self.new[rel] = (kind, stat.st_size, stat.st_mtime_ns, hashlib.sha1(raw).digest(), record, list(problems))

    def save(self) -> str | None:
        """Write what this run read; the reason when the cache cannot be written (a read-only checkout
        still works, only slower: the caller says so)."""
        if self.new == self.old:
            return None
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            with open(temporary, "wb") as handle:
                pickle.dump({"key": self.key, "entries": self.new, "saved_ns": time.time_ns()}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return f"{exc.strerror or exc}: {exc.filename or self.path.parent}"
        return None
