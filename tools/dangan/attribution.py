"""Order attribution (seed 000, 篇2 客户成单争议): who is credited with a contract, and by which rule.

Decided from the records, by the policy's `attribution` values; each step of a verdict is a `Reason`
naming the seed clause and the records it rests on (`dangan attribution` puts it into words):

* evidence (篇2 1.–5., 跟进原则 10.): a follow-up (visit of kind ``follow_up``) is valid for
  `follow_up_valid_days`, an appointment (``appointment``) for `appointment_valid_days` (0: its own day),
  and only with the customer's surname and own mobile (an appointment may hide the middle four digits
  when its rep has a follow-up record of the customer); an appointment counts only once signed by a
  role of `approvals.appointment` (总监 or 总经理);
* the seller is the contract's `handled_by`, or the `from` of its first signed credit change;
* a claim by another rep (对单) changes nothing when raised after the month of the sale
  (`close_at_month_end`) or, in a month's last `month_end_days` days, for an order of an earlier day —
  except for a walk-in sale nobody registered (篇2 6.: no claim window at all);
* a claim is judged by every rule that applies and the best for the claimant decides: the customer named
  the rep at registration (主动上门 3.: whole); the rep registered the customer that day (跟进原则 6.:
  `registration_whole_within_days`, `registration_half_within_days`); an unregistered walk-in followed up
  first by the rep (篇2 6.: whole); a follow-up earlier than the seller's (篇2 3.: `whole_within_days`,
  `half_within_days`; a group order of `group_size` or more only on the day, 主动上门 10.); follow-ups of
  the same day told apart by that day's appointments, else half each (跟进原则 d)); a same-day
  appointment without a follow-up while the seller has none (主动上门 5.: `appointment_whole_within_days`,
  `appointment_half_within_days`);
* a credit change (业绩更改单, records/credit_changes/) agreed by both reps, signed by the seller's manager
  and then by a role of `approvals.credit_change` moves the whole order or half of it, from that day; until
  then, or when signed off after the close, the credit stands (跟进原则 9.);
* a renewal stays with the original rep while employed, else goes to whoever renews (跟进原则 e));
* a card bought for someone else belongs to whoever follows its user (跟进原则 8.);
* whoever gets the whole order through a claim or a change gets the follow-up right (主动上门 6.).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .crypto import digest_of, is_token
from .facts import Facts, date
from .record import Record

KINDS = ("follow_up", "appointment")
# the seed's clause of each rule a verdict cites: (Chinese, English)
RULES = {
    "evidence": ("种子 000 篇2 1.–2.、4.–5.", "seed 000 part 2, 1.–2., 4.–5."),
    "appointment-signed": ("种子 000 篇2 跟进原则 10.", "seed 000 part 2, 跟进原则 10."),
    "seller": ("种子 000 篇2 1.", "seed 000 part 2, 1."),
    "close": ("种子 000 篇2 跟进原则 9.", "seed 000 part 2, 跟进原则 9."),
    "named": ("种子 000 篇2 主动上门 3.", "seed 000 part 2, 主动上门 3."),
    "registered": ("种子 000 篇2 跟进原则 6.", "seed 000 part 2, 跟进原则 6."),
    "unregistered": ("种子 000 篇2 6.–7.", "seed 000 part 2, 6.–7."),
    "follow-up": ("种子 000 篇2 3.", "seed 000 part 2, 3."),
    "same-day": ("种子 000 篇2 跟进原则 d)", "seed 000 part 2, 跟进原则 d)"),
    "appointment": ("种子 000 篇2 主动上门 5.", "seed 000 part 2, 主动上门 5."),
    "group": ("种子 000 篇2 主动上门 10.", "seed 000 part 2, 主动上门 10."),
    "change": ("种子 000 篇2 跟进原则 9.", "seed 000 part 2, 跟进原则 9."),
    "renewal": ("种子 000 篇2 跟进原则 e)", "seed 000 part 2, 跟进原则 e)"),
    "card-user": ("种子 000 篇2 跟进原则 8.", "seed 000 part 2, 跟进原则 8."),
    "follow-up-right": ("种子 000 篇2 主动上门 6.", "seed 000 part 2, 主动上门 6."),
}
WHOLE, HALF = "whole", "half"


@dataclass(frozen=True)
class Reason:
    """One step of a verdict: a `why.*` entry of the message catalogue, its arguments, the seed clause
    (a key of `RULES`) and the records it rests on."""
    code: str
    rule: str
    args: dict[str, Any] = field(default_factory=dict)
    records: tuple[str, ...] = ()


@dataclass
class Verdict:
    contract: str
    seller: str | None = None
    shares: dict[str, float] = field(default_factory=dict)  # staff id -> share of the order
    reasons: list[Reason] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # record keys the verdict rests on
    follow_up_right: str | None = None  # who got the whole order from the seller (主动上门 6.)
    moved_by: str | None = None  # the record that moved it: the contract (a claim) or a credit change

    @property
    def credited(self) -> list[str]:
        top = max(self.shares.values(), default=0)
        return sorted(s for s, share in self.shares.items() if share == top and share > 0)

    def say(self, code: str, rule: str, *records: str, **args) -> None:
        self.reasons.append(Reason(code, rule, args, tuple(records)))
        self.used.extend(r for r in records if r not in self.used)


# --- when a claim or a change may still change the order (跟进原则 9.) -------------------------------
def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def closed(f: Facts, sale: dt.date, on: dt.date) -> str | None:
    """Why a claim raised, or a change signed off, on `on` no longer changes an order of `sale`: "month"
    (after the month of the sale), "month-end" (in the month's last days, for an earlier order), or None."""
    settings = f.policy.attribution
    if settings.close_at_month_end and on > month_end(sale):
        return "month"
    last_days = settings.month_end_days
    if last_days and on > sale and (month_end(on) - on).days < last_days:
        return "month-end"
    return None


def last_day_to_change(f: Facts, sale: dt.date) -> dt.date | None:
    """The last day a claim or a change may still change an order of `sale` (None: the month does not close):
    the month's end, or the day before its last `month_end_days` days (an order of one of those days: that
    day itself)."""
    settings = f.policy.attribution
    if not settings.close_at_month_end:
        return None
    end = month_end(sale)
    window = dt.timedelta(days=settings.month_end_days)
    if settings.month_end_days and sale > end - window:
        return sale
    return end - window


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


# --- evidence (篇2 4.–5., 跟进原则 10.) --------------------------------------------------------------
def _digits(value: Any) -> str:
    return "".join(c for c in value if c.isdigit() or c == "*") if isinstance(value, str) else ""


def _customer_contacts(f: Facts, customer_id: str) -> tuple[list[str], list[str]]:
    """(names, mobiles) the customer's record holds: its name and its contacts'."""
    customer = f.index.get("customer", customer_id)
    if customer is None:
        return [], []
    names = [customer.get("name")] + [c.get("name") for c in customer.get("contacts") or [] if isinstance(c, dict)]
    mobiles = [_digits(c.get("mobile"))[-11:] for c in customer.get("contacts") or [] if isinstance(c, dict)]
    return [n for n in names if isinstance(n, str)], [m for m in mobiles if m]


def _sealed_mobile(f: Facts, visit: Record, customer_id: str) -> bool | None:
    """Whether a visit's mobile is the customer's when either is still encrypted (no key opened it): True or
    False when their digests tell, True when nothing can tell (`checks.encrypted` says what did not run);
    None when both are plain."""
    customer = f.index.get("customer", customer_id)
    theirs = [c.get("mobile") for c in (customer.get("contacts") or []) if isinstance(c, dict)] if customer else []
    mine = visit.get("mobile")
    if not is_token(mine) and not any(is_token(m) for m in theirs):
        return None
    if not is_token(mine) or not digest_of(mine) or not all(is_token(m) and digest_of(m) for m in theirs):
        return True
    return digest_of(mine) in {digest_of(m) for m in theirs}


def defect(f: Facts, visit: Record, customer: str, sale: dt.date | None = None) -> str | None:
    """Why a follow-up or appointment is no valid evidence for an order of `customer` (None: it is)."""
    kind = visit.get("kind")
    if kind not in KINDS:
        return "wrong-kind"
    if visit.get("customer") != customer:
        return "other-customer"
    surname, mobile = visit.get("surname"), _digits(visit.get("mobile"))
    if is_token(visit.get("mobile")):
        mobile = "#"  # written encrypted and not opened: compared by digest (`_sealed_mobile`)
    if not surname or not mobile:
        return "no-contact"
    names, mobiles = _customer_contacts(f, customer)
    if not any(n.startswith(surname) for n in names):
        return "wrong-contact"
    sealed = _sealed_mobile(f, visit, customer)
    if sealed is False:
        return "wrong-contact"
    if "*" in mobile:
        if kind != "appointment":
            return "masked"
        own_follow_up = any(v.get("kind") == "follow_up" and v.get("staff") == visit.get("staff")
                            and defect(f, v, customer) is None
                            for v in f.visits_by_customer.get(customer, ()))
        if not own_follow_up:
            return "masked"
        if sealed is None and not any(m[:3] == mobile[:3] and m[-4:] == mobile[-4:] for m in mobiles):
            return "wrong-contact"
    elif sealed is None and mobile not in mobiles:
        return "wrong-contact"
    if kind == "appointment":
        signed = visit.get("signed") if isinstance(visit.get("signed"), dict) else {}
        on = date(signed.get("date"))
        if not f.has_role(signed.get("by"), f.approvers("appointment")) or on is None or (sale and on > sale):
            return "unsigned"
    if sale is not None:
        when = date(visit.get("date"))
        valid = (f.policy.attribution.follow_up_valid_days if kind == "follow_up"
                 else f.policy.attribution.appointment_valid_days)
        if when is None or not when <= sale <= when + dt.timedelta(days=valid):
            return "expired"
    return None


@dataclass(frozen=True)
class Evidence:
    date: dt.date
    kind: str
    visit: Record

    @property
    def staff(self) -> str:
        return self.visit.get("staff")

    @property
    def time(self) -> str:
        found = self.visit.get("time")
        return found if isinstance(found, str) else ""


def valid_records(f: Facts, customer: str, sale: dt.date) -> list[Evidence]:
    """Every follow-up or appointment that is valid evidence on the day of the sale, earliest first."""
    out = [Evidence(date(v.get("date")), v.get("kind"), v) for v in f.visits_by_customer.get(customer, ())
           if v.get("kind") in KINDS and defect(f, v, customer, sale) is None]
    return sorted(out, key=lambda r: (r.date, 0 if r.kind == "appointment" else 1, r.time, r.visit.id))


def invalid_records(f: Facts, customer: str, sale: dt.date) -> list[tuple[Record, str]]:
    """The follow-ups and appointments of the customer, dated within their validity before the sale, that
    are no valid evidence: (visit, defect)."""
    out = []
    for visit in f.visits_by_customer.get(customer, ()):
        found = defect(f, visit, customer, sale) if visit.get("kind") in KINDS else None
        if found and found != "expired":
            out.append((visit, found))
    return sorted(out, key=lambda r: r[0].id)


# --- registrations and credit changes, grouped once per index ----------------------------------------
def _grouped(f: Facts, kind: str, key: str) -> dict[str, list[Record]]:
    f.index.note_reads((kind,))  # a view one check built and the next reuses (`rule_cache`)
    memo = f.index.derived.setdefault("attribution", {})
    if (kind, key) not in memo:
        groups: dict[str, list[Record]] = {}
        for record in f.index.of(kind).values():
            if isinstance(record.get(key), str):
                groups.setdefault(record.get(key), []).append(record)
        memo[(kind, key)] = groups
    return memo[(kind, key)]


def registrations(f: Facts, customer: str, day: dt.date) -> list[Record]:
    return sorted((r for r in _grouped(f, "registration", "customer").get(customer, ()) if date(r.get("date")) == day),
                  key=lambda r: r.id)


def credit_changes(f: Facts, contract: str) -> list[Record]:
    return sorted(_grouped(f, "credit_change", "contract").get(contract, ()),
                  key=lambda c: (str(c.get("director", "date", default="")), c.id))


@dataclass(frozen=True)
class ChangeState:
    complete: bool
    done_on: dt.date | None  # the director's signature: the day the change takes effect
    missing: tuple[str, ...]  # the signatures still missing, in order: from, to, manager, director
    wrong: tuple[tuple[tuple, str], ...]  # (field path, problem) of a signature made by the wrong person or too early


def change_state(f: Facts, change: Record) -> ChangeState:
    """Where a credit change stands: who has signed, who still must, and what was signed wrongly."""
    agreed = {a.get("by"): date(a.get("date")) for a in change.get("agreed") or [] if isinstance(a, dict)}
    parties = [change.get("from"), change.get("to")]
    missing = [p for p in parties if p not in agreed or agreed[p] is None]
    wrong: list[tuple[tuple, str]] = []
    for i, a in enumerate(change.get("agreed") or []):
        if isinstance(a, dict) and a.get("by") not in parties:
            wrong.append((("agreed", i, "by"), "party"))
    manager, director = (change.get(k) if isinstance(change.get(k), dict) else None for k in ("manager", "director"))
    managed_on = date(manager.get("date")) if manager else None
    done_on = date(director.get("date")) if director else None
    if manager is None:
        missing.append("manager")
    else:
        if manager.get("by") not in f.superiors(change.get("from")):
            wrong.append((("manager", "by"), "manager"))
        latest = max((d for d in agreed.values() if d), default=None)
        if managed_on and latest and managed_on < latest:
            wrong.append((("manager", "date"), "order"))
    if director is None:
        missing.append("director")
    else:
        if not f.has_role(director.get("by"), f.approvers("credit_change")):
            wrong.append((("director", "by"), "director"))
        if done_on and managed_on and done_on < managed_on:
            wrong.append((("director", "date"), "order"))
    return ChangeState(not missing, done_on, tuple(missing), tuple(wrong))


# --- the verdict ------------------------------------------------------------------------------------
def seller(f: Facts, contract: Record) -> Any:
    """Who made the sale: the `from` of the contract's first signed credit change, else `handled_by`."""
    for change in credit_changes(f, contract.id):
        if change_state(f, change).complete and isinstance(change.get("from"), str):
            return change.get("from")
    return contract.get("handled_by")


def decide(f: Facts, contract: Record) -> Verdict:
    handler = seller(f, contract)
    verdict = Verdict(contract.id, handler if isinstance(handler, str) else None)
    sale = date(contract.get("signed_on"))
    details = contract.get("attribution") if isinstance(contract.get("attribution"), dict) else {}
    if sale is None or not isinstance(handler, str):
        verdict.shares = {handler: 1.0} if isinstance(handler, str) else {}
        return verdict
    verdict.shares = {handler: 1.0}
    renewal = details.get("renewal_of")
    if isinstance(renewal, str) and f.index.get("contract", renewal) is not None:
        _renewal(f, verdict, handler, sale, renewal)
    else:
        _claims(f, contract, verdict, handler, sale, details)
    _changes(f, contract, verdict, sale)
    return verdict


def _claims(f: Facts, contract: Record, verdict: Verdict, handler: str, sale: dt.date, details: dict) -> None:
    customer = details.get("card_user") or contract.get("customer")
    if details.get("card_user"):
        verdict.say("why.card-user", "card-user", f"customer/{customer}", customer=customer)
    evidence = valid_records(f, customer, sale)
    if details.get("walk_in") is True:
        today = registrations(f, customer, sale)
        if today:
            verdict.say("why.walk-in", "unregistered", *(r.key for r in today),
                        registration="、".join(r.id for r in today))
        else:
            verdict.say("why.walk-in-unregistered", "unregistered", date=sale.isoformat())
    for visit, found in invalid_records(f, customer, sale):
        verdict.say("why.evidence", "appointment-signed" if found == "unsigned" else "evidence", visit.key,
                    visit=visit.id, defect=found)
    own = [e for e in evidence if e.staff == handler]
    if own:
        verdict.say("why.seller-record", "seller", *(e.visit.key for e in own), staff=handler,
                    since=own[0].date.isoformat())
    else:
        verdict.say("why.seller-none", "seller", staff=handler)
    for claim in sorted((c for c in details.get("claims") or [] if isinstance(c, dict)),
                        key=lambda c: str(c.get("raised_on"))):
        if claim.get("staff") != handler and isinstance(claim.get("staff"), str):
            _claim(f, contract, verdict, claim, handler, sale, evidence, details, customer)


def _claim(f, contract, verdict, claim, handler, sale, evidence, details, customer) -> None:
    rep, raised = claim.get("staff"), date(claim.get("raised_on"))
    if raised is None:
        return
    settings = f.policy.attribution
    late = (raised - sale).days
    walk_in = details.get("walk_in") is True
    visits_today = registrations(f, customer, sale)
    unregistered = walk_in and not visits_today
    why = closed(f, sale, raised)
    if why and not unregistered:
        verdict.say("why.closed-" + why, "close", contract.key, staff=rep, raised=raised.isoformat(),
                    deadline=_iso(last_day_to_change(f, sale)))
        return
    group = isinstance(details.get("group_size"), int) and details["group_size"] >= settings.group_size
    outcomes: list[tuple[str | None, Reason]] = []  # (whole, half or None, why)
    for registration in visits_today:
        records = (registration.key,)
        if registration.get("asked_for") == rep and registration.get("prompted") is not True:
            outcomes.append((WHOLE, Reason("why.named", "named", {"staff": rep, "registration": registration.id},
                                           records)))
        if registration.get("staff") == rep:
            share = _window(late, settings.registration_whole_within_days, settings.registration_half_within_days)
            outcomes.append((share, Reason("why.registered", "registered",
                                           {"staff": rep, "registration": registration.id, "late": late,
                                            "share": share or "none"}, records)))
    first = {}
    for e in evidence:
        first.setdefault((e.staff, e.kind), e)
    mine = first.get((rep, "follow_up"))
    theirs = first.get((handler, "follow_up"))
    if mine is not None:
        outcomes.append(_follow_ups(f, rep, handler, mine, theirs, late, unregistered, group))
    elif (rep, "appointment") in first and theirs is None:
        appointment = first[(rep, "appointment")]
        whole, half = ((0, 0) if group else (settings.appointment_whole_within_days,
                                              settings.appointment_half_within_days))
        share = _window(late, whole, half)
        outcomes.append((share, Reason("why.appointment", "group" if group else "appointment",
                                       {"staff": rep, "visit": appointment.visit.id, "late": late,
                                        "share": share or "none"}, (appointment.visit.key,))))
    if not outcomes:
        verdict.say("why.no-evidence", "evidence", staff=rep)
        return
    best = max(outcomes, key=lambda o: {WHOLE: 2, HALF: 1, None: 0}[o[0]])
    share = best[0]
    for outcome in ([best] if share else outcomes):
        verdict.reasons.append(outcome[1])
        verdict.used.extend(r for r in outcome[1].records if r not in verdict.used)
    if share == WHOLE:
        verdict.shares = {rep: 1.0}
        verdict.follow_up_right, verdict.moved_by = rep, contract.key
    elif share == HALF:
        verdict.shares = {handler: 0.5, rep: 0.5}
        verdict.follow_up_right, verdict.moved_by = None, None


def _window(late: int, whole: int, half: int) -> str | None:
    if late <= whole:
        return WHOLE
    return HALF if late <= half else None


def _follow_ups(f, rep, handler, mine, theirs, late, unregistered, group):
    """The general rule (篇2 3.): the earlier follow-up wins; on the same day that day's appointments tell
    them apart (跟进原则 d) 注), else half each; an unregistered walk-in has no claim window (篇2 6.)."""
    settings = f.policy.attribution
    records = (mine.visit.key,) + ((theirs.visit.key,) if theirs else ())
    args = {"staff": rep, "seller": handler, "own": mine.date.isoformat(), "late": late,
            "other": theirs.date.isoformat() if theirs else ""}
    if theirs is not None and theirs.date < mine.date:
        return None, Reason("why.seller-first", "follow-up", args, records)
    if theirs is not None and theirs.date == mine.date:
        first, used = _first_that_day(f, mine.visit.get("customer"), mine.date, rep, handler)
        records += used
        if first == handler:
            return None, Reason("why.same-day-seller", "same-day", args, records)
        if first is None:
            share = HALF if unregistered or late <= (0 if group else settings.half_within_days) else None
            return share, Reason("why.same-day-half", "same-day", {**args, "share": share or "none"}, records)
        args["by_appointment"] = True
    if unregistered:
        return WHOLE, Reason("why.unregistered", "unregistered", args, records)
    whole, half = (0, 0) if group else (settings.whole_within_days, settings.half_within_days)
    share = _window(late, whole, half)
    return share, Reason("why.follow-up", "group" if group else "follow-up",
                         {**args, "share": share or "none", "whole": whole, "half": half}, records)


def _first_that_day(f: Facts, customer: str, day: dt.date, rep: str, handler: str) -> tuple[str | None, tuple]:
    """Who of two reps with follow-ups on the same day came first by that day's (valid, signed) appointments:
    the one who has one, or the earlier by its time; None when they do not tell them apart."""
    booked = {}
    for v in sorted(f.visits_by_customer.get(customer, ()), key=lambda v: (str(v.get("time")), v.id)):
        if (v.get("kind") == "appointment" and date(v.get("date")) == day and v.get("staff") in (rep, handler)
                and defect(f, v, customer) is None):
            booked.setdefault(v.get("staff"), Evidence(day, "appointment", v))
    used = tuple(e.visit.key for e in booked.values())
    if len(booked) == 1:
        return next(iter(booked)), used
    if len(booked) == 2 and booked[rep].time and booked[handler].time and booked[rep].time != booked[handler].time:
        return min(booked, key=lambda s: booked[s].time), used
    return None, used


def _changes(f: Facts, contract: Record, verdict: Verdict, sale: dt.date) -> None:
    for change in credit_changes(f, contract.id):
        state = change_state(f, change)
        source, target = change.get("from"), change.get("to")
        if not state.complete:
            verdict.say("why.change-pending", "change", change.key, change=change.id,
                        waiting=next_signer(f, change, state) or "")
            continue
        if state.wrong:
            verdict.say("why.change-wrong", "change", change.key, change=change.id)
            continue
        why = closed(f, sale, state.done_on) if state.done_on else None
        if why:
            verdict.say("why.change-closed-" + why, "close", change.key, change=change.id,
                        signed=state.done_on.isoformat(), deadline=_iso(last_day_to_change(f, sale)))
            continue
        held = verdict.shares.get(source, 0)
        wanted = 1.0 if change.get("share") == WHOLE else 0.5
        if held <= 0 and isinstance(target, str) and verdict.shares.get(target, 0) >= wanted:
            verdict.say("why.change-carries-out", "change", change.key, change=change.id, target=target,
                        signed=state.done_on.isoformat())  # the claim already gave it: the slip records it
            if verdict.follow_up_right == target:
                verdict.moved_by = change.key
            continue
        if held <= 0 or not isinstance(target, str):
            verdict.say("why.change-not-held", "change", change.key, change=change.id, staff=source)
            continue
        moved = held if change.get("share") == WHOLE else held / 2
        verdict.shares[source] = held - moved
        verdict.shares[target] = verdict.shares.get(target, 0) + moved
        verdict.shares = {s: v for s, v in verdict.shares.items() if v > 0}
        verdict.say("why.change", "change", change.key, change=change.id, source=source, target=target,
                    portion=change.get("share"), signed=state.done_on.isoformat())
        if verdict.shares.get(target) == 1.0:
            verdict.follow_up_right, verdict.moved_by = target, change.key
        elif verdict.follow_up_right == source or verdict.follow_up_right == target:
            verdict.follow_up_right, verdict.moved_by = None, None


def next_signer(f: Facts, change: Record, state: ChangeState) -> str | None:
    """The staff member whose signature the change waits for (the manager: the seller's superior)."""
    if not state.missing:
        return None
    first = state.missing[0]
    if first == "manager":
        superior = f.index.get("staff", change.get("from"))
        found = superior.get("superior") if superior else None
        return found if isinstance(found, str) else next(iter(sorted(f.superiors(change.get("from")))), None)
    if first == "director":
        for role in f.approvers("credit_change"):
            people = f.staff_with_role(role)
            if people:
                return people[0]
        return None
    return first


def _renewal(f: Facts, verdict: Verdict, handler: str, sale: dt.date, renewal: str) -> None:
    original = f.index.get("contract", renewal)
    first_rep = original.get("handled_by")
    left = f.left_on(first_rep)
    if isinstance(first_rep, str) and (left is None or left > sale):
        verdict.shares = {first_rep: 1.0}
        verdict.say("why.renewal-kept", "renewal", original.key, renewal=renewal, staff=first_rep)
    else:
        verdict.say("why.renewal-left", "renewal", original.key, renewal=renewal, staff=first_rep,
                    left=left.isoformat() if left else "", seller=handler)
