"""Sales credit (seed 000 篇2 客户成单争议), each rule at both sides of its boundary: the claim windows, the
month-end close, valid evidence (surname and own mobile, signed appointments), registrations and walk-ins,
same-day follow-ups, credit changes (业绩更改单) and the follow-up right; `dangan attribution` names the rule
and the records of every step."""

from __future__ import annotations

import json

import pytest

from conftest import CONTRACT_DOCUMENTS, codes, customer, enterprise, staff

SALE = "2025-03-10"


@pytest.fixture
def crm(archive):
    archive.add("staff", staff("S005", "张伟", ["project_manager", "sales_rep"], "yw1", superior="S003"))
    archive.add("staff", staff("S010", "陈立新", ["vice_gm", "sales_director"], "ld"))  # 总监
    archive.add("customer", customer())
    archive.add("customer", enterprise())
    return archive


@pytest.fixture
def sale(crm):
    """李娜 (S004) sells on 2025-03-10; 张伟 (S005) followed the customer up on 2025-03-01."""
    crm.add("visit", visit("HF2025-0101", "2025-03-01", who="S005"))
    return crm


def visit(vid: str, day: str, who: str = "S004", kind: str = "follow_up", **extra) -> dict:
    """A follow-up (or appointment) that is valid evidence: the customer's surname and own mobile, an
    appointment signed by the sales director (总监) on its day."""
    data = {"id": vid, "customer": "KH0001", "staff": who, "date": day, "method": "phone", "kind": kind,
            "surname": "王", "mobile": "13904710001"}
    if kind == "appointment":
        data["signed"] = {"by": "S010", "date": day}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def contract(signed: str = SALE, handled_by: str = "S004", **attribution) -> dict:
    data = {"id": "HT2025-001", "number": "业一合字2025第001号", "department": "yw1", "customer": "KH0001",
            "type": "sales", "title": "服务合同", "amount": 100000, "signed_on": signed, "handled_by": handled_by,
            "status": "active", "documents": dict.fromkeys(CONTRACT_DOCUMENTS, True)}
    if attribution:
        data["attribution"] = attribution
    return data


def claim(day: str, who: str = "S005", evidence: tuple = ("HF2025-0101",)) -> list[dict]:
    return [{"staff": who, "raised_on": day, "evidence": list(evidence)}]


