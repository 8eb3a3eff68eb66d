"""Reading the archive into its index: files -> cache -> parse -> validate, every record once.

The kind of a record comes from its folder, its id from its file name (which must equal the
record's ``id``). The reader runs no git: a file with merge-conflict markers is reported as
such, and the checker asks git whether two people took the same number (`checks.numbering`).

Every entry of ``records/`` and of each kind folder is accounted for, looked at (lstat) before
anything opens it: a record is a regular file named ``<id>.yaml``; anything else is a problem —
named pipes, sockets and devices, symbolic links that loop, dangle or leave the archive, ``.yml``
and other suffixes, an empty or dotted stem, control characters in a name, hidden files (a hidden
``.KH0001.yaml`` is an error: a whole record nobody sees; other dotfiles a warning). Only
``.gitkeep`` is allowed silently: git records no empty folder, and that empty file is the usual
way to keep a kind folder that has no records yet.

Some faults make the archive unusable rather than wrong (`unusable`): schemas that cannot be read
or compiled, a folder that cannot be read; and, for every command but ``dangan check``, which
reports it, a policy that is missing, unreadable or fails its schema.
"""

from __future__ import annotations

import os
import stat as st
import unicodedata
from pathlib import Path

from . import conflicts, loader
from .index import POLICY_FILE, RECORDS, Index
from .policy import read as read_policy
from .problems import ERROR, WARNING, Problem
from .record import Record
from .record_cache import content_id
from .schemas import load_schemas
from .validation import validate

POLICY_NAME = "policy.yaml"
DEFAULT_MAX_BYTES = 1024 * 1024
PARALLEL_FROM = 2000  # files to parse before a second process pays for its start
RECORD_SUFFIX = ".yaml"
YAML_SUFFIXES = (".yaml", ".yml")  # lower-cased: any other spelling of these is `file.suffix`
KEEP_FILE = ".gitkeep"
FOLDER_UNREADABLE = "file.folder-unreadable"
SOURCES = "record sources"  # in `Index.derived`: where the records read get their positions back (`record_cache`)
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def find_root(start: Path) -> Path | None:
    """Walk up from `start` to the folder holding records/policy.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if os.path.isfile(folder / POLICY_FILE):  # False, not an error, for a folder we may not look into
            return folder
    return None


def overlay(index: Index, texts: dict[str, str], removed: list[str] = ()) -> Index:
    """A new index: this one with some files' text replaced or added, and some removed."""
    changed = set(texts) | set(removed)
    other = Index(index.root, index.schemas, index.policy,
                  {kind: {rid: r for rid, r in by_id.items() if r.file not in changed}
                   for kind, by_id in index.records.items()},
                  [p for p in index.problems if p.file not in changed], index.files)
    other.use_cache = index.use_cache
    other.digests = {**{rel: d for rel, d in index.digests.items() if rel not in changed},
                     **{rel: content_id(text.encode("utf-8", "surrogatepass")) for rel, text in texts.items()}}
    folders = index.schemas.folders
    for rel, text in texts.items():
        parts = rel.split("/")
        if rel == POLICY_FILE:
            other.policy = _load_text(other, rel, text, "policy", "policy")
        elif len(parts) == 3 and parts[1] in folders:
            _load_text(other, rel, text, folders[parts[1]], parts[2].rsplit(".", 1)[0])
    index.carry_over(other, {folders.get(rel.split("/")[1], "") for rel in changed if rel.count("/") == 2})
    return other


def build(root: Path, *, cache: bool = True) -> Index:
    """Read the whole archive under `root` into an index (reusing what the cache already parsed).
    Never raises: what cannot be read is a problem. Without a usable schema set nothing is read."""
    from .record_cache import RecordCache, Sources

    root = root.resolve()
    schemas = load_schemas(root / "schemas", root)
    index = Index(root, schemas, problems=list(schemas.problems))
    if schemas.problems:  # no kind, no folder, no validator can be trusted: `unusable` says why
        return index
    if cache and not os.environ.get("DANGAN_NO_CACHE"):
        index.cache = RecordCache.open(root, schemas)
        index.use_cache = True
    index.derived[SOURCES] = index.cache.sources if index.cache else Sources(root, None, None)
    index.policy = _load_policy(index)
    limit = _file_limit(index)
    folders = schemas.folders
    pending: list = []
    for entry in _scandir(index, root / RECORDS, RECORDS):
        rel = f"{RECORDS}/{entry.name}"
        if entry.name == POLICY_NAME:
            continue  # read first
        found = loader.inspect(Path(entry.path), rel, root, index.problems, folders=True)
        if found is None or not _named_well(index, entry.name, rel, found, top=True):
            continue
        kind = folders.get(entry.name) if st.S_ISDIR(found.st_mode) else None
        if not st.S_ISDIR(found.st_mode):
            index.problems.append(Problem("file.stray", rel))
        elif kind is None:
            index.problems.append(Problem("file.unknown-folder", rel, args={"folders": ", ".join(sorted(folders))}))
        else:
            index.records.setdefault(kind, {})
            for sub in _scandir(index, Path(entry.path), rel):
                _load_entry(index, sub, f"{rel}/{sub.name}", kind, limit, pending)
    _parse_pending(index, pending)
    if index.cache is not None:
        failure = index.cache.save()
        if failure:
            index.notes.append(Problem("cache.unwritable", ".dangan-cache", severity=WARNING,
                                       args={"detail": failure}))
        index.cache = None
        index.derived[SOURCES].open()
    return index


