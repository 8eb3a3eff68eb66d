"""Order attribution (seed 000, 篇2 客户成单争议): who is credited with a contract.

Decided from the records, by the policy's `attribution` values:

* a follow-up record (visit of kind ``follow_up``) is valid for `follow_up_valid_days`
  after its date, an appointment (kind ``appointment``) for `appointment_valid_days`
  (0: its own day); the earliest valid record wins, two on the same day share half;
* a claim by another rep counts only with an earlier valid record of theirs: raised
  within `whole_within_days` of the sale it takes the whole order, within
  `half_within_days` half, later nothing; for a group order (`group_size` or more
  people) a claim counts only on the day of the sale;
* a renewal stays with the original rep while employed, else goes to whoever renews;
* a card bought for someone else belongs to whoever follows its user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .facts import Facts, date
from .record import Record

KINDS = ("follow_up", "appointment")


@dataclass
class Verdict:
    contract: str
    shares: dict[str, float] = field(default_factory=dict)  # staff id -> share of the order
    reasons: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # record keys the verdict rests on

    @property
    def credited(self) -> list[str]:
        top = max(self.shares.values(), default=0)
        return sorted(s for s, share in self.shares.items() if share == top and share > 0)


def _settings(f: Facts) -> dict:
    values = f.policy.attribution
    return {"follow_up": values.follow_up_valid_days, "appointment": values.appointment_valid_days,
            "whole": values.whole_within_days, "half": values.half_within_days, "group": values.group_size}


def valid_records(f: Facts, customer: str, sale: dt.date) -> list[tuple[dt.date, str, Record]]:
    """(date, kind, visit) of every follow-up or appointment valid on the day of the sale."""
    settings = _settings(f)
    out = []
    for visit in f.visits_by_customer.get(customer, ()):
        kind, when = visit.get("kind"), date(visit.get("date"))
        if kind not in KINDS or when is None:
            continue
        if when <= sale <= when + dt.timedelta(days=settings[kind]):
            out.append((when, kind, visit))
    return sorted(out, key=lambda r: (r[0], 0 if r[1] == "appointment" else 1, r[2].id))


def decide(f: Facts, contract: Record) -> Verdict:
    verdict = Verdict(contract.id)
    handler = contract.get("handled_by")
    sale = date(contract.get("signed_on"))
    details = contract.get("attribution") or {}
    if sale is None or not isinstance(handler, str):
        verdict.shares = {handler: 1.0} if isinstance(handler, str) else {}
        return verdict
    renewal = details.get("renewal_of")
    if isinstance(renewal, str) and f.index.get("contract", renewal) is not None:
        return _renewal(f, contract, verdict, handler, sale, renewal)
    customer = details.get("card_user") or contract.get("customer")
    if details.get("card_user"):
        verdict.reasons.append(f"为他人办卡：按使用人 {customer} 的跟进记录判定。")
    records = valid_records(f, customer, sale)
    verdict.used += [r[2].key for r in records]
    first_by: dict[str, dt.date] = {}
    for when, _, visit in records:
        first_by.setdefault(visit.get("staff"), when)
    handler_first = first_by.get(handler)
    settings = _settings(f)
    group = isinstance(details.get("group_size"), int) and details["group_size"] >= settings["group"]
    verdict.shares = {handler: 1.0}
    verdict.reasons.append(f"经办人 {handler}" + (f" 的有效跟进/预约始于 {handler_first}。" if handler_first else
                                                 " 没有有效的跟进或预约记录。"))
    for claim in sorted(details.get("claims") or [], key=lambda c: str(c.get("raised_on"))):
        if not isinstance(claim, dict):
            continue
        _claim(f, verdict, claim, handler, handler_first, first_by, sale, settings, group)
    return verdict


def _claim(f, verdict, claim, handler, handler_first, first_by, sale, settings, group) -> None:
    rep, raised = claim.get("staff"), date(claim.get("raised_on"))
    own = first_by.get(rep)
    if own is None:
        verdict.reasons.append(f"{rep} 对单无效：销售当天没有其有效的跟进表或预约。")
        return
    late = (raised - sale).days if raised else 10**6
    window_whole, window_half = (0, 0) if group else (settings["whole"], settings["half"])
    if group:
        verdict.reasons.append(f"团单（{settings['group']} 人以上）：只能当天对单。")
    if handler_first is not None and handler_first < own:
        verdict.reasons.append(f"{rep} 对单不成立：经办人的跟进（{handler_first}）早于 {rep} 的（{own}）。")
        return
    same_day = handler_first == own
    if late <= window_whole and not same_day:
        verdict.shares = {rep: 1.0}
        verdict.reasons.append(f"{rep} 的跟进（{own}）在先，{late} 天内提出对单：整单归 {rep}。")
    elif late <= window_half or (same_day and late <= window_whole):
        share = {handler: 0.5, rep: 0.5}
        verdict.shares = share
        why = "同一天跟进" if same_day else f"{late} 天后提出对单（{window_whole}–{window_half} 天内）"
        verdict.reasons.append(f"{rep} 的跟进（{own}）{why}：每人各一半。")
    else:
        verdict.reasons.append(f"{rep} 在 {late} 天后才提出对单，超过 {window_half} 天：不予调整。")


def _renewal(f, contract, verdict, handler, sale, renewal) -> Verdict:
    original = f.index.get("contract", renewal)
    first_rep = original.get("handled_by")
    left = f.left_on(first_rep)
    verdict.used.append(original.key)
    if isinstance(first_rep, str) and (left is None or left > sale):
        verdict.shares = {first_rep: 1.0}
        verdict.reasons.append(f"续约 {renewal}：原顾问 {first_rep} 在职，业绩归原顾问。")
    else:
        verdict.shares = {handler: 1.0}
        verdict.reasons.append(f"续约 {renewal}：原顾问 {first_rep} 已离职（{left}），谁跟进续约归谁：{handler}。")
    return verdict
