"""Fixity: every scanned file a record lists exists under `attachments/` with the
SHA-256 it records, and no file there is unreferenced."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from ..facts import Facts
from ..index import Index
from ..problems import Problem
from ..schemas import values_at

ATTACHMENTS = "attachments"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_attachments(index: Index, f: Facts) -> Iterator[Problem]:
    folder = index.root / ATTACHMENTS
    referenced: set[str] = set()
    for kind in index.schemas.kinds:
        patterns = [info.path for info in index.schemas.fields(kind).values() if info.path[-1:] == ("files",)]
        for record in index.of(kind).values():
            for pattern in patterns:
                for path, files in values_at(record.data, pattern):
                    for i, entry in enumerate(files if isinstance(files, list) else []):
                        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                            yield from _one(record, (*path, i), entry, folder, referenced)
    if folder.is_dir():
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = file.relative_to(folder).as_posix()
            if rel not in referenced and not rel.startswith("."):
                yield Problem("attachment.unreferenced", f"{ATTACHMENTS}/{rel}")


def _one(record, path, entry, folder: Path, referenced: set[str]) -> Iterator[Problem]:
    rel = entry["path"]
    target = (folder / rel).resolve()
    try:
        target.relative_to(folder.resolve())
    except ValueError:
        yield record.problem("attachment.outside", (*path, "path"), value=True, file=rel)
        return
    referenced.add(Path(rel).as_posix())
    if not target.is_file():
        yield record.problem("attachment.missing", (*path, "path"), value=True, file=rel)
    elif entry.get("sha256") and _sha256(target) != entry["sha256"]:
        yield record.problem("attachment.hash", (*path, "sha256"), value=True, file=rel)
