"""The same customer twice: a row and an archived customer, or two rows of one file, with the
same credit code or ID number, the same mobile or the same name (full-width, spaces and case
aside). Two different ID numbers (or credit codes) are two customers, whatever their names."""

from __future__ import annotations

from collections import defaultdict

from ..identifiers import normalise_mobile
from ..index import Index
from ..schemas import values_at
from .convert import name_key

CODES = (("enterprise", "credit_code"), ("individual", "id_number"), ("individual", "credit_code"))
MOBILES = ("contacts", "*", "mobile")
NAME = ("name",)


def keys(data: dict) -> list[tuple[str, tuple, str]]:
    """(what, field, value) that identify a customer: codes first, then mobiles, then the name."""
    out = []
    for path in CODES:
        for _, value in values_at(data, path):
            if isinstance(value, str) and value:
                out.append(("code", path, value.upper()))
    for where, value in values_at(data, MOBILES):
        if isinstance(value, str) and value:
            out.append(("mobile", where, normalise_mobile(value)))
    if isinstance(data.get("name"), str) and data["name"].strip():
        out.append(("name", NAME, name_key(data["name"])))
    return out


def codes(found: list[tuple[str, tuple, str]]) -> dict[tuple, str]:
    return {where: value for what, where, value in found if what == "code"}


def different(mine: dict[tuple, str], theirs: dict[tuple, str]) -> bool:
    """Two customers with different ID numbers (or credit codes) are two customers, whatever their names."""
    return any(path in theirs and theirs[path] != value for path, value in mine.items())


class Customers:
    """Archived customers by code, mobile and normalised name; rows of the file seen so far."""

    def __init__(self, index: Index):
        self.index = index
        self.archive: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.codes: dict[str, dict[tuple, str]] = {}
        for record in index.of("customer").values():
            found = keys(record.data)
            self.codes[record.id] = codes(found)
            for what, _, value in found:
                self.archive[(what, value)].add(record.id)
        self.rows: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.row_codes: dict[int, dict[tuple, str]] = {}

    def match(self, data: dict) -> list[str]:
        """The archived customers a row updates: by code, else by exact name, else by mobile."""
        found = keys(data)
        mine = codes(found)
        for what in ("code", "name", "mobile"):
            ids = set().union(*(self.archive[(w, v)] for w, _, v in found if w == what))
            ids = {i for i in ids if not different(mine, self.codes[i])}
            if ids:
                return sorted(ids)
        return []

    def duplicates(self, data: dict) -> list[str]:
        """Archived customers with the same code, mobile or normalised name, each as `KH0001 名称：reasons`."""
        found = keys(data)
        mine = codes(found)
        reasons: dict[str, list[str]] = {}
        for what, where, value in found:
            for rid in sorted(self.archive[(what, value)]):
                if not different(mine, self.codes[rid]):
                    reasons.setdefault(rid, []).append(f"{self.index.schemas.label('customer', where)}相同")
        return [f"{rid} {self.index.get('customer', rid).get('name')}：{'、'.join(dict.fromkeys(found_))}"
                for rid, found_ in reasons.items()]

    def seen_before(self, row: int, data: dict) -> list[tuple[tuple, str, int]]:
        """(field, value, earlier row) for each identifying value an earlier row of the file had."""
        found = keys(data)
        self.row_codes[row] = mine = codes(found)
        out = []
        for what, where, value in found:
            earlier = [r for r in self.rows[(what, value)] if not different(mine, self.row_codes[r])]
            if earlier:
                out.append((where, value, earlier[0]))
            self.rows[(what, value)].append(row)
        return out