def unusable(index: Index, *, policy: bool = True) -> list[Problem]:
    """What stops a command before it starts: schemas that cannot be read or compiled and folders of
    records/ that cannot be read (the archive cannot even be read whole); with `policy`, also a policy
    that is missing, unreadable, not YAML or fails its schema (`dangan check` reports that one)."""
    if index.schemas.problems:
        return list(index.schemas.problems)  # nothing else was read
    found = [p for p in index.problems if p.code == FOLDER_UNREADABLE]
    return found + policy_problems(index) if policy else found


def policy_problems(index: Index) -> list[Problem]:
    """Why the policy cannot be applied (empty when it can): its errors, when it is missing, could not be
    read as YAML or fails its schema. Rules read the policy as its schema describes it, nothing else."""
    if index.policy is not None and index.policy.valid:
        return []
    found = [p for p in index.problems if p.file == POLICY_FILE and p.severity == ERROR]
    return found or [Problem("file.policy-missing", POLICY_FILE)]


def _load_policy(index: Index) -> Record | None:
    before = len(index.problems)
    found = loader.inspect(index.root / POLICY_FILE, POLICY_FILE, index.root, index.problems)
    if found is None:
        if len(index.problems) == before:
            index.problems.append(Problem("file.policy-missing", POLICY_FILE))
        return None
    return _load(index, index.root / POLICY_FILE, "policy", POLICY_FILE, DEFAULT_MAX_BYTES, found=found)


def _file_limit(index: Index) -> int:
    """limits.max_file_bytes of a policy that passed its schema, else the default."""
    valid = index.policy is not None and index.policy.valid
    return read_policy(index.policy_data if valid else {}).limits.max_file_bytes


def _named_well(index: Index, name: str, rel: str, found: os.stat_result, *, top: bool = False) -> bool:
    """Whether an entry (of records/ with `top`, else of a kind folder) may be read as what its place holds;
    a problem for every name that may not. Folders and other files of records/ are judged by the caller."""
    if not top and name.endswith(RECORD_SUFFIX) and name[0] != "." and not st.S_ISDIR(found.st_mode):
        stem = name[: -len(RECORD_SUFFIX)]
        if stem.strip(".") and stem.isprintable():
            return True  # the usual record file, told at once (the same verdict as below)
    folder = st.S_ISDIR(found.st_mode)
    suffix = next((s for s in YAML_SUFFIXES if name.lower().endswith(s)), None)
    stem = name[: -len(suffix)] if suffix else name
    problem = None
    if suffix and not folder and not stem.strip("."):
        problem = Problem("file.name", rel, args={"name": name})
    elif name.startswith("."):
        if name == KEEP_FILE and not folder:
            return False
        hidden_record = suffix is not None and not folder
        problem = Problem("file.hidden-record" if hidden_record else "file.hidden", rel,
                          severity=ERROR if hidden_record else WARNING)
    elif top:
        return True
    elif folder or suffix is None:
        problem = Problem("file.stray", rel)
    elif not name.endswith(RECORD_SUFFIX):
        problem = Problem("file.suffix", rel, args={"expected": stem + RECORD_SUFFIX})
    elif not stem.isprintable() and any(unicodedata.category(c) in _UNPRINTABLE for c in stem):
        problem = Problem("file.name", rel, args={"name": name})
    if problem is not None:
        index.problems.append(problem)
    return problem is None


def _conflict(rel: str, text: str, stem: str) -> Problem:
    """A conflict to resolve by hand; `same_id` when both sides are the record of this file's number (two people
    may have taken the same number: `checks.numbering.check_merged_numbers` asks git)."""
    line = conflicts.first_marker_line(text)
    ours, theirs = (loader.parse(side, rel, []).data for side in conflicts.sides(text))
    same_id = isinstance(ours, dict) and isinstance(theirs, dict) and ours.get("id") == theirs.get("id") == stem
    return Problem("file.conflict", rel, line, 1, args={"same_id": same_id, "stem": stem})


