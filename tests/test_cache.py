"""The record cache: a cached run reports exactly what a cold run reports, after every kind of change."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import customer, dossier, posix_only, run_denied
from dangan import checks
from dangan.reader import build


def report(root, cached: bool) -> list[tuple]:
    index = build(root, cache=cached)
    return sorted((p.file, -1 if p.line is None else p.line, -1 if p.column is None else p.column, p.code,
                   p.field or "", json.dumps(p.args, sort_keys=True, default=str))
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
    assert (archive.root / ".dangan-cache" / "records.sqlite").is_file()
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


_OPENED: list[str] | None = None


def _note_opens(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _OPENED.append(os.fsdecode(args[0]))


def opened_while(action) -> list[str]:
    """The files `action` opened (Python's audit hook: every `open` and `os.open` of this process)."""
    global _OPENED
    if not getattr(opened_while, "hooked", False):
        sys.addaudithook(_note_opens)
        opened_while.hooked = True
    _OPENED = []
    try:
        action()
        return list(_OPENED)
    finally:
        _OPENED = None


@posix_only
def test_an_unchanged_file_is_not_read_again(archive):
    """A file older than the racy window, whose size and status (times, inode, mode) are those the cache holds,
    is reused without being opened; a file touched since is read again; a file made unreadable (its change
    time moves, as git's index sees it) is looked at again and reported, never answered from the cache."""
    archive.add("customer", customer())
    archive.add("customer", customer("KH0002", owner="S999"))  # a problem the cache must give back
    files = sorted((archive.root / "records" / "customers").glob("*.yaml"))
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in files:
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    first = archive.run("check", "--format", "json")  # reads every file, then saves the cache
    expected = json.loads(first.output)
    assert first.exit_code == 1 and [p["code"] for p in expected["problems"]] == ["ref.missing"]
    names = {str(path) for path in files}
    index = {}
    assert not names & set(opened_while(lambda: index.update(built=build(archive.root))))
    problems = [p for p in checks.run(index["built"]) if p.file.endswith("KH0002.yaml")]
    assert [(p.code, p.line, p.column) for p in problems] == [
        (p["code"], p["line"], p["column"]) for p in expected["problems"]]  # its position fetched again
    os.utime(files[0])  # now: its time no longer matches the cache's
    assert names & set(opened_while(lambda: build(archive.root))) == {str(files[0])}
    for path in files:
        path.chmod(0)
    try:
        denied = run_denied("check", "--format", "json", "--root", str(archive.root))
    finally:
        for path in files:
            path.chmod(0o644)
    problems = json.loads(denied.stdout)["problems"]
    unreadable = [p for p in problems if p["code"] == "file.unreadable"]
    assert sorted(p["file"] for p in unreadable) == [f"records/customers/{path.name}" for path in files], problems
    assert "Permission denied" in unreadable[0]["message"]


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
    (dirty.root / ".dangan-cache" / "records.sqlite").write_bytes(b"not a database" * 1000)
    same(dirty)


# The store itself: plain data in SQLite, one row per file, set aside when damaged, shared by processes.

def store(root):
    return root / ".dangan-cache" / "records.sqlite"


def stored(root) -> dict[str, tuple]:
    """Each row's stored time and content id, by path."""
    with contextlib.closing(sqlite3.connect(store(root))) as db:
        return {path: (stored_ns, sha1) for path, stored_ns, sha1 in
                db.execute("SELECT path, stored_ns, sha1 FROM records")}


def settled(archive) -> None:
    """Every file written an hour ago: none is in the racy window, so an unchanged file is known by its time."""
    then = time.time_ns() - 3600 * 10**9
    for path in (archive.root / "records").rglob("*.yaml"):
        os.utime(path, ns=(then, then))


def test_the_store_holds_plain_data_and_writes_only_what_changed(dirty):
    settled(dirty)
    same(dirty)  # stores every file under its settled time
    assert store(dirty.root).read_bytes()[:16] == b"SQLite format 3\0"
    with contextlib.closing(sqlite3.connect(store(dirty.root))) as db:
        for data, problems in db.execute("SELECT data, problems FROM records"):
            json.loads(data or "null"), json.loads(problems or "[]")  # JSON, never a pickle
    before = stored(dirty.root)
    same(dirty)
    assert stored(dirty.root) == before  # nothing changed: nothing written
    path = dirty.path("customer", "KH0002")
    path.write_text(path.read_text(encoding="utf-8") + "# 改动\n", encoding="utf-8")
    results = same(dirty)
    after = stored(dirty.root)
    assert [p for p in after if after[p] != before[p]] == ["records/customers/KH0002.yaml"]
    assert any(p[0].endswith("KH0002.yaml") and p[3] == "ref.missing" for p in results)


def test_positions_are_fetched_only_for_records_with_problems(dirty):
    index = build(dirty.root)
    assert all(r.detached for r in index)
    found = checks.run(index)
    loaded = {r.file for r in index if not r.detached}
    assert loaded <= {p.file for p in found}
    assert index.get("customer", "KH0001").detached  # a clean record never held them
    record = index.get("customer", "KH0002")
    lines = record.file and (dirty.root / record.file).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("owner:"))
    assert record.position(("owner",), value=True) == (line, 8)  # fetched when asked, from the store
    assert not record.detached


