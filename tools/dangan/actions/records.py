"""Generic acts: a new record from the schema, signing an act field, renumbering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import customers
from ..index import Index
from ..messages import bilingual
from ..next_number import next_contract_number, next_dossier, next_id
from ..paths import PathError, field_path, parse_path
from ..problems import Problem
from ..transaction import Refused, Transaction
from . import act_of


class BadPath(Refused):
    """A field path that cannot be set: refused inside an act or an import row (the CLI makes it a usage
    error where a command reads --set before its act begins)."""

    def __init__(self, code: str, path: str, parts: Sequence[Any], **args: Any):
        super().__init__(bilingual(Problem(code, "", args={"path": path, "field": field_path(parts), **args})))


def parts_of(path: str) -> tuple[str | int, ...]:
    """A field path as given on the command line or in a sheet's map, or a refusal saying where it goes wrong."""
    if not path:
        raise BadPath("set.empty", path, [])
    try:
        return parse_path(path)
    except PathError as error:
        raise BadPath("set.malformed", path, [], at=error.at + 1) from None


def set_path(data: Any, path: str, value: Any) -> None:
    """Set `a.b[0].c` in nested round-trip data, creating mappings and lists on the way. A list index
    names an item or the next one (which appends); anything else is refused before anything is built."""
    parts = parts_of(path)
    node = data
    for depth, part in enumerate(parts):
        _reachable(node, part, path, parts[:depth])
        if depth == len(parts) - 1:
            if isinstance(part, int) and part == len(node):
                node.append(value)
            else:
                node[part] = value
            return
        empty = [] if isinstance(parts[depth + 1], int) else {}
        if isinstance(part, int):
            if part == len(node):
                node.append(empty)
        elif node.get(part) is None:
            node[part] = empty
        node = node[part]


def _reachable(node: Any, part: Any, path: str, before: list[Any]) -> None:
    if isinstance(part, int):
        if not isinstance(node, list):
            raise BadPath("set.not-list", path, before, index=part)
        if part > len(node):
            raise BadPath("set.index", path, before, index=part, length=len(node))
    elif not isinstance(node, dict):
        raise BadPath("set.not-mapping", path, before, key=part)


def coerce(index: Index, kind: str, path: str, text: str) -> Any:
    """A command-line value as the schema types it (integers, numbers, booleans, lists)."""
    info = index.schemas.field_info(kind, parts_of(path))
    kind_of = (info.schema.get("type") if info else None) or "string"
    try:
        if kind_of == "integer":
            return int(text)
        if kind_of == "number":
            return float(text) if "." in text else int(text)
    except ValueError:
        raise Refused(f"{path} 应是数字：{text} (a number expected)") from None
    if kind_of == "boolean":
        return text.lower() in ("true", "yes", "1", "是")
    if kind_of == "array":
        return [v.strip() for v in text.split(",") if v.strip()]
    return text


def new_record(tx: Transaction, kind: str, values: dict[str, Any], year: int) -> tuple[str, str]:
    """Create a record, numbered by the policy's pattern; returns (id, message)."""
    index = tx.index
    if kind == "dossier":
        rid = next_dossier(index, year, str(values.get("business_type")))
        values.setdefault("status", "preparing")
    else:
        rid = next_id(index, kind, year)
    if kind == "contract" and "number" not in values:
        values["number"] = next_contract_number(index, year, str(values.get("department")))
    if kind == "customer":
        values.setdefault("created", act_of(tx.actor, values.pop("_on")))
    values.pop("_on", None)
    data = {"id": rid}
    for key in index.schemas.raw[kind]["properties"]:  # the schema's order
        if key in values and key != "id":
            data[key] = values[key]
    for key, value in values.items():
        data.setdefault(key, value)
    tx.create(kind, rid, data)
    return rid, f"新建{index.schemas.title(kind)}：{rid}"


def likely_duplicates(index: Index, data: dict) -> list[str]:
    """The archived customers `customers.likely_same` judges one with this one, each as `KH0001 名称：reasons`."""
    found = customers.archived(index).likely(customers.Identity.of(data))
    return [customers.described(rid, index.get("customer", rid).get("name", default=""), reasons)
            for rid, reasons in found]


def sign(tx: Transaction, kind: str, rid: str, field: str, on: str, note: str | None) -> str:
    """Record an act (`approved`, `profile_review`, `report.reviewed` …) as the actor."""
    parts = parts_of(field)
    info = tx.index.schemas.field_info(kind, parts)
    if info is None or "by" not in (info.schema.get("properties") or {}):
        raise Refused(f"{kind} 没有可签署的字段 {field} (not an act field)")
    data = tx.edit(kind, rid)
    node = data
    for part in parts[:-1]:
        node = node[part]
    if node.get(parts[-1]):
        raise Refused(f"{kind}/{rid} 的 {field} 已签署 (already signed)")
    set_path(data, field, act_of(tx.actor, on, note))
    return f"{info.title}：{kind}/{rid}"


def resolve_duplicate(tx: Transaction, number: str, new: str) -> str:
    """After a merge in which two people took the same number: keep ours under it, give theirs `new`."""
    from .. import conflicts
    from ..transaction import Staged
    from ..yamlstyle import loads

    rel = tx.rel("dossier", number)
    raw = (tx.index.root / rel).read_bytes()
    text = raw.decode("utf-8-sig")
    if not conflicts.has_conflict(text):
        raise Refused(f"{rel} 没有合并冲突 (no merge conflict)")
    ours, theirs = (loads(side) for side in conflicts.sides(text))
    theirs["id"] = new
    tx.staged[f"dossier/{number}"] = Staged("dossier", number, rel, ours, raw)
    tx.staged[f"dossier/{new}"] = Staged("dossier", new, tx.rel("dossier", new), theirs, None)
    return f"档号重复，后合并的一份改为 {new}：{number}"


def renumber(tx: Transaction, number: str, new: str) -> str:
    """Give a dossier a new number everywhere it is referenced (after two people took the same one)."""
    index = tx.index
    if index.get("dossier", number) is None:
        raise Refused(f"没有这份档案：{number}")
    data = tx.edit("dossier", number)
    data["id"] = new
    staged = tx.staged[f"dossier/{number}"]
    staged.new_rel = tx.rel("dossier", new)
    for cert in list(index.of("certificate").values()):
        if cert.get("dossier") == number:
            cdata = tx.edit("certificate", cert.id)
            cdata["dossier"] = new
            if cert.id.startswith(number):
                new_id = new + cert.id[len(number):]
                cdata["id"] = new_id
                tx.staged[f"certificate/{cert.id}"].new_rel = tx.rel("certificate", new_id)
    for kind, field in (("loan", "dossiers"), ("disposal", "dossiers")):
        for record in index.of(kind).values():
            if number in (record.get(field) or []):
                rdata = tx.edit(kind, record.id)
                rdata[field] = [new if v == number else v for v in rdata[field]]
    for contract in index.of("contract").values():
        if contract.get("dossier") == number:
            tx.edit("contract", contract.id)["dossier"] = new
    return f"档号更正：{number} → {new}"
