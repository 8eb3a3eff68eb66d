"""Integrity (DA/T 70 完整性): nothing rewritten, nothing lost, nothing shown that is not there.

No record file is ever deleted (destruction marks a record, a disposal lists it); a
record's id never changes; once a dossier is archived, everything but its custody
(status, location, loans, destruction, sealing, notes) changes only through an
`amendments` entry approved by `approvals.amendment`. Each commit is judged by the rules in
force at its parent (`signatures.mode`). Every seal (`dangan seal`) is a signed tag by a role
of `approvals.seal` and stays in the history; a published commit or a seal this checkout
saw never disappears; replace refs and grafts are reported, a shallow clone named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..audit import GOOD
from ..facts import Facts
from ..index import Index
from ..problems import ERROR, WARNING, Problem
from ..rules_in_force import MODES

# what may change in an archived dossier without an amendment: its custody, not its content
MUTABLE_WHEN_ARCHIVED = ("status", "location", "amendments", "disposal", "confidentiality", "note")


def check_history(index: Index, f: Facts) -> Iterator[Problem]:
    """Deleted and renamed records, and archived dossiers changed without an approved amendment."""
    audit = f.audit
    if audit is None:
        return
    history = f.history

    def severity(change) -> str | None:
        mode = audit.mode(change.commit)
        return None if mode == "off" else audit.judged(change.commit, ERROR if mode == "required" else WARNING)[0]

    def who(change) -> dict:
        return _who(history.commits.get(change.commit)) | audit.judged(change.commit, ERROR)[1]

    # only the deletions and renames are read from the store, not every record's changes
    found: dict[str, list[Problem]] = defaultdict(list)
    deleted = {c.path for c in history.changes.select("status = 'D' AND path GLOB 'records/*'", (),
                                                       lambda c: c.status == "D" and c.path.startswith("records/"))}
    for path in deleted:
        last = history.of(path)[-1]
        if last.status == "D" and severity(last) and not (index.root / path).exists():
            found[path].append(Problem("history.deleted", path, severity=severity(last), args=who(last)))
    for change in history.changes.select("status = 'R' AND path GLOB 'records/*'", (),
                                         lambda c: c.status == "R" and c.path.startswith("records/")):
        merge = history.commits.get(change.commit)
        if merge is not None and merge.is_merge:  # reported at the commit that renamed it
            continue
        if change.old_path and severity(change):
            found[change.path].append(Problem("history.renamed", change.path, 1, 1, severity=severity(change),
                                              args={"old": change.old_path, **who(change)}))
    for path in sorted(found):
        yield from found[path]
    again = history.changes.changed_again("records/")  # a file changed once (made) changed nothing archived
    for dossier in index.of("dossier").values():
        if dossier.file in again:
            yield from _archived_changes(f, dossier, severity, who)


def _who(commit) -> dict:
    if commit is None:
        return {"commit": "?", "author": "?", "date": "?"}
    return {"commit": commit.id[:10], "author": f"{commit.author} <{commit.email}>", "date": commit.day}


def _top(name: str) -> str:
    return name.split("[")[0].split(".")[0]


def _archived_changes(f, dossier, severity, who) -> Iterator[Problem]:
    history = f.history
    archived = False
    allowed = f.approvers("amendment")
    for change in history.of(dossier.file):
        commit = history.commits.get(change.commit)
        fields = change.fields
        if commit is not None and commit.is_merge:  # what a merge brings in was judged in its own commits
            fields = next((m.fields for m in commit.merged if m.path == change.path), ())
        touched = sorted({name for name, _, _ in fields if _top(name) not in MUTABLE_WHEN_ARCHIVED})
        level = severity(change)
        if archived and touched and level:
            amended = any(k.startswith("amendments[") and k.endswith("approved.by") for k in change.added_fields())
            approver = next((new for name, _, new in fields
                             if name.startswith("amendments[") and name.endswith("approved.by")), None)
            if not amended or not f.has_role(approver, allowed):
                yield dossier.problem("history.archived-changed", (_top(touched[0]),), severity=level,
                                      fields=", ".join(touched[:5]), policy_key="approvals.amendment",
                                      **who(change))
        if any(name == "status" and new in ("archived", "on_loan", "destroyed") for name, _, new in fields):
            archived = True


def check_anchors(index: Index, f: Facts) -> Iterator[Problem]:
    """Seals signed by a role of `approvals.seal` and inside HEAD; nothing vanished; no replace refs or grafts."""
    audit = f.audit
    if audit is None:
        return
    strictest = max((MODES[s.mode] for s in audit.after.values()), default=0)
    level = ERROR if strictest == MODES["required"] else WARNING
    found = f.anchors
    for what in found.replaced:
        yield Problem("history.replaced", "records", severity=level, args={"what": what})
    if found.shallow:
        yield Problem("history.shallow", "records", severity=WARNING, args={"depth": found.shallow})
    for name in found.lightweight:
        yield Problem("seal.unsigned", "records", severity=level, args={"tag": name, "verdict": "lightweight"})
    for seal in found.seals:
        where = {"tag": seal.name, "tagger": f"{seal.tagger} <{seal.email}>", "date": seal.date[:10],
                 "commit": seal.commit[:10]}
        if seal.name in found.outside_head:
            yield Problem("history.rewritten", "records", severity=level, args=where)
            continue
        if seal.signature not in GOOD or not seal.key:
            yield Problem("seal.unsigned", "records", severity=level, args={**where, "verdict": seal.signature})
            continue
        rules = audit.after.get(seal.commit) or audit.head_state()  # the rules in force at the sealed commit
        who = rules.by_email.get(seal.email)
        if who is None or rules.by_key.get(seal.key) != who or not rules.may(who, "seal"):
            roles = "、".join(audit.role_names(rules, rules.approvers("seal")))
            yield Problem("seal.unauthorised", "records", severity=level,
                          args={**where, "who": who or "非员工", "roles": roles, "policy_key": "approvals.seal"})
    for commit, day in sorted(found.vanished.items()):
        yield Problem("history.vanished", "records", severity=level, args={"commit": commit[:10], "seen": day})
    for name, commit in found.removed:
        yield Problem("seal.removed", "records", severity=level, args={"tag": name, "commit": commit})
