"""The one in-memory index of the archive: every record, read and validated once.

Files -> index -> checks / ledgers / pages. The kind of a record comes from its
folder, its id from its file name (which must equal the record's ``id``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import conflicts, loader
from .problems import Problem, field_path
from .schemas import SchemaSet, load_schemas
from .validation import validate

POLICY_FILE = "records/policy.yaml"
RECORDS = "records"
DEFAULT_MAX_BYTES = 1024 * 1024
PARALLEL_FROM = 2000  # files to parse before a second process pays for its start
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class Record:
    kind: str
    id: str
    file: str  # relative to the archive root
    data: dict[str, Any]
    positions: dict[tuple, loader.Position]
    raw: dict[tuple, str]
    valid: bool = True  # passed its schema

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"

    def position(self, path: tuple, *, value: bool = False) -> tuple[int | None, int | None]:
        """Line and column of a field (of its key, or of its value), or of its nearest parent."""
        path = tuple(path)
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return (pos[2], pos[3]) if value else (pos[0], pos[1])
            path = path[:-1]
        return 1, 1

    def problem(self, code: str, path: tuple = (), *, value: bool = False,
                severity: str = "error", **args) -> Problem:
        line, col = self.position(path, value=value)
        return Problem(code, self.file, line, col, record=self.key,
                       field=field_path(path) or None, args=args, severity=severity)

    def get(self, *path, default=None):
        """The value at a path (`record.get("returned", "date")`), or `default` (by keyword only)."""
        if "" in path:  # `get("name", "")` would read a field named "" instead of defaulting
            raise TypeError("Record.get: pass a default as default=…, not as a path part")
        node: Any = self.data
        for part in path:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
                node = node[part]
            else:
                return default
            if node is None:
                return default
        return node


@dataclass
class Index:
    root: Path
    schemas: SchemaSet
    policy: Record | None = None
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # from reading and validating
    files: int = 0
    cache: Any = None  # a RecordCache while building

    def of(self, kind: str) -> dict[str, Record]:
        return self.records.get(kind, {})

    def get(self, kind: str, record_id: object) -> Record | None:
        """The record of a kind with an id; None for a missing record or a value that is not an id."""
        if not isinstance(record_id, str):
            return None
        return self.records.get(kind, {}).get(record_id)

    def __iter__(self) -> Iterator[Record]:
        for by_id in self.records.values():
            yield from by_id.values()

    def __len__(self) -> int:
        return sum(len(v) for v in self.records.values()) + (self.policy is not None)

    @property
    def policy_data(self) -> dict[str, Any]:
        return self.policy.data if self.policy else {}

    def overlay(self, texts: dict[str, str], removed: list[str] = ()) -> Index:
        """A new index: this one with some files' text replaced or added, and some removed."""
        changed = set(texts) | set(removed)
        other = Index(self.root, self.schemas, self.policy,
                      {kind: {rid: r for rid, r in by_id.items() if r.file not in changed}
                       for kind, by_id in self.records.items()},
                      [p for p in self.problems if p.file not in changed], self.files)
        folders = self.schemas.folders
        for rel, text in texts.items():
            parts = rel.split("/")
            if rel == POLICY_FILE:
                other.policy = _load_text(other, rel, text, "policy", "policy")
            elif len(parts) == 3 and parts[1] in folders:
                _load_text(other, rel, text, folders[parts[1]], parts[2].rsplit(".", 1)[0])
        return other