def _scandir(index: Index, folder: Path, rel: str) -> list[os.DirEntry]:
    """The entries of a folder, sorted; a folder that cannot be read is `file.folder-unreadable`."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except OSError as exc:
        index.problems.append(Problem(FOLDER_UNREADABLE, rel, args={"detail": exc.strerror or str(exc)}))
        return []


def _load_entry(index: Index, entry: os.DirEntry, rel: str, kind: str, limit: int, pending: list) -> None:
    found = loader.inspect(entry.path, rel, index.root, index.problems, folders=True)
    if found is not None and _named_well(index, entry.name, rel, found):
        _load(index, entry.path, kind, rel, limit, pending, found=found)


def _load(index: Index, path: Path | str, kind: str, rel: str | None, limit: int,
          pending: list | None = None, *, found: os.stat_result | None = None) -> Record | None:
    """Reuse the cached record, or read the file; parse it now, or later in `pending`. `found` is the
    file's status from `loader.inspect`: only a regular file is ever opened, and never so that it blocks."""
    rel = rel or Path(path).relative_to(index.root).as_posix()
    index.files += 1
    problems = index.problems
    try:
        stat = found or os.stat(path)
        if stat.st_size > limit:
            problems.append(Problem("file.too-large", rel, args={"size": stat.st_size, "limit": limit}))
            return None
        cache = index.cache
        hit = cache.by_stat(rel, kind, stat) if cache else None
        if hit is None:
            raw = loader.read_file(path, limit)
            if len(raw) > limit:
                problems.append(Problem("file.too-large", rel, args={"size": len(raw), "limit": limit}))
                return None
            hit = cache.by_content(rel, kind, stat, raw) if cache else None
    except loader.NotRegular as exc:
        problems.append(Problem("file.special", rel, args={"type": exc.type}))
        return None
    except OSError as exc:
        problems.append(Problem("file.unreadable", rel, args={"detail": exc.strerror or str(exc)}))
        return None
    if hit is not None:
        return _reuse(index, rel, *hit)
    if pending is not None:
        pending.append((rel, kind, stat, raw))
        return None
    return _finish(index, rel, kind, stat, raw, *_parse_one(index, rel, kind, raw), None)


def _parse_one(index: Index, rel: str, kind: str, raw: bytes) -> tuple[Record | None, list[Problem]]:
    """Decode, parse and validate one file: its record (or None) and its problems."""
    problems: list[Problem] = []
    scratch = Index(index.root, index.schemas, problems=problems)
    text = loader.decode(raw, rel, problems)
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    record = _load_text(scratch, rel, text, kind, stem) if text is not None else None
    return record, problems


def _reuse(index: Index, rel: str, record: Record | None, problems: list[Problem], sha1: bytes) -> Record | None:
    index.problems.extend(problems)
    index.digests[rel] = sha1
    if record is not None and record.kind != "policy":
        index.records.setdefault(record.kind, {})[record.id] = record
    return record


def _finish(index: Index, rel: str, kind: str, stat, raw: bytes, record: Record | None,
            problems: list[Problem], source: tuple | None) -> Record | None:
    """Store what a file gave and keep its record, its positions let go of (`record_cache.detach`): only a
    record with a problem ever needs them again, and they weigh more than all the data."""
    from .record_cache import detach, pack

    if record is not None and source is None:
        source = pack(record.positions, record.raw)
    sha1 = index.cache.store(rel, kind, stat, raw, record, problems, source) if index.cache else content_id(raw)
    if record is not None:
        detach(record, index.derived[SOURCES], sha1)
    return _reuse(index, rel, record, problems, sha1)


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


def _worker_parse(chunk: list[tuple[str, str, bytes]]) -> list[tuple[Record | None, list[Problem], tuple | None]]:
    """Parse in a worker; positions go back packed (`record_cache.pack`), much cheaper to send than the maps."""
    from .record_cache import pack

    index = _WORKER["index"]
    out = []
    for rel, kind, raw in chunk:
        record, problems = _parse_one(index, rel, kind, raw)
        source = None
        if record is not None:
            source = pack(record.positions, record.raw)
            record.positions = record.raw = {}
        out.append((record, problems, source))
    return out


def _parse_pending(index: Index, pending: list) -> None:
    """Parse what the cache did not have, over the machine's cores when there is enough of it. Each file is
    finished (stored, its bytes let go of) as its result comes, so that a cold run never holds them all twice."""
    cores = min(os.cpu_count() or 1, 4)
    if len(pending) < PARALLEL_FROM or cores < 2:
        for n, (rel, kind, stat, raw) in enumerate(pending):
            pending[n] = None
            _finish(index, rel, kind, stat, raw, *_parse_one(index, rel, kind, raw), None)
        return
    from concurrent.futures import ProcessPoolExecutor

    if index.cache is not None:
        index.cache.close()  # no child process may hold the store's connection (it is opened again to write)
    size = max(50, len(pending) // (cores * 8))
    chunks = [[(rel, kind, raw) for rel, kind, _, raw in pending[i:i + size]] for i in range(0, len(pending), size)]
    total = len(pending)
    with ProcessPoolExecutor(cores, initializer=_worker_start, initargs=(str(index.root),)) as pool:
        done = _progress(pool.map(_worker_parse, chunks), len(chunks), f"读取 {total} 个档案文件")
        del chunks
        n = 0
        for results in done:  # in order
            for record, problems, source in results:
                rel, kind, stat, raw = pending[n]
                pending[n] = None
                n += 1
                _finish(index, rel, kind, stat, raw, record, problems, source)


def _load_text(index: Index, rel: str, text: str, kind: str, stem: str) -> Record | None:
    problems = index.problems
    if conflicts.has_conflict(text):
        problems.append(_conflict(rel, text, stem))
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
