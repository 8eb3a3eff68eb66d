"""Hostile archives: whatever is put into records/ or schemas/, and however the folders are set up, `dangan`
answers with a problem (exit 1) or a clear environment error (exit 2) — never a hang, a traceback, 内部错误
(exit 3), a crashed interpreter, or a control character written raw to the terminal.

Every run is the installed `dangan` in a subprocess with a timeout, so that a hang fails the test. Permission
errors are real: the tests run as root here, and `nobody` cannot run this interpreter (it lives under /root,
mode 0700), so the command runs as root without the capabilities that bypass file permissions
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, dropped from its bounding set before exec): a folder of mode 000 is
then as unreadable to it as to anyone."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, customer, is_root, needs_dangan_command, posix_only, without_permission_bypass

DANGAN = shutil.which("dangan")
pytestmark = needs_dangan_command
CUSTOMERS = "records/customers"
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")  # ESC, BEL, CSI, right-to-left override


def run(root: Path, *args: str, permissions: bool = False, timeout: float = 60) -> subprocess.CompletedProcess:
    """`dangan ARGS --root ROOT`; with `permissions`, file permissions apply even to root."""
    bypass = permissions and is_root()
    result = subprocess.run([DANGAN, *args, "--root", str(root)], capture_output=True, text=True, timeout=timeout,
                            errors="surrogateescape", preexec_fn=without_permission_bypass if bypass else None)
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1, 2), (result.returncode, output)
    assert "Traceback" not in output and "内部错误" not in output and "internal error" not in output, output
    return result


def check(root: Path, *args: str, **options) -> tuple[int, list[dict]]:
    result = run(root, "check", "--format", "json", *args, **options)
    return result.returncode, json.loads(result.stdout)["problems"]


def found(problems: list[dict], code: str) -> list[dict]:
    return [p for p in problems if p["code"] == code]


def only(problems: list[dict], code: str) -> dict:
    matches = found(problems, code)
    assert len(matches) == 1, (code, problems)
    return matches[0]


def stopped(result: subprocess.CompletedProcess, file: str, code: str) -> None:
    """Exit 2, standard error naming the file and the problem code."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert file in result.stderr and f" {code}" in result.stderr, result.stderr


