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

A check that judges each record by its group only (`groups`: a customer with its visits and contracts,
a record with the records it names) is not run whole again after a change: its cached problems are kept
for the records the change cannot reach, and it runs over a part of the index holding only the records
the change reaches (the changed records' groups before and after the change) and what those rest on.
Each record's groups, like its latest act date (`recorded_through`), are kept beside its content id in a
memo file (`memo-v2.json`, `RuleCache.memo`), so an unchanged record is not decoded to find them. The
memo file and the entries that rest on it carry one generation: written in that order, they are used
together or not at all.

The cache (`.dangan-cache/rules-v2.json`) holds data only (JSON, never pickle), is written whole
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import git
from .facts import facts
from .groups import Grouping, grouping_of
from .index import GIT, THROUGH, Index
from .memo_store import NAME as MEMO_NAME
from .memo_store import Memos, Unreadable, key_names
from .problems import Problem, Words
from .record import Record
from .record_cache import content_id
from .rules.contracts import ACT_DATE_KINDS, recorded_through

VERSION = 2
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
        self.generation = ""  # the memo store's generation the entries' group runs rest on
        self.through: dict = {}  # the archive's own today, with the fingerprint of the kinds it came from
        self.memos: Memos | None = None
        self._touched: set[str] = set()  # the checks reused or run this run: valid at this run's generation
        self._plans: dict[tuple[str, frozenset], _Plan | None] = {}  # per grouping and changed kinds, this run
        if path is not None:
            self._load()
            self.memos = index.memo = Memos(index, path.with_name(MEMO_NAME), self.key)

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
            self.generation = found.get("generation") if isinstance(found.get("generation"), str) else ""
            self.through = found.get("through") if isinstance(found.get("through"), dict) else {}

    # --- fingerprints -------------------------------------------------------------------------
    def fingerprint(self, kind: str) -> str:
        if kind not in self._prints:
            self._prints[kind] = self._fingerprint(kind)
        return self._prints[kind]

    def _fingerprint(self, kind: str) -> str:
        index = self.index
        if kind == GIT:
            return hashlib.sha1(git.state(index.root).encode("utf-8", "surrogateescape")).hexdigest()
        if kind == THROUGH:  # the day itself; taken from the last run while the kinds it comes from are the same
            basis = "\0".join(self.fingerprint(k) for k in ACT_DATE_KINDS)
            if self.through.get("basis") == basis and isinstance(self.through.get("day"), str | None):
                index.derived.setdefault("recorded_through", _day(self.through["day"]))
            day = recorded_through(index)
            found = day.isoformat() if day else None
            if self.through.get("basis") != basis or self.through.get("day") != found:
                self.through, self.changed = {"basis": basis, "day": found}, True
            return hashlib.sha1(f"{THROUGH}={found}".encode()).hexdigest()
        if kind == ALL:  # every kind: from the kinds' own prints (each computed once a run)
            return hashlib.sha1("\0".join(f"{k}={self.fingerprint(k)}" for k in sorted(index.records))
                                .encode()).hexdigest()
        known = index.known_print(kind)  # computed once per index; an act's takes those of kinds it left alone
        if known is None:
            digests, parts = index.digests, [f"\0{kind}\0".encode()]
            for _id, record in sorted(index.records[kind].items()) if kind in index.records else ():
                parts.append(f"{record.file}\0{record.valid}\0".encode())
                parts.append(digests.get(record.file) or _content(index.root / record.file))
            known = hashlib.sha1(b"".join(parts)).hexdigest()
            index.keep_print(kind, known)
        return known

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
        kinds = {ALL} | (reads & {GIT, THROUGH}) if ALL in reads else reads
        self.entries[name] = {"prints": {k: self.fingerprint(k) for k in sorted(kinds)},
                              "problems": [_data(p) for p in problems], "years": sorted(years)}
        self._touched.add(name)
        self.changed = True

    def touch(self, name: str) -> None:
        self._touched.add(name)

    # --- a grouped check run again over the groups a change reaches (`groups`) -----------------
    def regroup(self, name: str, check: Callable, index: Index) -> list[Problem] | None:
        """The problems of a grouped check after a change, from its cached problems and a run over only the
        records the change can reach; None when that cannot be told (then the check runs whole)."""
        grouping = grouping_of(check)
        entry = self.entries.get(name)
        if (grouping is None or self.path is None or not isinstance(entry, dict) or entry.get("years")
                or not self.generation or entry.get("generation") != self.generation):
            return None
        changed = [k for k, v in entry["prints"].items() if self.fingerprint(k) != v]
        if any(k.startswith("@") or (k == ALL and grouping.kinds is not None) or (k != ALL and not grouping.covers(k))
               for k in changed):
            return None  # a kind read whole, the repository or the archive's today changed: run it whole
        memos = self.memos
        if not memos.usable() or memos.generation != self.generation:
            return None
        kinds = frozenset(changed) if ALL not in changed else None
        if (grouping.name, kinds) not in self._plans:
            try:
                self._plans[(grouping.name, kinds)] = _plan(memos, grouping, index, kinds)
            except Unreadable:
                self._plans[(grouping.name, kinds)] = None
        plan = self._plans[(grouping.name, kinds)]
        if plan is None:
            return None
        kept_problems = []
        for data in entry["problems"]:
            if data.get("file") not in plan.known:
                return None  # a problem on a record the grouping does not place
            if data["file"] not in plan.reached:
                kept_problems.append(data)
        part = plan.part
        if THROUGH in entry["prints"] and "recorded_through" not in part.derived:  # the whole archive's today
            part.derived["recorded_through"] = recorded_through(index)
        part.reads = set()
        try:
            sub = facts(part)
            found = list(check(part, sub))
            reads = part.reads
        finally:
            part.reads = None
        # a year the working calendar does not know (noted by whichever check counted in it): run whole, so that
        # each check's own years are kept with its problems
        if sub.calendar.unknown_years or any(p.file not in plan.shown for p in found):
            return None
        try:
            problems = [_problem(p) for p in kept_problems] + [p for p in found if p.file in plan.reached]
        except (KeyError, TypeError, ValueError):
            return None
        problems.sort(key=Problem.sort_key)
        self.store(name, set(entry["prints"]) | reads, problems, set())
        return problems

    def save(self) -> None:
        """Write the cache whole (a temporary file renamed into place); a failure only costs speed. The memo
        file is written first under a new generation, and the entries run this time are marked with it: an
        entry and the memo file it rests on are used together or not at all."""
        if self.path is None:
            return
        if not self.changed:
            self.memos.close()
            return
        self.generation = self.memos.save()
        for name in self._touched:
            if name in self.entries:
                self.entries[name]["generation"] = self.generation
        self.memos.close()
        _write(self.path, {"key": self.key, "generation": self.generation, "through": self.through,
                           "checks": self.entries})


def _write(path: Path, data: dict) -> bool:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


@dataclass
class _Plan:
    """What a change reaches under one grouping: the records whose verdicts it can change (`reached`), with what
    they rest on (`shown`, the index of a run again: `part`), and every file the grouping places (`known`)."""
    reached: set[str]
    shown: set[str]
    known: _Placed
    part: Index


def _plan(memos: Memos, grouping: Grouping, index: Index, kinds: frozenset[str] | None) -> _Plan | None:
    """What the change of the records of `kinds` (None: of every kind) reaches under a grouping."""
    members, depends = key_names(grouping)
    records = memos.records()
    changed = {file for file in memos.changed() if kinds is None or memos.kind_of(file) in kinds}
    if grouping.per_record:
        shown = {file for file in changed if file in records}
        return _Plan(changed, shown, _Placed(grouping, records, changed), _part(index, grouping, shown))
    touched: set[str] = set()  # the keys of what changed, before and after
    for file in changed:
        if memos.kind_of(file) is None or not grouping.covers(memos.kind_of(file)):
            continue
        before = memos.before(members, file)
        if before is None and file not in records:
            return None  # removed, and its group before is not known
        touched.update(before or ())
        if file in records:
            touched.update(memos.fresh(records[file]).get(members, ()))
    reached, keys = set(changed), set(touched)
    while touched:  # the records whose verdicts read a touched key (and, transitively, those reading theirs)
        new = memos.files_with(depends, touched) - reached
        reached |= new
        touched = {k for f in new if f in records for k in memos.keys(members, records[f])} - keys \
            if grouping.transitive else set()
        keys |= touched
    shown, wanted, frontier = {f for f in reached if f in records}, set(), reached
    while frontier:  # what those verdicts read (and, transitively, what that reads)
        found = {k for f in frontier if f in records and grouping.covers(records[f].kind)
                 for k in memos.keys(depends, records[f])} - wanted
        wanted |= found
        frontier = {f for f in memos.files_with(members, found) if f in records} - shown
        shown |= frontier
        if not grouping.transitive:
            break
    return _Plan(reached, shown, _Placed(grouping, records, changed), _part(index, grouping, shown))


class _Placed:
    """The files a grouping places: the current records of the kinds it covers, and whatever changed."""

    def __init__(self, grouping: Grouping, records: dict[str, Record], changed: set[str]):
        self.grouping, self.records, self.changed = grouping, records, changed

    def __contains__(self, file: object) -> bool:
        record = self.records.get(file)
        return file in self.changed or (record is not None and self.grouping.covers(record.kind))


def _part(index: Index, grouping: Grouping, files: set[str]) -> Index:
    """The index with only these records of the kinds a grouping covers (the rest whole), the archive's today
    and the typed policy taken from the whole."""
    part = Index(index.root, index.schemas, index.policy,
                 {kind: {rid: r for rid, r in by_id.items() if r.file in files} if grouping.covers(kind) else by_id
                  for kind, by_id in index.records.items()}, [], index.files)
    part.digests = index.digests
    part.derived = {k: index.derived[k] for k in ("policy", "recorded_through") if k in index.derived}
    return part


def _day(value: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


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
            cache.touch(name)
            return problems
        regrouped = cache.regroup(name, check, index)
        if regrouped is not None:
            return regrouped
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
