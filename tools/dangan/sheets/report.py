"""The import's report: one line per problem (row, column, value, problem) as text, and the
rejected rows as an .xlsx with the reason appended, to be corrected and imported again."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

from .plan import RowProblem
from .read import Table

REASON = "拒绝原因"  # the reason a row was rejected (appended column)
ROW = "原行号"  # the row's number in the imported sheet
WHOLE = "（整体）"
MAX_WIDTH = 60


def shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def problem_lines(problems: list[RowProblem]) -> list[str]:
    out = []
    for p in problems:
        where = f"第 {p.row} 行" if p.row else WHOLE
        column = f" [{p.column}]" if p.column else ""
        value = f" “{shown(p.value)}”" if shown(p.value) else ""
        out.append(f"  {where}{column}{value}：{p.message}")
    return out


def width(text: str) -> int:
    """Display width: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_rejected(path: Path, table: Table, problems: list[RowProblem]) -> int:
    """The rejected rows, as they were, with the reasons; returns how many rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    by_row: dict[int, list[RowProblem]] = {}
    for p in problems:
        if p.row:
            by_row.setdefault(p.row, []).append(p)
    book = Workbook()
    sheet = book.active
    sheet.title = "未导入的行"
    headers = [*table.headers, REASON, ROW]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    cells = dict(table.rows)
    marked = PatternFill("solid", start_color="FFF2CC")
    for line, (number, found) in enumerate(sorted(by_row.items()), start=2):
        row = [*cells.get(number, []), *[None] * len(table.headers)][:len(table.headers)]
        reasons = "；".join(f"{p.column}：{p.message}" if p.column else p.message for p in found)
        sheet.append([*row, reasons, number])
        for p in found:
            if p.column in table.headers:
                sheet.cell(line, table.headers.index(p.column) + 1).fill = marked
        sheet.cell(line, len(headers) - 1).alignment = Alignment(wrap_text=True, vertical="top")
    for i, header in enumerate(headers, start=1):
        values = [header, *(shown(c.value) for c in sheet[get_column_letter(i)][1:])]
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width(v) for v in values) + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    book.save(path)
    return len(by_row)
