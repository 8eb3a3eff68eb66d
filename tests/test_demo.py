"""The committed demo archive: generated deterministically, clean under `dangan check` and under an
independent JSON Schema validator, and showing every case the demo is there to show."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangan.cli import cli
from dangan.demo.dates import TODAY
from dangan.demo.encrypted import seal_records
from dangan.demo.records import demo_records, folders
from dangan.demo.write import main, write_records
from dangan.facts import date, facts
from dangan.policy import Period
from dangan.reader import build
from dangan.schedules import fulfil
from dangan.workdays import add_months

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
CHECK_JSONSCHEMA = shutil.which("check-jsonschema")


def record_files(root: Path) -> dict[str, bytes]:
    """Every record file of every kind under root/records/, by path relative to root."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in folders().values() for path in sorted((root / "records" / folder).glob("*.yaml"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_records(root, seal_records(root, demo_records(), previous=REPO))  # encrypted as committed
    return root


@pytest.fixture(scope="module")
def demo():
    return build(REPO)


def as_json(records: list) -> str:
    """Kinds, ids, every record's keys in their order and its values."""
    return json.dumps(records, ensure_ascii=False, default=str)


def generated_in_a_process(hash_seed: str) -> str:
    """The demo generated in a fresh interpreter, as JSON: another hash seed orders sets of strings otherwise."""
    code = ("import json; from dangan.demo.records import demo_records; "
            "print(json.dumps(demo_records(), ensure_ascii=False, default=str), end='')")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300,
                          env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout


def test_generator_is_deterministic():
    first, second = demo_records(), demo_records()
    assert len(first) > 300 and {kind for kind, _, _ in first} == set(folders()), "the demo is not all there"
    assert first is not second and first == second
    assert generated_in_a_process("1") == generated_in_a_process("2") == as_json(first)


def test_committed_records_are_the_generated_ones(generated):
    committed, fresh = record_files(REPO), record_files(generated)
    assert sorted(committed) == sorted(fresh)
    changed = [path for path in fresh if committed[path] != fresh[path]]
    assert not changed, f"regenerate with `python -m dangan.demo.write`: {changed[:5]}"


def test_writer_replaces_records_and_keeps_the_policy(tmp_path):
    policy = tmp_path / "records" / "policy.yaml"
    policy.parent.mkdir()
    policy.write_text("# the company's rules\n", encoding="utf-8")
    for folder in folders().values():  # the committed files: their encrypted values are kept (age is random)
        shutil.copytree(REPO / "records" / folder, tmp_path / "records" / folder)
    shutil.copytree(REPO / "keys", tmp_path / "keys")
    stale = tmp_path / "records" / "customers" / "KH9999.yaml"
    stale.write_text("id: KH9999\n", encoding="utf-8")
    main([str(tmp_path)])
    assert not stale.exists()
    assert policy.read_text(encoding="utf-8") == "# the company's rules\n"
    assert record_files(tmp_path) == record_files(REPO)


def test_values_other_tools_would_misread_are_quoted(tmp_path):
    text = (REPO / "records" / "customers" / "KH0001.yaml").read_text(encoding="utf-8")
    assert "postcode: '010050'" in text
    assert "first_contact_on: '2013-09-10'" in text
    assert "    mobile: age:v1:" in text  # the repository's demo is encrypted (demo-keys/ci.age opens it)
    write_records(tmp_path, demo_records())  # written plain, as an archive without encryption would hold them
    assert "    mobile: '1" in (tmp_path / "records" / "customers" / "KH0001.yaml").read_text(encoding="utf-8")
    person = (tmp_path / "records" / "customers" / "KH0003.yaml").read_text(encoding="utf-8")
    assert "  id_number: '150102" in person


