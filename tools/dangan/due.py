"""`dangan due`: what is due or overdue on a date, and whose it is.

Each source is a function of the facts, the day and the horizon yielding `DueItem`s;
the archive's sources are here, the customer side's in `due_customers`. A deadline counted in
working days through a year whose official holidays are not known is provisional
(`WorkCalendar.guessed_years`). `out_of_range` names the days that cannot be computed at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .facts import Facts, date, facts, is_open, loan_items
from .index import Index
from .problems import Problem
from .schedules import LUNAR_YEARS, SCHEDULED_DAYS
from .workdays import OFFICIAL_YEARS, official_source, spans


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: str  # handover, supplement, extension, loan, certificate, retention, …
    record: str  # "kind/id"
    what: str
    due: dt.date
    owner: str | None  # staff id
    rule: str  # the policy key (or rule) that sets the date
    provisional: tuple[int, ...] = ()  # the years of unknown holidays its working days were counted through

    def overdue_days(self, as_of: dt.date) -> int:
        return max(0, (as_of - self.due).days)

    def as_dict(self, as_of: dt.date) -> dict:
        out = {"kind": self.kind, "record": self.record, "what": self.what, "due": self.due.isoformat(),
               "owner": self.owner, "overdue_days": self.overdue_days(as_of), "rule": self.rule}
        if self.provisional:
            out |= {"provisional": True, "provisional_years": list(self.provisional)}
        return out


Source = Callable[[Facts, dt.date, dt.date], Iterator[DueItem]]  # (facts, as of, horizon)
_OPEN_DOSSIER = ("preparing", "with_b")


def _open_steps(f: Facts) -> Iterator[tuple]:
    """(dossier, its next step, who holds the dossier) for every dossier still on its way to the archive."""
    for dossier in f.index.of("dossier").values():
        if dossier.get("status") not in _OPEN_DOSSIER:
            continue
        holder = dossier.get("manager_a")
        for step in f.steps(dossier):
            if step.done is None:
                yield dossier, step, holder
                break
            holder = step.done.get("to")


def handover_steps(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """The next handover step of every dossier still on its way to the archive."""
    for dossier, step, holder in _open_steps(f):
        due = step.effective_deadline
        if due:
            counted = f.calendar.guessed_years(step.start, step.definition.get("deadline")) \
                if due == step.deadline else ()  # an extension's date is given, not counted
            yield DueItem("handover", dossier.key, f"{step.name}：{dossier.get('project', default='')}",
                          due, holder, f.chain_key(dossier, step.position), counted)


def supplements(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Open supplement requests: the sender of the step must bring the missing items."""
    period = (f.policy.get("supplements") or {}).get("within") or {"days": 0, "unit": "calendar_days"}
    for dossier in f.index.of("dossier").values():
        senders = {s.get("step"): s.get("from") for s in dossier.get("handover") or [] if isinstance(s, dict)}
        for request in dossier.get("supplements") or []:
            if not isinstance(request, dict) or isinstance(request.get("closed"), dict):
                continue
            opened = date((request.get("requested") or {}).get("date"))
            if opened:
                items = "、".join(map(str, request.get("items") or []))
                yield DueItem("supplement", dossier.key, f"补齐资料：{items}", f.calendar.deadline(opened, period),
                              senders.get(request.get("step"), dossier.get("manager_a")), "supplements.within",
                              f.calendar.guessed_years(opened, period))


def extensions(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Extensions running out while their step is still open."""
    for dossier, step, holder in _open_steps(f):
        if step.extended_until:
            yield DueItem("extension", dossier.key, f"延期到期：{step.name}", step.extended_until, holder,
                          "approvals.extension")


def loan_returns(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Open loans, due back on their slip's date; certificates listed one by one."""
    for loan in f.index.of("loan").values():
        due = date(loan.get("due_on"))
        if not is_open(loan) or due is None:
            continue
        items = list(loan_items(loan))
        names = "、".join(item for _, item in items)
        yield DueItem("loan", loan.key, f"归还：{names}", due, loan.get("borrower"), "loans.default_days")
        for kind, item in items:
            if kind == "certificate":
                yield DueItem("certificate", f"certificate/{item}", f"权证归还（借阅单 {loan.id}）", due,
                              loan.get("borrower"), "approvals.certificate_release")


def retention_expiries(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Archived dossiers whose retention period expires: they may be destroyed."""
    for dossier in f.index.of("dossier").values():
        if dossier.get("status") not in ("archived", "on_loan"):
            continue
        expiry = f.retention_expiry(dossier)
        if expiry:
            steps = [s for s in dossier.get("handover") or [] if isinstance(s, dict)]
            keeper = steps[-1].get("to") if steps else None
            yield DueItem("retention", dossier.key, f"保管期满（{f.retention_years(dossier)} 年），可申请销毁",
                          expiry, keeper, f"dossier_types.{dossier.get('business_type')}.retention_years")


SOURCES: list[Source] = [handover_steps, supplements, extensions, loan_returns, retention_expiries]


def out_of_range(index: Index, as_of: dt.date, within: int) -> Problem | None:
    """`due.out-of-range` when `as_of`, or the horizon `within` days later, is a day `collect` cannot compute:
    outside the schedules' days (the lunar calendar's years). Inside them every day is computed; where the
    official holidays are not known, working-day deadlines come out provisional."""
    first, last = SCHEDULED_DAYS
    if first <= as_of <= last:
        horizon = as_of + dt.timedelta(days=within)
        if horizon <= last:
            return None
        outside = horizon
    else:
        outside = as_of
    policy_years = facts(index).calendar.policy_years - OFFICIAL_YEARS
    return Problem("due.out-of-range", "", args={
        "day": outside.isoformat(), "first": first.isoformat(), "last": last.isoformat(),
        "lunar_first": LUNAR_YEARS[0], "lunar_last": LUNAR_YEARS[-1], "official": spans(OFFICIAL_YEARS),
        "package": official_source(), "policy_years": spans(policy_years)})


def collect(index: Index, as_of: dt.date, within: int, staff: str | None = None) -> list[DueItem]:
    """Everything due on or before `as_of + within` days (overdue included), earliest first."""
    from .due_customers import SOURCES as CUSTOMER_SOURCES

    f = facts(index)
    horizon = as_of + dt.timedelta(days=within)
    items = [item for source in (*SOURCES, *CUSTOMER_SOURCES) for item in source(f, as_of, horizon)
             if item.due <= horizon and (staff is None or item.owner == staff)]
    return sorted(items, key=lambda i: (i.due, i.kind, i.record))
