"""The audit of every commit (DESIGN §4): who made it, whether they signed it with their
own key, and whether the rules in force before it allowed it.

The rules that judge a commit are those at its parent: the policy (`signatures.mode`, the
approvers) and the staff (e-mails, registered keys, roles, joined and left dates) as the
history held them before the commit, rebuilt here from the history index. So a commit
that switches signatures off, gives someone a role or registers a key is itself judged by
the rules it changes, and nobody makes their own change legal; such a change made without
the right does not take effect. Until the first staff record exists (an archive being
founded) there is nobody to judge. Under `required` (`warn` reports the same as warnings):

- every commit that changes the archive carries a good SSH signature by a key registered
  in its author's staff record at that time, the author being on the staff then
  (`commit.unsigned`, `commit.bad-signature`, `commit.not-staff`, `commit.bad-key`,
  `commit.not-employed`);
- a change of the policy, the schemas or the site's configuration needs a role of
  `approvals.policy`, a change of the staff records one of `approvals.staff`
  (`commit.unauthorised`);
- a change of what an act already signed (its dates, people, inventory …) is an amendment
  and needs a role of `approvals.amendment` (`commit.amended`);
- a merge is judged by what it brings in: its own content (what none of its parents held)
  like any commit's, and the commits it brings in once more under its first parent's mode
  when they were made under a laxer one (a branch from before signatures were required).

One judgement serves `dangan check`, `dangan history`, `dangan verify` and the site.
Findings depend only on a commit and its ancestors, so they are cached by commit id.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from .acts import acts_in
from .history import ACKNOWLEDGE, Change, Commit, Finding, History, is_record, unflatten
from .policy import DEFAULT_APPROVERS
from .problems import ERROR, WARNING
from .rules_in_force import EMPTY, MODES, POLICY_FILE, State
from .schemas import SchemaSet

AUDIT_VERSION = 1
HISTORY_CODES = ("commit.", "sig.", "history.", "seal.")  # the problems of the history, not of the files
GOOD = ("G", "U")  # git's verdicts for a good signature (U: good, key not in git's allowed signers)

# commit verdicts, as `dangan history` and the site name them
VALID, UNSIGNED, FORGED, UNKNOWN_KEY, BAD, NOT_STAFF = "valid", "unsigned", "forged", "unknown-key", "bad", "not-staff"
UNCHECKED, MERGE = "unchecked", "merge"


def guarded(path: str) -> str | None:
    """What kind of rule-making file a path is: 'policy' (policy, schemas, site configuration), 'staff', or None."""
    if path == POLICY_FILE or path.startswith("schemas/") or path == "mkdocs.yml":
        return "policy"
    if path.startswith("records/staff/"):
        return "staff"
    return None


def signed_fields(schemas: SchemaSet, kind: str, before: Any, changed: Iterable[str]) -> list[tuple[str, str | None]]:
    """Of the fields changed (each held a value before), those an act in `before` had signed: (field, signer)."""
    signed = list(acts_in(schemas, kind, before))
    out = []
    for name in changed:
        act = next((a for a in signed if a.covers(name)), None)
        if act is not None:
            out.append((name, act.signer))
    return out


class Audit:
    def __init__(self, history: History, schemas: SchemaSet):
        self.history = history
        self.schemas = schemas
        self.kinds = {schemas.annotations(k).get("folder"): k for k in schemas.kinds}
        self.position = {cid: i for i, cid in enumerate(history.order)}
        self._brought: dict[str, list[str]] = {}
        self.after: dict[str, State] = {}
        self.rejected: set[tuple[str, str]] = set()  # (commit, file): a rule change made without the right
        by_commit: dict[str, list[Change]] = defaultdict(list)
        for change in history.changes.keeping_data():  # the files that make the rules, read from the store
            by_commit[change.commit].append(change)
        for cid in history.order:
            parent = self.first_parent(cid)
            base = self.after.get(parent, EMPTY) if parent else EMPTY
            changes = by_commit.get(cid)
            if changes and parent:
                changes = [c for c in changes if self._accepted(cid, base, c)]
            self.after[cid] = base.updated(changes) if changes else base
        self.ever = defaultdict(set)  # key fingerprint -> everyone it was ever registered to
        for state in {id(s): s for s in self.after.values()}.values():
            for key, owner in state.by_key.items():
                self.ever[key].add(owner)
        self.acknowledged = self._acknowledgements()
        self._ensure_findings()

    def _accepted(self, cid: str, base: State, change: Change) -> bool:
        """Whether a change of the policy or of a staff record takes effect: under `required`, only when its
        commit was signed by someone the rules before it allow (a merge: when what it brings in was)."""
        if base.mode != "required" or not base.people:
            return True
        commit = self.history.commits[cid]
        what = guarded(change.path) or "policy"
        if commit.is_merge:
            own = {m.path for m in commit.merged}
            brought = all((c, change.path) not in self.rejected for c in self._brought_in(commit))
            ok = brought and (change.path not in own or base.may(self._signer(commit, base), what))
        else:
            signer = self._signer(commit, base)
            ok = signer is not None and base.may(signer, what)
        if not ok:
            self.rejected.add((cid, change.path))
        return ok

    @staticmethod
    def _signer(commit: Commit, state: State) -> str | None:
        """The staff member who made and signed a commit with their own key, under a state's staff."""
        author = state.by_email.get(commit.email)
        good = commit.signature in GOOD and commit.key and state.by_key.get(commit.key) == author
        return author if good else None

    def _acknowledgements(self) -> dict[str, tuple[str, str, str]]:
        """Commits whose problems a role of `approvals.acknowledge` acknowledged (a signed commit with the trailer
        `Dangan-Acknowledge: <commit>`): commit -> (acknowledging commit, who, day)."""
        out: dict[str, tuple[str, str, str]] = {}
        for cid in self.history.order:
            commit = self.history.commits[cid]
            targets = commit.trailers.get(ACKNOWLEDGE)
            if not targets:
                continue
            rules = self.before(cid)
            who = self._signer(commit, rules)
            if who is None or not rules.may(who, "acknowledge"):
                continue
            for target in (t.split()[0].lower() for t in targets if t.split()):
                found = [c for c in self.history.commits if c.startswith(target)] if len(target) >= 7 else []
                if len(found) == 1 and self.position[found[0]] < self.position[cid]:
                    out.setdefault(found[0], (cid, who, commit.day))
        return out

    def judged(self, cid: str, severity: str) -> tuple[str, dict[str, str]]:
        """A problem's severity and extra arguments, once its commit's problems were acknowledged."""
        found = self.acknowledged.get(cid)
        if found is None:
            return severity, {}
        return WARNING, {"acknowledged": found[0][:10], "acknowledged_by": found[1], "acknowledged_on": found[2]}

    # --- the rules in force ---------------------------------------------------------------------
    def first_parent(self, cid: str) -> str | None:
        commit = self.history.commits.get(cid)
        parent = commit.parents[0] if commit and commit.parents else None
        return parent if parent in self.history.commits else None

    def before(self, cid: str) -> State:
        """The rules a commit is judged by: those after its first parent (the root: its own)."""
        parent = self.first_parent(cid)
        return self.after[parent] if parent else self.after.get(cid, EMPTY)

    def unknown(self, cid: str) -> bool:
        """A commit of a shallow clone whose parent is not here: nothing can be said of it."""
        return self.history.shallow and self.first_parent(cid) is None

    def mode(self, cid: str) -> str:
        return self.before(cid).mode

    @cached_property
    def ever_judged(self) -> bool:
        """Whether any commit was made under rules that judge signatures (a mode other than off)."""
        return any(state.mode != "off" for state in {id(s): s for s in self.after.values()}.values())

    def author(self, cid: str) -> str | None:
        commit = self.history.commits.get(cid)
        return self.before(cid).by_email.get(commit.email) if commit else None

    def head_state(self) -> State:
        return self.after.get(self.history.order[-1], EMPTY) if self.history.order else EMPTY

    # --- findings ---------------------------------------------------------------------------------
    def findings(self, cid: str) -> tuple[Finding, ...]:
        return self.history.audits.get(cid, ())

    def all_findings(self) -> Iterator[Finding]:
        for cid in self.history.order:
            yield from self.findings(cid)

    def verdict(self, cid: str) -> str:
        """One word for a commit's signature, under the rules in force at it."""
        commit = self.history.commits.get(cid)
        if commit is None or self.mode(cid) == "off" or self.unknown(cid):
            return UNCHECKED
        if commit.is_merge and not commit.merged:
            return MERGE
        own = {f.code for f in self.findings(cid) if f.via is None}
        if "commit.not-staff" in own:
            return NOT_STAFF
        if "commit.unsigned" in own:
            return UNSIGNED
        if "commit.bad-signature" in own:
            return BAD
        if "commit.bad-key" in own:
            owner = self.before(cid).by_key.get(commit.key)
            return FORGED if owner else UNKNOWN_KEY
        return VALID

    @cached_property
    def _key(self) -> str:
        acts = sorted((kind, json.dumps(info.path), json.dumps({k: info.schema.get(k) for k in (
            "x-signed-by", "x-act-fields", "x-act-date")}, sort_keys=True))
            for kind in self.schemas.kinds for info in self.schemas.fields(kind).values()
            if info.schema.get("x-signed-by"))
        return hashlib.sha256(json.dumps([AUDIT_VERSION, DEFAULT_APPROVERS, acts]).encode()).hexdigest()

    def _ensure_findings(self) -> None:
        history = self.history
        if history.audit_key != self._key:
            history.audits, history.audit_key = {}, self._key
        missing = [cid for cid in history.order if cid not in history.audits]
        if not missing:
            return
        own = self._changes_by_commit(set(missing))
        for cid in missing:
            history.audits[cid] = tuple(self._judge(cid, own.get(cid, [])))
        history.dirty = True

    def _changes_by_commit(self, wanted: set[str]) -> dict[str, list[Change]]:
        return self.history.changes.of_commits(wanted)

    def _judge(self, cid: str, changes: list[Change]) -> Iterator[Finding]:
        if self.unknown(cid):
            return
        commit = self.history.commits[cid]
        state = self.before(cid)
        if commit.is_merge:
            if commit.merged:
                merged = {m.path: m.fields for m in commit.merged}
                yield from self._judge_commit(commit, state, state.mode, list(merged), merged)
            yield from self._judge_brought_in(commit, state)
            return
        fields = {c.path: c.fields for c in changes if c.status != "D"}  # a deleted file: history.deleted
        yield from self._judge_commit(commit, state, state.mode, list(commit.paths), fields)

    def _judge_commit(self, commit: Commit, state: State, mode: str, paths: list[str],
                      fields: dict[str, Any], via: str | None = None) -> Iterator[Finding]:
        if MODES[mode] == 0 or not paths or not state.people:  # no staff yet: the archive is being founded
            return
        severity = ERROR if mode == "required" else WARNING
        where = paths[0]

        def finding(code: str, path: str = where, field: str | None = None, **args: str) -> Finding:
            values = {"commit": commit.id[:10], "author": f"{commit.author} <{commit.email}>", "date": commit.day,
                      **args}
            return Finding(code, commit.id, path, severity, tuple(values.items()), field, via)

        author = state.by_email.get(commit.email)
        if author is None:
            yield finding("commit.not-staff")
        elif commit.signature == "N":
            yield finding("commit.unsigned", staff=author)
        elif commit.signature not in GOOD or not commit.key:
            yield finding("commit.bad-signature", staff=author, verdict=commit.signature)
        elif state.by_key.get(commit.key) != author:
            owner = state.by_key.get(commit.key) or ""
            ever = "、".join(sorted(self.ever.get(commit.key, ())))
            yield finding("commit.bad-key", staff=author, key=commit.key, owner=owner, ever=ever)
        if author is not None:
            person = state.people[author]
            if person.joined and commit.day < person.joined:
                yield finding("commit.not-employed", staff=author, joined=person.joined)
            elif person.left and commit.day > person.left:
                yield finding("commit.not-employed", staff=author, left=person.left)
        for what in ("policy", "staff"):
            touched = [p for p in paths if guarded(p) == what]
            if touched and not state.may(author, what):
                roles = "、".join(self.role_names(state, state.approvers(what)))
                yield finding("commit.unauthorised", touched[0], staff=author or commit.email, what=what,
                              files=", ".join(touched[:3]) + (" …" if len(touched) > 3 else ""), roles=roles,
                              policy_key=f"approvals.{what}")
        if author is not None and not state.may(author, "amendment"):
            for path in paths:
                amended = self._amended(commit.id, path, fields.get(path) or ())
                if amended:
                    flat, signer = amended[0]
                    roles = "、".join(self.role_names(state, state.approvers("amendment")))
                    yield finding("commit.amended", path, flat, staff=author, fields=", ".join(
                        f for f, _ in amended[:5]), signer=signer or "?", roles=roles,
                        policy_key="approvals.amendment")

    def role_names(self, state: State, roles: Iterable[str]) -> list[str]:
        return state.policy.role_names(roles)

    def _amended(self, cid: str, path: str, fields: Iterable[tuple[str, Any, Any]]) -> list[tuple[str, str | None]]:
        """The fields a commit changed that an act had already signed: (field, the act's signer)."""
        if not is_record(path) or guarded(path):
            return []
        changed = [name for name, old, _ in fields if old is not None]
        if not changed:
            return []
        kind = self.kinds.get(path.split("/")[1])
        if kind is None:
            return []
        return signed_fields(self.schemas, kind, unflatten(self._flat_before(path, cid)), changed)

    def _flat_before(self, path: str, cid: str) -> dict[str, Any]:
        """A file's fields as they stood before a commit, replayed from its changes."""
        limit = self.position.get(cid, len(self.position))
        changes = self.history.of(path)
        flat: dict[str, Any] = {}
        if changes and changes[0].status == "R" and changes[0].old_path:
            flat = self._flat_before(changes[0].old_path, changes[0].commit)
        for change in changes:
            if self.position.get(change.commit, -1) >= limit:
                break
            for name, _, new in change.fields:
                if new is None:
                    flat.pop(name, None)
                else:
                    flat[name] = new
        return flat

    def _judge_brought_in(self, merge: Commit, state: State) -> Iterator[Finding]:
        """Commits a merge brings in that were made under a laxer mode than its first parent's."""
        if MODES[state.mode] == 0:
            return
        for cid in self._brought_in(merge):
            if MODES[self.mode(cid)] >= MODES[state.mode]:
                continue
            commit = self.history.commits[cid]
            changes = self._changes_by_commit({cid}).get(cid, [])
            yield from self._judge_commit(commit, self.before(cid), state.mode, list(commit.own_paths),
                                          {c.path: c.fields for c in changes if c.status != "D"}, via=merge.id)

    def _brought_in(self, merge: Commit) -> list[str]:
        """Commits reachable from a merge's other parents and not from its first (paint-down, as git does)."""
        if merge.id not in self._brought:
            self._brought[merge.id] = self._paint(merge)
        return self._brought[merge.id]

    def _paint(self, merge: Commit) -> list[str]:
        commits, position = self.history.commits, self.position
        first, others = merge.parents[0], [p for p in merge.parents[1:] if p in commits]
        color: dict[str, int] = {}
        queue: list[tuple[int, str]] = []
        for cid, mark in [(first, 1), *((p, 2) for p in others)]:
            if cid in commits:
                color[cid] = color.get(cid, 0) | mark
                heapq.heappush(queue, (-position[cid], cid))
        while queue and any(color[c] != 3 for _, c in queue):
            _, cid = heapq.heappop(queue)
            for parent in commits[cid].parents:
                if parent not in commits:
                    continue
                before = color.get(parent, 0)
                color[parent] = before | color[cid]
                if color[parent] != before:
                    heapq.heappush(queue, (-position[parent], parent))
        return sorted((c for c, mark in color.items() if mark == 2), key=position.__getitem__)
