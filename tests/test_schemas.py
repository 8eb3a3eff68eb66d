"""The schemas are valid 2020-12 schemas and the single source of fields and labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO
from dangan.schemas import load_schemas

SCHEMAS = sorted((REPO / "schemas").glob("*.schema.json"))
KINDS = ["policy", "staff", "customer", "dossier", "certificate", "loan", "visit", "complaint", "contract",
         "survey", "disposal", "review", "report", "registration", "credit_change", "common"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_one_schema_per_kind():
    assert sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS) == sorted(KINDS)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_valid_against_metaschema(path):
    doc = load(path)
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"https://dangan.example/schemas/{path.name}"


def subschemas(node, where=""):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from subschemas(value, f"{where}/{i}")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_field_has_chinese_title_and_description(path):
    for where, node in subschemas(load(path)):
        for name, prop in node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else ():
            if where.endswith(("/if", "/then", "/else")) or "/if/" in where:
                continue
            assert CHINESE.search(prop.get("title", "")), f"{path.name}{where}/{name}: no Chinese title"
            assert CHINESE.search(prop.get("description", "")), f"{path.name}{where}/{name}: no description"


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_objects_are_closed(path):
    for where, node in subschemas(load(path)):
        if node.get("type") == "object" and "properties" in node and "/if" not in where:
            assert node.get("additionalProperties") is False, f"{path.name}{where} is open"


def test_ledger_columns_resolve_to_fields():
    schemas = load_schemas(REPO / "schemas", REPO)
    assert schemas.problems == []
    for kind in schemas.kinds:
        for column in schemas.annotations(kind).get("ledger", []):
            assert schemas.field_info(kind, tuple(column.split("."))), f"{kind}: ledger column {column}"


def test_no_label_is_repeated_in_python():
    """Labels live in the schemas only: no Python module spells a field's title."""
    titles = set()
    for path in SCHEMAS:
        for _, node in subschemas(load(path)):
            for prop in (node.get("properties") or {}).values() if isinstance(node.get("properties"), dict) else ():
                title = prop.get("title", "")
                if CHINESE.search(title) and len(title) >= 2:
                    titles.add(title)
    for source in (REPO / "tools" / "dangan").rglob("*.py"):
        if "demo" in source.parts:  # the demo's data may say 法定代表人 as a contact's title
            continue
        text = source.read_text(encoding="utf-8")
        for title in titles:
            assert f'"{title}"' not in text, f"{source.name} repeats the label {title}"