def text(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def good(archive):
    archive.add("customer", customer())
    assert check(archive.root) == (0, [])
    return archive


# 1. every entry of records/ is accounted for, none opened blindly

@posix_only
def test_named_pipe_record_does_not_hang(good):
    os.mkfifo(good.root / CUSTOMERS / "KH9995.yaml")
    code, problems = check(good.root)  # a read would block forever: the timeout fails the test
    problem = only(problems, "file.special")
    assert code == 1 and problem["file"] == f"{CUSTOMERS}/KH9995.yaml" and problem["severity"] == "error"
    assert "命名管道" in problem["message"] and problem["record"] is None
    result = run(good.root, "check", "--lang", "en")
    assert result.returncode == 1 and "not a regular file (a named pipe)" in result.stdout


@posix_only
def test_socket_and_pipes_everywhere(good, monkeypatch):
    monkeypatch.chdir(good.root / CUSTOMERS)  # a socket's path must be short
    server = socket.socket(socket.AF_UNIX)
    server.bind("KH0006.yaml")
    try:
        os.mkfifo(good.root / "records" / "incoming")
        os.mkfifo(good.root / "records" / "visits.fifo")
        (good.root / "records" / "pipe-target").mkdir()
        os.mkfifo(good.root / "records" / "pipe-target" / "p")
        (good.root / CUSTOMERS / "KH0007.yaml").symlink_to(good.root / "records" / "pipe-target" / "p")
        code, problems = check(good.root)
    finally:
        server.close()
    specials = {p["file"]: p["message"] for p in found(problems, "file.special")}
    assert code == 1 and set(specials) == {f"{CUSTOMERS}/KH0006.yaml", "records/incoming", "records/visits.fifo",
                                           f"{CUSTOMERS}/KH0007.yaml"}
    assert "套接字" in specials[f"{CUSTOMERS}/KH0006.yaml"]
    assert "命名管道" in specials[f"{CUSTOMERS}/KH0007.yaml"]  # a link inside the archive is followed, then judged


@posix_only
def test_named_pipe_policy_schema_and_cache(good):
    cache = good.root / ".dangan-cache"
    shutil.rmtree(cache)
    cache.mkdir()
    os.mkfifo(cache / "records-v1.pickle")
    assert check(good.root) == (0, [])  # the cache is only set aside
    policy = good.root / "records" / "policy.yaml"
    saved = policy.read_bytes()
    policy.unlink()
    os.mkfifo(policy)
    code, problems = check(good.root)
    assert code == 1 and only(problems, "file.special")["file"] == "records/policy.yaml"
    assert only(problems, "rules.unchecked")["severity"] == "warning"
    stopped(run(good.root, "due"), "records/policy.yaml", "file.special")
    policy.unlink()
    policy.write_bytes(saved)
    schema = good.root / "schemas" / "loan.schema.json"
    schema.unlink()
    os.mkfifo(schema)
    stopped(run(good.root, "check"), "schemas/loan.schema.json", "file.special")


@posix_only
def test_symlink_loop(good):
    (good.root / CUSTOMERS / "KH0002.yaml").symlink_to("KH0003.yaml")
    (good.root / CUSTOMERS / "KH0003.yaml").symlink_to("KH0002.yaml")
    (good.root / "records" / "visits").symlink_to("visits")
    code, problems = check(good.root)
    assert code == 1
    assert {p["file"] for p in found(problems, "file.symlink-loop")} == {
        f"{CUSTOMERS}/KH0002.yaml", f"{CUSTOMERS}/KH0003.yaml", "records/visits"}
    assert all(p["severity"] == "error" and p["line"] is None for p in problems)


@posix_only
def test_dangling_symlink(good):
    (good.root / CUSTOMERS / "KH0002.yaml").symlink_to("KH0002-old.yaml")
    code, problems = check(good.root)
    problem = only(problems, "file.symlink-dangling")
    assert code == 1 and problem["file"] == f"{CUSTOMERS}/KH0002.yaml" and "KH0002-old.yaml" in problem["message"]


def test_hidden_record_is_an_error_other_dotfiles_a_warning(good):
    shutil.copy(good.path("customer", "KH0001"), good.root / CUSTOMERS / ".KH9999.yaml")
    good.write("records/.KH9998.yaml", text(customer("KH9998")))
    good.write(f"{CUSTOMERS}/.DS_Store", b"\x00\x00\x00\x01Bud1")
    good.write("records/.DS_Store", b"\x00\x00\x00\x01Bud1")
    code, problems = check(good.root)
    hidden = {p["file"]: p["severity"] for p in problems}
    assert code == 1 and hidden == {f"{CUSTOMERS}/.KH9999.yaml": "error", "records/.KH9998.yaml": "error",
                                    f"{CUSTOMERS}/.DS_Store": "warning", "records/.DS_Store": "warning"}
    assert {p["code"] for p in problems if p["severity"] == "error"} == {"file.hidden-record"}
    assert {p["code"] for p in problems if p["severity"] == "warning"} == {"file.hidden"}


def test_dotfiles_alone_warn_and_gitkeep_is_allowed(good):
    good.write("records/.gitkeep", "")
    good.write(f"{CUSTOMERS}/.gitkeep", "")
    good.write("records/loans/.gitkeep", "")  # a kind folder with no records yet
    assert check(good.root) == (0, [])
    good.write(f"{CUSTOMERS}/.KH0001.yaml.swp", b"b0VIM 9.0")
    (good.root / CUSTOMERS / ".trash").mkdir()
    code, problems = check(good.root)
    assert code == 0 and {(p["file"], p["code"], p["severity"]) for p in problems} == {
        (f"{CUSTOMERS}/.KH0001.yaml.swp", "file.hidden", "warning"),
        (f"{CUSTOMERS}/.trash", "file.hidden", "warning")}


@pytest.mark.parametrize("name", ["KH0002.yml", "KH0002.YAML", "KH0002.Yml"])
def test_record_file_must_end_in_yaml(good, name):
    good.write(f"{CUSTOMERS}/{name}", text(customer("KH0002")))
    code, problems = check(good.root)
    problem = only(problems, "file.suffix")
    assert code == 1 and problem["file"] == f"{CUSTOMERS}/{name}" and "KH0002.yaml" in problem["hint"]
    assert not any(p["record"] == "customer/KH0002" for p in problems)  # not read as a record
    assert "customer/KH0002" not in run(good.root, "ledger", "customer", "--format", "json").stdout


@pytest.mark.parametrize("name", ["..yaml", ".yaml", "...yaml", "..yml"])
def test_empty_or_dot_stem(good, name):
    good.write(f"{CUSTOMERS}/{name}", "id: .\n")
    code, problems = check(good.root)
    assert code == 1 and only(problems, "file.name")["file"] == f"{CUSTOMERS}/{name}"


HOSTILE_NAME = "KH\x1b[2J\x1b]0;owned\x07\n\x9b31m\u202e0001.yaml"


@pytest.mark.parametrize("fmt", ["text", "json", "github", "gitlab"])
def test_control_characters_in_names_never_reach_the_terminal(good, fmt):
    good.write(f"{CUSTOMERS}/{HOSTILE_NAME}", text(customer("KH0001")))
    good.write(f"{CUSTOMERS}/KH0003.yaml", text(customer("KH0003", status="\x1b[2J")))  # and in a value
    result = run(good.root, "check", "--format", fmt)
    assert result.returncode == 1
    for char in CONTROLS:
        assert char not in result.stdout and char not in result.stderr, (fmt, char)
    assert all(line.isprintable() for line in result.stdout.splitlines())
    if fmt == "json":  # escaped by JSON, so the exact name is still there for programs
        problems = json.loads(result.stdout)["problems"]
        assert only(problems, "file.name")["file"] == f"{CUSTOMERS}/{HOSTILE_NAME}"
        assert only(problems, "schema.enum")["file"] == f"{CUSTOMERS}/KH0003.yaml"
    elif fmt == "gitlab":
        rows = json.loads(result.stdout)
        assert {r["location"]["path"] for r in rows if r["check_name"] == "file.name"} == {
            f"{CUSTOMERS}/{HOSTILE_NAME}"}
    else:
        assert r"KH\x1b[2J\x1b]0;owned\x07\n\x9b31m\u202e0001.yaml" in result.stdout
        assert r"\x1b[2J" in result.stdout  # the value in the schema.enum message
    if fmt == "github":
        annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
        assert any(r"file=records/customers/KH\x1b[2J\x1b]0;owned\x07\n" in a for a in annotations)


def test_undecodable_file_name(good):
    folder = os.fsencode(good.root / CUSTOMERS)
    with open(folder + b"/KH\xff\xfe0002.yaml", "wb") as handle:
        handle.write(text(customer("KH0002")).encode())
    result = run(good.root, "check")
    assert result.returncode == 1 and r"KH\udcff\udcfe0002.yaml" in result.stdout and " file.name" in result.stdout
    code, problems = check(good.root)
    assert code == 1 and only(problems, "file.name")["file"] == f"{CUSTOMERS}/KH\udcff\udcfe0002.yaml"


@pytest.mark.parametrize(("content", "line"), [
    ("id: KH0002\nx: " + "[" * 300_000 + "]" * 300_000 + "\n", 2),  # crashed libyaml's composer (signal 11)
    ("id: KH0002\nx:\n" + "".join(" " * i + "k:\n" for i in range(1, 1200)) + " " * 1200 + "k: 1\n", 34),
    ("id: KH0002\nx:\n" + "- " * 200_000 + "1\n", 3),
], ids=["flow", "block-mappings", "block-sequences"])
def test_nesting_too_deep(good, content, line):
    good.write(f"{CUSTOMERS}/KH0002.yaml", content)
    code, problems = check(good.root)
    problem = only(problems, "yaml.too-deep")
    assert code == 1 and problem["file"] == f"{CUSTOMERS}/KH0002.yaml" and problem["line"] == line
    assert "32" in problem["message"]


# 2. environment faults: exit 2 with the reason, never an internal error

@posix_only
def test_unreadable_kind_folder(good):
    folder = good.root / CUSTOMERS
    folder.chmod(0)
    try:
        result = run(good.root, "check", permissions=True)
        stopped(result, CUSTOMERS, "file.folder-unreadable")
        assert "Permission denied" in result.stderr and result.stdout == ""
        stopped(run(good.root, "due", permissions=True), CUSTOMERS, "file.folder-unreadable")
    finally:
        folder.chmod(0o755)
    assert check(good.root, permissions=True) == (0, [])  # what the test changed is all that was wrong


@posix_only
def test_unreadable_records_folder(good):
    folder = good.root / "records"
    folder.chmod(0o311)  # enterable, not listable
    try:
        stopped(run(good.root, "check", permissions=True), "records", "file.folder-unreadable")
        folder.chmod(0)
        stopped(run(good.root, "check", "--lang", "en", permissions=True), "records", "file.folder-unreadable")
        stopped(run(good.root, "ledger", "customer", permissions=True), "records", "file.folder-unreadable")
    finally:
        folder.chmod(0o755)


@posix_only
def test_unreadable_record_file(good):
    path = good.path("customer", "KH0001")
    path.chmod(0)
    try:
        code, problems = check(good.root, permissions=True)
    finally:
        path.chmod(0o644)
    problem = only(problems, "file.unreadable")
    assert code == 1 and problem["file"] == f"{CUSTOMERS}/KH0001.yaml" and "Permission denied" in problem["message"]


@posix_only
def test_read_only_cache_still_checks(good):
    cache = good.root / ".dangan-cache"
    shutil.rmtree(cache)
    cache.mkdir(mode=0o555)
    cache.chmod(0o555)
    try:
        for _ in range(2):
            result = run(good.root, "check", "--format", "json", permissions=True)
            assert result.returncode == 0 and json.loads(result.stdout) == {"records": 10, "problems": []}
            assert " cache.unwritable" in result.stderr and "Permission denied" in result.stderr
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o755)
    cache.rmdir()
    cache.write_text("a file where the cache folder belongs")
    result = run(good.root, "check", "--format", "json")
    assert " cache.unwritable" in result.stderr and "File exists" in result.stderr
    assert not found(json.loads(result.stdout)["problems"], "cache.unwritable")  # a note, not a problem