def test_positions_come_back_without_the_store(dirty):
    """Rows of positions lost (or never written): the file is parsed again for the records that need them."""
    with contextlib.closing(sqlite3.connect(store(dirty.root))) as db, db:
        db.execute("DELETE FROM sources")
    same(dirty)


def test_a_damaged_store_is_set_aside(dirty):
    path = store(dirty.root)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the schema page does not
    # a new file in its place, as a damaged disk would leave it: a connection the earlier runs left for the
    # collector to close writes its log back into the file it opened, which is no longer this one
    gc.collect()
    fresh = path.with_name(path.name + ".new")
    fresh.write_bytes(bytes(data))
    os.replace(fresh, path)
    same(dirty)
    assert Path(f"{path}.damaged").read_bytes() == bytes(data)  # kept beside, for whoever wants to look
    assert stored(dirty.root)  # a new store in its place, filled again


@posix_only
@pytest.mark.parametrize("what", ["directory", "fifo", "symlink"])
def test_something_else_in_the_stores_place(dirty, tmp_path, what):
    """Never opened as a store: a folder makes the cache unwritable (a note), a named pipe (which would block)
    or a link (which would write elsewhere) is replaced by a new store."""
    path = store(dirty.root)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    outside = tmp_path / "elsewhere.sqlite"
    outside.write_bytes(b"")
    if what == "directory":
        path.mkdir()
    elif what == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(outside)
    same(dirty)
    notes = [n.code for n in build(dirty.root).notes]
    if what == "directory":
        assert path.is_dir() and notes == ["cache.unwritable"]
    else:
        assert not path.is_symlink() and path.is_file() and notes == [] and outside.read_bytes() == b""


@posix_only
def test_a_side_file_that_is_no_file_is_replaced(dirty):
    wal = Path(f"{store(dirty.root)}-wal")
    wal.unlink(missing_ok=True)
    os.mkfifo(wal)
    same(dirty)
    assert not stat.S_ISFIFO(os.lstat(wal).st_mode) if wal.exists() else True


def test_an_unwritable_store_is_a_note(dirty):
    folder = dirty.root / ".dangan-cache"
    shutil.rmtree(folder)
    folder.write_text("not a folder", encoding="utf-8")
    same(dirty)
    assert [n.code for n in build(dirty.root).notes] == ["cache.unwritable"]


def test_a_row_from_other_code_or_schemas_is_a_miss(dirty):
    with contextlib.closing(sqlite3.connect(store(dirty.root))) as db, db:
        db.execute("UPDATE records SET data = '{\"id\": \"forged\"}', problems = NULL")  # under its own key
        db.execute("UPDATE records SET key = 'another'")
    same(dirty)
    assert build(dirty.root).get("customer", "KH0001").get("id") == "KH0001"


def test_two_processes_read_and_write_at_once(dirty):
    """Processes checking at the same time, while files change under them, all finish and agree with a cold run
    once nothing changes any more (SQLite's locking; a busy store is only skipped)."""
    command = [sys.executable, "-c", "from dangan.cli import main; main()", "check", "--format", "json",
               "--root", str(dirty.root)]
    for n in range(1, 4):
        for i in range(20):  # new files for every round, written while the others read and write
            dirty.add("customer", customer(f"KH{n}{i:03d}", owner="S999" if i % 3 else "S004"))
        running = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
        for process in running:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 1, err.decode()
            assert json.loads(out)["problems"], err.decode()
            assert b"Traceback" not in err
    results = same(dirty)
    assert sum(p[3] == "ref.missing" for p in results) >= 40


@posix_only
def test_a_store_that_cannot_be_written(dirty):
    """A read-only cache folder (a read-only checkout): the check is the same, with a note why it is not faster."""
    expected = dirty.run("check", "--format", "json").output
    folder = dirty.root / ".dangan-cache"
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    try:
        result = run_denied("check", "--format", "json", "--root", str(dirty.root))
    finally:
        folder.chmod(0o755)
    assert json.loads(result.stdout) == json.loads(expected)
    assert "cache.unwritable" in result.stderr and ("Permission denied" in result.stderr or "readonly" in result.stderr)
