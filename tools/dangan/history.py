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
the time. Everything is kept in a SQLite store under `.dangan-cache/` (plain data, see "the
store" below): a later run reads the commits and only the paths it asks about, and a new
commit appends its rows. Replace objects and grafts are never followed (`git`).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import git, loader
from .paths import PathError, join, parse_path
from .record_cache import clear_special

CACHE_DIR = ".dangan-cache"
STORE_VERSION = 3
STORE = f"history-v{STORE_VERSION}.sqlite"
_OLD_CACHES = ("history-v2.pickle",)  # the caches before the store: ignored, removed when it is written
BUSY_SECONDS = 10.0  # an append is one short transaction: another run's is waited for
HEAD_FILE = "head-v1.json"  # what is known of HEAD without the history (`remembered`)
PATHS = ("records", "schemas", "mkdocs.yml")  # the archive: what a commit must be signed for
_ZERO = git.ZERO
_HEADER = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s%x1f%(trailers:only,unfold)%x1f"
_MISSING = object()
_CHUNK = 5000  # changes whose blobs are read and parsed together
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
    # field paths present after and absent before (with their parents); None for a file added whole: every field
    # path of `fields` and their parents (`added_fields`), not held twice in memory
    added: frozenset[str] | None = frozenset()
    data: Any = None  # the parsed new content, kept for the files that make the rules (policy, staff)

    def added_fields(self) -> frozenset[str]:
        return self.added if self.added is not None else _with_parents(frozenset(f for f, _, _ in self.fields))


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong with a commit: a code of the message catalogue and its arguments."""
    code: str
    commit: str  # the commit judged
    path: str  # the file it is reported at
    severity: str
    args: tuple[tuple[str, str], ...] = ()
    field: str | None = None
    via: str | None = None  # the merge that brought the commit in, when judged there


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
    changes: Changes = field(default_factory=lambda: Changes())  # path -> its changes in walk order, read on demand
    # what this machine has seen, kept across rewrites (integrity reads it)
    anchor: str | None = None  # the newest published commit (the upstream's tip) seen inside HEAD
    vanished: dict[str, str] = field(default_factory=dict)  # published commit -> the day it was found gone
    seals_seen: dict[str, str] = field(default_factory=dict)  # seal tag name -> tag object id
    tags: dict[str, Tag] = field(default_factory=dict)  # tag object id -> verdict
    shallow: bool = False  # a shallow clone: the oldest commits' parents are not here
    # the audit's findings by commit id, and the key of the rules they were judged with (`audit`)
    audits: dict[str, tuple] = field(default_factory=dict)
    audit_key: str = ""
    dirty: bool = False  # something was added since the store was read
    # the store (`save`): its connection, the head it holds, how many commits and which findings it holds
    db: sqlite3.Connection | None = field(default=None, repr=False, compare=False)
    base: str | None = None
    stored: int = 0
    verified: set[str] = field(default_factory=set)  # commits given a verdict since the store was read
    stored_audits: set[str] = field(default_factory=set)
    stored_audit_key: str | None = None

    def of(self, path: str) -> list[Change]:
        return self.changes.get(path, [])

    def first_setting(self, path: str, field_path: str) -> Commit | None:
        """The commit that first gave a field of a file a value."""
        found = self.changes.first_adding(path, field_path)
        return self.commits.get(found) if found else None


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


def diff(old: Any, new: Any) -> tuple[list[tuple[str, Any, Any]], frozenset[str] | None]:
    before, after = flatten(old) if old is not None else {}, flatten(new) if new is not None else {}
    fields = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key, _MISSING), after.get(key, _MISSING)
        if a != b:  # a field's name (and a short value: a date, a code, an id) once in memory, however many have it
            fields.append((sys.intern(key), None if a is _MISSING else _shared(a),
                           None if b is _MISSING else _shared(b)))
    if old is None:  # every field is new: `Change.added_fields` makes them from the fields when asked
        return fields, None
    return fields, _with_parents(frozenset(sys.intern(k) for k in after if k not in before))


def _shared(value: Any) -> Any:
    return sys.intern(value) if type(value) is str and len(value) <= 24 else value


def _with_parents(added: frozenset[str]) -> frozenset[str]:
    """A parent present now and not before counts as set too (e.g. "approved" for "approved.date")."""
    return added | {k.rsplit(".", 1)[0] for k in added if "." in k}


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

    def __init__(self, root: Path, parsed=None):
        self.root = root
        self.cache: dict[str, Any] = {}
        self.parsed = parsed  # a lookup of contents parsed before (`record_cache.parsed_by_content`)

    def load(self, ids: set[str]) -> None:
        wanted = sorted(i for i in ids if i != _ZERO and i not in self.cache)
        if len(wanted) >= 200 and self.parsed is not None:  # a few are parsed sooner than looked up
            self.cache.update(self.parsed(set(wanted)))
            wanted = [i for i in wanted if i not in self.cache]
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


def _shape() -> str:
    """The stored classes' fields: a store written by another shape of them is read again from git."""
    from dataclasses import fields as fields_of

    names = [f"{c.__name__}:{','.join(f.name for f in fields_of(c))}" for c in (Commit, MergeChange, Change, Tag)]
    return digest(";".join([str(STORE_VERSION), *names]))


def load(root: Path, *, save_now: bool = True, parsed=None) -> History:
    """The history of the archive up to HEAD, from the store plus the commits since. Without `save_now` an
    extended history is only marked dirty: whoever judges it next (`facts.audit`) saves it once, with its
    verdicts. `parsed`: a lookup of file contents parsed before, by blob id (`_Blobs`)."""
    current = git.head(root)
    if current is None:
        return History()
    cached = _read_store(root)
    shallow = git.is_shallow(root)
    if cached is not None and cached.shallow != shallow:  # deepened or made shallow: parents changed
        cached = _dropped(cached)
    if cached is not None and cached.head == current:
        history = cached
    elif cached is not None and cached.head and git.is_ancestor(root, cached.head, current):
        history = _extend(root, cached, cached.head, parsed)
    else:  # no store, or history rewritten under it: read it all again, keeping what this machine saw
        history = _extend(root, History(), None, parsed)
        if cached is not None:
            _dropped(cached)
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
    history.changes.recover = lambda: _reread(root, history, parsed)
    pending = [c for c in history.order if history.commits[c].signature == "?" and (
        history.commits[c].paths or ACKNOWLEDGE in history.commits[c].trailers)]
    for cid, (verdict, key) in _verify(root, pending).items():
        history.commits[cid].signature, history.commits[cid].key = verdict, key
        history.verified.add(cid)
    if pending or changed:
        if save_now:
            save(root, history)
        else:
            history.dirty = True
    return history


def _reread(root: Path, history: History, parsed=None) -> None:
    """The store failed while in use: set it aside, read every change again from git, write a whole store."""
    changes, db = history.changes, history.db
    history.db = changes.db = None
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()
    set_aside(_store_path(root))
    fresh = _extend(root, History(), None, parsed).changes
    changes.pending, changes.new = fresh.pending, fresh.new
    changes._memo.clear()
    changes._added.clear()
    history.stored, history.stored_audits, history.stored_audit_key = 0, set(), None
    history.dirty = True


def _dropped(history: History) -> None:
    """A stored history that will not be used: its connection closed (the store is rewritten whole)."""
    if history.db is not None:
        history.db.close()
        history.db = history.changes.db = None
    return None


def _extend(root: Path, history: History, since: str | None, parsed=None) -> History:
    commits, raw = _walk(root, since)
    merges = _merges(root, since) if any(c.is_merge for c in commits) else {}
    for commit in commits:
        history.commits[commit.id] = commit
        history.order.append(commit.id)
    blobs = _Blobs(root, parsed)
    for start in range(0, len(raw), _CHUNK):  # a chunk's blobs at a time: a first commit of 100,000 files too
        chunk = raw[start:start + _CHUNK]
        blobs.cache.clear()
        blobs.load({b for r in chunk if is_record(r[2]) for b in (r[4], r[5])})
        for cid, status, path, old_path, old_blob, new_blob in chunk:
            if not is_record(path):
                history.changes.add(Change(cid, path, status, old_path, []))
                continue
            new = blobs.get(new_blob)
            fields, added = diff(blobs.get(old_blob), new)
            history.changes.add(Change(cid, path, status, old_path, fields, added,
                                       new if keeps_data(path) else None))
    blobs.cache.clear()
    blobs.load({b for entries in merges.values() for p, olds, new in entries if is_record(p) for b in (*olds, new)})
    for cid, entries in merges.items():
        if cid in history.commits:
            history.commits[cid].merged = tuple(
                MergeChange(p, merged_fields([blobs.get(b) for b in olds], blobs.get(new)) if is_record(p) else ())
                for p, olds, new in entries)
    return history


# --- the store: `.dangan-cache/history-v3.sqlite` ---------------------------------------------------
#
# A row per commit and a row per (commit, path) change in walk order, a merge's own changes, the tags, the
# audit's findings per commit and what this machine has seen (`meta`), all plain data (JSON text, never a
# pickle). A run reads the commits, and each path's changes only when asked (`Changes`); new commits are
# appended in one transaction (a run killed midway leaves the store as it was). A file that is not such a
# store (damaged, another layout, a planted one: more tables, a trigger, a view) is set aside and the history
# read again from git: nothing in it is run, and a store whose head git does not have under HEAD is read again.

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE commits (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, parents TEXT NOT NULL, "
    "author TEXT NOT NULL, email TEXT NOT NULL, authored TEXT NOT NULL, committed TEXT NOT NULL, "
    "subject TEXT NOT NULL, trailers TEXT NOT NULL, signature TEXT NOT NULL, key TEXT NOT NULL, "
    "paths TEXT NOT NULL, merged TEXT NOT NULL)",
    "CREATE TABLE changes (seq INTEGER PRIMARY KEY, commit_id TEXT NOT NULL, path TEXT NOT NULL, "
    "status TEXT NOT NULL, old_path TEXT, fields TEXT NOT NULL, added TEXT NOT NULL, data TEXT, "
    "again INTEGER NOT NULL)",  # again: the path was changed before (its first change is 0)
    "CREATE INDEX changes_by_path ON changes (path, seq)",
    "CREATE INDEX changes_by_commit ON changes (commit_id, seq)",
    "CREATE INDEX changes_by_status ON changes (status)",
    "CREATE INDEX changes_again ON changes (path) WHERE again = 1",
    "CREATE TABLE tags (object TEXT PRIMARY KEY, name TEXT NOT NULL, commit_id TEXT NOT NULL, "
    "tagger TEXT NOT NULL, email TEXT NOT NULL, date TEXT NOT NULL, signature TEXT NOT NULL, key TEXT NOT NULL)",
    "CREATE TABLE audits (commit_id TEXT PRIMARY KEY, findings TEXT NOT NULL)",
)
_COLUMNS = "commit_id, path, status, old_path, fields, added, data"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _store_path(root: Path) -> Path:
    return root / CACHE_DIR / STORE


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _change(row: tuple) -> Change:
    commit, path, status, old_path, fields, added, data = row
    found = json.loads(fields)
    return Change(_text(commit), _text(path), _text(status), old_path if old_path is None else _text(old_path),
                  [(_text(f), a, b) for f, a, b in found], frozenset(map(_text, json.loads(added))),
                  None if data is None else json.loads(data))


def _change_row(c: Change) -> tuple:
    return (c.commit, c.path, c.status, c.old_path, _json(c.fields), _json(sorted(c.added_fields())),
            None if c.data is None else _json(c.data))


def _recovering(method):
    """A read of the store that fails (a page damaged since it was opened) reads the changes again from git (the
    store is set aside, `Changes.recover`) and answers from them."""
    def read(self, *args):
        try:
            return method(self, *args)
        except sqlite3.Error:
            if self.db is None or self.recover is None:
                raise
            self.recover()
            return method(self, *args)
    read.__name__, read.__doc__ = method.__name__, method.__doc__
    return read


class Changes(Mapping):
    """Each path's changes in walk order (path -> [Change]), read from the store per path when asked; the
    changes not stored yet are held in memory until `save`. Iterating it reads every change (one scan)."""

    def __init__(self, db: sqlite3.Connection | None = None):
        self.db = db
        self.pending: list[Change] = []  # not stored yet, in walk order
        self.new: dict[str, list[Change]] = defaultdict(list)  # the same by path
        self._memo: dict[str, list[Change]] = {}
        self._added: dict[str, list] = {}  # path -> (commit, the fields it added), for `first_adding`
        self.recover = None  # reads every change again from git, when the store fails (`load`)

    def add(self, change: Change) -> None:
        self.pending.append(change)
        self.new[change.path].append(change)
        self._memo.pop(change.path, None)
        self._added.pop(change.path, None)

    def stored(self) -> None:
        """The pending changes were stored."""
        self.pending, self.new = [], defaultdict(list)

    def _rows(self, where: str, params: tuple = ()) -> list[Change]:
        if self.db is None:
            return []
        return [_change(r) for r in self.db.execute(
            f"SELECT {_COLUMNS} FROM changes {where} ORDER BY seq", params)]

    @_recovering
    def __getitem__(self, path: str) -> list[Change]:
        found = self._memo.get(path)
        if found is None:
            found = self._rows("WHERE path = ?", (path,)) + self.new.get(path, [])
            if len(self._memo) > 4096:
                self._memo.clear()
            self._memo[path] = found
        if not found:
            raise KeyError(path)
        return found

    @_recovering
    def _stored_paths(self) -> list[str]:
        if self.db is None:
            return []
        return [p for (p,) in self.db.execute("SELECT DISTINCT path FROM changes ORDER BY path")]

    def __iter__(self):
        stored = self._stored_paths()
        known = set(stored)
        return iter(stored + sorted(p for p in self.new if p not in known))

    def __len__(self) -> int:
        return len(set(self._stored_paths()) | set(self.new))

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and bool(self.get(path))

    @_recovering
    def items(self):  # one scan of the store, not a query per path
        stored = {}
        if self.db is not None:
            rows = self.db.execute(f"SELECT {_COLUMNS} FROM changes ORDER BY path, seq")
            for path, group in itertools.groupby(rows, key=lambda r: r[1]):
                stored[path] = [_change(r) for r in group]
        for path, changes in self.new.items():
            stored[path] = stored.get(path, []) + changes
        return stored.items()

    def values(self):
        return [changes for _, changes in self.items()]

    @_recovering
    def select(self, where: str, params: tuple, keep) -> list[Change]:
        """The changes an SQL condition picks from the store and `keep` from those not stored, in walk order."""
        return self._rows(f"WHERE {where}", params) + [c for c in self.pending if keep(c)]

    @_recovering
    def of_commits(self, wanted: set[str]) -> dict[str, list[Change]]:
        """The changes of some commits, by commit, in walk order."""
        out: dict[str, list[Change]] = defaultdict(list)
        ids = sorted(wanted)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for change in self._rows(f"WHERE commit_id IN ({marks})", tuple(chunk)):
                out[change.commit].append(change)
        for change in self.pending:
            if change.commit in wanted:
                out[change.commit].append(change)
        return out

    @_recovering
    def paths_of(self, wanted: set[str]) -> set[str]:
        """The paths some commits changed (their own changes against their first parent)."""
        out: set[str] = set()
        ids = sorted(wanted)
        if self.db is not None:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                out.update(p for (p,) in self.db.execute(
                    f"SELECT DISTINCT path FROM changes WHERE commit_id IN ({marks})", tuple(chunk)))
        out.update(c.path for c in self.pending if c.commit in wanted)
        return out

    @_recovering
    def keeping_data(self) -> list[Change]:
        """The changes of the files that make the rules (`keeps_data`), in walk order."""
        found = self.select("path = 'records/policy.yaml' OR path GLOB 'records/staff/*.yaml'", (),
                            lambda c: keeps_data(c.path))
        return [c for c in found if keeps_data(c.path)]

    @_recovering
    def changed_again(self, prefix: str) -> set[str]:
        """The paths under `prefix` changed by more than one commit (read from the store's changes made again,
        not from every change)."""
        found = set()
        if self.db is not None:
            found = {p for (p,) in self.db.execute("SELECT DISTINCT path FROM changes WHERE again = 1 AND path GLOB ?",
                                                   (_glob(prefix) + "*",))}
        for path, changes in self.new.items():
            if path.startswith(prefix) and (len(changes) > 1 or self.is_stored(path)):
                found.add(path)
        return found

    @_recovering
    def first_adding(self, path: str, name: str) -> str | None:
        """The first commit whose change of `path` added the field `name` (only the fields added are read)."""
        if path not in self._added:
            if len(self._added) > 64:
                self._added.clear()
            rows = self.db.execute("SELECT commit_id, added FROM changes WHERE path = ? ORDER BY seq",
                                   (path,)).fetchall() if self.db is not None else []
            self._added[path] = [*rows, *((c.commit, c.added_fields()) for c in self.new.get(path, ()))]
        for i, (commit, added) in enumerate(self._added[path]):
            if isinstance(added, str):
                added = frozenset(json.loads(added))
                self._added[path][i] = (commit, added)
            if name in added:
                return commit
        return None

    def is_stored(self, path: str) -> bool:
        return self.db is not None and self.db.execute(
            "SELECT 1 FROM changes WHERE path = ? LIMIT 1", (path,)).fetchone() is not None

    def pending_rows(self):
        """The rows of the changes not stored yet (made one at a time), each marked whether its path was changed
        before."""
        seen: set[str] = set()
        again = []
        for change in self.pending:
            again.append(change.path in seen or self.is_stored(change.path))
            seen.add(change.path)
        return ((*_change_row(change), int(a)) for change, a in zip(self.pending, again, strict=True))


def _glob(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _expected_schema() -> set[tuple]:
    db = sqlite3.connect(":memory:")
    for statement in _SCHEMA:
        db.execute(statement)
    found = set(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    db.close()
    return found


class _Foreign(Exception):
    """Not a history store (damaged, another layout, planted)."""


class _Outdated(Exception):
    """A store of an earlier layout or shape of the stored classes."""


def _remove(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the store at `path`, a regular file (a link, pipe or socket in its place or a side file's
    is removed first: SQLite would follow or block on it). Loads no extension and trusts no schema function."""
    for suffix in ("", *_SIDE_FILES):
        clear_special(Path(f"{path}{suffix}"))
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        with contextlib.suppress(sqlite3.OperationalError):  # read-only: reads still work
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error:
        db.close()
        raise
    return db


def set_aside(path: Path) -> None:
    """Move a store that is not one out of the way (kept beside, for whoever wants to look at it)."""
    with contextlib.suppress(OSError):
        os.replace(path, f"{path}.damaged")
    for suffix in _SIDE_FILES:
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _read_store(root: Path) -> History | None:
    """The stored history (its commits, tags, findings and what this machine saw; the changes read on demand), or
    None: no store, or one that is not a store of this shape (set aside, the history is read again from git)."""
    path = _store_path(root)
    if not path.exists() and not path.is_symlink():
        return None
    db = None
    try:
        db = _connect(path)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != STORE_VERSION:
            raise _Outdated() if 0 < version < STORE_VERSION else _Foreign("another version")
        if set(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")) != _expected_schema():
            raise _Foreign("another layout")  # more tables, a trigger or a view: not ours
        meta = {_text(k): json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        if meta.get("shape") != _shape():
            raise _Outdated()
        if not isinstance(meta.get("head"), str) or not re.fullmatch(r"[0-9a-f]{40,64}", meta["head"]):
            raise _Foreign("no head")
        history = History(head=meta["head"], changes=Changes(db), db=db, base=meta["head"])
        history.anchor = meta.get("anchor") if isinstance(meta.get("anchor"), str) else None
        history.vanished = {_text(k): _text(v) for k, v in meta.get("vanished", {}).items()}
        history.seals_seen = {_text(k): _text(v) for k, v in meta.get("seals_seen", {}).items()}
        history.shallow = meta.get("shallow") is True
        history.audit_key = history.stored_audit_key = _text(meta.get("audit_key", ""))
        for row in db.execute("SELECT id, parents, author, email, authored, committed, subject, trailers, "
                              "signature, key, paths, merged FROM commits ORDER BY seq"):
            cid, parents, author, email, authored, committed, subject, trailers, signature, key, paths, merged = row
            commit = Commit(_text(cid), tuple(map(_text, json.loads(parents))), _text(author), _text(email),
                            _text(authored), _text(committed), _text(subject),
                            {_text(k): list(map(_text, v)) for k, v in json.loads(trailers).items()},
                            _text(signature), _text(key), tuple(map(_text, json.loads(paths))),
                            tuple(MergeChange(_text(p), tuple((_text(f), a, b) for f, a, b in fields))
                                  for p, fields in json.loads(merged)))
            history.commits[commit.id] = commit
            history.order.append(commit.id)
        if not history.order or history.order[-1] != history.head:
            raise _Foreign("a head that is not its last commit")
        count = git.output(root, "rev-list", "--count", history.head)  # every commit git has below it, no fewer
        if count is not None and count.strip() != str(len(history.order)):
            raise _Foreign("other commits than git has")
        history.stored = len(history.order)
        for row in db.execute("SELECT object, name, commit_id, tagger, email, date, signature, key FROM tags"):
            tag = Tag(*map(_text, row))
            history.tags[tag.object] = tag

        for cid, findings in db.execute("SELECT commit_id, findings FROM audits"):
            history.audits[_text(cid)] = tuple(
                Finding(_text(code), _text(commit), _text(where), _text(severity),
                        tuple((_text(k), _text(v)) for k, v in args), field, via)
                for code, commit, where, severity, args, field, via in json.loads(findings))
        history.stored_audits = set(history.audits)
        return history
    except _Outdated:
        db.close()
        _remove(path)  # a store of an earlier Dangan: read again, nothing to keep
        return None
    except (OSError, sqlite3.Error, _Foreign, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        if db is not None:
            db.close()
        set_aside(path)
        return None


def _meta(history: History) -> list[tuple[str, str]]:
    return [(k, _json(v)) for k, v in (
        ("shape", _shape()), ("head", history.head), ("shallow", history.shallow), ("anchor", history.anchor),
        ("vanished", history.vanished), ("seals_seen", history.seals_seen), ("audit_key", history.audit_key))]


def _commit_row(c: Commit) -> tuple:
    return (c.id, _json(c.parents), c.author, c.email, c.authored, c.committed, c.subject, _json(c.trailers),
            c.signature, c.key, _json(c.paths), _json([[m.path, m.fields] for m in c.merged]))


def _findings_json(findings: tuple) -> str:
    return _json([[f.code, f.commit, f.path, f.severity, f.args, f.field, f.via] for f in findings])


def save(root: Path, history: History) -> None:
    """Store what is new since the store was read, in one transaction: the new commits and their changes, the
    verdicts given since, the findings, the tags and what this machine saw. A history read again from git
    replaces the store's rows (one transaction too). Another run that stored the same commits first wins."""
    history.dirty = False
    path = _store_path(root)
    db = history.db
    try:
        if db is None:
            path.parent.mkdir(exist_ok=True)
            db = _connect(path)
        db.execute("BEGIN IMMEDIATE")
        try:
            if history.db is None:  # a whole history: replace whatever the file held
                for table in ("meta", "commits", "changes", "tags", "audits"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for name in [n for (n,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type != 'index' AND name NOT LIKE 'sqlite%'")]:
                    kind = db.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()
                    if kind:
                        db.execute(f'DROP {kind[0].upper()} IF EXISTS "{name}"')
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {STORE_VERSION}")
                history.stored, history.stored_audits, history.verified = 0, set(), set()
                history.stored_audit_key = None
            else:
                found = db.execute("SELECT value FROM meta WHERE key = 'head'").fetchone()
                if found is None or json.loads(found[0]) != history.base:  # another run stored first
                    db.execute("ROLLBACK")
                    return
            new = history.order[history.stored:]
            db.executemany("INSERT INTO commits (id, parents, author, email, authored, committed, subject, "
                           "trailers, signature, key, paths, merged) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                           (_commit_row(history.commits[c]) for c in new))
            fresh = set(new)
            db.executemany("UPDATE commits SET signature = ?, key = ? WHERE id = ?",
                           ((history.commits[c].signature, history.commits[c].key, c)
                            for c in history.verified - fresh if c in history.commits))
            db.executemany(f"INSERT INTO changes ({_COLUMNS}, again) VALUES (?,?,?,?,?,?,?,?)",
                           history.changes.pending_rows())
            if history.stored_audit_key != history.audit_key:
                db.execute("DELETE FROM audits")
                history.stored_audits = set()
            db.executemany("INSERT OR REPLACE INTO audits (commit_id, findings) VALUES (?, ?)",
                           ((c, _findings_json(f)) for c, f in history.audits.items()
                            if c not in history.stored_audits))
            db.executemany("INSERT OR REPLACE INTO tags VALUES (?,?,?,?,?,?,?,?)",
                           ((t.object, t.name, t.commit, t.tagger, t.email, t.date, t.signature, t.key)
                            for t in history.tags.values()))
            db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", _meta(history))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
    except (OSError, sqlite3.Error):
        if db is not None and db is not history.db:
            db.close()
        return  # a read-only checkout still works, only slower next time
    history.db = history.changes.db = db
    history.changes.stored()
    history.stored, history.base, history.verified = len(history.order), history.head, set()
    history.stored_audits, history.stored_audit_key = set(history.audits), history.audit_key
    for old in _OLD_CACHES:  # the caches before this store: never read again
        with contextlib.suppress(OSError):
            (root / CACHE_DIR / old).unlink()


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
