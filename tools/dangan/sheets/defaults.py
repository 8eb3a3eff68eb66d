"""What an imported record gets that a sheet rarely says: its number, and for a new customer
its creation act (by the person importing), owner, department, status and type; the
records' keys in the schema's order. Every default is overridden by a column."""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from typing import Any

from ..index import Index
from ..next_number import next_contract_number, next_id
from ..paths import parse_path
from ..record import Record
from ..schemas import SchemaSet

YEAR_FROM = {"visit": "date", "complaint": "received.date", "contract": "signed_on"}  # year of the new number
NEW_CUSTOMER_STATUS = "prospect"  # not yet admitted: no admission checklist needed
NEW_ADDRESS_TYPE = "mailing"  # an address the sheet does not qualify is one to write to


class Numbering:
    """The numbers of an import: the archive's next ones, after those this import has taken already."""

    def __init__(self, index: Index):
        self.index = index
        self.extra: dict[str, dict[str, Record]] = defaultdict(dict)

    def take(self, kind: str, rid: str, data: dict) -> None:
        self.extra[kind][rid] = Record(kind, rid, "", data, {}, {})

    def next_id(self, kind: str, data: dict, today: str) -> str:
        found = get(data, YEAR_FROM[kind]) if kind in YEAR_FROM else None
        year = int(found[:4]) if isinstance(found, str) and found[:4].isdigit() else int(today[:4])
        rid = next_id(self.index, kind, year, self.extra[kind])
        if kind == "contract" and "number" not in data:
            with suppress(ValueError, KeyError):  # no or unknown department: the check reports the missing number
                data["number"] = next_contract_number(self.index, year, str(data.get("department")),
                                                      self.extra["contract"].values())
        return rid


def get(data: Any, dotted: str) -> Any:
    node = data
    for part in parse_path(dotted):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def fill(index: Index, kind: str, data: dict, actor: str, today: str, source: str) -> None:
    """Defaults of a new record of `kind` (in place)."""
    if kind == "customer":
        _customer(index, data, actor, today, source)
    elif kind == "complaint":
        received = data.get("received")
        if isinstance(received, dict):
            received.setdefault("by", actor)
        data.setdefault("urgent", False)


def _customer(index: Index, data: dict, actor: str, today: str, source: str) -> None:
    if "type" not in data:  # the row's numbers say it: a credit code an enterprise, an ID number a person
        found = [t for t in ("enterprise", "individual") if isinstance(data.get(t), dict)]
        if len(found) > 1:  # other columns filled both: the one with what it requires (its number)
            found = [t for t in found if set(_required(index, t)) <= set(data[t])]
        if len(found) == 1:
            data["type"] = found[0]
    data.setdefault("status", NEW_CUSTOMER_STATUS)
    data.setdefault("owner", actor)
    owner = index.get("staff", data["owner"])
    if owner is not None and "department" not in data and owner.get("department"):
        data["department"] = owner.get("department")
    created = data.setdefault("created", {})
    created.setdefault("by", actor)
    created.setdefault("date", data.get("first_contact_on") or today)
    created.setdefault("note", f"由 {source} 导入 (imported)")
    data.setdefault("first_contact_on", created["date"])
    who = (data.get("enterprise") or {}).get("legal_representative") or data.get("name")
    for contact in data.get("contacts") or []:
        if isinstance(contact, dict) and "name" not in contact and who:
            contact["name"] = who
    for address in data.get("addresses") or []:
        if isinstance(address, dict):
            address.setdefault("type", NEW_ADDRESS_TYPE)


def _required(index: Index, holder: str) -> list[str]:
    info = index.schemas.field_info("customer", (holder,))
    return info.schema.get("required", []) if info else []


def ordered(schemas: SchemaSet, kind: str, data: Any, path: tuple = ()) -> Any:
    """Keys in the schema's order at every level (as `dangan new` writes them)."""
    if isinstance(data, list):
        return [ordered(schemas, kind, item, (*path, "*")) for item in data]
    if not isinstance(data, dict):
        return data
    info = schemas.field_info(kind, path) if path else None
    schema = info.schema if info else schemas.raw[kind]
    order = list(schema.get("properties") or {})
    keys = sorted(data, key=lambda k: order.index(k) if k in order else len(order))
    return {k: ordered(schemas, kind, data[k], (*path, k)) for k in keys}
