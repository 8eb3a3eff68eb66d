"""Every class of bad input gets a clear problem with file, line and column, never a crash."""

from __future__ import annotations

import pytest

from conftest import codes, customer, dossier, posix_only
from dangan import loader

CUSTOMER_FILE = "records/customers/KH0001.yaml"


def only(problems: list[dict], code: str) -> dict:
    found = [p for p in problems if p["code"] == code]
    assert len(found) == 1, problems
    return found[0]


def test_clean_minimal_archive(archive):
    archive.add("customer", customer())
    archive.add("dossier", dossier())
    assert archive.check() == (0, [])


@pytest.mark.parametrize(("text", "code", "line", "column"), [
    ("id: KH0001\nname: [unclosed\n", "yaml.syntax", 3, 1),
    ("id: KH0001\n  name: x\n", "yaml.syntax", 2, 7),
    ("id: KH0001\nname: 王小明\nname: 王大明\n", "yaml.duplicate-key", 3, 1),
    ("id: KH0001\ncontacts:\n\t- name: x\n", "yaml.tab", 3, 1),
    ("id: &who KH0001\nname: *who\n", "yaml.alias", 1, 5),
    ("id: KH0001\nname: !!python/object:os.system x\n", "yaml.tag", 2, 7),
    ("id: KH0001\nname: !custom x\n", "yaml.tag", 2, 7),
    ("- id: KH0001\n", "yaml.not-mapping", 1, 1),
    ("'just text'\n", "yaml.not-mapping", 1, 1),
    ("", "file.empty", 1, 1),
    ("# 只有注释\n\n", "file.empty", 1, 1),
    ("id: KH0001\n---\nid: KH0002\n", "yaml.multi-document", 2, 1),
    ("id: KH0001\n<<: {name: x}\n", "yaml.merge-key", 2, 1),
    ("id: KH0001\n<<<<<<< HEAD\nname: a\n=======\nname: b\n>>>>>>> other\n", "file.conflict", 2, 1),
])
def test_malformed_yaml(archive, text, code, line, column):
    archive.write(CUSTOMER_FILE, text)
    exit_code, problems = archive.check()
    assert exit_code == 1
    problem = next(p for p in problems if p["code"] == code)
    assert (problem["file"], problem["line"], problem["column"]) == (CUSTOMER_FILE, line, column)
    assert problem["message"] and problem["severity"] == "error"


def test_duplicate_key_names_both_lines(archive):
    archive.write(CUSTOMER_FILE, "id: KH0001\nname: 王小明\nstatus: active\nname: 王大明\n")
    _, problems = archive.check()
    problem = only(problems, "yaml.duplicate-key")
    assert problem["line"] == 4 and "第 2 行" in problem["message"]


def test_alias_bomb_is_not_expanded(archive):
    bomb = "id: KH0001\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    archive.write(CUSTOMER_FILE, bomb)
    code, problems = archive.check()
    assert code == 1 and "yaml.alias" in codes(problems)


def test_nul_byte(archive):
    archive.write(CUSTOMER_FILE, b"id: KH0001\nname: x\x00y\n")
    _, problems = archive.check()
    problem = only(problems, "file.nul")
    assert (problem["line"], problem["column"]) == (2, 8)


def test_gbk_file_is_named(archive):
    archive.write(CUSTOMER_FILE, "id: KH0001\nname: 王小明\n".encode("gbk"))
    code, problems = archive.check()
    problem = only(problems, "file.encoding")
    assert code == 1 and "GBK" in problem["message"] and "UTF-8" in problem["hint"]
    assert problem["line"] == 2


def test_utf16_file_is_named(archive):
    archive.write(CUSTOMER_FILE, "id: KH0001\nname: 王小明\n".encode("utf-16"))
    _, problems = archive.check()
    assert "UTF-16" in only(problems, "file.encoding")["message"]


def test_utf8_bom_and_crlf_are_accepted(archive):
    text = "\ufeff" + "id: KH0001\r\n"
    archive.add("customer", customer())
    body = archive.path("customer", "KH0001").read_text(encoding="utf-8")
    archive.write(CUSTOMER_FILE, (text + body.split("\n", 1)[1].replace("\n", "\r\n")).encode("utf-8"))
    assert archive.check() == (0, [])


def test_file_over_policy_size_limit(archive):
    archive.edit_policy(lambda p: p["limits"].update(max_file_bytes=2048))
    archive.add("customer", customer(note="很长的备注" * 300))
    _, problems = archive.check()
    problem = only(problems, "file.too-large")
    assert "2048" in problem["message"] and problem["file"] == CUSTOMER_FILE


