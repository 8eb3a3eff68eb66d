"""Bounds, each tested at both sides: list indexes in --set, act dates against today, the days
`dangan due` can compute, and deadlines counted through a year whose holidays are not known."""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import time

import pytest
import yaml

from conftest import customer, dossier
from dangan.workdays import OFFICIAL_YEARS, spans

NEW_CUSTOMER = ("new", "customer", "--as", "S004", "--yes", "--no-input", "--set", "type=individual",
                "--set", "name=张三丰", "--set", "individual.id_number=11010519491231002X",
                "--set", "individual.gender=female", "--set", "individual.birth_date=1949-12-31",
                "--set", "owner=S004", "--set", "department=yw1", "--set", "status=prospect",
                "--set", "first_contact_on=2024-03-01", "--on", "2024-03-01")


def customers_written(archive) -> list[str]:
    return sorted(p.name for p in (archive.root / "records" / "customers").glob("*.yaml"))


# --- 1. a list index in --set: an item or the next one ---------------------------------------------------------

def test_an_index_equal_to_the_length_appends(archive):
    result = archive.run(*NEW_CUSTOMER, "--set", "contacts[0].name=张三丰", "--set", "contacts[0].mobile=13904710001",
                         "--set", "contacts[1].name=李四")  # contacts has 1 item: [1] appends the second
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(archive.path("customer", "KH0001").read_text(encoding="utf-8"))
    assert data["contacts"] == [{"name": "张三丰", "mobile": "13904710001"}, {"name": "李四"}]


def test_an_index_past_the_length_is_refused(archive):
    result = archive.run(*NEW_CUSTOMER, "--set", "contacts[0].name=张三丰", "--set", "contacts[2].name=李四")
    assert result.exit_code == 2
    assert "“contacts[2].name”中的序号 [2] 超出列表“contacts”：它现有 1 项，序号只能是 0 至 1" in result.output
    assert customers_written(archive) == []


def test_a_huge_index_is_refused_before_anything_is_built(archive):
    """A hundred million items once exhausted memory: run the real command in a process allowed 1 GiB,
    so that a regression fails here (MemoryError, exit 3) instead of taking the machine down."""
    def one_gibibyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", "from dangan.cli import main; main()", *NEW_CUSTOMER,
                             "--set", "contacts[99999999].name=x", "--root", str(archive.root)],
                            capture_output=True, text=True, timeout=120, preexec_fn=one_gibibyte, check=False)
    assert result.returncode == 2, result.stderr
    assert "序号 [99999999] 超出列表“contacts”：它现有 0 项" in result.stderr
    assert time.monotonic() - started < 60
    assert customers_written(archive) == []


@pytest.mark.parametrize(("path", "at"), [("contacts[-1].name", 9), ("contacts[x].name", 9), ("contacts[0", 9),
                                          ("contacts..name", 10), ("contacts[0]name", 12), (".name", 1),
                                          ("contacts]", 9)])
def test_a_malformed_path_is_refused_where_it_goes_wrong(archive, path, at):
    """contacts[-1] once set a field named "-1"; every malformed path is refused, naming the character."""
    result = archive.run(*NEW_CUSTOMER, "--set", f"{path}=李四")
    assert result.exit_code == 2
    assert f"“{path}”写法不对：第 {at} 个字符处应是字段名或 [序号]" in result.output
    assert customers_written(archive) == []


def test_an_index_into_what_is_not_a_list_is_refused(archive):
    result = archive.run(*NEW_CUSTOMER, "--set", "name[0]=张")
    assert result.exit_code == 2 and "“name”不是列表" in result.output
    assert customers_written(archive) == []


# --- 2. an act is dated when it happens: today, or as many days ahead as the policy allows ------------------------

def visit_on(archive, day: dt.date):
    return archive.run("visit", "--customer", "KH0001", "--kind", "follow_up", "--on", day.isoformat(), "--as", "S004")


def visits_written(archive) -> int:
    return len(list((archive.root / "records" / "visits").glob("*.yaml")))


def test_an_act_dated_today_is_accepted_tomorrow_refused(archive):
    archive.add("customer", customer())
    today = dt.date.today()
    assert visit_on(archive, today).exit_code == 0
    assert visits_written(archive) == 1
    refused = visit_on(archive, today + dt.timedelta(days=1))
    assert refused.exit_code == 1
    assert f"晚于可登记的最晚日期 {today}" in refused.output and "limits.future_days" in refused.output
    assert visits_written(archive) == 1


def test_the_policy_may_allow_acts_a_day_ahead(archive):
    archive.add("customer", customer())
    archive.edit_policy(lambda policy: policy["limits"].update(future_days=1))
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert visit_on(archive, tomorrow).exit_code == 0
    assert visit_on(archive, tomorrow + dt.timedelta(days=1)).exit_code == 1
    assert visits_written(archive) == 1


def test_a_date_that_is_no_act_may_be_ahead(archive):
    """The limit is on the act's own date (--on), not on the dates it sets, such as a loan's return date."""
    archive.add("customer", customer())
    archive.add("dossier", dossier())
    back = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    result = archive.run("lend", "--dossier", "2024鸿借字第001号", "--borrower", "S004", "--purpose", "贷后检查",
                         "--due", back, "--as", "S004")
    assert result.exit_code == 0, result.output


def test_an_act_date_that_is_no_date_is_refused(archive):
    archive.add("customer", customer())
    result = archive.run("visit", "--customer", "KH0001", "--kind", "follow_up", "--on", "2024-02-30", "--as", "S004")
    assert result.exit_code == 1 and "日期应写作 YYYY-MM-DD" in result.output
    assert visits_written(archive) == 0


