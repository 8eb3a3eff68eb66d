"""The history index: every commit that touched `records/`, read in one pass.

One `git log -z --raw` walk gives each commit and the blobs it changed; one
`git cat-file --batch` process gives those blobs; each blob is parsed once and each
change becomes a field-level diff of the parsed YAML. Signature verdicts come from one
`git log --no-walk --stdin` over the commits not verified before. Everything is cached
under `.dangan-cache/`, keyed by commit id, so a later run reads only new commits.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import loader

CACHE_DIR = ".dangan-cache"
CACHE_VERSION = 1
_ZERO = "0" * 40
_HEADER = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s%x1f%(trailers:only,unfold)%x1f"
_MISSING = object()


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
    signature: str = "N"  # git's %G?: G good, U good but unknown key, N none, B bad, …
    signer: str = ""  # %GS: the principal (e-mail) of the key that signed

    @property
    def day(self) -> str:
        return self.authored[:10]


@dataclass(slots=True)
class Change:
    commit: str
    path: str
    status: str  # A added, M modified, D deleted, R renamed
    old_path: str | None
    fields: list[tuple[str, Any, Any]]  # (field path, old value, new value); _MISSING-free: None when absent
    added: frozenset[str] = frozenset()  # field paths present after and absent before


@dataclass
class History:
    head: str | None = None
    commits: dict[str, Commit] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # oldest first
    changes: dict[str, list[Change]] = field(default_factory=lambda: defaultdict(list))  # path -> oldest first
    signers_digest: str = ""

    def of(self, path: str) -> list[Change]:
        return self.changes.get(path, [])

    def first_setting(self, path: str, field_path: str) -> Commit | None:
        """The commit that first gave a field of a file a value."""
        for change in self.of(path):
            if field_path in change.added:
                return self.commits.get(change.commit)
        return None


class GitError(RuntimeError):
    pass


def is_repository(root: Path) -> bool:
    try:
        out = _git(root, "rev-parse", "--show-toplevel")
    except GitError:
        return False
    return Path(out.strip()).resolve() == root.resolve()


def _git(root: Path, *args: str, input: str | None = None, config: tuple[str, ...] = ()) -> str:
    cmd = ["git", *[x for c in config for x in ("-c", c)], "-C", str(root), *args]
    result = subprocess.run(cmd, input=input, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


def head(root: Path) -> str | None:
    try:
        return _git(root, "rev-parse", "--verify", "-q", "HEAD").strip() or None
    except GitError:
        return None


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """{"handover[0].handed_on": "2024-03-13", …}: every leaf of parsed YAML by its path."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        if not data and prefix:
            out[prefix] = {}
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{i}]"))
        if not data and prefix:
            out[prefix] = []
    else:
        out[prefix] = data
    return out


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


def _parse_blob(text: bytes | None) -> Any:
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
        proc = subprocess.run(["git", "-C", str(self.root), "cat-file", "--batch"],
                              input=("\n".join(wanted) + "\n").encode(), capture_output=True, check=False)
        data, pos = proc.stdout, 0
        for blob in wanted:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] != b"blob":
                self.cache[blob] = None
                continue
            size = int(header[2])
            self.cache[blob] = _parse_blob(data[pos:pos + size])
            pos += size + 1

    def get(self, blob: str) -> Any:
        return None if blob == _ZERO else self.cache.get(blob)


def _walk(root: Path, since: str | None) -> tuple[list[Commit], list[tuple[str, str, str, str | None, str, str]]]:
    """One `git log` pass: commits oldest first and (commit, status, path, old path, old blob, new blob)."""
    span = [f"{since}..HEAD"] if since else ["HEAD"]
    out = _git(root, "log", "-z", "--raw", "--no-abbrev", "-M", "--reverse", f"--format={_HEADER}", *span,
               "--", "records")
    commits, changes = [], []
    for chunk in out.split("\x1e")[1:]:
        parts = chunk.split("\x1f")
        cid, parents, author, email, authored, committed, subject, trailer_text = parts[:8]
        rest = parts[8] if len(parts) > 8 else ""
        commits.append(Commit(cid, tuple(parents.split()), author, email.lower(), authored, committed, subject,
                              _trailers(trailer_text)))
        fields = rest.strip("\n\0").split("\0")
        i = 0
        while i < len(fields):
            meta = fields[i].strip("\n")
            if not meta.startswith(":"):
                i += 1
                continue
            _, _, old_blob, new_blob, status = meta[1:].split(" ", 4)
            if status[0] in "RC":
                old_path, path = fields[i + 1], fields[i + 2]
                i += 3
            else:
                old_path, path = None, fields[i + 1]
                i += 2
            changes.append((cid, status[0], path, old_path, old_blob, new_blob))
    return commits, changes


def _trailers(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()].append(value.strip())
    return dict(out)


def _verify(root: Path, ids: list[str], allowed_signers: Path | None) -> dict[str, tuple[str, str]]:
    """git's signature verdict (%G?) and principal (%GS) for each commit."""
    if not ids:
        return {}
    config = (f"gpg.ssh.allowedSignersFile={allowed_signers}",) if allowed_signers else ()
    out = _git(root, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%G?%x1f%GS", input="\n".join(ids) + "\n",
               config=config)
    verdicts = {}
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 3:
            verdicts[parts[0]] = (parts[1], parts[2])
    return verdicts


def _cache_path(root: Path) -> Path:
    return root / CACHE_DIR / f"history-v{CACHE_VERSION}.pickle"


def load(root: Path, allowed_signers: Path | None = None, signers_digest: str = "") -> History:
    """The history of `records/` up to HEAD, from the cache plus the commits since."""
    current = head(root)
    if current is None:
        return History()
    cached = _read_cache(root)
    if cached is not None and cached.head == current:
        history = cached
    elif cached is not None and cached.head and _is_ancestor(root, cached.head, current):
        history = _extend(root, cached, *_walk(root, cached.head))
    else:  # no cache, or history rewritten under it: read it all again
        history = _extend(root, History(), *_walk(root, None))
    history.head = current
    if history.signers_digest != signers_digest:  # the staff's keys changed: verify every commit again
        for commit in history.commits.values():
            commit.signature, commit.signer = "?", ""
        history.signers_digest = signers_digest
    pending = [c for c in history.order if history.commits[c].signature == "?"]
    for cid, (verdict, signer) in _verify(root, pending, allowed_signers).items():
        history.commits[cid].signature, history.commits[cid].signer = verdict, signer
    if pending or cached is None or cached.head != current:
        _write_cache(root, history)
    return history


def _extend(root: Path, history: History, commits: list[Commit], raw: list[tuple]) -> History:
    for commit in commits:
        commit.signature = "?"
        history.commits[commit.id] = commit
        history.order.append(commit.id)
    blobs = _Blobs(root)
    blobs.load({r[4] for r in raw} | {r[5] for r in raw})
    for cid, status, path, old_path, old_blob, new_blob in raw:
        fields, added = diff(blobs.get(old_blob), blobs.get(new_blob))
        history.changes[path].append(Change(cid, path, status, old_path, fields, added))
    return history


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    result = subprocess.run(["git", "-C", str(root), "merge-base", "--is-ancestor", older, newer],
                            capture_output=True, check=False)
    return result.returncode == 0


def _read_cache(root: Path) -> History | None:
    try:
        with open(_cache_path(root), "rb") as handle:
            found = pickle.load(handle)
        return found if isinstance(found, History) else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None


def _write_cache(root: Path, history: History) -> None:
    path = _cache_path(root)
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(history, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only checkout still works, only slower next time


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