def verdict(archive, contract_id: str = "HT2025-001", *args) -> dict:
    result = archive.run("attribution", contract_id, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


MINE = ("attribution.", "credit-change.", "approval.role")


def problems(archive) -> list[dict]:
    """The problems of these rules (other rules' warnings, e.g. reports due by the archive's last date, aside)."""
    return [p for p in archive.check()[1] if p["code"].startswith(MINE)]


def clean(archive) -> bool:
    exit_code, found_problems = archive.check()
    return exit_code == 0 and not [p for p in found_problems if p["code"].startswith(MINE)]


def found(archive) -> list[str]:
    return sorted(codes(problems(archive)))


def at(archive, code: str) -> list[tuple[str, str]]:
    """(record, field) of each problem with this code."""
    return [(p["record"], p["field"]) for p in problems(archive) if p["code"] == code]


# --- the claim windows (篇2 3.) and the follow-up's month (篇2 1.) -------------------------------------

@pytest.mark.parametrize(("raised", "shares"), [
    ("2025-03-17", {"S005": 1.0}),  # found within 7 days: the whole order
    ("2025-03-18", {"S004": 0.5, "S005": 0.5}),  # between 7 and 15 days: half each
    ("2025-03-25", {"S004": 0.5, "S005": 0.5}),
    ("2025-03-26", {"S004": 1.0}),  # after 15 days: nothing
])
def test_claim_windows(sale, raised, shares):
    sale.add("contract", contract(claims=claim(raised)))
    assert verdict(sale)["shares"] == shares
    assert at(sale, "attribution.credit") == ([("contract/HT2025-001", "handled_by")] if shares == {"S005": 1.0}
                                              else [])


def test_claim_windows_are_policy(sale):
    sale.add("contract", contract(claims=claim("2025-03-15")))
    assert verdict(sale)["shares"] == {"S005": 1.0}
    sale.edit_policy(lambda p: p["attribution"].update(whole_within_days=3))
    assert verdict(sale)["shares"] == {"S004": 0.5, "S005": 0.5}


def test_follow_up_valid_for_a_month(sale):
    sale.add("contract", contract("2025-03-31", claims=claim("2025-03-31")))
    assert verdict(sale)["shares"] == {"S005": 1.0}  # 30 days after the follow-up, claimed the same day
    sale.add("contract", contract("2025-04-01", claims=claim("2025-04-01")))
    assert verdict(sale)["shares"] == {"S004": 1.0}  # 31 days: no longer valid


def test_handlers_earlier_follow_up_wins(sale):
    sale.add("visit", visit("HF2025-0100", "2025-02-27"))
    sale.add("contract", contract(claims=claim("2025-03-11")))
    assert verdict(sale)["shares"] == {"S004": 1.0}


# --- the month-end close (跟进原则 9.) -------------------------------------------------------------

@pytest.mark.parametrize(("signed", "raised", "shares"), [
    ("2025-03-24", "2025-03-28", {"S005": 1.0}),  # the day before the month's last three days
    ("2025-03-24", "2025-03-29", {"S004": 1.0}),  # in the last three days: only that day's orders
    ("2025-03-29", "2025-03-29", {"S005": 1.0}),  # that day's order
    ("2025-03-29", "2025-03-30", {"S004": 1.0}),
])
def test_the_months_last_three_days(sale, signed, raised, shares):
    sale.add("contract", contract(signed, claims=claim(raised)))
    assert verdict(sale)["shares"] == shares
    closed = shares == {"S004": 1.0}
    assert at(sale, "attribution.claim-closed") == ([("contract/HT2025-001", "attribution.claims[0].raised_on")]
                                                    if closed else [])
    assert at(sale, "attribution.credit") == ([] if closed else [("contract/HT2025-001", "handled_by")])


def test_a_claim_after_the_close_changes_nothing_and_accuses_nobody(sale):
    sale.add("contract", contract("2025-03-20", claims=claim("2025-03-28")))  # day 8: half
    assert verdict(sale)["shares"] == {"S004": 0.5, "S005": 0.5}
    assert clean(sale)
    sale.add("contract", contract("2025-03-20", claims=claim("2025-04-01")))  # day 12, but next month
    result = verdict(sale)
    assert result["shares"] == {"S004": 1.0} and "contract/HT2025-001" in result["records"]
    exit_code, found_problems = sale.check()
    found_problems = [p for p in found_problems if p["code"].startswith(MINE)]
    assert exit_code == 0 and codes(found_problems) == ["attribution.claim-closed"]
    assert found_problems[0]["severity"] == "warning" and "最迟 2025-03-28（含）" in found_problems[0]["message"]
    sale.edit_policy(lambda p: p["attribution"].update(close_at_month_end=False, month_end_days=0))
    assert verdict(sale)["shares"] == {"S004": 0.5, "S005": 0.5}


# --- valid evidence: surname and own mobile, signed appointments (篇2 4.–5., 跟进原则 10.) -------------

@pytest.mark.parametrize(("fields", "defect"), [
    ({}, None),
    ({"surname": None}, "no-contact"),
    ({"mobile": None}, "no-contact"),
    ({"surname": "李"}, "wrong-contact"),
    ({"mobile": "13904710009"}, "wrong-contact"),
    ({"mobile": "139****0001"}, "masked"),  # only an appointment may hide the middle four digits
])
def test_follow_ups_carry_surname_and_own_mobile(crm, fields, defect):
    crm.add("visit", visit("HF2025-0101", "2025-03-01", who="S005", **fields))
    crm.add("contract", contract(claims=claim("2025-03-11")))
    assert verdict(crm)["shares"] == ({"S005": 1.0} if defect is None else {"S004": 1.0})
    evidence = [p for p in problems(crm) if p["code"] == "attribution.evidence"]
    assert [(p["field"], p["severity"]) for p in evidence] == (
        [] if defect is None else [("attribution.claims[0].evidence[0]", "warning")])


def test_an_appointment_may_hide_the_middle_digits_after_a_follow_up(crm):
    crm.add("visit", visit("HF2025-0102", SALE, who="S005", kind="appointment", mobile="139****0001"))
    crm.add("contract", contract(claims=claim(SALE, evidence=("HF2025-0102",))))
    assert verdict(crm)["shares"] == {"S004": 1.0}  # no follow-up of 张伟's: the full number is needed
    assert at(crm, "attribution.evidence") == [("contract/HT2025-001", "attribution.claims[0].evidence[0]")]
    crm.add("visit", visit("HF2025-0101", "2025-02-01", who="S005"))  # expired by the sale, but on file
    assert verdict(crm)["shares"] == {"S005": 1.0}
    assert at(crm, "attribution.evidence") == []


@pytest.mark.parametrize(("signed", "counts"), [
    ({"by": "S010", "date": SALE}, True),  # 总监 (the sales director)
    ({"by": "S002", "date": SALE}, True),  # 总经理
    ({"by": "S003", "date": SALE}, False),  # a department head
    ({"by": "S010", "date": "2025-03-11"}, False),  # signed after the sale
    (None, False),
])
def test_appointments_count_only_signed_by_the_director_or_gm(crm, signed, counts):
    crm.add("visit", visit("HF2025-0102", SALE, who="S005", kind="appointment", signed=signed))
    crm.add("contract", contract(claims=claim(SALE, evidence=("HF2025-0102",))))
    assert verdict(crm)["shares"] == ({"S005": 1.0} if counts else {"S004": 1.0})
    evidence = [p for p in problems(crm) if p["code"] == "attribution.evidence"]
    assert len(evidence) == (0 if counts else 1)
    if not counts:
        assert "approvals.appointment" in evidence[0]["message"]


# --- a same-day appointment without a follow-up (主动上门 5.) -----------------------------------------

@pytest.mark.parametrize(("raised", "shares"), [
    (SALE, {"S005": 1.0}),  # found the same day: A's
    ("2025-03-11", {"S004": 0.5, "S005": 0.5}),
    ("2025-03-17", {"S004": 0.5, "S005": 0.5}),  # within 7 days: half
    ("2025-03-18", {"S004": 1.0}),
])
def test_a_same_day_appointment(crm, raised, shares):
    crm.add("visit", visit("HF2025-0102", SALE, who="S005", kind="appointment"))
    crm.add("contract", contract(claims=claim(raised, evidence=("HF2025-0102",))))
    assert verdict(crm)["shares"] == shares


def test_a_same_day_appointment_yields_to_the_sellers_follow_up(crm):
    crm.add("visit", visit("HF2025-0102", SALE, who="S005", kind="appointment"))
    crm.add("visit", visit("HF2025-0100", "2025-03-05"))
    crm.add("contract", contract(claims=claim(SALE, evidence=("HF2025-0102",))))
    assert verdict(crm)["shares"] == {"S004": 1.0}


# --- two follow-ups on the same day (跟进原则 d)) -------------------------------------------------

def test_two_reps_follow_up_on_the_same_day(sale):
    sale.add("visit", visit("HF2025-0100", "2025-03-01"))
    sale.add("contract", contract(claims=claim("2025-03-11")))
    result = verdict(sale)
    assert result["shares"] == {"S004": 0.5, "S005": 0.5} and "customer/KH0001" not in result["records"]
    assert {"visit/HF2025-0100", "visit/HF2025-0101"} <= set(result["records"])


@pytest.mark.parametrize(("appointments", "shares"), [
    ({"S005": None}, {"S005": 1.0}),  # only 张伟 booked that day: he was first
    ({"S004": None}, {"S004": 1.0}),
    ({"S004": "10:30", "S005": "09:15"}, {"S005": 1.0}),  # both booked: the earlier time
    ({"S004": "09:00", "S005": "09:15"}, {"S004": 1.0}),
    ({"S004": None, "S005": None}, {"S004": 0.5, "S005": 0.5}),  # no times: half each
])
def test_same_day_follow_ups_told_apart_by_that_days_appointment(sale, appointments, shares):
    sale.add("visit", visit("HF2025-0100", "2025-03-01"))
    for n, (who, time) in enumerate(sorted(appointments.items())):
        sale.add("visit", visit(f"HF2025-011{n}", "2025-03-01", who=who, kind="appointment",
                                signed={"by": "S010", "date": "2025-03-01"}, time=time))
    sale.add("contract", contract(claims=claim("2025-03-11")))
    assert verdict(sale)["shares"] == shares


# --- registrations and walk-ins (篇2 6.–7., 主动上门 3., 跟进原则 6.) ---------------------------------

def registration(rid: str = "DJ2025-0001", day: str = SALE, who: str = "S005", **extra) -> dict:
    return {"id": rid, "date": day, "customer": "KH0001", "surname": "王", "mobile": "13904710001",
            "staff": who, **extra}


@pytest.mark.parametrize(("raised", "shares"), [
    (SALE, {"S005": 1.0}),  # found the same day: the registering rep's
    ("2025-03-11", {"S004": 0.5, "S005": 0.5}),  # the next day: half
    ("2025-03-12", {"S004": 1.0}),
])
def test_the_registering_rep(crm, raised, shares):
    crm.add("registration", registration())
    crm.add("contract", contract(walk_in=True, claims=claim(raised, evidence=())))
    result = verdict(crm)
    assert result["shares"] == shares and "registration/DJ2025-0001" in result["records"]
    assert any(b["rule"] == "种子 000 篇2 跟进原则 6." for b in result["basis"])


def test_a_customer_who_names_a_rep(crm):
    crm.add("registration", registration(who="S004", asked_for="S005"))
    crm.add("contract", contract(walk_in=True, claims=claim("2025-03-28", evidence=())))
    assert verdict(crm)["shares"] == {"S005": 1.0}
    crm.add("registration", registration(who="S004", asked_for="S005", prompted=True))  # 他人授意：无效
    assert verdict(crm)["shares"] == {"S004": 1.0}


def test_an_unregistered_walk_in_has_no_claim_window(sale):
    sale.add("contract", contract(walk_in=True, claims=claim("2025-03-25")))  # day 15: half at most otherwise
    assert verdict(sale)["shares"] == {"S005": 1.0}
    assert at(sale, "attribution.unregistered") == [("contract/HT2025-001", "attribution.walk_in")]
    sale.add("contract", contract(walk_in=True, claims=claim("2025-05-06")))  # two months later, still open
    assert verdict(sale)["shares"] == {"S005": 1.0}
    assert "attribution.claim-closed" not in found(sale)
    sale.add("registration", registration(who="S004"))  # registered that day: the ordinary windows
    sale.add("contract", contract(walk_in=True, claims=claim("2025-03-25")))
    assert verdict(sale)["shares"] == {"S004": 0.5, "S005": 0.5}
    assert "attribution.unregistered" not in found(sale)


# --- credit changes (跟进原则 9.) -------------------------------------------------------------------

def change(director: str | None = "2025-03-13", **extra) -> dict:
    data = {"id": "GD2025-001", "contract": "HT2025-001", "date": "2025-03-12", "from": "S004", "to": "S005",
            "share": "whole", "reason": "张伟 3 月 1 日跟进在先，双方同意改单。",
            "agreed": [{"by": "S004", "date": "2025-03-12"}, {"by": "S005", "date": "2025-03-12"}],
            "manager": {"by": "S003", "date": "2025-03-12"}}
    if director:
        data["director"] = {"by": "S010", "date": director}
    data.update(extra)
    return data


TRANSFER = {"date": "2025-03-13", "from": "S004", "to": "S005", "reason": "对得全单获跟进权",
            "credit_change": "GD2025-001"}


def test_a_credit_change_takes_effect_once_fully_signed(crm):
    crm.add("contract", contract())
    crm.add("credit_change", change(director=None))
    assert verdict(crm)["shares"] == {"S004": 1.0} and clean(crm)  # until then the credit stands
    items = [i for i in json.loads(crm.run("due", "--format", "json", "--as-of", "2025-03-12",
                                            "--within", "30").output)["items"]
             if i["record"] == "credit_change/GD2025-001"]
    assert [(i["due"], i["owner"]) for i in items] == [("2025-03-28", "S010")]
    crm.add("credit_change", change())
    assert verdict(crm)["shares"] == {"S005": 1.0}
    assert at(crm, "attribution.credit") == [("contract/HT2025-001", "handled_by")]  # 到前台更改
    crm.add("contract", contract(handled_by="S005"))
    assert at(crm, "attribution.follow-up-right") == [("customer/KH0001", "owner")]  # 对得全单可获跟进权
    crm.add("customer", customer(owner="S005"))
    assert at(crm, "attribution.transfer-missing") == [("customer/KH0001", "owner")]
    crm.add("customer", customer(owner="S005", owner_transfers=[TRANSFER]))
    assert clean(crm)
    assert not [i for i in json.loads(crm.run("due", "--format", "json", "--as-of", "2025-03-12",
                                            "--within", "30").output)["items"]
                if i["record"] == "credit_change/GD2025-001"]


@pytest.mark.parametrize(("signed_off", "changes"), [("2025-03-28", True), ("2025-03-29", False),
                                                     ("2025-04-01", False)])
def test_a_credit_change_within_the_month(crm, signed_off, changes):
    crm.add("contract", contract())
    crm.add("credit_change", change(signed_off))
    assert verdict(crm)["shares"] == ({"S005": 1.0} if changes else {"S004": 1.0})
    assert at(crm, "credit-change.closed") == ([] if changes else [("credit_change/GD2025-001", "director.date")])


def test_a_credit_change_is_signed_by_the_right_people_in_order(crm):
    crm.add("staff", staff("S007", "周海涛", ["department_head", "project_manager"], "yw2"))
    crm.add("contract", contract())
    crm.add("credit_change", change(manager={"by": "S007", "date": "2025-03-12"}))
    assert at(crm, "credit-change.manager") == [("credit_change/GD2025-001", "manager.by")]
    assert verdict(crm)["shares"] == {"S004": 1.0}
    crm.add("credit_change", change(director=None) | {"director": {"by": "S003", "date": "2025-03-13"}})
    assert at(crm, "approval.role") == [("credit_change/GD2025-001", "director.by")]
    crm.add("credit_change", change(manager={"by": "S003", "date": "2025-03-11"}))
    assert at(crm, "credit-change.order") == [("credit_change/GD2025-001", "manager.date")]
    crm.add("credit_change", change(agreed=[{"by": "S004", "date": "2025-03-12"},
                                            {"by": "S003", "date": "2025-03-12"}]))
    assert at(crm, "credit-change.party") == [("credit_change/GD2025-001", "agreed[1].by")]
    assert verdict(crm)["shares"] == {"S004": 1.0}  # 张伟 never agreed: not fully signed


def test_half_an_order_leaves_the_seller_serving(sale):
    sale.add("contract", contract(claims=claim("2025-03-18")))
    assert verdict(sale)["shares"] == {"S004": 0.5, "S005": 0.5} and clean(sale)
    sale.add("customer", customer(owner="S005"))
    assert at(sale, "attribution.half-keeps-seller") == [("customer/KH0001", "owner")]


# --- renewals, group orders, cards for others (跟进原则 e), 8., 主动上门 10.) -----------------------

def test_renewal_stays_with_the_original_rep_while_employed(sale):
    sale.add("contract", contract("2024-03-10", handled_by="S005") | {"id": "HT2024-001",
                                                                      "number": "业一合字2024第001号"})
    sale.add("contract", contract(renewal_of="HT2024-001"))
    assert verdict(sale)["shares"] == {"S005": 1.0}
    assert at(sale, "attribution.credit") == [("contract/HT2025-001", "handled_by")]
    sale.add("staff", staff("S005", "张伟", ["project_manager", "sales_rep"], "yw1", left_on="2025-01-31"))
    assert verdict(sale)["shares"] == {"S004": 1.0}


def test_group_order_claims_only_on_the_day(sale):
    sale.add("contract", contract(claims=claim("2025-03-11"), group_size=8))
    assert verdict(sale)["shares"] == {"S004": 1.0}
    sale.add("contract", contract(claims=claim(SALE), group_size=8))
    assert verdict(sale)["shares"] == {"S005": 1.0}
    sale.add("contract", contract(claims=claim("2025-03-11"), group_size=7))
    assert verdict(sale)["shares"] == {"S005": 1.0}


def test_card_bought_for_someone_else(crm):
    crm.add("visit", visit("HF2025-0101", "2025-03-01", who="S005", customer="KH0002", surname="赵",
                           mobile="13904710002"))
    crm.add("contract", contract(claims=claim("2025-03-11")))
    assert verdict(crm)["shares"] == {"S004": 1.0}  # 张伟 follows KH0002, not the buyer
    crm.add("contract", contract(claims=claim("2025-03-11"), card_user="KH0002"))
    assert verdict(crm)["shares"] == {"S005": 1.0}


# --- the explanation -----------------------------------------------------------------------------

def test_attribution_names_the_rule_and_the_records(sale):
    sale.add("contract", contract(claims=claim("2025-03-20")))
    text = sale.run("attribution", "HT2025-001").output
    assert "50%" in text and "每人各一半" in text and "visit/HF2025-0101" in text
    assert "[种子 000 篇2 3.]" in text and "张伟（S005）" in text and "李娜（S004）" in text
    english = sale.run("attribution", "HT2025-001", "--lang", "en").output
    assert "seed 000 part 2, 3." in english and "half each" in english
    result = verdict(sale)
    assert result["basis"][-1] == {"rule": "种子 000 篇2 3.", "reason": result["reasons"][-1],
                                   "records": ["visit/HF2025-0101"]}