# --- 3. the days dangan due can compute: those of the lunar calendar (1900–2099), less its last year -----------

def test_due_on_the_last_and_first_days_it_can_compute(archive):
    archive.add("customer", customer(key_customer=True))  # festival greetings: the lunar calendar is needed
    last = archive.run("due", "--as-of", "2098-12-31", "--within", "0", "--format", "json")
    assert last.exit_code == 0, last.output
    greetings = [i for i in json.loads(last.output)["items"] if i["kind"] == "greeting"]
    assert any(i["what"].endswith("（mid_autumn-2098）") for i in greetings)  # a lunar date of 2098
    assert archive.run("due", "--as-of", "1900-01-01", "--within", "0").exit_code == 0


@pytest.mark.parametrize("args", [("--as-of", "2099-01-01", "--within", "0"),
                                  ("--as-of", "2098-12-31", "--within", "1"),
                                  ("--as-of", "1899-12-31", "--within", "0")])
def test_due_beyond_them_is_a_usage_error_naming_the_range(archive, args):
    result = archive.run("due", *args)
    assert result.exit_code == 2
    assert "超出 dangan due 能计算的范围（1900-01-01 至 2098-12-31）" in result.output
    known = spans(OFFICIAL_YEARS)  # 2004–2026 with chinesecalendar 1.11
    assert f"法定节假日和调休已知的年份为 {known}（chinesecalendar " in result.output
    assert "内部错误" not in result.output


def test_the_range_names_the_years_the_policy_calendar_adds(archive):
    archive.edit_policy(lambda policy: policy.update(calendar={"holidays": ["2027-01-01"]}))
    result = archive.run("due", "--as-of", "2099-01-01")
    assert result.exit_code == 2 and "、2027（policy.yaml 的 calendar）" in result.output


# --- 4. a working-day deadline counted through a year whose holidays are not known is provisional ---------------

UNKNOWN = 2027  # chinesecalendar 1.11 knows 2004–2026


@pytest.fixture
def year_end(archive, monkeypatch):
    """The archive at the end of the last year the calendar knows: a later chinesecalendar that knows 2027 is
    made to stop at 2026 for this test (its official years as the installed 1.11 has them), never skipped."""
    assert UNKNOWN - 1 in OFFICIAL_YEARS, sorted(OFFICIAL_YEARS)
    if UNKNOWN in OFFICIAL_YEARS:
        from dangan import due, workdays

        known = frozenset(year for year in OFFICIAL_YEARS if year < UNKNOWN)
        monkeypatch.setattr(workdays, "OFFICIAL_YEARS", known)
        monkeypatch.setattr(due, "OFFICIAL_YEARS", known)
    # profiles reviewed within 5 working days: from 2026-12-28 into 2027, from 2026-12-21 within 2026
    archive.add("customer", customer(first_contact_on="2026-12-24", created={"by": "S004", "date": "2026-12-28"}))
    archive.add("customer", customer("KH0003", name="赵六", first_contact_on="2026-12-18",
                                     created={"by": "S004", "date": "2026-12-21"},
                                     contacts=[{"name": "赵六", "mobile": "13904710003"}]))
    return archive


def reviews(archive, fmt: str) -> str:
    result = archive.run("due", "--as-of", "2026-12-28", "--within", "10", "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_deadline_counted_into_an_unknown_year_is_provisional_in_every_format(year_end):
    items = {i["record"]: i for i in json.loads(reviews(year_end, "json"))["items"]
             if i["rule"] == "customers.profile_review_within"}
    into = items["customer/KH0001"]
    assert into["due"] == "2027-01-04"  # 2027-01-01 counted as a Friday at work
    assert into["provisional"] is True and into["provisional_years"] == [2027]
    assert "经过 2027 年，该年的法定节假日和调休尚未知" in into["provisional_reason"]
    assert "policy.yaml 的 calendar" in into["provisional_reason"]
    within = items["customer/KH0003"]
    assert within["due"] == "2026-12-28" and "provisional" not in within

    text = reviews(year_end, "text").splitlines()
    assert next(line for line in text if "2027-01-04" in line and "KH0001" in line).endswith("暂定")
    assert not next(line for line in text if "2026-12-28" in line and "KH0003" in line).endswith("暂定")
    assert any(line.startswith("暂定：") and "2027 年" in line for line in text)

    rows = reviews(year_end, "csv").splitlines()
    assert rows[0] == "kind,record,what,due,owner,overdue_days,rule,provisional,provisional_reason"
    assert next(r for r in rows if "2027-01-04" in r and "KH0001" in r).split(",")[7] == "true"
    assert next(r for r in rows if "KH0003" in r and "profile" in r).split(",")[7] == "false"

    events = reviews(year_end, "ics").split("BEGIN:VEVENT")
    tentative = [e for e in events if "STATUS:TENTATIVE" in e and "profile_review_within" in e.replace("\n ", "")]
    assert len(tentative) == 1 and "DTSTART;VALUE=DATE:20270104" in tentative[0]
    assert "SUMMARY:（暂定）" in tentative[0]


def test_not_provisional_once_the_policy_lists_the_years_holidays(year_end):
    year_end.edit_policy(lambda policy: policy.update(calendar={
        "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}))
    items = [i for i in json.loads(reviews(year_end, "json"))["items"] if i["record"] == "customer/KH0001"
             and i["rule"] == "customers.profile_review_within"]
    assert items[0]["due"] == "2027-01-05" and "provisional" not in items[0]  # the holiday now counts
    assert "暂定" not in reviews(year_end, "text")
    assert reviews(year_end, "csv").splitlines()[0] == "kind,record,what,due,owner,overdue_days,rule"
    assert "TENTATIVE" not in reviews(year_end, "ics")
