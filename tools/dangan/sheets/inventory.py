"""A dossier's inventory from a sheet: one row per item (part, title, pages, original or copy),
appended to the part it names in the one dossier given by --dossier; the total pages grow
by the pages added. An archived dossier's inventory is changed only by an approved amendment."""

from __future__ import annotations

from typing import Any

from ..index import Index
from ..paths import PathError, field_path, parse_path
from ..problems import Problem
from ..transaction import Refused
from ..yamlstyle import append
from .plan import Plan, Rows

LOCKED = ("archived", "on_loan", "destroyed", "voided")  # see `dangan amend`


def open_dossier(index: Index, rid: str | None) -> None:
    """Refuse a dossier that does not exist or whose inventory is closed."""
    record = index.get("dossier", rid) if rid else None
    if record is None:
        raise Refused(f"没有这份档案：{rid}（导入清单须用 --dossier 指定档号）(no such dossier)")
    if record.get("status") in LOCKED:
        raise Refused(f"档案 {rid} 的状态是 {record.get('status')}：清单不能再追加，须经批准更正（dangan amend）"
                      "(the dossier is closed)")


def _dossier(importer: Rows, plan: Plan) -> Any:
    open_dossier(importer.index, importer.dossier)
    return plan.tx.edit("dossier", importer.dossier)


def add_row(importer: Rows, plan: Plan, number: int, values: dict[str, Any]) -> None:
    data = _dossier(importer, plan)
    part = values.pop("part", None)
    if part is None:
        importer.add(plan, number, "part", "", "缺少资料所属的部分 (the part is missing)")
        return
    parts = data.setdefault("inventory", [])
    at = next((i for i, p in enumerate(parts) if isinstance(p, dict) and p.get("part") == part), None)
    if at is None:
        append(parts, {"part": part, "items": []})
        at = len(parts) - 1
        plan.origin[field_path(("inventory", at))] = number
    items = parts[at].setdefault("items", [])
    title = values.get("title")
    if title is not None and any(isinstance(i, dict) and i.get("title") == title for i in items):
        importer.add(plan, number, "title", title, f"清单的这一部分已有“{title}”(already in the inventory)")
        return
    item = {k: values[k] for k in ("title", "pages", "form") if k in values}
    append(items, item)
    plan.origin[field_path(("inventory", at, "items", len(items) - 1))] = number
    plan.updated[importer.dossier] = number
    plan.pages_added += item["pages"] if isinstance(item.get("pages"), int) else 0


def finish(importer: Rows, plan: Plan) -> None:
    """The total pages grow by the pages added (the check compares them with the items)."""
    added = plan.pages_added
    key = f"dossier/{importer.dossier}"
    if added and key in plan.tx.staged:
        data = plan.tx.staged[key].data
        if isinstance(data.get("total_pages"), int):
            data["total_pages"] += added


def locate(plan: Plan, problem: Problem) -> tuple[int | None, str | None]:
    """The row of an inventory item's problem, and the column (part, title, pages, form)."""
    try:
        path = parse_path(problem.field or "")
    except PathError:
        return None, None
    if path[0] != "inventory" or len(path) < 2 or not isinstance(path[1], int):
        return None, None
    item = 4 if len(path) >= 4 and path[2] == "items" and isinstance(path[3], int) else 2
    column = path[item] if len(path) > item and isinstance(path[item], str) else "title"
    return plan.origin.get(field_path(path[:item])), column
