"""Values as the site shows them: labels from the schemas, names for people, links to records,
masked identifiers, and nothing at all of a sealed record. Every page renders values through here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .. import ledger, privacy
from ..crypto import is_token
from ..facts import facts
from ..index import Index
from ..record import Record, value_at
from ..schemas import values_at
from . import routes
from .mask import Masker

SUMMARY_FIELDS = ("name", "project", "title", "period", "purpose", "description", "reason")
DATE_FIELDS = (("date",), ("received", "date"), ("signed_on",), ("lent", "date"), ("executed_on",),
               ("project_end",), ("first_contact_on",))
SUMMARY_LENGTH = 40
ENCRYPTED = "〔已加密〕"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    href: str | None = None  # the source path of the page it links to
    sort: str | None = None  # what to sort by when the text does not sort well
    sealed: bool = False


@dataclass(slots=True)
class Table:
    """A list of objects (contacts, handover steps, inventory items …): one row per item."""

    columns: list[str]
    rows: list[list[list[Cell] | Table]]


@dataclass(slots=True)
class Row:
    """One line of a record's fields: a value, the heading of an object, or a list of objects."""

    label: str
    depth: int = 0
    cells: list[Cell] | None = None  # None: the heading of the object whose fields follow
    table: Table | None = None


class View:
    """Renders the values of one build: masked and sealed unless the build is internal."""

    def __init__(self, index: Index, internal: bool = False):
        self.index = index
        self.internal = internal
        self.sealed = set() if internal else privacy.sealed_records(index)
        self.mask = Masker(index, enabled=not internal, sealed_names=privacy.identities(index, self.sealed))
        self.facts = facts(index)
        self._schemas: dict[tuple, dict] = {}
        self._names: dict[str, str] = {}  # record key -> `name` (read once, the record not kept decoded)
        self._summaries: dict[str, str] = {}

    # --- records ------------------------------------------------------------------------------
    def is_sealed(self, record: Record | None) -> bool:
        """Sealed on this build: sealed itself, or belonging to a sealed customer (`privacy.sealed_records`)."""
        return record is not None and record.key in self.sealed

    def name(self, record: Record) -> str:
        """How a record is named in a link: a person's or customer's name, else its id."""
        if self.is_sealed(record):
            return record.id
        found = self._names.get(record.key)
        if found is None:
            name = record.peek().get("name") if record.kind in ledger.NAMED_KINDS else None
            found = self._names[record.key] = self.mask.text(name) if isinstance(name, str) else record.id
        return found

    def link(self, kind: str, record_id: Any) -> Cell:
        record = self.index.get(kind, record_id)
        if record is None:
            return Cell(str(record_id))
        return Cell(self.name(record), routes.record(self.index, kind, record.id), sealed=self.is_sealed(record))

    def summary(self, record: Record) -> str:
        """A line saying what the record is about (its name, project, purpose …) and when."""
        if self.is_sealed(record):
            return ""
        found = self._summaries.get(record.key)
        if found is None:  # read once, the record not kept decoded (every customer's and dossier's is listed)
            found = self._summaries[record.key] = self._summary(record.peek())
        return found

    def _summary(self, data: dict) -> str:
        parts = []
        for key in SUMMARY_FIELDS:
            value = data.get(key)
            if isinstance(value, str) and value:
                text = self.mask.text(value)
                parts.append(text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…")
                break
        for path in DATE_FIELDS:
            value = value_at(data, path)
            if isinstance(value, str):
                parts.insert(0, value)
                break
        return " ".join(parts)

    def policy_name(self, ref: str, code: Any) -> str:
        """The name of a policy entry (a department, a role, a dossier type …) from its code."""
        return self.facts.policy.name(ref, code)

    # --- fields -------------------------------------------------------------------------------
    def _schema(self, kind: str, path: tuple) -> dict:
        pattern = (kind, *("*" if isinstance(p, int) else p for p in path))
        found = self._schemas.get(pattern)
        if found is None:
            info = self.index.schemas.field_info(kind, path)
            found = self._schemas[pattern] = info.schema if info else {}
        return found

    def cell(self, kind: str, path: tuple, value: Any, record: Record | None = None) -> Cell:
        """One scalar value of a field of a kind."""
        if value is None:
            return Cell("")
        schema = self._schema(kind, path)
        ref = schema.get("x-ref")
        if isinstance(ref, str) and not ref.startswith("policy:") and isinstance(value, str):
            return self.link(ref, value)
        if isinstance(ref, str) and not isinstance(value, bool):
            return Cell(self.policy_name(ref, value), sort=str(value))
        if isinstance(value, bool) or value in (schema.get("x-labels") or {}):
            return Cell(ledger.display(self.index, kind, ledger.Column(path, "", schema), value), sort=str(value))
        if isinstance(value, int | float):
            shown = f"{value:,}" if schema.get("type") == "number" else str(value)
            return Cell(shown, sort=f"{value:020.2f}")
        if is_token(value):  # a value no key opened (the public build never opens one)
            return Cell(ENCRYPTED)
        if isinstance(value, str):
            return Cell(str(self.mask.value(kind, path, value, record)))
        return Cell(self.mask.text(str(value)))

    def cells(self, kind: str, path: tuple, value: Any, record: Record | None = None) -> list[Cell]:
        """A field's value as cells: one per item of a list."""
        if isinstance(value, list):
            return [self.cell(kind, (*path, i), v, record) for i, v in enumerate(value) if not isinstance(v, dict)]
        if isinstance(value, dict):
            return [Cell(self.mask.text("、".join(f"{k}: {v}" for k, v in value.items())))]
        return [self.cell(kind, path, value, record)]

    def fields(self, record: Record, data: dict | None = None, path: tuple = (), depth: int = 0) -> list[Row]:
        """Every field of a record in file order with the schema's labels; objects nest, lists of objects
        become tables."""
        out = []
        for key, value in (record.data if data is None else data).items():
            here = (*path, key)
            label = self.index.schemas.label(record.kind, here)
            if isinstance(value, dict):
                out.append(Row(label, depth))
                out += self.fields(record, value, here, depth + 1)
            elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
                out.append(Row(label, depth, table=self.table(record, value, here)))
            else:
                out.append(Row(label, depth, cells=self.cells(record.kind, here, value, record)))
        return out

    def table(self, record: Record, items: list, path: tuple) -> Table:
        columns: dict[tuple, str] = {}
        flat = []
        for i, item in enumerate(items):
            found = dict(_leaves(item)) if isinstance(item, dict) else {}
            for rel in found:
                if rel not in columns:
                    columns[rel] = " · ".join(self.index.schemas.label(record.kind, (*path, i, *rel[: n + 1]))
                                              for n in range(len(rel)))
            flat.append((i, found))
        rows = []
        for i, found in flat:
            row: list[list[Cell] | Table] = []
            for rel in columns:
                value = found.get(rel)
                if isinstance(value, list) and any(isinstance(v, dict) for v in value):
                    row.append(self.table(record, value, (*path, i, *rel)))
                else:
                    row.append(self.cells(record.kind, (*path, i, *rel), value, record) if value is not None else [])
            rows.append(row)
        return Table(list(columns.values()), rows)

    def column_cells(self, record: Record, column: ledger.Column) -> list[Cell]:
        if self.is_sealed(record) and column.path != ("id",):
            return []
        if "x-derived" in column.schema:
            return [Cell(ledger.raw_value(record, column) or "")]
        found = list(values_at(record.data, column.path))
        value = found[0][1] if found else None
        if column.path == ("id",):
            return [Cell(record.id, routes.record(self.index, record.kind, record.id), sealed=self.is_sealed(record))]
        return self.cells(record.kind, column.path, value, record)

    # --- related records ----------------------------------------------------------------------
    @cached_property
    def backlinks(self) -> dict[tuple[str, str], list[Record]]:
        """(kind, id) -> the records whose fields name it."""
        out: dict[tuple[str, str], dict[str, Record]] = defaultdict(dict)
        for kind, refs in self.index.schemas.references.items():
            targets = [f for f in refs if f.ref and not f.ref.startswith("policy:")]
            for other in self.index.of(kind).values() if targets else ():
                data = other.peek()  # every record of these kinds is read: none kept decoded
                for info in targets:
                    for _, value in values_at(data, info.path):
                        if isinstance(value, str) and value != other.id:
                            out[(info.ref, value)][other.key] = other
        return {key: list(found.values()) for key, found in out.items()}

    def related(self, record: Record) -> list[tuple[str, list[Record]]]:
        """The records that name this one, grouped by kind; a customer's also those naming its dossiers."""
        found: dict[str, Record] = {r.key: r for r in self.backlinks.get((record.kind, record.id), [])}
        if record.kind == "customer":
            for dossier in [r for r in found.values() if r.kind == "dossier"]:
                for other in self.backlinks.get(("dossier", dossier.id), []):
                    found.setdefault(other.key, other)
                    for loan in self.backlinks.get((other.kind, other.id), []):
                        found.setdefault(loan.key, loan)
        groups = []
        for kind in self.index.schemas.kinds:
            items = sorted((r for r in found.values() if r.kind == kind), key=lambda r: r.id)
            if items:
                groups.append((self.index.schemas.title(kind), items))
        return groups


def _leaves(item: dict, prefix: tuple = ()):
    """(relative path, value) of an object's fields, nested objects flattened (lists stay whole)."""
    for key, value in item.items():
        if isinstance(value, dict) and value:
            yield from _leaves(value, (*prefix, key))
        else:
            yield (*prefix, key), value

