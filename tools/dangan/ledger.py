"""Ledgers (台帐): one row per record of a kind, columns and headers from the schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .index import Index
from .messages import say
from .record import Record
from .rules.archive import late_days
from .schemas import values_at

NAMED_KINDS = ("staff", "customer")  # references shown by name


@dataclass
class Column:
    path: tuple
    title: str
    schema: dict


def resolve_kind(index: Index, name: str) -> str | None:
    """A kind from its code (dossier), folder (dossiers), title (项目档案) or ledger title (档案台帐)."""
    for kind in index.schemas.kinds:
        notes = index.schemas.annotations(kind)
        if name in (kind, notes.get("folder"), notes.get("ledger_title"), index.schemas.title(kind)):
            return kind if notes.get("ledger") else None
    return None


def columns(index: Index, kind: str) -> list[Column]:
    """The ledger's columns (`x-dangan.ledger`), titled by the schema (a shared act's fields carry the
    titles their use gives them, `x-titles`: 受理日期, 答复日期, 审批人)."""
    out = []
    for dotted in index.schemas.annotations(kind).get("ledger", []):
        path = tuple(dotted.split("."))
        info = index.schemas.field_info(kind, path)
        out.append(Column(path, info.title if info else dotted, info.schema if info else {}))
    for name, spec in (index.schemas.annotations(kind).get("derived") or {}).items():
        if name in DERIVED:  # computed by dangan from the record, never written in it
            out.append(Column((name,), spec.get("title", name), {**spec, "x-derived": name}))
    return out


def _lateness(record: Record) -> str | None:
    """逾期 3 天归还: a loan that came back after its due date (seed 000 篇1 六(三))."""
    days = late_days(record)
    return say("loan.lateness-returned", days=days)[0] if days else None


DERIVED = {"lateness": _lateness}


def raw_value(record: Record, column: Column) -> Any:
    if "x-derived" in column.schema:
        return DERIVED[column.schema["x-derived"]](record)
    found = list(values_at(record.data, column.path))
    return found[0][1] if found else None


def display(index: Index, kind: str, column: Column, value: Any) -> str:
    """A value as a person reads it: enum labels, names for people and customers."""
    if value is None:
        return ""
    if isinstance(value, list):
        info = index.schemas.field_info(kind, (*column.path, "*"))
        item = Column(column.path, column.title, info.schema if info else {})
        return "、".join(display(index, kind, item, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = column.schema.get("x-labels")
    if labels and value in labels:
        return labels[value]
    target = column.schema.get("x-ref")
    if target in NAMED_KINDS and isinstance(value, str):
        other = index.get(target, value)
        if other is not None and isinstance(other.data.get("name"), str):
            return other.data["name"]
    return str(value)


def rows(index: Index, kind: str) -> tuple[list[Column], list[list[Any]]]:
    cols = columns(index, kind)
    records = sorted(index.of(kind).values(), key=lambda r: r.id)
    return cols, [[raw_value(r, c) for c in cols] for r in records]
