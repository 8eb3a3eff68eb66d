"""Schema validation of one record: every error, each mapped to the line of its node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsonschema import Draft202012Validator, ValidationError

from .problems import Problem

if TYPE_CHECKING:
    from .record import Record
    from .schemas import SchemaSet

_TEXT_TYPES = (int, float, bool)


def validate(schemas: SchemaSet, validator: Draft202012Validator, record: Record) -> list[Problem]:
    fast = schemas.fast.get(record.kind)
    if fast is not None and fast.is_valid(record.data):
        return []
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for error in validator.iter_errors(record.data):
        for problem in _problems(schemas, record, error):
            key = (problem.code, problem.field, problem.line, problem.column)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    return problems


def _problems(schemas: SchemaSet, record: Record, error: ValidationError):
    kind = record.kind
    path = tuple(error.absolute_path)
    keyword = error.validator
    instance = error.instance
    label = schemas.label(kind, path) if path else schemas.title(kind)

    if keyword == "required":
        names = [n for n in error.validator_value if isinstance(instance, dict) and n not in instance]
        for name in names:
            sub = (*path, name)
            yield record.problem("schema.required", sub, label=schemas.label(kind, sub), name=name)
        return
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for name in instance:
            if name not in known:
                yield record.problem("schema.additional", (*path, name), name=name,
                                     where=label, known=", ".join(sorted(known)))
        return
    if keyword == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        raw = record.raw.get(path)
        if "string" in expected and isinstance(instance, _TEXT_TYPES) and raw is not None:
            yield record.problem("yaml.needs-quotes", path, value=True, text=raw, label=label)
            return
        yield record.problem("schema.type", path, value=True, label=label,
                             expected="/".join(expected), found=_type_name(instance))
        return
    if keyword == "enum":
        labels = error.schema.get("x-labels", {})
        allowed = ", ".join(f"{v}（{labels[v]}）" if v in labels else str(v) for v in error.validator_value)
        yield record.problem("schema.enum", path, value=True, label=label, value_=instance, allowed=allowed)
        return
    if keyword == "anyOf" and _encrypted_alternative(schemas, error) is not None:
        # a value that may be written encrypted: the errors of the form it is written in
        encrypted = _encrypted_alternative(schemas, error)
        wanted = encrypted if isinstance(instance, str) and instance.startswith("age:") else None
        for sub in error.context:
            if (sub.relative_schema_path[0] == encrypted) == (wanted is not None):
                yield from _problems(schemas, record, sub)
        return
    if keyword == "anyOf" and all(c.validator == "required" for c in error.context):
        names = sorted({n for c in error.context for n in c.validator_value})
        yield record.problem("schema.any-required", path, label=label,
                             names=", ".join(f"{n}（{schemas.label(kind, (*path, n))}）" for n in names))
        return
    args = {"label": label, "value_": _short(instance), "limit": error.validator_value}
    code = {
        "format": "schema.format",
        "pattern": "schema.pattern",
        "minimum": "schema.minimum",
        "exclusiveMinimum": "schema.minimum",
        "maximum": "schema.maximum",
        "exclusiveMaximum": "schema.maximum",
        "minLength": "schema.min-length",
        "maxLength": "schema.max-length",
        "minItems": "schema.min-items",
        "maxItems": "schema.max-items",
        "uniqueItems": "schema.unique",
        "minProperties": "schema.min-items",
        "const": "schema.const",
        "propertyNames": "schema.property-name",
    }.get(keyword, "schema.invalid")
    if code == "schema.invalid":
        args["detail"] = error.message
    if code == "schema.property-name":
        args["value_"] = _short(error.instance)
    yield record.problem(code, path, value=True, **args)


def _encrypted_alternative(schemas: SchemaSet, error: ValidationError) -> int | None:
    """Which alternative of an `anyOf` is the encrypted form (common.schema.json `#/$defs/encrypted`), if any."""
    for i, sub in enumerate(error.validator_value if isinstance(error.validator_value, list) else ()):
        ref = sub.get("$ref", "") if isinstance(sub, dict) else ""
        if ref.endswith("/$defs/encrypted"):
            return i
    return None


def _type_name(value) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "object", type(None): "null"}.get(type(value), type(value).__name__)


def _short(value) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
