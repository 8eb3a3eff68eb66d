"""A cell as its field's schema types it: enum labels (x-labels), their short forms or codes,
references by id or (staff, customers, policy entries) by name, dates, numbers, yes/no,
identifiers, and a cell holding either of two identifiers (an ID number or a credit code)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cached_property
from typing import Any

from ..identifiers import CREDIT_CHARSET, STANDARDS, check_credit_code, check_id_number, check_mobile, normalise_mobile
from ..index import Index
from ..messages import render
from ..policy import of as policy_of
from ..problems import Problem
from ..schemas import FieldInfo, plain_keyword
from . import clean
from .clean import Unclean

NAMED = ("staff", "customer")  # kinds a sheet may name by name instead of id
_LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
_UPPER_IDS = ("id-card", "credit-code")
CHECKS = {"id-card": check_id_number, "credit-code": check_credit_code}
_LABEL_SUFFIX = re.compile(r"(?:客户|级|类)+$")  # 优选类客户 -> 优选, VIP 客户 -> VIP, AAA级 -> AAA


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
        if schema.get("x-id") or plain_keyword(schema, "pattern") or info.path[-1] == "phone":
            return identifier(info, raw)
        return clean.text(raw)

    def either(self, paths: tuple[str, ...], raw: Any, said: str | None) -> tuple[str, str]:
        """(field path, value) of a cell holding an ID number or a credit code: the value's shape says
        which, and, unless the row says the customer type (`said`), the type (enterprise or individual)."""
        fields = {p: self.schemas.field_info(self.kind, tuple(p.split("."))) for p in paths}
        by_kind = {info.identifier: path for path, info in fields.items()}
        value = identifier(fields[by_kind["id-card"]], raw)  # lost digits or a lost final X: reported
        valid = [what for what in by_kind if CHECKS[what](value) is None]
        names = self._either_names(fields, by_kind)
        if said is not None:  # a sole trader (个人) may give a credit code: it has a field for one
            found = [p for p in (self._identifier_field(said, what) for what in valid) if p]
            if found:  # valid as both: the number the type requires
                holder = self.schemas.field_info(self.kind, (said,))
                required = holder.schema.get("required", []) if holder else []
                return min(found, key=lambda p: p.split(".")[-1] not in required), value
            if valid:
                type_info = self.schemas.field_info(self.kind, ("type",))
                raise problem_text("import.either.mismatch", label=fields[by_kind[valid[0]]].title,
                                   name=by_kind[valid[0]], type=said, type_label=type_info.title,
                                   type_value=(type_info.schema.get("x-labels") or {}).get(said, said))
        elif len(valid) == 1:
            return by_kind[valid[0]], value
        elif len(valid) > 1:
            type_info = self.schemas.field_info(self.kind, ("type",))
            types = "或".join(str(v) for v in (type_info.schema.get("x-labels") or {}).values())
            raise problem_text("import.either.ambiguous", type_label=type_info.title, types=types, **names)
        raise self._neither(value, fields, by_kind, names)

    def _identifier_field(self, holder: str, what: str) -> str | None:
        """The field of `holder` (enterprise, individual) holding an identifier of kind `what`."""
        info = self.schemas.field_info(self.kind, (holder,))
        for name in (info.schema.get("properties") or {}) if info else ():
            found = self.schemas.field_info(self.kind, (holder, name))
            if found is not None and found.identifier == what:
                return f"{holder}.{name}"
        return None

    @staticmethod
    def _either_names(fields: dict[str, FieldInfo], by_kind: dict[str, str]) -> dict[str, str]:
        credit, id_ = by_kind["credit-code"], by_kind["id-card"]
        return {"credit": fields[credit].title, "id": fields[id_].title, "credit_name": credit, "id_name": id_}

    @staticmethod
    def _neither(value: str, fields: dict[str, FieldInfo], by_kind: dict[str, str], names: dict) -> Unclean:
        """Why a value is neither: its length, characters neither number uses, or each shape's failure."""
        if len(value) == 15 and value.isdigit():
            return problem_text("import.either.old", **names)
        if len(value) != 18:
            return problem_text("import.either.length", length=len(value), **names)
        odd = [c for c in dict.fromkeys(value) if c not in CREDIT_CHARSET]
        if odd:
            return problem_text("import.either.characters", chars="、".join(odd), **names)
        reasons = []
        first_id = value[:17].isdigit()  # the reason of the shape it has first
        for what in ("id-card", "credit-code") if first_id else ("credit-code", "id-card"):
            reason = CHECKS[what](value)
            args = {"label": fields[by_kind[what]].title, "name": by_kind[what], "standard": STANDARDS[what],
                    "born": f"{value[6:10]}-{value[10:12]}-{value[12:14]}"}
            reasons.append((f"import.either.{reason}", args))
        shaped = [r for r in reasons if not r[0].endswith("shape")] or reasons
        return problem_text(*shaped[0], more=shaped[1:])

    def reference(self, target: str, raw: Any) -> str:
        value = clean.text(raw)
        if target.startswith("policy:"):
            section = policy_of(self.index).entries(target)
            if value in section:
                return value
            found = [code for code, entry in section.items() if name_key(entry.name) == name_key(value)]
            return found[0] if len(found) == 1 else value
        if self.index.get(target, value) is not None or target not in NAMED:
            return value
        found = self.names[target].get(name_key(value), [])
        if len(found) > 1:
            raise Unclean(f"“{value}”同名的有 {'、'.join(found)}，请填写编号 (ambiguous name: give the id)")
        return found[0] if found else value


