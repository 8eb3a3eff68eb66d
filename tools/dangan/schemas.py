"""The archive's JSON Schemas: loaded once, checked against the 2020-12 metaschema,
compiled into validators, and read as the single source of labels and references.

Annotations Dangan reads from a schema (unknown keywords are allowed by 2020-12):

* ``x-dangan`` at the top of a record kind's schema: ``folder`` (under ``records/``),
  ``ledger`` (the ledger's columns, as field paths), ``ledger_title`` and ``derived`` (columns
  computed by `ledger.DERIVED`, by name: their title and description);
* ``x-ref`` on a field: the kind of record the value names (``staff``, ``customer`` …)
  or a policy list it names (``policy:roles``, ``policy:departments`` …).

A schema set with any problem is unusable, and every command stops on it (`index.unusable`):
a schema that cannot be read, is empty, not JSON, not an object, rejected by the metaschema,
missing for a kind Dangan knows, with a ``$ref`` that resolves nowhere, a ``pattern`` that is
no regular expression or malformed ``x-dangan`` annotations would otherwise fail, or crash, on
the first record it meets.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .loader import NotRegular, inspect, read_file
from .problems import Problem

SCHEMA_SUFFIX = ".schema.json"
COMMON = "common"
# the kinds the code knows by name: without one of these schemas, commands would fail on its first use
REQUIRED = ("common", "policy", "staff", "customer", "dossier", "certificate", "loan", "visit", "complaint",
            "contract", "survey", "disposal", "review")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    dt.date.fromisoformat(value)  # raises ValueError for 2024-02-30
    return True


def _fast_date(value: object) -> bool:
    try:
        return _is_date(value)
    except ValueError:
        return False


@FORMATS.checks("year-month")
def _is_month(value: object) -> bool:
    return not isinstance(value, str) or bool(_MONTH.match(value))


@FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value))


@dataclass(slots=True)
class FieldInfo:
    """One field of a kind, found by walking its schema."""

    path: tuple  # keys, with "*" for any list item
    schema: dict

    @property
    def title(self) -> str:
        return self.schema.get("title") or str(self.path[-1])

    @property
    def ref(self) -> str | None:
        return self.schema.get("x-ref")

    @property
    def identifier(self) -> str | None:
        return self.schema.get("x-id")


@dataclass
class SchemaSet:
    directory: Path
    raw: dict[str, dict] = field(default_factory=dict)  # kind -> schema document
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def registry(self) -> Registry:
        resources = [(doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
                     for doc in self.raw.values() if isinstance(doc.get("$id"), str)]
        return Registry().with_resources(resources)

    @cached_property
    def fast(self) -> dict[str, Any]:
        """jsonschema-rs validators, compiled once: ~20x faster, used to say "valid" quickly;
        jsonschema stays the reference for messages when a record is not valid."""
        try:
            import jsonschema_rs
        except ImportError:  # pragma: no cover - a declared dependency
            return {}
        registry = jsonschema_rs.Registry([(doc["$id"], doc) for doc in self.raw.values()])
        formats = {"date": _fast_date, "email": _is_email, "year-month": _is_month}
        out = {}
        for kind, doc in self.raw.items():
            if kind == COMMON:
                continue
            try:
                out[kind] = jsonschema_rs.Draft202012Validator(doc, formats=formats, validate_formats=True,
                                                               registry=registry)
            except Exception:
                continue
        return out

    @cached_property
    def validators(self) -> dict[str, Draft202012Validator]:
        return {kind: Draft202012Validator(doc, registry=self.registry, format_checker=FORMATS)
                for kind, doc in self.raw.items() if kind != COMMON}

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.raw if k != COMMON]

    @cached_property
    def folders(self) -> dict[str, str]:
        """Folder under records/ -> kind (the policy is the single file records/policy.yaml)."""
        out = {}
        for kind, doc in self.raw.items():
            folder = doc.get("x-dangan", {}).get("folder")
            if folder:
                out[folder] = kind
        return out

    def resolve(self, kind: str, subschema: dict) -> dict:
        """Follow a `$ref` (local or into common.schema.json) one step."""
        return self._follow(self.raw[kind]["$id"], subschema)[0]

    def _follow(self, base: str, subschema: dict) -> tuple[dict, str]:
        """Follow a `$ref` one step from the document `base`: the merged schema and the document it came
        from (a `#/…` reference inside common.schema.json means common's, wherever it was reached from)."""
        ref = subschema.get("$ref")
        if not ref:
            return subschema, base
        resolved = self.registry.resolver(base_uri=base).lookup(ref).contents
        merged = dict(resolved) if isinstance(resolved, dict) else {}
        merged.update({k: v for k, v in subschema.items() if k != "$ref"})
        return merged, urljoin(base, ref).partition("#")[0]

    def fields(self, kind: str) -> dict[tuple, FieldInfo]:
        return self._fields[kind]

    @cached_property
    def _fields(self) -> dict[str, dict[tuple, FieldInfo]]:
        return {kind: {f.path: f for f in self._walk(self.raw[kind]["$id"], self.raw[kind], (), 0)}
                for kind in self.kinds}

    def _walk(self, base: str, schema: dict, path: tuple, depth: int, branch: bool = False) -> Iterator[FieldInfo]:
        """The fields under `schema`; a branch of `anyOf`, `then` … at the same path (`branch`) is not the field
        itself (an encrypted value's alternative, a condition): only the fields under it are."""
        if depth > 12 or not isinstance(schema, dict):
            return
        schema, base = self._follow(base, schema)
        if path and not branch:
            yield FieldInfo(path, schema)
        titles = schema.get("x-titles") if isinstance(schema.get("x-titles"), dict) else {}
        for name, sub in schema.get("properties", {}).items():
            if name in titles and isinstance(sub, dict):  # a shared act's fields named for this use: 审批人, 受理日期
                sub = {**sub, "title": titles[name]}
            yield from self._walk(base, sub, (*path, name), depth + 1)
        for key in ("items", "additionalProperties"):  # list items and map values: "*"
            if isinstance(schema.get(key), dict):
                yield from self._walk(base, schema[key], (*path, "*"), depth + 1)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []):
                yield from self._walk(base, sub, path, depth + 1, branch=True)
        for key in ("then", "else"):
            if key in schema:
                yield from self._walk(base, schema[key], path, depth + 1, branch=True)

    def field_info(self, kind: str, path: tuple) -> FieldInfo | None:
        """The field at a concrete data path (list indexes and map keys match "*")."""
        fields = self._fields.get(kind, {})
        pattern = tuple("*" if isinstance(p, int) else p for p in path)
        found = fields.get(pattern)
        if found is None and pattern:  # a map key (e.g. a role code) also matches "*"
            for i in range(len(pattern) - 1, -1, -1):
                found = fields.get((*pattern[:i], "*", *pattern[i + 1:]))
                if found is not None:
                    break
        return found

    def label(self, kind: str, path: tuple) -> str:
        info = self.field_info(kind, path)
        if info is not None:
            return info.title
        return str(path[-1]) if path else self.title(kind)

    def title(self, kind: str) -> str:
        return self.raw.get(kind, {}).get("title", kind)

    def annotations(self, kind: str) -> dict:
        return self.raw.get(kind, {}).get("x-dangan", {})

    @cached_property
    def references(self) -> dict[str, list[FieldInfo]]:
        """Per kind, the fields that name another record or a policy entry."""
        return {kind: [f for f in self._fields[kind].values() if f.ref] for kind in self.kinds}


