"""The cells of a spreadsheet as people make them: a title row or merged cells above the
header, blank rows between the data, footer rows below it (合计, 制表人：…), CSV saved by
Excel in GBK or UTF-8 with a BOM."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clean import blank, code, header_key

HEADER_SCAN = 30  # rows searched for the header
# A footer row's first cell (as a code: no spaces, full-width folded): a total, after which the data has
# ended, or a signature or note line (制表人：李娜, 审核：, 注：…), which needs its colon.
_TOTAL = re.compile(r"^(?:合计|总计|共计|累计)(?:$|[:\d(共]|[^:]{1,6}:)")
_SUBTOTAL = re.compile(r"^小计(?:$|[:\d(共]|[^:]{1,6}:)")
_SIGNED = re.compile(r"^(?:制表|填表|填报|编制|审核|复核|审批|批准|统计|负责|单位负责|部门负责|经办|打印|导出)"
                     r"(?:人|单位|日期|时间)?:|^(?:注|说明|备注)\d*:")


class SheetError(Exception):
    """The file cannot be read as a table (Chinese message for the user)."""


@dataclass
class Table:
    source: str  # the file's name, for messages
    sheet: str | None
    header_row: int  # 1-based, as Excel numbers rows
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells), blank rows left out
    encoding: str | None = None  # CSV only
    footer: list[int] = field(default_factory=list)  # rows left out as totals, signatures or notes


def read_table(path: Path, known: Callable[[str], bool], sheet: str | None = None) -> Table:
    """The header row (the first row whose cells are mostly known headers) and the rows below it."""
    suffix = path.suffix.lower()
    encoding = None
    if suffix in (".xlsx", ".xlsm"):
        sheet, cells = _xlsx_cells(path, sheet)
    elif suffix in (".csv", ".txt"):
        encoding, cells = _csv_cells(path.read_bytes())
    elif suffix == ".xls":
        raise SheetError(f"{path.name}：不支持旧的 .xls 格式，请在 Excel 中另存为 .xlsx (save as .xlsx)")
    else:
        raise SheetError(f"{path.name}：只能导入 .xlsx 或 .csv 文件 (only .xlsx and .csv)")
    at = find_header(cells, known)
    if at is None:
        raise SheetError(f"{path.name}：在前 {HEADER_SCAN} 行中找不到表头行（列名与字段名称对不上）；"
                         "请用 --map 指定列与字段的对应关系 (no header row found: use --map)")
    number, header_cells = cells[at]
    headers = ["" if blank(c) else str(c).strip() for c in header_cells]
    table = Table(path.name, sheet, number, headers, encoding=encoding)
    ended = False
    for row_number, row in cells[at + 1:]:
        if all(blank(c) for c in row) or _is_repeated_header(row, headers):
            continue
        footer = _footer(row)
        ended = ended or footer == "total"
        if ended or footer:
            table.footer.append(row_number)
            continue
        table.rows.append((row_number, row + [None] * (len(headers) - len(row))))
    return table


def _footer(row: list[Any]) -> str | None:
    """'total' for a 合计 row (the rows below it are the footer too), 'line' for a subtotal, a signature
    or a note line, None for data."""
    first = next((c for c in row if not blank(c)), "")
    first = code(first) if isinstance(first, str) else ""  # a number or a date is data
    if _TOTAL.match(first):
        return "total"
    return "line" if _SUBTOTAL.match(first) or _SIGNED.match(first) else None


def find_header(cells: list[tuple[int, list[Any]]], known: Callable[[str], bool]) -> int | None:
    for at, (_, row) in enumerate(cells[:HEADER_SCAN]):
        texts = [header_key(c) for c in row if not blank(c)]
        matched = sum(1 for t in texts if known(t))
        if matched and matched * 2 >= len(texts) and (matched >= 2 or len(texts) == 1):
            return at
    return None


def _is_repeated_header(row: list[Any], headers: list[str]) -> bool:
    texts = ["" if blank(c) else str(c).strip() for c in row]
    return any(texts) and texts[:len(headers)] == headers[:len(texts)]


def _xlsx_cells(path: Path, sheet: str | None) -> tuple[str, list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(f"{path.name}：无法读取 Excel 文件（{type(exc).__name__}）(unreadable workbook)") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise SheetError(f"{path.name}：没有工作表 {sheet}（有：{'、'.join(book.sheetnames)}）(no such sheet)")
    ws = book[sheet] if sheet else book.worksheets[0]
    grid = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:  # a merged cell's value belongs to every cell it covers
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                grid[r][c] = value
    return ws.title, [(i + 1, _trim(row)) for i, row in enumerate(grid)]


def _trim(row: list[Any]) -> list[Any]:
    while row and blank(row[-1]):
        row.pop()
    return row


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else GB 18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError:
            continue
    raise SheetError("CSV 文件既不是 UTF-8 也不是 GBK 编码 (neither UTF-8 nor GBK)")


def _csv_cells(raw: bytes) -> tuple[str, list[tuple[int, list[Any]]]]:
    text, encoding = decode_csv(raw)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return encoding, [(i + 1, _trim(list(row))) for i, row in enumerate(reader)]
