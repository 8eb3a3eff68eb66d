"""Finding records as people name them, and what concerns some files: the records that reference a record in
them, the problems to report when only those files (or a commit's changes) are asked about."""

from __future__ import annotations

from collections.abc import Iterable

from .index import Index
from .problems import Problem
from .record import Record
from .schemas import values_at

# the archive as a whole and its policy: any change may break or mend them, so they are always reported
ARCHIVE_WIDE = frozenset({"records", "records/policy.yaml"})


def find(index: Index, ident: str) -> Record | None:
    """A record by its id (the first of any kind that bears it) or by `kind/id`."""
    if "/" in ident:
        kind, _, rid = ident.partition("/")
        return index.get(kind, rid)
    return next((r for r in index if r.id == ident), None)


def record_file(index: Index, ident: str, known: Iterable[str]) -> str | None:
    """The file of the record `ident` (`find`), else the first of `known` files named after it (a record the
    history knows but the archive no longer holds)."""
    record = find(index, ident)
    if record is not None:
        return record.file
    stem = ident.split("/")[-1]
    return next((p for p in known if p.rsplit("/", 1)[-1].rsplit(".", 1)[0] == stem), None)


def within(file: str, paths: Iterable[str]) -> bool:
    """`file` is one of `paths` or lies in one of those folders."""
    return any(file == p or file.startswith(p.rstrip("/") + "/") for p in paths)


def referencing(index: Index, paths: list[str]) -> set[str]:
    """Files of the records that name a record in `paths` (a changed id breaks them too)."""
    named = {(r.kind, r.id) for r in index if within(r.file, paths)}
    out = set()
    for record in index:
        for info in index.schemas.references.get(record.kind, ()):
            if any((info.ref, v) in named for _, v in values_at(record.data, info.path)):
                out.add(record.file)
                break
    return out


def concerning_paths(index: Index, problems: list[Problem], paths: list[str]) -> list[Problem]:
    """The problems in `paths` (archive-relative; `.` is the whole archive) and in the records that reference a
    record there."""
    everything = any(p in ("", ".") for p in paths)
    files = {p.file for p in problems if everything or within(p.file, paths)} | referencing(index, paths)
    return [p for p in problems if p.file in files]


def concerning_changes(problems: list[Problem], changed: set[str]) -> list[Problem]:
    """The problems in the `changed` files, and those of the archive as a whole and of its policy."""
    return [p for p in problems if p.file in changed or p.file in ARCHIVE_WIDE]
