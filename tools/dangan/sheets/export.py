"""A kind's ledger for Excel: the ledger's columns, then every field an import reads back
(top-level fields, nested ones such as enterprise.credit_code, the first contact's and
address's), headed by the schema's titles as an import recognises them. In .xlsx: dates
are dates, identifiers are text cells, the header row is frozen, columns fit their text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from .. import ledger
from ..index import Index
from ..paths import field_path
from ..record import Record
from ..schemas import FieldInfo
from .clean import FALSE, TRUE
from .defaults import get
from .mapping import default_mapping, export_header, importable
from .report import MAX_WIDTH, width

FORMATS = ("xlsx", "csv", "json")
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass
class Column:
    path: str
    header: str
    info: FieldInfo


def columns(index: Index, kind: str, records: list[Record]) -> list[Column]:
    """Ledger columns always; the other importable fields when any record has them."""
    fields = importable(index.schemas, kind)
    mapping = default_mapping(index.schemas, kind)
    first = [field_path(c.path) for c in ledger.columns(index, kind)]
    out = []
    for path in dict.fromkeys([*first, *fields]):
        if path not in fields:
            continue
        if path not in first and all(get(r.data, path) in (None, "", []) for r in records):
            continue
        out.append(Column(path, export_header(index.schemas, mapping, path), fields[path][0]))
    return out


def shown(info: FieldInfo, value: Any, *, dates: bool) -> Any:
    """A value as a spreadsheet holds it: labels for codes, 是/否, dates (or ISO text), lists joined."""
    schema = info.schema
    if value is None:
        return None
    if isinstance(value, list):
        labels = (schema.get("items") or {}).get("x-labels") or {}
        return "、".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, bool):
        return TRUE[0] if value else FALSE[0]
    if value in (schema.get("x-labels") or {}):
        return schema["x-labels"][value]
    if dates and schema.get("format") == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def export(index: Index, kind: str, fmt: str) -> bytes:
    records = sorted(index.of(kind).values(), key=lambda r: r.id)
    cols = columns(index, kind, records)
    if fmt == "json":
        rows = [{c.path: get(r.data, c.path) for c in cols if get(r.data, c.path) is not None} for r in records]
        return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([c.header for c in cols])
        for r in records:
            writer.writerow(["" if (v := shown(c.info, get(r.data, c.path), dates=False)) is None else v
                             for c in cols])
        return out.getvalue().encode("utf-8-sig")  # with a BOM, so that Excel reads it as UTF-8
    return _xlsx(index, kind, cols, records)


def _xlsx(index: Index, kind: str, cols: list[Column], records: list[Record]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    title = index.schemas.annotations(kind).get("ledger_title") or kind
    sheet.title = title.translate(_SHEET_NAME_FORBIDDEN)[:31]
    sheet.append([c.header for c in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="DDEBF7")
    widths = [width(c.header) for c in cols]
    for line, record in enumerate(records, start=2):
        for i, column in enumerate(cols):
            value = shown(column.info, get(record.data, column.path), dates=True)
            cell = sheet.cell(line, i + 1, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = "0" if column.info.schema.get("type") == "integer" else \
                    ("#,##0" if float(value).is_integer() else "#,##0.00")
            elif isinstance(value, str):
                cell.number_format = "@"  # text: Excel keeps an ID number's every digit
            widths[i] = max(widths[i], width(value.isoformat() if isinstance(value, dt.date) else str(value or "")))
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(w + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if records:
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