def load_schemas(directory: Path, root: Path) -> SchemaSet:
    """Read every `*.schema.json`; every way the set cannot be used is a problem naming its file."""
    out = SchemaSet(directory)
    if not directory.is_dir():
        out.problems.append(Problem("schema.missing", _rel(directory, root)))
        return out
    try:
        with os.scandir(directory) as it:
            names = sorted(e.name for e in it if e.name.endswith(SCHEMA_SUFFIX) and not e.name.startswith("."))
    except OSError as exc:
        out.problems.append(Problem("file.folder-unreadable", _rel(directory, root),
                                    args={"detail": exc.strerror or str(exc)}))
        return out
    tried = set()
    for name in names:
        kind = name[: -len(SCHEMA_SUFFIX)]
        tried.add(kind)
        doc = _read_schema(directory / name, _rel(directory / name, root), root, out.problems)
        if doc is not None:
            out.raw[kind] = doc
    for kind in REQUIRED:
        if kind not in tried:
            out.problems.append(Problem("schema.kind-missing", _rel(directory / (kind + SCHEMA_SUFFIX), root),
                                        args={"kind": kind}))
    if not out.problems:
        out.problems.extend(_unusable(out, root))
    return out


def _read_schema(path: Path, rel: str, root: Path, problems: list[Problem]) -> dict | None:
    """One schema document, or None with its problem."""
    if inspect(path, rel, root, problems) is None:
        return None
    try:
        text = read_file(path).decode("utf-8")
    except NotRegular as exc:
        problems.append(Problem("file.special", rel, args={"type": exc.type}))
        return None
    except OSError as exc:
        problems.append(Problem("file.unreadable", rel, args={"detail": exc.strerror or str(exc)}))
        return None
    except UnicodeDecodeError:
        problems.append(Problem("file.encoding", rel, args={"encoding": ""}))
        return None
    if not text.strip():
        problems.append(Problem("schema.empty", rel, 1, 1))
        return None
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict):
            problems.append(Problem("schema.not-object", rel, 1, 1))
            return None
        meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
        errors = [] if _meta_valid(doc) else list(meta.iter_errors(doc))
    except json.JSONDecodeError as exc:
        problems.append(Problem("schema.json", rel, exc.lineno, exc.colno, args={"detail": exc.msg}))
        return None
    except RecursionError:
        problems.append(Problem("schema.json", rel, args={"detail": "nested too deeply"}))
        return None
    for error in errors:
        problems.append(Problem("schema.metaschema", rel, field="/".join(map(str, error.absolute_path)) or None,
                                args={"detail": error.message}))
    if not errors and not isinstance(doc.get("$id"), str):
        problems.append(Problem("schema.metaschema", rel, args={"detail": "$id is missing"}))
        return None
    return None if errors else doc


