"""Integrity (DA/T 70 完整性): nothing rewritten, nothing lost. No record file is ever
deleted (destruction marks a record, a disposal lists it); a record's id never changes;
once a dossier is archived its number, inventory and handover change only through an
`amendments` entry approved by `approvals.amendment`; history below a trusted tag
(`dangan-trusted*`) is never rewritten."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

from ..facts import facts
from ..index import Index
from ..problems import ERROR, WARNING, Problem
from .signatures import settings

PROTECTED = ("id", "inventory", "total_pages", "handover")


def check_history(index: Index) -> Iterator[Problem]:
    """Judged like signatures: not with `signatures.mode: off`, only from `signatures.since`."""
    f = facts(index)
    mode, since, _ = settings(f.policy)
    history = f.history if mode != "off" else None
    if history is None:
        return
    severity = ERROR if mode == "required" else WARNING

    def judged(change) -> bool:
        commit = history.commits.get(change.commit)
        return commit is not None and (not since or commit.day >= since)

    for path, changes in sorted(history.changes.items()):
        last = changes[-1]
        if last.status == "D" and judged(last) and not (index.root / path).exists():
            yield Problem("history.deleted", path, severity=severity, args=_who(history.commits.get(last.commit)))
        for change in changes:
            if change.status == "R" and change.old_path and judged(change):
                yield Problem("history.renamed", path, 1, 1, severity=severity,
                              args={"old": change.old_path, **_who(history.commits.get(change.commit))})
    for dossier in index.of("dossier").values():
        for problem in _archived_changes(f, dossier, judged):
            problem.severity = severity
            yield problem
    yield from _trusted(index)


def _who(commit) -> dict:
    if commit is None:
        return {"commit": "?", "author": "?", "date": "?"}
    return {"commit": commit.id[:10], "author": f"{commit.author} <{commit.email}>", "date": commit.day}


def _archived_changes(f, dossier, judged) -> Iterator[Problem]:
    history = f.history
    archived = False
    allowed = f.approvers("amendment")
    for change in history.of(dossier.file):
        touched = sorted({name for name, _, _ in change.fields if name.split("[")[0].split(".")[0] in PROTECTED})
        if archived and touched and judged(change):
            amended = any(k.startswith("amendments[") and k.endswith("approved.by") for k in change.added)
            approver = next((new for name, _, new in change.fields
                             if name.startswith("amendments[") and name.endswith("approved.by")), None)
            if not amended or not f.has_role(approver, allowed):
                yield dossier.problem("history.archived-changed", (touched[0].split("[")[0].split(".")[0],),
                                      fields=", ".join(touched[:5]), policy_key="approvals.amendment",
                                      **_who(history.commits.get(change.commit)))
        if any(name == "status" and new in ("archived", "on_loan", "destroyed") for name, _, new in change.fields):
            archived = True


def _trusted(index: Index) -> Iterator[Problem]:
    root = index.root
    tags = subprocess.run(["git", "-C", str(root), "tag", "--list", "dangan-trusted*"], capture_output=True,
                          text=True, check=False).stdout.split()
    for tag in tags:
        result = subprocess.run(["git", "-C", str(root), "merge-base", "--is-ancestor", tag, "HEAD"],
                                capture_output=True, check=False)
        if result.returncode != 0:
            yield Problem("history.rewritten", "records", args={"tag": tag})