@pytest.mark.parametrize("written", ["13904710001", "013904710001", "+8613904710001"])
def test_unquoted_phone_needs_quotes(archive, written):
    archive.add("customer", customer())
    path = archive.path("customer", "KH0001")
    content = path.read_text(encoding="utf-8").replace("'13904710001'", written)
    path.write_text(content, encoding="utf-8")
    exit_code, problems = archive.check()
    problem = only(problems, "yaml.needs-quotes")
    assert exit_code == 1 and written in problem["message"] and problem["field"] == "contacts[0].mobile"
    lines = content.split("\n")
    number = next(i for i, ln in enumerate(lines, 1) if ln.endswith("mobile: " + written))
    assert (problem["line"], problem["column"]) == (number, lines[number - 1].index(written) + 1)


@pytest.mark.parametrize("value", ["010020", "no", "on", "1:20", "0x1F"])
def test_values_other_tools_read_differently_need_quotes(archive, value):
    archive.add("customer", customer(addresses=[{"type": "home", "detail": "新华大街1号", "postcode": "PLACEHOLDER"}]))
    path = archive.path("customer", "KH0001")
    path.write_text(path.read_text(encoding="utf-8").replace("PLACEHOLDER", value), encoding="utf-8")
    exit_code, problems = archive.check()
    assert exit_code == 1 and value in only(problems, "yaml.needs-quotes")["message"]


def test_quoted_values_are_text(archive):
    archive.add("customer", customer(addresses=[{"type": "home", "detail": "新华大街1号", "postcode": "010020"}]))
    assert "'010020'" in archive.path("customer", "KH0001").read_text(encoding="utf-8")
    assert archive.check() == (0, [])


def test_dates_stay_text_and_impossible_dates_have_a_line(archive):
    archive.add("customer", customer())
    path = archive.path("customer", "KH0001")
    text = path.read_text(encoding="utf-8").replace("'2024-03-01'", "2024-02-30")
    path.write_text(text, encoding="utf-8")
    _, problems = archive.check()
    problem = only(problems, "schema.format")
    assert problem["field"] == "first_contact_on"
    assert problem["line"] == text.split("\n").index("first_contact_on: 2024-02-30") + 1


def test_unquoted_valid_date_is_accepted(archive):
    archive.add("customer", customer())
    path = archive.path("customer", "KH0001")
    path.write_text(path.read_text(encoding="utf-8").replace("'2024-03-01'", "2024-03-01"), encoding="utf-8")
    assert archive.check() == (0, [])


def test_wrong_type_points_at_the_value(archive):
    archive.add("dossier", dossier(total_pages="八页"))
    archive.add("customer", customer())
    _, problems = archive.check()
    problem = only(problems, "schema.type")
    assert problem["field"] == "total_pages" and "总页数" in problem["message"]
    assert problem["column"] == len("total_pages: ") + 1


@posix_only
def test_symlink_out_of_the_archive_is_not_followed(archive, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: KH0009\nname: 外部文件\n", encoding="utf-8")
    link = archive.root / "records" / "customers" / "KH0009.yaml"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    code, problems = archive.check()
    assert code == 1 and only(problems, "file.symlink")["file"] == "records/customers/KH0009.yaml"
    assert not any(p["record"] == "customer/KH0009" for p in problems if p["code"] != "file.symlink")


def test_unknown_folder_and_stray_file(archive):
    archive.write("records/clients/KH0001.yaml", "id: KH0001\n")
    archive.write("records/customers/notes.txt", "随手记\n")
    archive.write("records/readme.md", "说明\n")
    _, problems = archive.check()
    assert only(problems, "file.unknown-folder")["file"] == "records/clients"
    assert {p["file"] for p in problems if p["code"] == "file.stray"} == {
        "records/customers/notes.txt", "records/readme.md"}


def test_id_must_equal_file_name(archive):
    archive.write(CUSTOMER_FILE, archive_text(customer(id="KH0002")))
    _, problems = archive.check()
    problem = only(problems, "id.filename")
    assert problem["line"] == 1 and "KH0001" in problem["message"]


def archive_text(data: dict) -> str:
    import yaml
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_loader_never_raises_on_garbage():
    for text in ["{", "]", "a: b: c", "? [a]\n: b\n", "a: 'unterminated", "%YAML 9.9\n---\na: b\n",
                 "\x07bell: x\n", "a: !!binary aGVsbG8=\n", "a: !!timestamp 2024-01-01\n", "[1, {"]:
        parsed = loader.parse(text, "x.yaml")
        assert parsed.problems, text
        assert all(p.line is None or p.line >= 1 for p in parsed.problems)
