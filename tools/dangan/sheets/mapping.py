"""Which column is which field. Without a map file, a header is a field's title in the
schema (客户名称 -> name, 统一社会信用代码 -> enterprise.credit_code), an act's title with
人 or its date's title (受理人, 受理日期), a list's title for its first item (联系人 ->
contacts[0].name), or a common synonym (联系电话 -> contacts[0].mobile). A map file (YAML,
header: field path) adds to these and wins over them.

One column may hold either of two numbers (统一社会信用代码/身份证号, 证件号码): its path names
both (`enterprise.credit_code|individual.id_number`) and each value goes where its shape says."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..paths import field_path, parse_path
from ..schemas import FieldInfo, SchemaSet
from .clean import header_key, without_brackets

LIST_FIELDS = ("contacts", "addresses")  # lists whose first item has columns of its own
INVENTORY_ROW = {"part": ("inventory", "*", "part"), "title": ("inventory", "*", "items", "*", "title"),
                 "pages": ("inventory", "*", "items", "*", "pages"), "form": ("inventory", "*", "items", "*", "form")}
_PERSON = "人"
_CUSTOMER_NAME = ("customer", ("name",))  # "the title of customer.name", for sheets naming customers
_PERSON_NAME = ("customer", ("contacts", "*", "name"))  # 姓名: in a customer list, the customer's own
SYNONYMS: dict[str, dict[object, str]] = {
    "customer": {"联系电话": "contacts[0].mobile", "手机号": "contacts[0].mobile", "手机号码": "contacts[0].mobile",
                 "移动电话": "contacts[0].mobile", "联系方式": "contacts[0].mobile",
                 _PERSON_NAME: "name", "企业名称": "name", "公司名称": "name", "客户名": "name", "客户全称": "name",
                 "身份证号": "individual.id_number", "身份证": "individual.id_number",
                 "信用代码": "enterprise.credit_code", "社会信用代码": "enterprise.credit_code",
                 "统一信用代码": "enterprise.credit_code", "法人": "enterprise.legal_representative",
                 "法人代表": "enterprise.legal_representative", "成立时间": "enterprise.founded_on",
                 "行业": "enterprise.industry", "邮编": "addresses[0].postcode", "负责员工": "owner"},
    "visit": {_CUSTOMER_NAME: "customer", "回访时间": "date"},
    "complaint": {_CUSTOMER_NAME: "customer", "投诉日期": "received.date", "投诉时间": "received.date",
                  "投诉类型": "category", "是否紧急": "urgent"},
    "contract": {_CUSTOMER_NAME: "customer", "合同类别": "type", "签约日期": "signed_on"},
    "dossier": {"原件或复印件": "form", "形式": "form"},
}
EITHER_ID = {"customer": ("enterprise.credit_code", "individual.id_number")}  # one column, either number
EITHER_HEADERS = ("证件号码", "证件号", "证照号码")  # besides two headers joined: 信用代码/身份证号
_JOINED = re.compile(r"或者|[/、|或,;\\]")  # on a header key: full-width ／，； already folded by NFKC


class MapError(Exception):
    """A map file that cannot be used (Chinese message for the user)."""


def either_path(paths: tuple[str, ...]) -> str:
    return "|".join(paths)


@dataclass
class Column:
    position: int  # 0-based index in the row
    header: str
    path: str  # dotted, with [0] for a list's first item: contacts[0].mobile; a|b for either of two
    info: FieldInfo

    @property
    def either(self) -> tuple[str, ...]:
        """The fields a column holding either of two numbers may fill (empty for any other column)."""
        return tuple(self.path.split("|")) if "|" in self.path else ()


@dataclass
class Mapping:
    kind: str
    fields: dict[str, FieldInfo]  # importable paths
    headers: dict[str, str | None] = field(default_factory=dict)  # header key -> path (None: ignore)
    loose: dict[str, str | None] = field(default_factory=dict)  # the same without bracketed units
    either: tuple[str, ...] = ()  # the two fields a column may hold either of (EITHER_ID)

    def lookup(self, header: str) -> tuple[bool, str | None]:
        key = header_key(header)
        if key in self.headers:
            return True, self.headers[key]
        loose = without_brackets(key)
        if loose and loose in self.loose:
            return True, self.loose[loose]
        return self._joined(key)

    def _joined(self, key: str) -> tuple[bool, str | None]:
        """统一社会信用代码/身份证号, 身份证号或信用代码 …: headers of both fields, joined."""
        if not self.either:
            return False, None
        if self.headers.get(without_brackets(key)) == either_path(self.either):  # 证件号码（身份证号/信用代码）
            return True, either_path(self.either)
        parts = [p for p in _JOINED.split(key) if p]
        paths = {self.headers.get(p, self.loose.get(without_brackets(p))) for p in parts}
        return (True, either_path(self.either)) if paths == set(self.either) else (False, None)

    def known(self, header: str) -> bool:
        return self.lookup(header)[0]

    def columns(self, headers: list[str]) -> tuple[list[Column], list[str]]:
        """The mapped columns, and the headers left unmapped (ignored)."""
        out, unknown, taken = [], [], set()
        for position, header in enumerate(headers):
            if not header:
                continue
            _, path = self.lookup(header)
            if path is None or path in taken:
                unknown.append(header)
                continue
            taken.add(path)
            out.append(Column(position, header, path, self.fields[path]))
        return out, unknown

    def add(self, header: str, path: str | None) -> None:
        key = header_key(header)
        self.headers[key] = path
        self.loose[without_brackets(key)] = path


def importable(schemas: SchemaSet, kind: str) -> dict[str, tuple[FieldInfo, int]]:
    """Dotted path -> (field, level): 0 top-level, 1 an act's by/date, 2 nested, 3 a listed list's first item."""
    if kind == "dossier":
        return {name: (schemas.field_info("dossier", path), 0) for name, path in INVENTORY_ROW.items()}
    out = {}
    for path, info in schemas.fields(kind).items():
        if not _scalar(schemas, kind, path, info):
            continue
        if "*" in path:
            if len(path) == 3 and path[0] in LIST_FIELDS and path[1] == "*":
                out[field_path((path[0], 0, path[2]))] = (info, 3)
            continue
        level = 0 if len(path) == 1 else 1 if _is_act(schemas, kind, path[:-1]) else 2
        out[field_path(path)] = (info, level)
    return out


def _scalar(schemas: SchemaSet, kind: str, path: tuple, info: FieldInfo) -> bool:
    kind_of = info.schema.get("type")
    if kind_of == "array":
        item = schemas.field_info(kind, (*path, "*"))
        return item is not None and item.schema.get("type") in ("string", "integer", "number")
    return kind_of in ("string", "number", "integer", "boolean") or "enum" in info.schema


def _is_act(schemas: SchemaSet, kind: str, parent: tuple) -> bool:
    info = schemas.field_info(kind, parent)
    return info is not None and {"by", "date"} <= set(info.schema.get("properties") or {})


def candidates(schemas: SchemaSet, kind: str, path: str, level: int) -> list[str]:
    """Headers that may name a field, the clearest first."""
    parts = parse_path(path)
    title = schemas.label(kind, tuple(INVENTORY_ROW[path]) if kind == "dossier" else tuple(parts))
    if len(parts) == 1 or kind == "dossier":
        return [title]
    parent = schemas.label(kind, tuple(parts[:-1]))
    compound = title if parent in title else parent + title
    if level == 1:  # an act's own titles (经办人, 日期) name none of a record's acts alone
        generic = parts[-1] == "by" and title == _act_by_title(schemas)
        short = parent + _PERSON  # 受理人, 建档人; 交合同管理员经办人 reads better than its short form
        return ([short, compound] if len(parent) <= 4 else [compound, short]) if generic else [compound]
    return [compound, title] if level == 3 else [title, compound]


def _act_by_title(schemas: SchemaSet) -> str | None:
    act = (schemas.raw.get("common", {}).get("$defs") or {}).get("act") or {}
    return ((act.get("properties") or {}).get("by") or {}).get("title")


def default_mapping(schemas: SchemaSet, kind: str) -> Mapping:
    fields = importable(schemas, kind)
    mapping = Mapping(kind, {p: info for p, (info, _) in fields.items()})
    synonyms = {(schemas.label(*key) if isinstance(key, tuple) else key): path
                for key, path in SYNONYMS.get(kind, {}).items()}
    lists = {}
    for name in LIST_FIELDS:  # 联系人 -> contacts[0].name, 地址 -> addresses[0].detail
        first = _first_text(schemas, kind, name)
        if first:
            lists[schemas.label(kind, (name,))] = field_path((name, 0, first))
    groups = [
        {p: candidates(schemas, kind, p, lv)[:1] for p, (_, lv) in fields.items() if lv in (0, 1)},
        {p: [h for h, target in synonyms.items() if target == p] for p in fields},
        {p: [h for h, target in lists.items() if target == p] for p in fields},
        {p: candidates(schemas, kind, p, lv) for p, (_, lv) in fields.items() if lv in (1, 2)},
        {p: candidates(schemas, kind, p, lv) for p, (_, lv) in fields.items() if lv == 3},
    ]
    claimed: set[str] = set()
    for group in groups:
        owners: dict[str, set[str]] = {}
        for path, headers in group.items():
            for header in headers:
                owners.setdefault(header_key(header), set()).add(path)
        for key, paths in owners.items():
            if key in claimed:
                continue
            claimed.add(key)
            if len(paths) == 1:  # a header two fields share at the same level names neither
                mapping.headers[key] = next(iter(paths))
    for key, path in list(mapping.headers.items()):
        loose = without_brackets(key)
        if loose != key and loose not in mapping.headers:
            mapping.loose.setdefault(loose, path)
    either = EITHER_ID.get(kind, ())
    if either and all(p in fields for p in either):
        mapping.either = either
        mapping.fields[either_path(either)] = mapping.fields[either[-1]]  # read by Converter.either
        for header in EITHER_HEADERS:
            mapping.headers.setdefault(header_key(header), either_path(either))
    return mapping


def _first_text(schemas: SchemaSet, kind: str, name: str) -> str | None:
    item = schemas.field_info(kind, (name, "*"))
    if item is None:
        return None
    props = item.schema.get("properties") or {}
    for key in item.schema.get("required", []):
        sub = schemas.field_info(kind, (name, "*", key))
        if key in props and sub and sub.schema.get("type") == "string" and "enum" not in sub.schema:
            return key
    return None


def export_header(schemas: SchemaSet, mapping: Mapping, path: str) -> str:
    """The first of a field's headers that an import maps back to the same field."""
    level = importable(schemas, mapping.kind)[path][1]
    for header in candidates(schemas, mapping.kind, path, level):
        if mapping.headers.get(header_key(header)) == path:
            return header
    return path


