"""A cell as its field's schema types it: enum labels (x-labels) or codes, references by id
or (staff, customers, policy entries) by name, dates, numbers, yes/no, identifiers."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cached_property
from typing import Any

from ..identifiers import check_mobile, normalise_mobile
from ..index import Index
from ..schemas import FieldInfo
from . import clean
from .clean import Unclean

NAMED = ("staff", "customer")  # kinds a sheet may name by name instead of id
_LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
_UPPER_IDS = ("id-card", "credit-code")


def name_key(value: Any) -> str:
    """A name as compared: full-width folded, no spaces, case-insensitive."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


class Converter:
    def __init__(self, index: Index, kind: str):
        self.index = index
        self.kind = kind
        self.schemas = index.schemas

    @cached_property
    def names(self) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for kind in NAMED:
            by_name: dict[str, list[str]] = defaultdict(list)
            for record in self.index.of(kind).values():
                if isinstance(record.get("name"), str):
                    by_name[name_key(record.get("name"))].append(record.id)
            out[kind] = by_name
        return out

    def value(self, info: FieldInfo, raw: Any) -> Any:
        schema = info.schema
        if schema.get("type") == "array":
            item = self.schemas.field_info(self.kind, (*info.path, "*"))
            parts = [p for p in _LIST_SEPARATORS.split(clean.text(raw)) if p.strip()]
            return [self.value(item, part) for part in parts] if item else parts
        if "enum" in schema:
            return enum_value(schema, raw)
        kind_of = schema.get("type")
        if kind_of == "boolean":
            return clean.boolean(raw)
        if kind_of in ("integer", "number"):
            return clean.number(raw, kind_of == "integer")
        if schema.get("format") == "date":
            return clean.iso_date(raw)
        if schema.get("x-ref"):
            return self.reference(schema["x-ref"], raw)
        if schema.get("x-id") or schema.get("pattern") or info.path[-1] == "phone":
            return identifier(info, raw)
        return clean.text(raw)

    def reference(self, target: str, raw: Any) -> str:
        value = clean.text(raw)
        if target.startswith("policy:"):
            section: Any = self.index.policy_data
            for part in target.removeprefix("policy:").split("."):
                section = section.get(part) if isinstance(section, dict) else {}
            section = section if isinstance(section, dict) else {}
            if value in section:
                return value
            found = [code for code, entry in section.items()
                     if isinstance(entry, dict) and name_key(entry.get("name", "")) == name_key(value)]
            return found[0] if len(found) == 1 else value
        if self.index.get(target, value) is not None or target not in NAMED:
            return value
        found = self.names[target].get(name_key(value), [])
        if len(found) > 1:
            raise Unclean(f"“{value}”同名的有 {'、'.join(found)}，请填写编号 (ambiguous name: give the id)")
        return found[0] if found else value


def enum_value(schema: dict, raw: Any) -> Any:
    key = name_key(clean.text(raw))
    labels = schema.get("x-labels") or {}
    for option in schema["enum"]:
        if name_key(option) == key or (option in labels and name_key(labels[option]) == key):
            return option
    allowed = "、".join(str(labels.get(o, o)) for o in schema["enum"])
    raise Unclean(f"“{raw}”不是可选的值（可选：{allowed}）(not one of the allowed values)")


def identifier(info: FieldInfo, raw: Any) -> str:
    """A code that must keep every character: reported, never guessed, when Excel lost some."""
    schema, what = info.schema, info.schema.get("x-id")
    numeric = clean.is_number(raw)
    if clean.lost_precision(raw):
        shown = f"{raw:.0f}"
        lost_x = "；只有 17 位，末位 X 也已丢失" if what == "id-card" and len(shown) == 17 else ""
        raise Unclean(f"以数字保存（{shown}），超过 Excel 的 {clean.EXACT_DIGITS} 位有效数字，后几位已变成 0，"
                      f"无法还原{lost_x}；请核对原件后以文本格式重新录入 (stored as a number: digits lost)")
    value = clean.code(raw)
    if what in _UPPER_IDS:
        value = value.upper()
    elif what == "mobile" and not check_mobile(value):  # +86 139-0471-0001 -> 13904710001; a landline stays
        value = normalise_mobile(value)
    if what == "id-card" and re.fullmatch(r"\d{17}", value):
        raise Unclean("只有 17 位：末位 X 可能在保存为数字时丢失；请核对原件后以文本格式录入，不做猜测 "
                      "(17 digits: the final X was probably lost; not guessed)")
    if numeric and (info.path[-1] == "phone" or what == "mobile") and not value.startswith("0") \
            and len(value) >= 9 and check_mobile(value):
        raise Unclean(f"以数字保存，区号开头的 0 已丢失（{value}）；请核对原件后以文本格式录入，不做猜测 "
                      "(stored as a number: the leading 0 of the area code was lost)")
    pattern = schema.get("pattern")
    if numeric and pattern and not re.match(pattern, value):
        for zeros in ("0", "00"):
            if re.match(pattern, zeros + value):
                raise Unclean(f"以数字保存，开头的 0 已丢失（{value}）；请核对原件后以文本格式录入，不做猜测 "
                              "(stored as a number: leading zeros lost; not guessed)")
    return value


def landline(value: str) -> bool:
    """A fixed-line number (0471-5201234) that a 联系电话 column holds instead of a mobile."""
    return bool(re.fullmatch(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?", value))
