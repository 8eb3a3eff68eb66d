"""The archive's JSON Schemas: loaded once, checked against the 2020-12 metaschema,
compiled into validators, and read as the single source of labels and references.

Annotations Dangan reads from a schema (unknown keywords are allowed by 2020-12):

* ``x-dangan`` at the top of a record kind's schema: ``folder`` (under ``records/``),
  ``ledger`` (the ledger's columns, as field paths) and ``ledger_title``;
* ``x-ref`` on a field: the kind of record the value names (``staff``, ``customer`` …)
  or a policy list it names (``policy:roles``, ``policy:departments`` …).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .problems import Problem

SCHEMA_SUFFIX = ".schema.json"
COMMON = "common"
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
        ref = subschema.get("$ref")
        if not ref:
            return subschema
        base = self.raw[kind]["$id"]
        resolver = self.registry.resolver(base_uri=base)
        resolved = resolver.lookup(ref).contents
        merged = dict(resolved)
        merged.update({k: v for k, v in subschema.items() if k != "$ref"})
        return merged

    def fields(self, kind: str) -> dict[tuple, FieldInfo]:
        return self._fields[kind]

    @cached_property
    def _fields(self) -> dict[str, dict[tuple, FieldInfo]]:
        return {kind: {f.path: f for f in self._walk(kind, self.raw[kind], (), 0)}
                for kind in self.kinds}

    def _walk(self, kind: str, schema: dict, path: tuple, depth: int) -> Iterator[FieldInfo]:
        if depth > 12 or not isinstance(schema, dict):
            return
        schema = self.resolve(kind, schema)
        if path:
            yield FieldInfo(path, schema)
        for name, sub in schema.get("properties", {}).items():
            yield from self._walk(kind, sub, (*path, name), depth + 1)
        for key in ("items", "additionalProperties"):  # list items and map values: "*"
            if isinstance(schema.get(key), dict):
                yield from self._walk(kind, schema[key], (*path, "*"), depth + 1)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []):
                yield from self._walk(kind, sub, path, depth + 1)
        for key in ("then", "else"):
            if key in schema:
                yield from self._walk(kind, schema[key], path, depth + 1)

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
    """Read every `*.schema.json`; broken JSON or a schema the metaschema rejects is a problem."""
    out = SchemaSet(directory)
    if not directory.is_dir():
        out.problems.append(Problem("schema.missing", _rel(directory, root)))
        return out
    for path in sorted(directory.glob("*" + SCHEMA_SUFFIX)):
        rel = _rel(path, root)
        kind = path.name[: -len(SCHEMA_SUFFIX)]
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            out.problems.append(Problem("file.encoding", rel, args={"encoding": ""}))
            continue
        except json.JSONDecodeError as exc:
            out.problems.append(Problem("schema.json", rel, exc.lineno, exc.colno,
                                        args={"detail": exc.msg}))
            continue
        meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
        errors = [] if _meta_valid(doc) else list(meta.iter_errors(doc))
        for error in errors:
            out.problems.append(Problem("schema.metaschema", rel,
                                        field="/".join(map(str, error.absolute_path)) or None,
                                        args={"detail": error.message}))
        if not errors and not isinstance(doc.get("$id"), str):
            out.problems.append(Problem("schema.metaschema", rel, args={"detail": "$id is missing"}))
            continue
        if not errors:
            out.raw[kind] = doc
    return out


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
