"""A record's history for its page: who changed which field when, and each signature's verdict.

A signed act (DESIGN §4) is valid when the commit that first recorded it was authored by the
person the act names and carries a good signature (git's %G? = G) by one of their keys; forged
when its author is someone else; unsigned otherwise."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..acts import acts
from ..checks.signatures import settings
from ..history import Commit, History
from ..index import Record
from ..signers import Signatures
from .values import Cell, View

VALID, UNSIGNED, FORGED, PENDING = "valid", "unsigned", "forged", "pending"
UNCHECKED, IMPORTED = "unchecked", "imported"  # signatures.mode off; committed before signatures.since
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


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


def parse_path(flat: str) -> tuple:
    """"handover[0].handed_on" -> ("handover", 0, "handed_on")."""
    return tuple(int(m.group(2)) if m.group(2) else m.group(1) for m in _PART.finditer(flat))


class RecordHistory:
    def __init__(self, view: View, history: History):
        self.view = view
        self.history = history

    @property
    def people(self) -> dict[str, str]:
        return self.judge.people

    @cached_property
    def judge(self) -> Signatures:
        return Signatures(self.view.index)

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
        staff = self.people.get(commit.email)
        return self.view.link("staff", staff) if staff else Cell(self.view.mask.text(commit.author))

    def verdict(self, commit: Commit | None, signer: str | None) -> str:
        """The verdict `dangan check` gives the act, under the policy's `signatures` settings."""
        if commit is None:
            return PENDING
        mode, since, _ = settings(self.view.index.policy_data)
        if mode == "off":
            return UNCHECKED
        if since and commit.day < since:
            return IMPORTED
        found = self.judge.findings(commit, signer)
        if "forged" in found or (commit.signature == "G" and "bad-key" in found):  # someone else's key
            return FORGED
        return UNSIGNED if found else VALID

    def acts(self, record: Record) -> list[ActRow]:
        rows = []
        for act in acts(self.view.index, record):
            commit = self.history.first_setting(record.file, act.flat)
            rows.append(ActRow(self.label(record.kind, act.path), self.view.link("staff", act.signer)
                               if act.signer else Cell(""), act.date or "", commit.id[:10] if commit else "",
                               self.author(commit) if commit else Cell(""), self.verdict(commit, act.signer)))
        return rows

    def changes(self, record: Record) -> list[ChangeRow]:
        by_commit: dict[str, list[str]] = {}
        for act in acts(self.view.index, record):
            commit = self.history.first_setting(record.file, act.flat)
            if commit is not None:
                by_commit.setdefault(commit.id, []).append(self.verdict(commit, act.signer))
        rows = []
        for change in reversed(self.history.of(record.file)):
            commit = self.history.commits.get(change.commit)
            if commit is None:
                continue
            verdicts = by_commit.get(commit.id, [])
            verdict = next((v for v in (FORGED, UNCHECKED, IMPORTED) if v in verdicts), None) or (
                VALID if commit.signature == "G" else UNSIGNED)
            rows.append(ChangeRow(commit.id[:10], commit.authored[:16].replace("T", " "), self.author(commit),
                                  commit.signature, verdict, self.view.mask.text(commit.subject), change.status,
                                  [self._field(record, flat, old, new) for flat, old, new in change.fields]))
        return rows

    def _field(self, record: Record, flat: str, old: Any, new: Any) -> tuple[str, str, str]:
        path = parse_path(flat)
        return (self.label(record.kind, path), self._shown(record, path, old), self._shown(record, path, new))

    def _shown(self, record: Record, path: tuple, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return self.view.mask.text(str(value)) if value else "—"
        return self.view.cell(record.kind, path, value, record).text
