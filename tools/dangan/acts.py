"""Signed acts: the fields of a record that record a person's act, read from the schema.

A field annotated ``x-signed-by`` is an act: the commit that first gives it a value is
the signature of the person named by its sibling field (``by``, ``from``, ``to``,
``checked_by``; ``.`` for the value itself, as for each destruction supervisor).
``x-act-fields`` names what belongs to the act (``*``: its whole parent object), so
that the demo builder can replay each act as its own commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from .index import Index, Record
from .problems import field_path
from .schemas import values_at


@dataclass(frozen=True)
class Act:
    record: Record
    path: tuple  # the signed field, e.g. ("handover", 0, "handed_on")
    signer: str | None
    date: str | None
    fields: tuple[tuple, ...]  # what the act writes: paths within the record

    @property
    def flat(self) -> str:
        return field_path(self.path)


def acts(index: Index, record: Record) -> list[Act]:
    out = []
    for info in index.schemas.fields(record.kind).values() if record.kind in index.schemas.kinds else ():
        signed_by = info.schema.get("x-signed-by")
        if not signed_by:
            continue
        for path, value in values_at(record.data, info.path):
            if value is None:
                continue
            parent = path[:-1]
            if signed_by == ".":
                signer = value
                date_field = info.schema.get("x-act-date")
                date = record.get(*date_field.split(".")) if date_field else None
                fields = (path,)
            else:
                signer = record.get(*parent, signed_by)
                date = value
                scope = info.schema.get("x-act-fields", [path[-1]])
                fields = (parent,) if scope == "*" else tuple((*parent, name) for name in scope)
            out.append(Act(record, path, signer if isinstance(signer, str) else None,
                           date if isinstance(date, str) else None, fields))
    return sorted(out, key=lambda a: (a.date or "", field_path(a.path)))
