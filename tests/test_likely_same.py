"""One judgement of "likely the same customer" (issue 15 point 6): `dangan new customer`, `dangan import
customer` against the archive and the import against an earlier row of its own file are fed the same
pairs and name the same customer for the same reasons, or none of them does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import Workbook

from conftest import Archive, customer, enterprise
from dangan.identifiers import make_credit_code, make_id_number

ID_GOOD = make_id_number("150102", dt.date(1985, 4, 12), 13)  # KH0001's, as conftest.customer() has it
ID_OTHER = make_id_number("150103", dt.date(1978, 11, 3), 25)
CODE_A = make_credit_code("91", "150100", "MA0Q7K3B5")  # KH0002's, as conftest.enterprise() has it
FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def spaced(value: str) -> str:
    """Full-width, in groups of four with spaces, as a number is sometimes typed."""
    wide = value.translate(FULLWIDTH)
    return " ".join(wide[i:i + 4] for i in range(0, len(wide), 4))


# the archived customers, as fields and as the row of a sheet would give them
ARCHIVED = {
    "KH0001": {"name": "王小明", "type": "individual", "individual.id_number": ID_GOOD,
               "contacts[0].mobile": "13904710001"},
    "KH0002": {"name": "呼和浩特市青城商贸有限公司", "type": "enterprise", "enterprise.credit_code": CODE_A},
}
HEADERS = {"name": "客户名称", "type": "客户类型", "enterprise.credit_code": "统一社会信用代码",
           "individual.id_number": "身份证号码", "contacts[0].mobile": "手机"}
TYPES = {"individual": "个人", "enterprise": "企业"}

# a new customer, and the archived one it is likely the same as, with why (None: it is someone new)
CASES = {
    "same credit code": ({"name": "青城商贸", "type": "enterprise", "enterprise.credit_code": CODE_A},
                         ("KH0002", ["统一社会信用代码相同"])),
    "same ID number": ({"name": "王晓明", "type": "individual", "individual.id_number": ID_GOOD},
                       ("KH0001", ["身份证号码相同"])),
    "same mobile": ({"name": "李四", "type": "individual", "contacts[0].mobile": "13904710001"},
                    ("KH0001", ["手机号码相同"])),
    "same name, no numbers": ({"name": "王小明", "type": "individual"}, ("KH0001", ["客户名称相同"])),
    "same name, another ID number": ({"name": "王小明", "type": "individual", "individual.id_number": ID_OTHER},
                                     None),
    "same mobile, another ID number": ({"name": "李四", "type": "individual", "individual.id_number": ID_OTHER,
                                        "contacts[0].mobile": "13904710001"}, None),
    "full-width and spaced numbers": ({"name": "王晓明", "type": "individual", "individual.id_number": spaced(ID_GOOD),
                                       "contacts[0].mobile": spaced("13904710001")},
                                      ("KH0001", ["身份证号码相同", "手机号码相同"])),
    "full-width and spaced credit code": ({"name": "青城商贸", "type": "enterprise",
                                           "enterprise.credit_code": spaced(CODE_A)},
                                          ("KH0002", ["统一社会信用代码相同"])),
    "full-width and spaced name": ({"name": "王　小 明", "type": "individual"}, ("KH0001", ["客户名称相同"])),
}


def sheet(path, rows: list[dict]):
    book = Workbook()
    book.active.append(list(HEADERS.values()))
    for row in rows:
        book.active.append([TYPES.get(row.get(p), row.get(p)) if p == "type" else row.get(p) for p in HEADERS])
    book.save(path)
    return path


def said_by_new(archive, fields: dict) -> list[str]:
    sets = [a for path, value in fields.items() for a in ("--set", f"{path}={value}")]
    result = archive.run("new", "customer", "--as", "S004", "--no-input", "--on", "2024-04-02", *sets)
    out = result.output
    if "疑似重复的客户：" not in out:
        assert "KH0003" in out, out  # not stopped: it went on to make (or be refused) the next customer
        return []
    assert result.exit_code == 2 and "未新建：请确认不是重复客户后加 --yes" in out
    listed = out.split("疑似重复的客户：\n", 1)[1].splitlines()
    return [line.strip() for line in listed if line.startswith("  ")]


def said_by_import(archive, path) -> list[str]:
    result = archive.run("import", "customer", str(path), "--as", "S004", "--dry-run")
    assert "试运行" in result.output, result.output
    return re.findall(r"疑似与已有客户重复：(.+?)（若是同一客户", result.output)


def said_of_an_earlier_row(archive, path, row: int) -> set[tuple[int, str]]:
    result = archive.run("import", "customer", str(path), "--as", "S004", "--dry-run")
    assert "试运行" in result.output, result.output
    return {(int(earlier), reason) for earlier, reason in
            re.findall(rf"第 {row} 行[^：\n]*：与第 (\d+) 行重复：(\S+?) \(", result.output)}


@pytest.mark.parametrize("case", list(CASES))
def test_new_and_import_judge_alike(archive, tmp_path, case):
    candidate, expected = CASES[case]
    archive.add("customer", customer())
    archive.add("customer", enterprise())
    assert customer()["individual"]["id_number"] == ID_GOOD and enterprise()["enterprise"]["credit_code"] == CODE_A
    lines = [f"{expected[0]} {ARCHIVED[expected[0]]['name']}：{'、'.join(expected[1])}"] if expected else []

    assert said_by_import(archive, sheet(tmp_path / "row.xlsx", [candidate])) == lines
    assert said_by_new(archive, candidate) == lines

    # the same pair within one file, on an empty archive: the archived customer is row 2 or 3, the candidate row 4
    rows = sheet(tmp_path / "rows.xlsx", [ARCHIVED["KH0001"], ARCHIVED["KH0002"], candidate])
    row_of = {"KH0001": 2, "KH0002": 3}
    expected_rows = {(row_of[expected[0]], reason) for reason in expected[1]} if expected else set()
    assert said_of_an_earlier_row(Archive(tmp_path / "empty"), rows, 4) == expected_rows
