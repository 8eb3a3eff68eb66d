"""The record cache: a cached run reports exactly what a cold run reports, after every kind of change."""

from __future__ import annotations

import json
import os
import time

import pytest

from conftest import customer, dossier, run_denied
from dangan import checks
from dangan.reader import build


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
    """Written within the racy window, an edit of the same size and timestamp is found by content."""
    path = dirty.path("customer", "KH0001")
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    assert not [p for p in same(dirty) if p[0].endswith("KH0001.yaml")]
    path.write_text(text.replace("status: active", "status: ACTIVE"), encoding="utf-8")  # same length, not a status
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same timestamp
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    results = same(dirty)
    assert any(p[0].endswith("KH0001.yaml") and p[3] == "schema.enum" and p[4] == "status" for p in results)
    assert build(dirty.root).get("customer", "KH0001").get("status") == "ACTIVE"


def test_an_unchanged_file_is_not_read_again(archive):
    """A file older than the racy window, with the size and time the cache holds, is reused without being
    opened: made unreadable (to root too: the check runs without the capabilities that bypass permissions),
    it is reported as before; a file touched since is read again, and cannot be."""
    archive.add("customer", customer())
    archive.add("customer", customer("KH0002", owner="S999"))  # a problem the cache must give back
    files = sorted((archive.root / "records" / "customers").glob("*.yaml"))
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in files:
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    first = archive.run("check", "--format", "json")  # reads every file, then saves the cache
    expected = json.loads(first.output)
    assert first.exit_code == 1 and [p["code"] for p in expected["problems"]] == ["ref.missing"]
    for path in files:
        path.chmod(0)
    try:
        unread = run_denied("check", "--format", "json", "--root", str(archive.root))
        os.utime(files[0])  # now: its time no longer matches the cache's
        touched = run_denied("check", "--format", "json", "--root", str(archive.root))
    finally:
        for path in files:
            path.chmod(0o644)
    assert unread.returncode == 1 and json.loads(unread.stdout) == expected, unread.stdout + unread.stderr
    problems = json.loads(touched.stdout)["problems"]
    unreadable = [p for p in problems if p["code"] == "file.unreadable"]
    assert [p["file"] for p in unreadable] == ["records/customers/KH0001.yaml"], problems
    assert "Permission denied" in unreadable[0]["message"]
    assert [p for p in problems if p["file"].endswith("KH0002.yaml")] == expected["problems"]


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
