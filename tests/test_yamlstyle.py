"""The writer never writes what its own check refuses: a string that YAML 1.1 or 1.2 tools would read as a
boolean, null, number or date is single-quoted when written, and reads back through the strict loader as
exactly that string; what stood in a file stays as it was."""

from __future__ import annotations

import copy

import pytest
import yaml

from conftest import customer
from dangan import yamlstyle
from dangan.loader import parse
from test_acts import COMMENTED

NOT_TEXT_ELSEWHERE = [
    # booleans of YAML 1.1 and 1.2, in the cases the specs define
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    "true", "True", "TRUE", "false", "False", "FALSE",
    # nulls
    "null", "Null", "NULL", "~", "",
    # integers: leading zeros (phones, postcodes), octal, hex, binary, underscores, sexagesimal, signs
    "0755123456", "010010", "0", "12", "-7", "+12", "0o17", "0x1F", "0b101", "1_000", "1:20", "190:20:30",
    # floats: exponents, bare dots, infinities, not-a-number, sexagesimal
    "1e3", "1E3", "+1e3", "1.5e3", "1e-3", "1.5", "1.", ".5", "-.5", "00.5", "0:20.5",
    ".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN",
    # dates and timestamps
    "2024-03-01", "2024-03-01 10:00:00", "2024-3-1 10:00:00", "2024-03-01T10:00:00Z", "2024-03-01t10:00:00+08:00",
    # what PyYAML reads as a merge key or a value indicator
    "<<", "=",
]


def reloaded(text: str, path: str = "records/visits/HF2026-0001.yaml"):
    parsed = parse(text, path)
    return parsed.data, parsed.problems


@pytest.mark.parametrize("value", NOT_TEXT_ELSEWHERE)
def test_a_new_value_reads_back_as_that_string_everywhere(value):
    data = yamlstyle.loads("id: HF2026-0001\ncustomer: KH0001\noutcome: 有意向\n")
    data["outcome"] = value
    data["tags"] = [value]
    text = yamlstyle.dumps(data)
    assert f"outcome: '{value}'\n" in text  # the archive's style: single quotes
    found, problems = reloaded(text)
    assert problems == [] and found == {"id": "HF2026-0001", "customer": "KH0001", "outcome": value,
                                        "tags": [value]}
    assert yaml.safe_load(text)["outcome"] == value  # a YAML 1.1 tool (PyYAML) agrees


@pytest.mark.parametrize("value", ["有意向", "hello", "yEs", "S004", "KH0001", "2024鸿借字第001号", "1.2.3", "2024-3-1",
                                   "13904710001 转 8", "A柜-03层-02格"])
def test_plain_text_stays_plain(value):
    data = yamlstyle.loads("outcome: x\n")
    data["outcome"] = value
    text = yamlstyle.dumps(data)
    assert text == f"outcome: {value}\n"
    assert reloaded(text) == ({"outcome": value}, [])


def test_a_commented_file_round_trips_byte_for_byte():
    assert yamlstyle.dumps(yamlstyle.loads(COMMENTED)) == COMMENTED


def test_what_stood_in_a_file_stays_as_it_was():
    """Quoted stays quoted in its own quotes, plain stays plain (even where the check would ask for
    quotes: the file is the author's; an edit changes only the lines it means), only new values are quoted."""
    text = ("id: HF2026-0001  # 回访\n"
            "outcome: yes\n"
            "purpose: \"no\"\n"
            "method: 'phone'\n"
            "date: 2024-03-01\n"
            "note: 0755123456\n"
            "on: off\n")
    assert yamlstyle.dumps(yamlstyle.loads(text)) == text
    data = yamlstyle.loads(text)
    data["basis"] = "on"
    assert yamlstyle.dumps(data) == text + "basis: 'on'\n"
    assert yamlstyle.dumps(copy.deepcopy(data)) == text + "basis: 'on'\n"
    data["outcome"] = "no"  # a changed value is a new one
    assert "outcome: 'no'\n" in yamlstyle.dumps(data)
    listed = yamlstyle.loads("tags:\n  - yes\n  - n\n")
    listed["tags"][1] = "off"
    assert yamlstyle.dumps(listed) == "tags:\n  - yes\n  - 'off'\n"


def test_a_new_record_written_whole_reads_back_as_written():
    data = customer(note="yes", region="010010", tags=["on", "1:20", "普通"])
    data["contacts"][0]["phone"] = "0755123456"
    text = yamlstyle.dumps(yamlstyle.to_yaml(data))
    found, problems = reloaded(text, "records/customers/KH0001.yaml")
    assert problems == [] and found == data
    assert "note: 'yes'" in text and "phone: '0755123456'" in text and "- '1:20'" in text and "- 普通" in text


def test_a_visit_with_outcome_yes_is_written_and_passes_the_check(archive):
    archive.add("customer", customer())
    result = archive.run("visit", "--customer", "KH0001", "--kind", "follow_up", "--outcome", "yes",
                         "--as", "S004", "--on", "2026-01-05")
    assert result.exit_code == 0, result.output
    written = archive.path("visit", "HF2026-0001").read_text(encoding="utf-8")
    assert "outcome: 'yes'\n" in written
    assert reloaded(written)[0]["outcome"] == "yes"
    assert archive.check() == (0, [])
