"""The typed policy (issue 15): read once, defaults in one place, a broken part skips only the rules
that read it."""

from __future__ import annotations

import json

import yaml

from conftest import REPO, codes, dossier
from dangan import policy
from dangan.reader import build


def test_the_demo_policy_reads_whole_and_typed():
    index = build(REPO)
    found = policy.of(index)
    assert found.broken == frozenset() and found.usable
    assert found.complaints.urgent_reply_within == policy.Period(3, "working_days")
    assert found.dossier_types["loan"].handover[0].deadline.working
    assert found.approvals("loan") == ("chairman", "gm", "vice_gm")
    assert found.approvals("acknowledge") == ("gm",)  # a new key an older archive leaves out: its default
    assert found.name("policy:departments", "yw1") == "业务一部"
    assert found.entries("policy:customers.admission_checklist")["qualification"].required is False
    assert policy.of(index) is found  # read once


def test_defaults_agree_with_the_schema():
    """Every default the schema states is the typed policy's default: one place, the same value."""
    schema = json.loads((REPO / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    empty = policy.read({"organisation": {"name": "x", "short_name": "x"}})
    stated = [(section, key, spec["default"]) for section, prop in schema["properties"].items()
              for key, spec in (prop.get("properties") or {}).items() if "default" in spec]
    assert stated
    for section, key, default in stated:
        assert getattr(getattr(empty, section), key) == default, (section, key)


def test_reading_never_raises_on_what_history_may_hold():
    for garbage in (None, [], "text", {"signatures": "off"}, {"approvals": {"loan": "gm"}},
                    {"dossier_types": {"loan": {"handover": [1, {"deadline": "x"}]}}}, {"visits": {"schedules": "x"}}):
        found = policy.read(garbage)
        assert found.signatures.mode in ("off", "warn", "required") or isinstance(found.signatures.mode, str)
    assert policy.read({"approvals": {"loan": ["gm", 3]}}).approvals("loan") == ("gm",)


def test_a_broken_part_skips_only_the_rules_that_read_it(archive):
    record = dossier(status="archived")
    record["handover"][0]["handed_on"] = "2024-03-20"  # late: A had 3 working days from 2024-03-12
    archive.add("dossier", record)
    path = archive.root / "records" / "policy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["complaints"]["reply_within"] = {"days": "fifteen", "unit": "calendar_days"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    exit_code, problems = archive.check()
    assert exit_code == 1
    assert "schema.type" in codes(problems) and "handover.late" in codes(problems)  # other rules still run
    unchecked = next(p for p in problems if p["code"] == "rules.unchecked")
    assert "complaints" in unchecked["message"] and "complaints.check_complaints" in unchecked["message"]
    assert "handover.check_handover" not in unchecked["message"]
    # a broken core part (the roles every rule names) stops them all
    data["roles"] = "none"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, problems = archive.check()
    assert "handover.late" not in codes(problems) and "rules.unchecked" in codes(problems)


def test_no_rule_reads_the_policy_as_a_dictionary():
    """Rules read attributes of the typed policy; only the reader and the policy's own renderer touch the file."""
    allowed = {"policy.py", "policy_text.py", "index.py", "reader.py", "init.py"}
    offenders = []
    for path in sorted((REPO / "tools" / "dangan").rglob("*.py")):
        if path.name in allowed or "demo" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "policy_data" in text or ".policy.get(" in text:
            offenders.append(path.relative_to(REPO).as_posix())
    assert offenders == []
