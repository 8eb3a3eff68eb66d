"""The rules' own cache: a check whose inputs did not change is not run again.

A check's verdict depends on the code, the schemas, the policy, and the records of the kinds it
reads. The checker does not ask the checks to declare those kinds: it watches them. While a check
runs, the index notes every kind it is asked for (`Index.of`, `Index.get`, iteration), and the
facts' shared views note the kinds they were built from each time they are used (`Index.note_reads`),
so a view built by one check and reused by the next still counts for both. After a run the cache
keeps, per check, the kinds it read, a fingerprint of each, and its problems; the next run reuses
them when every fingerprint is the same.

A kind's fingerprint is the list of its records' files with their content ids (git's blob id,
`Index.digests`): the reader has them from the record store, and a record an act holds in memory
has the id of the text it will write, so the check after an act's commit finds what the act's own
check stored. Anything outside the records — git history, the working tree, attachment
files — is read by the checks the checker lists as `OUTSIDE`: they always run; the checks of the
repository (`REPOSITORY_STATE`) read git's refs and history as well, and are reused while `git.state`
(HEAD, every ref, grafts and shallow files) is the same as when they ran. The working calendar's unknown
years, which a check notes as a side effect of counting deadlines, are kept with its problems.

The cache (`.dangan-cache/rules-v1.json`) holds data only (JSON, never pickle), is written whole
to a temporary file and renamed into place, and is set aside whenever it cannot be read or does
not belong to this code, schema set and policy. With `DANGAN_NO_CACHE` set it is neither read nor
written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import git
from .index import GIT, Index
from .problems import Problem, Words
from .record_cache import content_id

VERSION = 1
NAME = f"rules-v{VERSION}.json"
ALL = "*"  # a check that iterated the whole index read every kind


def _code_digest() -> str:
    digest = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for path in sorted(here.rglob("*.py")):
        if "demo" in path.parts or "site" in path.parts:
            continue
        digest.update(path.relative_to(here).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_CODE: list[str] = []


def global_key(index: Index) -> str:
    """What every cached verdict rests on: this code, the schemas, the policy file."""
    if not _CODE:
        _CODE.append(_code_digest())
    digest = hashlib.sha1(_CODE[0].encode())
    digest.update(json.dumps(index.schemas.raw, sort_keys=True, ensure_ascii=False).encode())
    digest.update(index.policy_digest().encode())
    return digest.hexdigest()


class RuleCache:
    """Per check: the kinds it read, their fingerprints, its problems (see the module's docstring)."""

    def __init__(self, index: Index, path: Path | None):
        self.index, self.path = index, path
        self.key = global_key(index) if path else ""
        self.entries: dict[str, dict] = {}
        self.changed = False
        self._prints: dict[str, str] = {}
        if path is not None:
            self._load()

    @classmethod
    def open(cls, index: Index) -> RuleCache:
        if os.environ.get("DANGAN_NO_CACHE"):
            return cls(index, None)
        return cls(index, index.root / ".dangan-cache" / NAME)

    def _load(self) -> None:
        try:
            if not self.path.is_file() or self.path.is_symlink():
                return
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return  # unreadable or damaged: set aside, rebuilt by this run
        if isinstance(found, dict) and found.get("key") == self.key and isinstance(found.get("checks"), dict):
            self.entries = found["checks"]

    # --- fingerprints -------------------------------------------------------------------------
    def fingerprint(self, kind: str) -> str:
        if kind not in self._prints:
            self._prints[kind] = self._fingerprint(kind)
        return self._prints[kind]

    def _fingerprint(self, kind: str) -> str:
        index = self.index
        if kind == GIT:
            return hashlib.sha1(git.state(index.root).encode("utf-8", "surrogateescape")).hexdigest()
        if kind == ALL:  # every kind: from the kinds' own prints (each computed once a run)
            return hashlib.sha1("\0".join(f"{k}={self.fingerprint(k)}" for k in sorted(index.records))
                                .encode()).hexdigest()
        digest = hashlib.sha1(f"\0{kind}\0".encode())
        for _id, record in sorted(index.of(kind).items()) if kind in index.records else ():
            digest.update(f"{record.file}\0{record.valid}\0".encode())
            digest.update(index.digests.get(record.file) or _content(index.root / record.file))
        return digest.hexdigest()

    # --- use ----------------------------------------------------------------------------------
    def reuse(self, name: str) -> tuple[list[Problem], set[int]] | None:
        """The cached problems and unknown years of a check whose inputs are unchanged, else None."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or self.path is None:
            return None
        prints = entry.get("prints")
        if not isinstance(prints, dict) or any(self.fingerprint(k) != v for k, v in prints.items()):
            return None
        try:
            return [_problem(p) for p in entry["problems"]], set(entry.get("years") or [])
        except (KeyError, TypeError, ValueError):
            return None

    def store(self, name: str, reads: set[str], problems: list[Problem], years: set[int]) -> None:
        if self.path is None:
            return
        kinds = {ALL} | (reads & {GIT}) if ALL in reads else reads
        self.entries[name] = {"prints": {k: self.fingerprint(k) for k in sorted(kinds)},
                              "problems": [_data(p) for p in problems], "years": sorted(years)}
        self.changed = True

    def save(self) -> None:
        """Write the cache whole (a temporary file renamed into place); a failure only costs speed."""
        if self.path is None or not self.changed:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            tmp.write_text(json.dumps({"key": self.key, "checks": self.entries},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _content(path: Path) -> bytes:
    """The content id of a record file the reader did not note (none, for one that cannot be read)."""
    try:
        return content_id(path.read_bytes())
    except OSError:
        return b"-"


def _value(value: Any) -> Any:
    if isinstance(value, Words):
        return {"__words__": [str(value), value.en]}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _restored(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__words__"}:
            return Words(*value["__words__"])
        return {k: _restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v) for v in value]
    return value


def _data(p: Problem) -> dict:
    return {"code": p.code, "file": p.file, "line": p.line, "column": p.column, "record": p.record,
            "field": p.field, "args": _value(p.args), "severity": p.severity}


def _problem(data: dict) -> Problem:
    return Problem(data["code"], data["file"], data["line"], data["column"], data["record"], data["field"],
                   _restored(data["args"]), data["severity"])


def run_check(cache: RuleCache, name: str, check: Callable, index: Index, f: Any,
              unknown_years: set[int], *, outside: bool = False, repository: bool = False) -> list[Problem]:
    """One check's problems: reused when its inputs are unchanged, else run while its reads are watched
    (`outside`: a check that reads more than the records, run every time; `repository`: one that reads the
    repository's refs and history besides, reused while `git.state` is the same too)."""
    if not outside:
        found = cache.reuse(name)
        if found is not None:
            problems, years = found
            unknown_years |= years
            return problems
    before = set(unknown_years)
    index.reads = set()
    try:
        problems = list(check(index, f))
        reads = index.reads
    finally:
        index.reads = None
    if not outside:
        cache.store(name, reads | {GIT} if repository else reads, problems, unknown_years - before)
    return problems