@pytest.mark.parametrize("content", ["", "   \n", "[", "true", '{"type": "objekt", "$id": "x"}'],
                         ids=["empty", "blank", "not-json", "not-object", "metaschema"])
def test_broken_common_schema_stops_every_command(good, content):
    good.write("schemas/common.schema.json", content)
    result = run(good.root, "check", "--format", "json")
    stopped(result, "schemas/common.schema.json", "schema.")
    assert result.stdout == ""
    stopped(run(good.root, "due"), "schemas/common.schema.json", "schema.")
    stopped(run(good.root, "ledger", "customer"), "schemas/common.schema.json", "schema.")


def test_empty_common_schema_names_it(good):
    good.write("schemas/common.schema.json", "")
    stopped(run(good.root, "check"), "schemas/common.schema.json:1:1", "schema.empty")
    result = run(good.root, "check", "--lang", "en")
    stopped(result, "schemas/common.schema.json", "schema.empty")
    assert "the schema file is empty" in result.stderr


def test_empty_visit_schema_stops_check_and_the_visit_act(good):
    good.write("schemas/visit.schema.json", "")
    stopped(run(good.root, "check"), "schemas/visit.schema.json", "schema.empty")
    result = run(good.root, "visit", "--customer", "KH0001", "--kind", "follow_up", "--as", "S004")
    stopped(result, "schemas/visit.schema.json", "schema.empty")
    assert not (good.root / "records" / "visits").exists()
    stopped(run(good.root, "due"), "schemas/visit.schema.json", "schema.empty")