_ANNOTATIONS = {"folder": str, "ledger_title": str, "ledger": list, "derived": dict}  # in x-dangan
_KEYWORDS = {"x-ref": str, "x-id": str, "x-signed-by": str, "x-act-date": str, "x-act-fields": (str, list),
             "x-labels": dict, "x-synonyms": dict, "x-personal": str, "x-identifying": bool,
             "x-titles": dict, "x-sensitive": bool, "x-encrypted": bool}  # on fields
_TYPE_NAMES = {str: "string", list: "array", dict: "object", (str, list): "string or array"}


def _unusable(schemas: SchemaSet, root: Path) -> Iterator[Problem]:
    """What the metaschema lets through but Dangan cannot use: `$ref`s that resolve nowhere, patterns
    Python's `re` cannot compile (jsonschema would raise on the first record), Dangan's annotations
    (`x-dangan`, `x-ref`, `x-labels` …) of the wrong type."""
    for kind, doc in schemas.raw.items():
        rel = _rel(schemas.directory / (kind + SCHEMA_SUFFIX), root)
        dangan = doc.get("x-dangan", {})
        if not isinstance(dangan, dict):
            yield Problem("schema.annotation", rel, field="x-dangan", args={"expected": "object"})
            dangan = {}
        for key, expected in _ANNOTATIONS.items():
            if key in dangan and not isinstance(dangan[key], expected):
                yield Problem("schema.annotation", rel, field=f"x-dangan/{key}",
                              args={"expected": _TYPE_NAMES[expected]})
        resolver = schemas.registry.resolver(base_uri=doc["$id"])
        for where, node in _subschemas(doc):
            for key, expected in _KEYWORDS.items():
                if key in node and not isinstance(node[key], expected):
                    yield Problem("schema.annotation", rel, field=f"{where}/{key}".lstrip("/"),
                                  args={"expected": _TYPE_NAMES[expected]})
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolver.lookup(ref)
                except Exception as exc:  # referencing's Unresolvable and its kin
                    yield Problem("schema.ref", rel, field=where or None, args={"ref": ref, "detail": str(exc)})
            patterns = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            if isinstance(node.get("patternProperties"), dict):
                patterns += list(node["patternProperties"])
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    yield Problem("schema.regex", rel, field=where or None,
                                  args={"pattern": pattern, "detail": str(exc)})


def _subschemas(doc: dict) -> Iterator[tuple[str, dict]]:
    """Every object in a schema document with its JSON path, without recursion."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            yield where, node
            stack.extend((f"{where}/{key}" if where else str(key), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((f"{where}/{i}", value) for i, value in enumerate(node))


def _meta_valid(doc: Any) -> bool:
    """jsonschema-rs's check against the 2020-12 metaschema: fast; jsonschema explains a failure."""
    try:
        import jsonschema_rs

        return bool(jsonschema_rs.meta.is_valid(doc))
    except Exception:
        return False


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def plain_keyword(schema: dict, keyword: str) -> Any:
    """A validation keyword of a field (`pattern`, `maxLength` …), also of its plain form when the field may be
    written encrypted (`anyOf` [plain, encrypted])."""
    if keyword in schema:
        return schema[keyword]
    for sub in schema.get("anyOf") or ():
        if isinstance(sub, dict) and keyword in sub:
            return sub[keyword]
    return None


def values_at(data: Any, pattern: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Yield (concrete path, value) for every place in `data` matching a field pattern."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from values_at(item, rest, (*prefix, i))
        elif isinstance(data, dict):
            for key, item in data.items():
                yield from values_at(item, rest, (*prefix, key))
    elif isinstance(data, dict) and head in data:
        yield from values_at(data[head], rest, (*prefix, head))