def _extra_field(schemas: SchemaSet, mapping: Mapping, target: str) -> bool:
    """A path outside the defaults, such as contacts[1].mobile, if the schema has it."""
    if mapping.kind == "dossier":
        return False
    try:
        parts = parse_path(target)
    except ValueError:  # paths.PathError
        return False
    info = schemas.field_info(mapping.kind, parts) if parts else None
    pattern = tuple("*" if isinstance(p, int) else p for p in parts)
    if info is None or not _scalar(schemas, mapping.kind, pattern, info):
        return False
    mapping.fields[target] = info
    return True


def load_map(schemas: SchemaSet, mapping: Mapping, path: Path) -> Mapping:
    """Add a map file's `header: field path` lines (a path of null or '' ignores the column)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MapError(f"{path.name}：无法读取映射文件：{exc} (cannot read the map)") from None
    if not isinstance(data, dict):
        raise MapError(f"{path.name}：映射文件应为“列名: 字段路径”的映射 (expected header: field lines)")
    for header, target in data.items():
        target = str(target).strip() if target not in (None, "") else None
        if target is not None and target not in mapping.fields and not _extra_field(schemas, mapping, target):
            names = "、".join(sorted(mapping.fields))
            raise MapError(f"{path.name}：列“{header}”对应的字段 {target} 不能导入（可用：{names}）(no such field)")
        mapping.add(str(header), target)
    return mapping