@pytest.mark.parametrize(("change", "code"), [
    (lambda d: d.update({"$id": "https://elsewhere.example/visit.schema.json"}), "schema.ref"),
    (lambda d: d["properties"]["id"].update(pattern="^HF(\\d{4}$"), "schema.regex"),
    (lambda d: d.update({"x-dangan": "visits"}), "schema.annotation"),
    (lambda d: d["x-dangan"].update(folder=["visits"]), "schema.annotation"),
    (lambda d: d["properties"]["customer"].update({"x-ref": ["customer"]}), "schema.annotation"),
    (lambda d: d.update({"properties": {"id": {"$ref": "common.schema.json#/$defs/nothing"}}}), "schema.ref"),
])
def test_schema_the_metaschema_accepts_but_dangan_cannot_use(good, change, code):
    path = good.root / "schemas" / "visit.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    stopped(run(good.root, "check"), "schemas/", code)
    stopped(run(good.root, "visit", "--customer", "KH0001", "--kind", "follow_up", "--as", "S004"), "schemas/", code)


def test_reference_inside_common_followed_from_another_schema(good):
    """`#/$defs/…` in common.schema.json means common's own, wherever it is reached from."""
    common = json.loads((good.root / "schemas" / "common.schema.json").read_text(encoding="utf-8"))
    common["$defs"]["day"] = {"$ref": "#/$defs/date", "title": "日子"}
    good.write("schemas/common.schema.json", json.dumps(common, ensure_ascii=False))
    visit = json.loads((good.root / "schemas" / "visit.schema.json").read_text(encoding="utf-8"))
    visit["properties"]["date"] = {"$ref": "common.schema.json#/$defs/day", "title": "回访日期"}
    good.write("schemas/visit.schema.json", json.dumps(visit, ensure_ascii=False))
    assert check(good.root) == (0, [])
    good.write("records/visits/HF2024-0001.yaml", "id: HF2024-0001\ndate: 2024-02-30\n")
    code, problems = check(good.root)
    assert code == 1 and "回访日期" in only(problems, "schema.format")["message"]