def test_dangan_check_finds_no_problem(tmp_path):
    for folder in ("records", "schemas", "keys"):  # the records themselves, without this repository's history
        shutil.copytree(REPO / folder, tmp_path / folder)
    key = str(REPO / "demo-keys" / "ci.age")  # the demo's key (demo only): every value opened, every check run
    result = CliRunner().invoke(cli, ["--key", key, "check", "--root", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["problems"] == []
    # without a key (README's first command): the one warning that the encrypted values went unchecked
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path), "--format", "json"], env={"DANGAN_KEY": ""})
    assert result.exit_code == 0, result.output
    assert [(p["code"], p["severity"]) for p in json.loads(result.output)["problems"]] == [
        ("crypto.unchecked", "warning")]
    # in this repository, only the development's own commits made while the policy said `warn` are named
    result = CliRunner().invoke(cli, ["--key", key, "check", "--root", str(REPO), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {(p["code"], p["severity"]) for p in json.loads(result.output)["problems"]} <= {
        ("commit.not-staff", "warning"), ("commit.unauthorised", "warning"),
        ("file.uncommitted", "warning")}  # a developer's working tree


def test_demo_has_every_case(demo):
    assert len(demo.of("staff")) >= 10
    assert len(demo.of("customer")) >= 40
    assert len(demo.of("dossier")) >= 25
    loans = [r.data for r in demo.of("loan").values()]
    open_loans = [loan for loan in loans if "returned" not in loan]
    assert any(loan["due_on"] < TODAY.isoformat() for loan in open_loans)  # overdue
    assert sum(loan.get("returned", {}).get("complete") is False for loan in loans) == 1
    assert sum(r.get("urgent") is True for r in demo.of("complaint").values()) == 1
    assert len(demo.of("disposal")) == 1
    assert len(demo.of("review")) >= 1
    assert sum(r.get("status") == "blacklisted" for r in demo.of("customer").values()) == 2


def test_departed_staff_holds_nothing(demo):
    left = {r.id for r in demo.of("staff").values() if r.get("left_on")}
    assert left
    assert not [r.id for r in demo.of("customer").values() if r.get("owner") in left]
    assert not [r.id for r in demo.of("loan").values() if r.get("borrower") in left and not r.get("returned")]


def test_tier_quotas_hold_in_each_department(demo):
    for dept in ("yw1", "yw2"):
        active = [r for r in demo.of("customer").values()
                  if r.get("department") == dept and r.get("status") == "active"]
        assert sum(r.get("tier") == "vip" for r in active) <= 0.15 * len(active)
        assert sum(r.get("tier") == "preferred" for r in active) <= 0.30 * len(active)


def due_items(*args: str) -> list[dict]:
    """`dangan due … --format json` on the committed demo."""
    result = CliRunner().invoke(cli, ["due", "--root", str(REPO), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["items"]


DUE_KINDS = ("handover", "supplement", "extension", "loan", "certificate", "retention", "visit", "greeting",
             "complaint", "complaint_archive", "contract", "statistics", "survey", "profile", "review", "report",
             "credit", "market_report")
AFTER_NEW_YEAR = ("--as-of", "2026-01-05", "--within", "45")


def test_nothing_scheduled_was_missed_by_the_demo_day():
    """By 2025-12-31 every scheduled visit and greeting is done, every report reviewed in time, and at
    most one yearly survey is due."""
    items = due_items("--as-of", TODAY.isoformat(), "--within", "0")
    assert not [i for i in items if i["kind"] in ("visit", "greeting")]
    assert sum(i["kind"] == "survey" for i in items) <= 1


def test_scheduled_visits_are_all_on_time(demo):
    f = facts(demo)
    outcomes = [o for o in fulfil(f, TODAY) if o.expected.due <= TODAY]
    assert len(outcomes) >= 100
    assert not [o.expected.key for o in outcomes if o.visit is None or o.late]


def test_visits_are_numbered_by_date_and_reported(demo):
    f = facts(demo)
    visits = sorted(demo.of("visit").values(), key=lambda v: v.id)
    assert 150 <= len(visits) <= 320  # with a weekly call to each key customer (visits.schedules)
    for year in ("2024", "2025"):
        dates = [v.get("date") for v in visits if v.id.startswith(f"HF{year}-")]
        assert dates == sorted(dates) and all(day.startswith(year) for day in dates)
    waiting = []
    for visit in visits:
        day, report = date(visit.get("date")), visit.get("report")
        written = date(report["written_on"])
        assert day <= written <= day + dt.timedelta(days=1) and written <= TODAY, visit.id
        reviewed = report.get("reviewed")
        if reviewed is None:
            waiting.append(visit)
            continue
        on = date(reviewed["date"])
        assert written <= on <= min(TODAY, f.calendar.deadline(written, Period(2, "working_days")))
        assert reviewed["by"] == "S011" or reviewed["by"] in f.superiors(visit.get("staff")), visit.id
    assert [v.get("date") for v in waiting] == ["2025-12-30"]


def test_every_active_customer_is_surveyed_yearly(demo):
    """Surveyed within a year of the demo day, or admitted less than a year ago; two surveys fall due
    again in January 2026."""
    last: dict[str, str] = {}
    for survey in demo.of("survey").values():
        last[survey.get("customer")] = max(last.get(survey.get("customer"), ""), survey.get("date"))
    due = []
    for customer in demo.of("customer").values():
        if customer.get("status") != "active":
            continue
        start = date(last.get(customer.id) or customer.get("admission", "approved", "date"))
        assert add_months(start, 12) > TODAY, customer.id
        if add_months(start, 12) < dt.date(2026, 2, 1):
            due.append(customer.id)
    assert 1 <= len(due) <= 2


def test_after_new_year_something_of_every_kind_is_due():
    items = due_items(*AFTER_NEW_YEAR)
    assert sorted({i["kind"] for i in items}) == sorted(DUE_KINDS)
    found = {(i["kind"], i["record"]): i for i in items}
    assert found[("retention", "dossier/2016鸿借字第001号")]["due"] == "2026-01-07"
    extension = next(i for i in items if i["kind"] == "extension")
    assert extension["due"] == "2026-01-16"
    certificate = next(i for i in items if i["kind"] == "certificate")
    assert certificate["due"] == "2026-01-15"
    assert any(i["kind"] == "greeting" and i["due"] == "2026-02-16" for i in items)
    assert any(i["kind"] == "contract" and i["rule"] == "contracts.to_admin_within_months" for i in items)


@pytest.mark.parametrize("staff", ["S004", "S012", "S014"])
def test_staff_see_their_own_items(staff):
    items = due_items(*AFTER_NEW_YEAR, "--staff", staff)
    assert items
    assert {i["owner"] for i in items} == {staff}


def test_open_cases_are_consistent(demo):
    """The open supplement is on a dossier still with B; the extension was approved by the GM for B's
    step; the lent certificate's loan is open, approved and lent by the right people."""
    open_requests = [(d, s) for d in demo.of("dossier").values() for s in d.get("supplements") or []
                     if "closed" not in s]
    assert len(open_requests) == 1
    dossier, request = open_requests[0]
    step_a = dossier.get("handover")[0]
    assert dossier.get("status") == "with_b" and request["requested"] == {"by": step_a["to"], "date": "2025-12-30"}
    assert step_a["handed_on"] == "2025-12-30" and step_a["inventory_checked"] is True
    extended = [d for d in demo.of("dossier").values() if d.get("status") == "with_b" and d.get("extensions")]
    assert len(extended) == 1
    extension = extended[0].get("extensions", 0)
    assert (extension["step"], extension["until"]) == ("b", "2026-01-16")
    assert extension["approved"] == {"by": "S002", "date": "2025-12-31"}
    lent = [c for c in demo.of("certificate").values() if c.get("status") == "lent"]
    assert len(lent) == 1
    loan = next(r for r in demo.of("loan").values() if lent[0].id in (r.get("certificates") or []))
    assert "returned" not in loan.data and loan.get("due_on") == "2026-01-15"
    assert loan.get("approved", "by") == "S002" and loan.get("lent", "by") == "S014"


def _kinds() -> list[tuple[str, str]]:
    """(kind, folder) of every record kind, plus the policy."""
    return [*sorted(folders().items()), ("policy", "")]


@pytest.mark.parametrize(("kind", "folder"), _kinds())
def test_check_jsonschema_accepts_every_record(kind, folder):
    files = ([str(REPO / "records" / "policy.yaml")] if kind == "policy"
             else sorted(str(p) for p in (REPO / "records" / folder).glob("*.yaml")))
    assert files
    result = subprocess.run([CHECK_JSONSCHEMA,
                             "--base-uri", SCHEMAS.as_uri() + "/",
                             "--schemafile", str(SCHEMAS / f"{kind}.schema.json"), *files],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
