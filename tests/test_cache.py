"""The record cache: a cached run reports exactly what a cold run reports, after every kind of change."""

from __future__ import annotations

import json
import os
import time

import pytest

from conftest import customer, dossier
from dangan import checks
from dangan.index import build


def report(root, cached: bool) -> list[tuple]:
    index = build(root, cache=cached)
    return sorted((p.file, p.line, p.column, p.code, p.field, json.dumps(p.args, sort_keys=True, default=str))
                  for p in checks.run(index))


def same(archive) -> list[tuple]:
    warm = report(archive.root, cached=True)  # fills or uses the cache
    again = report(archive.root, cached=True)
    cold = report(archive.root, cached=False)
    assert warm == cold == again
    return cold


@pytest.fixture
def dirty(archive):
    archive.add("customer", customer())
    archive.add("customer", customer("KH0002", owner="S999"))
    archive.add("dossier", dossier())
    archive.write("records/customers/KH0003.yaml", "id: KH0003\nname: [\n")
    same(archive)
    assert (archive.root / ".dangan-cache" / "records-v1.pickle").is_file()
    return archive


def test_record_changes(dirty):
    time.sleep(0.01)
    dirty.add("customer", customer("KH0002"))  # fixed
    assert not [p for p in same(dirty) if p[0].endswith("KH0002.yaml")]
    dirty.add("dossier", dossier(total_pages=9))  # broken
    assert any(p[3] == "dossier.pages" for p in same(dirty))


def test_same_size_edit_in_the_same_instant(dirty):
    path = dirty.path("customer", "KH0001")
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    path.write_text(text.replace("status: active", "status: closed"), encoding="utf-8")  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same timestamp
    results = same(dirty)
    assert any(p[0].endswith("KH0001.yaml") and p[3] == "schema.enum" for p in results) is False
    assert build(dirty.root).get("customer", "KH0001").get("status") == "closed"


def test_schema_change(dirty):
    schema = dirty.root / "schemas" / "customer.schema.json"
    doc = json.loads(schema.read_text(encoding="utf-8"))
    doc["required"].append("region")
    schema.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert any(p[3] == "schema.required" and p[4] == "region" for p in same(dirty))


def test_policy_change(dirty):
    dirty.add("customer", customer(note="备注" * 200))
    assert not any(p[3] == "file.too-large" for p in same(dirty))
    dirty.edit_policy(lambda p: p["limits"].update(max_file_bytes=1024))
    assert any(p[3] == "file.too-large" for p in same(dirty))
    dirty.edit_policy(lambda p: p["dossier_types"]["loan"].update(code="贷"))
    assert any(p[3] == "number.pattern" for p in same(dirty))


def test_deletion_and_rename(dirty):
    dirty.path("customer", "KH0002").unlink()
    assert not [p for p in same(dirty) if p[0].endswith("KH0002.yaml")]
    dirty.path("customer", "KH0001").rename(dirty.path("customer", "KH0009"))
    results = same(dirty)
    assert any(p[0].endswith("KH0009.yaml") and p[3] == "id.filename" for p in results)
    assert any(p[3] == "ref.missing" for p in results)  # the dossier's customer is gone


def test_a_corrupt_cache_is_ignored(dirty):
    (dirty.root / ".dangan-cache" / "records-v1.pickle").write_bytes(b"not a pickle")
    same(dirty)