@posix_only
def test_missing_or_hostile_schema_files(good):
    (good.root / "schemas" / "survey.schema.json").unlink()
    stopped(run(good.root, "check"), "schemas/survey.schema.json", "schema.kind-missing")
    good.write("schemas/survey.schema.json", "[" * 100_000 + "]" * 100_000)
    stopped(run(good.root, "check"), "schemas/survey.schema.json", "schema.json")
    (good.root / "schemas" / "survey.schema.json").unlink()
    (good.root / "schemas" / "survey.schema.json").symlink_to("survey.schema.json")
    stopped(run(good.root, "check"), "schemas/survey.schema.json", "file.symlink-loop")
    (good.root / "schemas" / "survey.schema.json").unlink()
    (good.root / "schemas" / "survey.schema.json").mkdir()
    stopped(run(good.root, "check"), "schemas/survey.schema.json", "file.special")


@posix_only
def test_unreadable_schemas_folder(good):
    folder = good.root / "schemas"
    folder.chmod(0)
    try:
        stopped(run(good.root, "check", permissions=True), "schemas", "file.folder-unreadable")
    finally:
        folder.chmod(0o755)


BROKEN_POLICIES = {
    "empty": ("", "file.empty", 1),
    "not YAML": ("organisation: [\n", "yaml.syntax", 2),
    "not a mapping": ("- a\n- b\n", "yaml.not-mapping", 1),
    "fails its schema": (None, "schema.type", None),
}


def _break_policy(archive, kind: str) -> tuple[str, int | None]:
    content, code, line = BROKEN_POLICIES[kind]
    if content is None:
        archive.edit_policy(lambda p: p.update(limits=[1], roles="all"))
    else:
        archive.write("records/policy.yaml", content)
    return code, line


@pytest.mark.parametrize("kind", BROKEN_POLICIES)
def test_broken_policy_is_reported_by_check(good, kind):
    code, line = _break_policy(good, kind)
    exit_code, problems = check(good.root)
    assert exit_code == 1
    problem = found(problems, code)[0]
    assert problem["file"] == "records/policy.yaml" and (line is None or problem["line"] == line)
    assert only(problems, "rules.unchecked")["severity"] == "warning"


@pytest.mark.parametrize("kind", BROKEN_POLICIES)
def test_broken_policy_stops_due_and_policy(good, kind):
    code, _ = _break_policy(good, kind)
    stopped(run(good.root, "due"), "records/policy.yaml", code)
    stopped(run(good.root, "due", "--format", "ics"), "records/policy.yaml", code)
    stopped(run(good.root, "policy"), "records/policy.yaml", code)


@pytest.mark.parametrize("kind", BROKEN_POLICIES)
def test_broken_policy_stops_site_build(good, kind, tmp_path):
    shutil.copy(REPO / "mkdocs.yml", good.root / "mkdocs.yml")
    shutil.copytree(REPO / "site", good.root / "site")
    code, _ = _break_policy(good, kind)
    result = run(good.root, "site", "build", "--output", str(tmp_path / "public"), timeout=300)
    stopped(result, "records/policy.yaml", code)
    assert not (tmp_path / "public").exists()


def test_missing_policy(good):
    (good.root / "records" / "policy.yaml").unlink()
    code, problems = check(good.root)
    assert code == 1 and only(problems, "file.policy-missing")["file"] == "records/policy.yaml"
    stopped(run(good.root, "due"), "records/policy.yaml", "file.policy-missing")


@posix_only
def test_report_file_that_cannot_be_written(good, tmp_path):
    stopped_dir = tmp_path / "reports"
    stopped_dir.mkdir(mode=0o555)
    stopped_dir.chmod(0o555)
    try:
        result = run(good.root, "check", "--format", "gitlab", "-o", str(stopped_dir / "gl.json"), permissions=True)
    finally:
        stopped_dir.chmod(0o755)
    assert result.returncode == 2 and "gl.json" in result.stderr and "Permission denied" in result.stderr
    result = run(good.root, "check", "-o", str(tmp_path / "missing" / "gl.json"))
    assert result.returncode == 2 and "No such file or directory" in result.stderr