def find_root(start: Path) -> Path | None:
    """Walk up from `start` to the folder holding records/policy.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / POLICY_FILE).is_file():
            return folder
    return None


def build(root: Path, *, cache: bool = True) -> Index:
    """Read the whole archive under `root` into an index (reusing what the cache already parsed)."""
    from .record_cache import RecordCache

    root = root.resolve()
    schemas = load_schemas(root / "schemas", root)
    index = Index(root, schemas, problems=list(schemas.problems))
    if cache and not os.environ.get("DANGAN_NO_CACHE"):
        index.cache = RecordCache.open(root, schemas)
    policy_path = root / POLICY_FILE
    if not policy_path.is_file():
        index.problems.append(Problem("file.policy-missing", POLICY_FILE))
    else:
        index.policy = _load(index, policy_path, "policy", None, DEFAULT_MAX_BYTES)
    limit = (index.policy_data.get("limits") or {}).get("max_file_bytes", DEFAULT_MAX_BYTES)
    if not isinstance(limit, int):
        limit = DEFAULT_MAX_BYTES
    folders = schemas.folders
    records_dir = root / RECORDS
    pending: list = []
    for entry in _scandir(records_dir):
        rel = f"{RECORDS}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not _inside(Path(entry.path), root):
            index.problems.append(Problem("file.symlink", rel))
            continue
        if entry.is_dir():
            kind = folders.get(entry.name)
            if kind is None:
                index.problems.append(Problem("file.unknown-folder", rel,
                                              args={"folders": ", ".join(sorted(folders))}))
                continue
            index.records.setdefault(kind, {})
            for sub in _scandir(Path(entry.path)):
                _load_entry(index, root, sub, kind, limit, pending)
        elif rel != POLICY_FILE:
            index.problems.append(Problem("file.stray", rel))
    _parse_pending(index, pending)
    if index.cache is not None:
        index.cache.save()
        index.cache = None
    return index


def _conflict(root: Path, rel: str, text: str, stem: str) -> Problem:
    """Two people who took the same number (both added the file), or a conflict to resolve by hand."""
    line = conflicts.first_marker_line(text)
    ours, theirs = (loader.parse(side, rel, []).data for side in conflicts.sides(text))
    same_id = isinstance(ours, dict) and isinstance(theirs, dict) and ours.get("id") == theirs.get("id") == stem
    if same_id and conflicts.added_on_both_sides(root, rel):
        return Problem("number.duplicate", rel, line, 1, record=None, field="id",
                       args={"value_": stem, "other": "合并进来的另一份记录 (the other branch's record)",
                             "merge": True})
    return Problem("file.conflict", rel, line, 1)


def _scandir(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


def _load_entry(index: Index, root: Path, entry: os.DirEntry, kind: str, limit: int, pending: list) -> None:
    path = Path(entry.path)
    rel = path.relative_to(root).as_posix()
    if entry.name.startswith("."):
        return
    if entry.is_symlink() and not _inside(path, root):
        index.problems.append(Problem("file.symlink", rel))
        return
    if entry.is_dir() or not entry.name.endswith(YAML_SUFFIXES):
        index.problems.append(Problem("file.stray", rel))
        return
    _load(index, path, kind, rel, limit, pending)


def _load(index: Index, path: Path, kind: str, rel: str | None, limit: int,
          pending: list | None = None) -> Record | None:
    """Reuse the cached record, or read the file; parse it now, or later in `pending`."""
    rel = rel or path.relative_to(index.root).as_posix()
    index.files += 1
    problems = index.problems
    try:
        stat = path.stat()
        if stat.st_size > limit:
            problems.append(Problem("file.too-large", rel, args={"size": stat.st_size, "limit": limit}))
            return None
        cache = index.cache
        hit = cache.by_stat(rel, kind, stat) if cache else None
        if hit is None:
            raw = path.read_bytes()
            hit = cache.by_content(rel, kind, stat, raw) if cache else None
    except OSError as exc:
        problems.append(Problem("file.unreadable", rel, args={"detail": exc.strerror or str(exc)}))
        return None
    if hit is not None:
        return _reuse(index, hit)
    if pending is not None:
        pending.append((rel, kind, stat, raw))
        return None
    return _finish(index, rel, kind, stat, raw, *_parse_one(index, rel, kind, raw))


def _parse_one(index: Index, rel: str, kind: str, raw: bytes) -> tuple[Record | None, list[Problem]]:
    """Decode, parse and validate one file: its record (or None) and its problems."""
    problems: list[Problem] = []
    scratch = Index(index.root, index.schemas, problems=problems)
    text = loader.decode(raw, rel, problems)
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    record = _load_text(scratch, rel, text, kind, stem) if text is not None else None
    return record, problems


def _reuse(index: Index, hit: tuple) -> Record | None:
    record, problems = hit
    index.problems.extend(problems)
    if record is not None and record.kind != "policy":
        index.records.setdefault(record.kind, {})[record.id] = record
    return record


def _finish(index: Index, rel: str, kind: str, stat, raw: bytes, record: Record | None,
            problems: list[Problem]) -> Record | None:
    if index.cache:
        index.cache.store(rel, kind, stat, raw, record, problems)
    return _reuse(index, (record, problems))


def _progress(iterable, total: int, description: str):
    """A progress bar on the terminal (never when output goes to a file or a pipe)."""
    import sys

    if not sys.stderr.isatty():
        return iterable
    from rich.console import Console
    from rich.progress import track

    return track(iterable, total=total, description=description, console=Console(stderr=True), transient=True)


_WORKER: dict = {}


def _worker_start(root: str) -> None:
    _WORKER["index"] = Index(Path(root), load_schemas(Path(root) / "schemas", Path(root)))


def _worker_parse(chunk: list[tuple[str, str, bytes]]) -> list[tuple[Record | None, list[Problem]]]:
    index = _WORKER["index"]
    return [_parse_one(index, rel, kind, raw) for rel, kind, raw in chunk]


def _parse_pending(index: Index, pending: list) -> None:
    """Parse what the cache did not have, over the machine's cores when there is enough of it."""
    cores = min(os.cpu_count() or 1, 4)
    if len(pending) < PARALLEL_FROM or cores < 2:
        results = [_parse_one(index, rel, kind, raw) for rel, kind, _, raw in pending]
    else:
        from concurrent.futures import ProcessPoolExecutor

        items = [(rel, kind, raw) for rel, kind, _, raw in pending]
        size = max(50, len(items) // (cores * 8))
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        with ProcessPoolExecutor(cores, initializer=_worker_start, initargs=(str(index.root),)) as pool:
            done = _progress(pool.map(_worker_parse, chunks), len(chunks), f"读取 {len(items)} 个档案文件")
            results = [r for chunk in done for r in chunk]
    for (rel, kind, stat, raw), (record, problems) in zip(pending, results, strict=True):
        _finish(index, rel, kind, stat, raw, record, problems)


def _load_text(index: Index, rel: str, text: str, kind: str, stem: str) -> Record | None:
    problems = index.problems
    if conflicts.has_conflict(text):
        problems.append(_conflict(index.root, rel, text, stem))
        return None
    parsed = loader.parse(text, rel, problems)
    if parsed.data is None:
        return None
    record_id = stem if kind != "policy" else "policy"
    record = Record(kind, record_id, rel, parsed.data, parsed.positions, parsed.raw)
    if kind != "policy":
        found = parsed.data.get("id")
        if found != stem:
            problems.append(record.problem("id.filename", ("id",), value=True,
                                           found=found, expected=stem))
    validator = index.schemas.validators.get(kind)
    if validator is not None:
        errors = validate(index.schemas, validator, record)
        record.valid = not errors
        problems.extend(errors)
    if kind == "policy":
        return record
    index.records.setdefault(kind, {})[record_id] = record
    return record
