"""What an import is about to write, row by row: the transaction, the numbers and customers it has taken, and
the problems of each row. Shared by the importer and the inventory rows it hands on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..index import Index
from ..transaction import Transaction
from . import defaults, identity


@dataclass
class RowProblem:
    row: int  # the sheet's row number; 0 for the import as a whole
    column: str  # the header, or "" for the whole row
    value: Any
    message: str


@dataclass
class Plan:
    tx: Transaction
    numbering: defaults.Numbering
    customers: identity.Customers
    problems: list[RowProblem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # record id -> row
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: list[int] = field(default_factory=list)
    origin: dict[str, int] = field(default_factory=dict)  # record key (or inventory item path) -> row
    unreadable: set[tuple[int, str]] = field(default_factory=set)  # (row, header) already reported
    untyped: set[int] = field(default_factory=set)  # rows whose customer type was to come from an unreadable number
    pages_added: int = 0  # a dossier's inventory

    @property
    def rejected(self) -> set[int]:
        return {p.row for p in self.problems}


class Rows(Protocol):
    """What the inventory rows need of the importer: the archive, the dossier, and where a row's problem goes."""
    index: Index
    dossier: str | None

    def add(self, plan: Plan, number: int, path: str, value: Any, message: str) -> None: ...
