"""The history index: every commit and what it changed of the archive, read in one pass.

One `git log -z --raw` walk over every commit (parents before children; no pathspec: git
walks the whole history faster than it simplifies it to some paths) gives each commit and
the archive's blobs it changed against its first parent (`records/`, `schemas/`, the site's
configuration); one `git cat-file --batch` process gives those blobs; each blob is parsed
once and each change becomes a field-level diff of the parsed YAML. Merges are read once
more as combined diffs, for what a merge holds that none of its parents did. Signature
verdicts come from one `git log --no-walk --stdin` over the commits not verified before,
against no allowed signers at all: git then says whether a signature is cryptographically
good and by which key (`U` and a fingerprint), and `audit` decides whose key that was at
the time. Everything is cached under `.dangan-cache/`, keyed by commit id, so a later run
reads only new commits. Replace objects and grafts are never followed (`git`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import git, loader
from .paths import PathError, join, parse_path

CACHE_DIR = ".dangan-cache"
CACHE_VERSION = 2
HEAD_FILE = "head-v1.json"  # what is known of HEAD without the history (`remembered`)
PATHS = ("records", "schemas", "mkdocs.yml")  # the archive: what a commit must be signed for
_ZERO = git.ZERO
_HEADER = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s%x1f%(trailers:only,unfold)%x1f"
_MISSING = object()
# git verifies a signature against an allowed-signers file; an empty one (the null device)
# makes it say only whether the signature is good and by which key
_NO_SIGNERS = ("gpg.ssh.allowedSignersFile=" + os.devnull,)


@dataclass(slots=True)
class Commit:
    id: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: str  # ISO 8601 with offset
    committed: str
    subject: str
    trailers: dict[str, list[str]]
    signature: str = "?"  # git's %G? against no allowed signers: U good (key unknown to git), N none, B bad, …
    key: str = ""  # %GK: the fingerprint of the key that signed (SHA256:…)
    paths: tuple[str, ...] = ()  # what it changed of the archive against its first parent
    merged: tuple[MergeChange, ...] = ()  # a merge's own changes: what none of its parents held

    @property
    def day(self) -> str:
        return self.authored[:10]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def own_paths(self) -> tuple[str, ...]:
        """The paths this commit itself changed: all of them, or for a merge only what it added of its own."""
        return tuple(m.path for m in self.merged) if self.is_merge else self.paths


@dataclass(slots=True)
class MergeChange:
    path: str
    fields: tuple[tuple[str, Any, Any], ...]  # (field, value at the first parent, merged value); () for a whole file


@dataclass(slots=True)
class Change:
    commit: str
    path: str
    status: str  # A added, M modified, D deleted, R renamed
    old_path: str | None
    fields: list[tuple[str, Any, Any]]  # (field path, old value, new value); None when absent
    added: frozenset[str] = frozenset()  # field paths present after and absent before
    data: Any = None  # the parsed new content, kept for the files that make the rules (policy, staff)


@dataclass(slots=True)
class Tag:
    """A signed tag as git verified it (cached by the tag object's id)."""
    name: str
    object: str  # the tag object's id
    commit: str  # the commit it points to
    tagger: str
    email: str
    date: str
    signature: str  # G/U good, N unsigned, B bad
    key: str


@dataclass
class History:
    head: str | None = None
    commits: dict[str, Commit] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # parents before children
    changes: dict[str, list[Change]] = field(default_factory=lambda: defaultdict(list))  # path -> in walk order
    # what this machine has seen, kept across rewrites (integrity reads it)
    anchor: str | None = None  # the newest published commit (the upstream's tip) seen inside HEAD
    vanished: dict[str, str] = field(default_factory=dict)  # published commit -> the day it was found gone
    seals_seen: dict[str, str] = field(default_factory=dict)  # seal tag name -> tag object id
    tags: dict[str, Tag] = field(default_factory=dict)  # tag object id -> verdict
    shallow: bool = False  # a shallow clone: the oldest commits' parents are not here
    # the audit's findings by commit id, and the key of the rules they were judged with (`audit`)
    audits: dict[str, tuple] = field(default_factory=dict)
    audit_key: str = ""
    dirty: bool = False  # something was added since the cache was read

    def of(self, path: str) -> list[Change]:
        return self.changes.get(path, [])

    def first_setting(self, path: str, field_path: str) -> Commit | None:
        """The commit that first gave a field of a file a value."""
        for change in self.of(path):
            if field_path in change.added:
                return self.commits.get(change.commit)
        return None


GitError = git.GitError
is_repository = git.is_repository
head = git.head


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """{"handover[0].handed_on": "2024-03-13", …}: every leaf of parsed YAML by its path."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, join(prefix, str(key))))
        if not data and prefix:
            out[prefix] = {}
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(flatten(value, join(prefix, i)))
        if not data and prefix:
            out[prefix] = []
    else:
        out[prefix] = data
    return out


def unflatten(flat: dict[str, Any]) -> Any:
    """The inverse of `flatten`: nested dicts and lists again. A key that is no field path (a name with
    dots or brackets in it, which no schema has) is left out."""
    root: dict = {}
    for key, value in flat.items():
        try:
            path = parse_path(key)
        except PathError:
            continue
        node: Any = root
        for part, following in itertools.pairwise(path):
            container = [] if isinstance(following, int) else {}
            if isinstance(node, list):
                while len(node) <= part:
                    node.append(None)
                node[part] = node[part] if node[part] is not None else container
                node = node[part]
            else:
                node = node.setdefault(part, container)
        last = path[-1] if path else None
        if isinstance(node, list) and isinstance(last, int):
            while len(node) <= last:
                node.append(None)
            node[last] = value
        elif isinstance(node, dict) and last is not None:
            node[last] = value
    return root


def diff(old: Any, new: Any) -> tuple[list[tuple[str, Any, Any]], frozenset[str]]:
    before, after = flatten(old) if old is not None else {}, flatten(new) if new is not None else {}
    fields = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key, _MISSING), after.get(key, _MISSING)
        if a != b:
            fields.append((key, None if a is _MISSING else a, None if b is _MISSING else b))
    added = frozenset(k for k in after if k not in before)
    # a parent present now and not before counts as set too (e.g. "approved" for "approved.date")
    parents = {k.rsplit(".", 1)[0] for k in added if "." in k}
    return fields, added | parents


def merged_fields(parents: list[Any], merged: Any) -> tuple[tuple[str, Any, Any], ...]:
    """The fields whose merged value none of the parents held (git's combined diff, field by field)."""
    flats = [flatten(p) if p is not None else {} for p in parents]
    after = flatten(merged) if merged is not None else {}
    keys = sorted(set(after).union(*flats))
    out = []
    for key in keys:
        value = after.get(key, _MISSING)
        if all(f.get(key, _MISSING) != value for f in flats):
            first = flats[0].get(key, _MISSING) if flats else _MISSING
            out.append((key, None if first is _MISSING else first, None if value is _MISSING else value))
    return tuple(out)


def in_archive(path: str) -> bool:
    return path.startswith(("records/", "schemas/")) or path == "mkdocs.yml"


def is_record(path: str) -> bool:
    return path.startswith("records/") and path.endswith(".yaml")


def keeps_data(path: str) -> bool:
    """The files that make the rules: their content is kept for each version (`audit` rebuilds them)."""
    return path == "records/policy.yaml" or (path.startswith("records/staff/") and path.endswith(".yaml"))


def parse_blob(text: bytes | None) -> Any:
    """A file's content parsed by the strict loader, or None when it is not a readable record (never raises)."""
    if text is None:
        return None
    problems: list = []
    decoded = loader.decode(text, "", problems)
    if decoded is None:
        return None
    return loader.parse(decoded, "").data


class _Blobs:
    """Parsed blobs by id, read through one `git cat-file --batch`."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[str, Any] = {}

    def load(self, ids: set[str]) -> None:
        wanted = sorted(i for i in ids if i != _ZERO and i not in self.cache)
        if not wanted:
            return
        data = git.run(self.root, "cat-file", "--batch", input=("\n".join(wanted) + "\n").encode(), binary=True)
        assert isinstance(data, bytes)
        pos = 0
        for blob in wanted:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] != b"blob":
                self.cache[blob] = None
                continue
            size = int(header[2])
            self.cache[blob] = parse_blob(data[pos:pos + size])
            pos += size + 1

    def get(self, blob: str) -> Any:
        return None if blob == _ZERO else self.cache.get(blob)


Raw = tuple[str, str, str, str | None, str, str]  # commit, status, path, old path, old blob, new blob


def _walk(root: Path, since: str | None) -> tuple[list[Commit], list[Raw]]:
    """One `git log` pass: commits, parents first, and (commit, status, path, old path, old blob, new blob)."""
    span = [f"{since}..HEAD"] if since else ["HEAD"]
    out = git.text(root, "log", "-z", "--raw", "--no-abbrev", "-M", "--topo-order", "--reverse",
                   "--diff-merges=first-parent", f"--format={_HEADER}", *span)
    commits, changes = [], []
    for chunk in out.split("\x1e")[1:]:
        parts = chunk.split("\x1f")
        cid, parents, author, email, authored, committed, subject, trailer_text = parts[:8]
        rest = parts[8] if len(parts) > 8 else ""
        paths = []
        for status, path, old_path, old_blob, new_blob in _raw(rest):
            if old_path and in_archive(old_path) and not in_archive(path):  # moved out of the archive: deleted
                status, path, old_path, new_blob = "D", old_path, None, _ZERO
            elif old_path and not in_archive(old_path):  # moved in: added
                status, old_path, old_blob = "A", None, _ZERO
            if in_archive(path):
                changes.append((cid, status, path, old_path, old_blob, new_blob))
                paths.append(path)
        commits.append(Commit(cid, tuple(parents.split()), author, email.lower(), authored, committed, subject,
                              _trailers(trailer_text), paths=tuple(paths)))
    return commits, changes


def _raw(text: str):
    """(status, path, old path, old blob, new blob) from `--raw -z` output."""
    fields = text.strip("\n\0").split("\0")
    i = 0
    while i < len(fields):
        meta = fields[i].strip("\n")
        if not meta.startswith(":") or meta.startswith("::"):
            i += 1
            continue
        _, _, old_blob, new_blob, status = meta[1:].split(" ", 4)
        if status[0] in "RC":
            yield status[0], fields[i + 2], fields[i + 1], old_blob, new_blob
            i += 3
        else:
            yield status[0], fields[i + 1], None, old_blob, new_blob
            i += 2


def _merges(root: Path, since: str | None) -> dict[str, list[tuple[str, list[str], str]]]:
    """Each merge's paths that differ from every parent: (path, the parents' blobs, the merged blob)."""
    span = [f"{since}..HEAD"] if since else ["HEAD"]
    out = git.text(root, "log", "-z", "--raw", "--no-abbrev", "-c", "--merges", "--format=%x1e%H%x1f", *span)
    found: dict[str, list[tuple[str, list[str], str]]] = {}
    for chunk in out.split("\x1e")[1:]:
        cid, _, rest = chunk.partition("\x1f")
        entries = []
        fields = rest.strip("\n\0").split("\0")
        for i in range(0, len(fields) - 1):
            meta = fields[i].strip("\n")
            if not meta.startswith("::"):
                continue
            colons = len(meta) - len(meta.lstrip(":"))
            parts = meta[colons:].split(" ")
            blobs = parts[colons + 1: 2 * colons + 2]  # modes: colons + 1, then blobs: colons + 1
            if in_archive(fields[i + 1]):
                entries.append((fields[i + 1], blobs[:-1], blobs[-1]))
        found[cid] = entries
    return found


ACKNOWLEDGE = "Dangan-Acknowledge"  # the trailer of a commit that acknowledges earlier commits' problems


def _trailers(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()].append(value.strip())
    return dict(out)


def _verify(root: Path, ids: list[str]) -> dict[str, tuple[str, str]]:
    """git's signature verdict (%G?) and key fingerprint (%GK) for each commit."""
    if not ids:
        return {}
    out = git.text(root, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%G?%x1f%GK",
                   input="\n".join(ids) + "\n", config=_NO_SIGNERS)
    verdicts = {}
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 3:
            verdicts[parts[0]] = (parts[1], parts[2])
    return verdicts


_GOOD_TAG = re.compile(r'Good "git" signature with \S+ key (SHA256:[A-Za-z0-9+/=]+)')


def verify_tag(root: Path, name: str) -> tuple[str, str]:
    """A tag's signature: ("U", fingerprint) when good, ("N", "") when unsigned, ("B", "") otherwise."""
    result = git.completed(root, "verify-tag", "--raw", f"refs/tags/{name}", config=_NO_SIGNERS)
    found = _GOOD_TAG.search(result.stderr)
    if found:
        return "U", found.group(1)
    if "no signature found" in result.stderr.lower():
        return "N", ""
    return "B", ""


def _cache_path(root: Path) -> Path:
    return root / CACHE_DIR / f"history-v{CACHE_VERSION}.pickle"


def _shape() -> str:
    """The cached classes' fields: a cache written by another shape of them is read again from git."""
    from dataclasses import fields as fields_of

    names = [f"{c.__name__}:{','.join(f.name for f in fields_of(c))}"
             for c in (History, Commit, MergeChange, Change, Tag)]
    return digest(";".join(names))


def load(root: Path, *, save_now: bool = True) -> History:
    """The history of the archive up to HEAD, from the cache plus the commits since. Without `save_now` an
    extended history is only marked dirty: whoever judges it next (`facts.audit`) saves it once, with its
    verdicts (the cache of a 100,000-file history takes seconds to write)."""
    current = git.head(root)
    if current is None:
        return History()
    cached = _read_cache(root)
    shallow = git.is_shallow(root)
    if cached is not None and cached.shallow != shallow:  # deepened or made shallow: parents changed
        cached = None
    if cached is not None and cached.head == current:
        history = cached
    elif cached is not None and cached.head and git.is_ancestor(root, cached.head, current):
        history = _extend(root, cached, cached.head)
    else:  # no cache, or history rewritten under it: read it all again, keeping what this machine saw
        history = _extend(root, History(), None)
        if cached is not None:
            history.anchor, history.vanished = cached.anchor, cached.vanished
            history.seals_seen, history.tags = cached.seals_seen, cached.tags
            history.audit_key = cached.audit_key
            history.audits = {c: f for c, f in cached.audits.items() if c in history.commits}
            for cid, commit in history.commits.items():
                old = cached.commits.get(cid)
                if old is not None and old.signature != "?":
                    commit.signature, commit.key = old.signature, old.key
    changed = cached is None or cached.head != current
    history.head, history.shallow = current, shallow
    pending = [c for c in history.order if history.commits[c].signature == "?" and (
        history.commits[c].paths or ACKNOWLEDGE in history.commits[c].trailers)]
    for cid, (verdict, key) in _verify(root, pending).items():
        history.commits[cid].signature, history.commits[cid].key = verdict, key
    if pending or changed:
        if save_now:
            save(root, history)
        else:
            history.dirty = True
    return history


def _extend(root: Path, history: History, since: str | None) -> History:
    commits, raw = _walk(root, since)
    merges = _merges(root, since) if any(c.is_merge for c in commits) else {}
    for commit in commits:
        history.commits[commit.id] = commit
        history.order.append(commit.id)
    blobs = _Blobs(root)
    blobs.load({b for r in raw if is_record(r[2]) for b in (r[4], r[5])}
               | {b for entries in merges.values() for p, olds, new in entries if is_record(p) for b in (*olds, new)})
    for cid, status, path, old_path, old_blob, new_blob in raw:
        if not is_record(path):
            history.changes[path].append(Change(cid, path, status, old_path, []))
            continue
        new = blobs.get(new_blob)
        fields, added = diff(blobs.get(old_blob), new)
        history.changes[path].append(Change(cid, path, status, old_path, fields, added,
                                            new if keeps_data(path) else None))
    for cid, entries in merges.items():
        if cid in history.commits:
            history.commits[cid].merged = tuple(
                MergeChange(p, merged_fields([blobs.get(b) for b in olds], blobs.get(new)) if is_record(p) else ())
                for p, olds, new in entries)
    return history


class _Only(pickle.Unpickler):
    """An unpickler that builds nothing but the history's own plain classes and containers: a cache file someone
    else wrote (a restored CI cache, a planted file) cannot make it call anything (`pickle`'s "restricting
    globals"); whatever else it names is refused and the cache read again from git."""

    ALLOWED = {("builtins", n) for n in ("dict", "list", "tuple", "set", "frozenset", "str", "int", "bool")} | {
        ("collections", "defaultdict"), ("copyreg", "_reconstructor"), ("builtins", "object")} | {
        (__name__, n) for n in ("History", "Commit", "MergeChange", "Change", "Tag")} | {
        ("dangan.audit", "Finding")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"not a history cache: {module}.{name}")
        return super().find_class(module, name)


def _read_cache(root: Path) -> History | None:
    try:
        with open(_cache_path(root), "rb") as handle:
            shape, found = _Only(handle).load()
        return found if shape == _shape() and isinstance(found, History) else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError,
            IndexError, KeyError, RecursionError, MemoryError):
        return None


def save(root: Path, history: History) -> None:
    """Write the cache atomically (a temporary file renamed over the old one)."""
    path = _cache_path(root)
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        history.dirty = False
        with open(temporary, "wb") as handle:
            pickle.dump((_shape(), history), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only checkout still works, only slower next time


def remembered(root: Path, key: str) -> str | None:
    """A small verdict about HEAD remembered under `key` (`remember`), without reading the history cache."""
    try:
        found = json.loads((root / CACHE_DIR / HEAD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    value = found.get(key) if isinstance(found, dict) else None
    return value if isinstance(value, str) else None


def remember(root: Path, key: str, value: str) -> None:
    """Remember one verdict about HEAD (only the latest: the file holds one key), atomically."""
    path = root / CACHE_DIR / HEAD_FILE
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(f".{HEAD_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({key: value}), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
