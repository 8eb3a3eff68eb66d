"""Signed acts: the fields of a record that record a person's act, read from the schema.

A field annotated ``x-signed-by`` is an act: the commit that first gives it a value is
the signature of the person named by its sibling field (``by``, ``from``, ``to``,
``checked_by``; ``.`` for the value itself, as for each destruction supervisor).
``x-act-fields`` names what belongs to the act (``*``: its whole parent object), so
that the demo builder can replay each act as its own commit, and so that a later change
of what an act signed is known to be an amendment (`audit`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .index import Index
from .paths import field_path
from .record import Record
from .schemas import SchemaSet, values_at


@dataclass(frozen=True)
class Act:
    record: Record | None
    path: tuple  # the signed field, e.g. ("handover", 0, "handed_on")
    signer: str | None
    date: str | None
    fields: tuple[tuple, ...]  # what the act writes: paths within the record

    @property
    def flat(self) -> str:
        return field_path(self.path)

    def covers(self, flat: str) -> bool:
        """Whether a field (by its flat path) is part of what this act signed."""
        for scope in self.fields:
            prefix = field_path(scope)
            if flat == prefix or flat.startswith((prefix + ".", prefix + "[")):
                return True
        return False


def _get(data: Any, path: tuple) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def acts_in(schemas: SchemaSet, kind: str, data: Any, record: Record | None = None) -> Iterator[Act]:
    """The acts recorded in a record's data (of any version: the audit reads old ones)."""
    if kind not in schemas.kinds or not isinstance(data, dict):
        return
    for info in schemas.fields(kind).values():
        signed_by = info.schema.get("x-signed-by")
        if not signed_by:
            continue
        for path, value in values_at(data, info.path):
            if value is None:
                continue
            parent = path[:-1]
            if signed_by == ".":
                signer = value
                date_field = info.schema.get("x-act-date")
                date = _get(data, tuple(date_field.split("."))) if date_field else None
                fields = (path,)
            else:
                signer = _get(data, (*parent, signed_by))
                date = value
                scope = info.schema.get("x-act-fields", [path[-1]])
                fields = (parent,) if scope == "*" else tuple((*parent, name) for name in scope)
            yield Act(record, path, signer if isinstance(signer, str) else None,
                      date if isinstance(date, str) else None, fields)


def acts(index: Index, record: Record) -> list[Act]:
    found = acts_in(index.schemas, record.kind, record.data, record)
    return sorted(found, key=lambda a: (a.date or "", field_path(a.path)))
