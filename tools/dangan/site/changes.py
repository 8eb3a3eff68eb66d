"""A record's history for its page: who changed which field when, and each signature's verdict.

The verdicts are the audit's (`dangan check` and `dangan history` give the same): an act is
valid when the commit that first recorded it was made by the person it names and that
commit is good under the rules in force at it; forged when its author is someone else or it
is signed with another person's key."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .. import audit as judged
from ..acts import acts
from ..audit import Audit
from ..history import Commit, History
from ..paths import PathError, parse_path
from ..record import Record
from ..signers import email_to_staff
from .values import Cell, View

PENDING, IMPORTED = "pending", "imported"


@dataclass(slots=True)
class ActRow:
    label: str
    signer: Cell
    date: str
    commit: str
    author: Cell
    verdict: str


@dataclass(slots=True)
class ChangeRow:
    commit: str
    date: str
    author: Cell
    signature: str  # git's %G?
    verdict: str
    subject: str
    status: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after


class RecordHistory:
    def __init__(self, view: View, history: History, audit: Audit):
        self.view = view
        self.history = history
        self.audit = audit

    @cached_property
    def people(self) -> dict[str, str]:
        return email_to_staff(self.view.index)

    def label(self, kind: str, path: tuple) -> str:
        parts: list[str] = []
        for i, part in enumerate(path):
            if isinstance(part, int):
                if parts:
                    parts[-1] += f" {part + 1}"
            else:
                parts.append(self.view.index.schemas.label(kind, path[: i + 1]))
        return " · ".join(parts)

    def author(self, commit: Commit) -> Cell:
        staff = self.audit.author(commit.id) or self.people.get(commit.email)
        return self.view.link("staff", staff) if staff else Cell(self.view.mask.text(commit.author))

    def verdict(self, commit: Commit | None, signer: str | None, date: str | None) -> str:
        """The verdict `dangan check` gives the act, under the rules in force at its commit."""
        if commit is None:
            return PENDING
        rules = self.audit.before(commit.id)
        if rules.mode == "off":
            return judged.UNCHECKED
        if rules.since and (date or commit.day) < rules.since:
            return IMPORTED
        if self.audit.author(commit.id) != signer:
            return judged.FORGED
        return self.audit.verdict(commit.id)

    def acts(self, record: Record) -> list[ActRow]:
        rows = []
        for act in acts(self.view.index, record):
            commit = self.history.first_setting(record.file, act.flat)
            rows.append(ActRow(self.label(record.kind, act.path), self.view.link("staff", act.signer)
                               if act.signer else Cell(""), act.date or "", commit.id[:10] if commit else "",
                               self.author(commit) if commit else Cell(""),
                               self.verdict(commit, act.signer, act.date)))
        return rows

    def changes(self, record: Record) -> list[ChangeRow]:
        by_commit: dict[str, list[str]] = {}
        for act in acts(self.view.index, record):
            commit = self.history.first_setting(record.file, act.flat)
            if commit is not None:
                by_commit.setdefault(commit.id, []).append(self.verdict(commit, act.signer, act.date))
        rows = []
        for change in reversed(self.history.of(record.file)):
            commit = self.history.commits.get(change.commit)
            if commit is None:
                continue
            verdicts = by_commit.get(commit.id, [])
            verdict = judged.FORGED if judged.FORGED in verdicts else self.audit.verdict(commit.id)
            rows.append(ChangeRow(commit.id[:10], commit.authored[:16].replace("T", " "), self.author(commit),
                                  commit.signature, verdict, self.view.mask.text(commit.subject), change.status,
                                  [self._field(record, flat, old, new) for flat, old, new in change.fields]))
        return rows

    def _field(self, record: Record, flat: str, old: Any, new: Any) -> tuple[str, str, str]:
        try:
            path = parse_path(flat)
        except PathError:  # a key no schema has (dots or brackets in its name): shown as written, masked as text
            return self.view.mask.text(flat), self._shown(record, (), old), self._shown(record, (), new)
        return (self.label(record.kind, path), self._shown(record, path, old), self._shown(record, path, new))

    def _shown(self, record: Record, path: tuple, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return self.view.mask.text(str(value)) if value else "—"
        return self.view.cell(record.kind, path, value, record).text
