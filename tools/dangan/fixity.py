"""The scans a record lists (`files: [{path, sha256}]` anywhere in it) and their SHA-256, hashed once per version.

A scan under `attachments/` is hashed again only when its file changed: its size, modification and change
times and inode are kept with its hash in `.dangan-cache/fixity-v1.json` (as git keeps a file's status in its
index), so `dangan check` reads each scan once, not every run. A file modified within two seconds of being
hashed is not kept (a same-size rewrite within the file system's timestamp granularity would look unchanged:
git's "racily clean" entries), and CI, which starts from a clean checkout, hashes every scan. The cache holds
data only; an unreadable one is set aside.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .record import Record
from .schemas import SchemaSet, values_at

ATTACHMENTS = "attachments"
NAME = "fixity-v1.json"
RACY_SECONDS = 2


def lists(schemas: SchemaSet, kind: str) -> tuple[tuple, ...]:
    """The field patterns of a kind that list scans (`…files`), found once per kind."""
    known = schemas.__dict__.setdefault("_scan_lists", {})
    if kind not in known:
        known[kind] = tuple(info.path for info in schemas.fields(kind).values() if info.path[-1:] == ("files",))
    return known[kind]


def entries(schemas: SchemaSet, record: Record) -> list[tuple[tuple, dict]]:
    """(the path of each entry, the entry) for every scan the record lists."""
    found = []
    patterns = lists(schemas, record.kind) if record.kind in schemas.kinds else ()
    for pattern in patterns:
        for path, files in values_at(record.data, pattern):
            for i, entry in enumerate(files if isinstance(files, list) else []):
                if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                    found.append(((*path, i), entry))
    return found


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Hashes:
    """Each scan's SHA-256, from the cache while its file's status is the same (see the module's docstring)."""

    def __init__(self, root: Path, *, cached: bool):
        self.path = root / ".dangan-cache" / NAME if cached and not os.environ.get("DANGAN_NO_CACHE") else None
        self.kept: dict[str, list] = {}
        self.seen: dict[str, list] = {}
        if self.path is not None and self.path.is_file() and not self.path.is_symlink():
            with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
                found = json.loads(self.path.read_text(encoding="utf-8"))
                self.kept = found if isinstance(found, dict) else {}

    def of(self, path: Path, rel: str) -> str:
        status = os.stat(path)
        key = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        kept = self.kept.get(rel)
        if isinstance(kept, list) and len(kept) == 5 and kept[:4] == key and isinstance(kept[4], str):
            self.seen[rel] = kept
            return kept[4]
        found = sha256(path)
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_SECONDS * 10**9:
            self.seen[rel] = [*key, found]
        return found

    def save(self) -> None:
        if self.path is None or self.seen == self.kept:
            return
        tmp = self.path.with_name(f".{NAME}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            tmp.write_text(json.dumps(self.seen, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def listed(index: Any) -> Iterator[tuple[Record, tuple, dict]]:
    """Every scan the archive's records list: (record, path of the entry, entry). Where the rules' cache is open,
    only the records that list one are read (`memo_store`), not every record."""
    memos = index.memo
    if memos is not None and memos.usable():
        found = memos.attachments()
        if found is not None:
            yield from found
            return
    for kind in index.schemas.kinds:
        if not lists(index.schemas, kind):
            continue
        for record in index.records.get(kind, {}).values():
            for path, entry in entries(index.schemas, record):
                yield record, path, entry
