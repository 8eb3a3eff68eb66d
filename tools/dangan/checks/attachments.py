"""Fixity: every scanned file a record lists exists under `attachments/` with the
SHA-256 it records, and no file there is unreferenced. Each scan is hashed again only when its file
changed (`fixity.Hashes`); the records that list scans are found without reading the others
(`fixity.listed`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .. import fixity
from ..facts import Facts
from ..fixity import ATTACHMENTS
from ..index import Index
from ..problems import Problem


def check_attachments(index: Index, f: Facts) -> Iterator[Problem]:
    folder = index.root / ATTACHMENTS
    referenced: set[str] = set()
    hashes = fixity.Hashes(index.root, cached=index.use_cache)
    for record, path, entry in fixity.listed(index):
        yield from _one(record, path, entry, folder, referenced, hashes)
    if folder.is_dir():
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = file.relative_to(folder).as_posix()
            if rel not in referenced and not rel.startswith("."):
                yield Problem("attachment.unreferenced", f"{ATTACHMENTS}/{rel}")
    hashes.save()


def _one(record, path, entry, folder: Path, referenced: set[str], hashes: fixity.Hashes) -> Iterator[Problem]:
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
    elif entry.get("sha256") and hashes.of(target, Path(rel).as_posix()) != entry["sha256"]:
        yield record.problem("attachment.hash", (*path, "sha256"), value=True, file=rel)