def enum_value(schema: dict, raw: Any) -> Any:
    """The code a cell names: the code or its label (x-labels), case aside, or a short form of either or of
    another name the schema gives it (x-synonyms), with or without a trailing 客户/级/类 (优选, 合格类, VIP,
    vip级, 贵宾), when it names one code only."""
    key = name_key(clean.text(raw))
    labels = schema.get("x-labels") or {}
    synonyms = schema.get("x-synonyms") or {}
    for option in schema["enum"]:
        if name_key(option) == key or (option in labels and name_key(labels[option]) == key):
            return option
    short: dict[str, set] = defaultdict(set)
    for option in schema["enum"]:
        for form in (option, labels.get(option), *synonyms.get(str(option), ())):  # x-synonyms: other names
            if form is not None:
                short[_short(name_key(form))].add(option)
    found = short.get(_short(key), set())
    if len(found) == 1:
        return next(iter(found))
    allowed = "、".join(str(labels.get(o, o)) for o in schema["enum"])
    raise Unclean(f"“{raw}”不是可选的值（可选：{allowed}）(not one of the allowed values)")


def _short(key: str) -> str:
    return _LABEL_SUFFIX.sub("", key) or key


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
    pattern = plain_keyword(schema, "pattern")
    if numeric and pattern and not re.match(pattern, value):
        for zeros in ("0", "00"):
            if re.match(pattern, zeros + value):
                raise Unclean(f"以数字保存，开头的 0 已丢失（{value}）；请核对原件后以文本格式录入，不做猜测 "
                              "(stored as a number: leading zeros lost; not guessed)")
    return value


def landline(value: str) -> bool:
    """A fixed-line number (0471-5201234) that a 联系电话 column holds instead of a mobile."""
    return bool(re.fullmatch(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?", value))


def problem_text(code: str, args: dict | None = None, more: list[tuple[str, dict]] = (), **kwargs: Any) -> Unclean:
    """A cell's problem in the catalogue's words (messages.py): Chinese with the first one's hint, then
    English; `more` adds further (code, args) to the same sentence."""
    problems = [Problem(one, "", args=values) for one, values in [(code, {**(args or {}), **kwargs}), *more]]
    hint = render(problems[0], "zh")[1]
    zh = "；".join(render(p, "zh")[0] for p in problems) + (f"（{hint}）" if hint else "")
    return Unclean(f"{zh} ({'; '.join(render(p, 'en')[0] for p in problems)})")