def test_record_values_reach_a_terminal_escaped(good):
    """A value holding terminal escapes (written as YAML escapes) is shown escaped on a terminal, raw in a pipe."""
    import fcntl
    import pty
    import struct
    import termios

    path = good.root / CUSTOMERS / "KH0001.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: 王小明", 'name: "王\\e]0;pwned\\a\\e[2J小明"', 1), encoding="utf-8")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 400, 0, 0))  # wide: no cell is folded
    try:
        process = subprocess.run([DANGAN, "ledger", "customer", "--root", str(good.root)], stdout=slave, stderr=slave,
                                 timeout=60, env={**os.environ, "COLUMNS": "400"})
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert process.returncode == 0
    # the ledger's own styling is there; the value's escapes are shown, not obeyed
    assert b"\x1b]0;pwned" not in shown and b"\x1b[2J" not in shown and b"\x07" not in shown
    assert b"\\x1b]0;pwned\\x07\\x1b[2J" in shown, shown.decode(errors="replace")
    piped = subprocess.run([DANGAN, "ledger", "customer", "--format", "csv", "--root", str(good.root)],
                           capture_output=True, text=True, timeout=60)
    assert "\x1b]0;pwned" in piped.stdout  # data to a file or program stays the data


class _Planted:
    """What a hostile pickle would hold: an object whose unpickling runs a command."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _committed(root: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "档案", "--allow-empty"], check=True, env=env)


def test_a_planted_history_store_runs_nothing_and_is_read_again(good, tmp_path):
    """The history store is SQLite holding plain data (JSON text, never a pickle): a planted file (a restored CI
    cache, a colleague's copy) cannot run code, and one that is not exactly a store of this layout (a pickle, a
    trigger or a view added, a head git does not have) is set aside and the history read again from git."""
    import pickle
    import sqlite3

    from dangan import history

    _committed(good.root)
    assert check(good.root) == (0, [])
    store = good.root / ".dangan-cache" / history.STORE
    assert store.is_file() and b"pickle" not in store.read_bytes()[:100]
    head = subprocess.run(["git", "-C", str(good.root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    marker = tmp_path / "ran"

    def planted(change) -> None:
        db = sqlite3.connect(store)
        change(db)
        db.commit()
        db.close()
        (good.root / ".dangan-cache" / "rules-v2.json").unlink(missing_ok=True)  # the history is read again
        assert check(good.root) == (0, [])
        assert not marker.exists()
        found = history._read_store(good.root)  # rebuilt from git: a store of this layout again
        assert found is not None and found.head == head and found.order == [head]
        found.db.close()

    # a trigger that would rewrite what git said of every commit appended, and a view hiding the changes
    planted(lambda db: db.execute("CREATE TRIGGER forge AFTER INSERT ON commits BEGIN "
                                  "UPDATE commits SET signature = 'G'; END"))
    assert (store.parent / f"{history.STORE}.damaged").is_file()
    planted(lambda db: db.executescript("ALTER TABLE changes RENAME TO hidden; "
                                        "CREATE VIEW changes AS SELECT * FROM hidden WHERE 0"))
    # a head git does not have under HEAD: read again (what this machine saw is kept)
    planted(lambda db: db.execute("UPDATE meta SET value = ? WHERE key = 'head'", (json.dumps("f" * 40),)))
    # the commits hidden: fewer than git has below the head
    planted(lambda db: db.execute("DELETE FROM commits"))
    # a findings row that is no plain data
    planted(lambda db: db.execute("INSERT OR REPLACE INTO audits VALUES (?, ?)", (head, "[[1, 2]]")))
    # a pickle in its place, made to run a command when unpickled
    store.write_bytes(pickle.dumps(_Planted(marker)))
    (good.root / ".dangan-cache" / "rules-v2.json").unlink(missing_ok=True)
    assert check(good.root) == (0, [])
    assert not marker.exists() and history._read_store(good.root) is not None
    # the pickle of earlier versions is never read again, and removed once the store is written
    old = good.root / ".dangan-cache" / "history-v2.pickle"
    old.write_bytes(pickle.dumps(_Planted(marker)))
    store.unlink()
    (good.root / ".dangan-cache" / "rules-v2.json").unlink(missing_ok=True)
    assert check(good.root) == (0, [])
    assert not marker.exists() and not old.exists()
