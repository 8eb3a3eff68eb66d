"""Sales credit (seed 000 篇2 客户成单争议), beside the credited rep itself (`contracts.check_attribution`):
claims raised after the month's close, evidence that is no evidence, walk-ins nobody registered, credit
changes (业绩更改单) signed by the right people in the right order within the month, and the follow-up right
of whoever gets the whole order (`attribution.*`, `approvals.credit_change`, `approvals.appointment`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..attribution import (
    change_state,
    closed,
    credit_changes,
    decide,
    defect,
    last_day_to_change,
    registrations,
)
from ..facts import Facts, date
from ..groups import BY_SALE, grouped
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem, Words

_STEPS_EN = {"manager": "the manager's signature", "director": "the director's signature"}


@grouped(BY_SALE)
@needs("attribution")
def check_claims(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇2 跟进原则 9.: a claim raised after the month of the sale, or in the month's last
    `attribution.month_end_days` days for an order of an earlier day, changes nothing (`close_at_month_end`;
    a warning on the claim, never an accusation of the seller) — except for an unregistered walk-in (篇2 6.).
    篇2 4.–5., 跟进原则 10.: each follow-up or appointment a claim cites carries the customer's surname and own
    mobile, and an appointment the signature of a role of `approvals.appointment`. 篇2 7.: a walk-in sale
    (`attribution.walk_in`) has the customer's registration of that day."""
    for contract in index.of("contract").values():
        details = contract.get("attribution")
        sale = date(contract.get("signed_on"))
        if not isinstance(details, dict) or sale is None:
            continue
        customer = details.get("card_user") or contract.get("customer")
        unregistered = details.get("walk_in") is True and not registrations(f, customer, sale)
        if unregistered:
            yield contract.problem("attribution.unregistered", ("attribution", "walk_in"), value=True,
                                   date=sale.isoformat(), severity=WARNING)
        for i, claim in enumerate(details.get("claims") or []):
            if not isinstance(claim, dict):
                continue
            raised = date(claim.get("raised_on"))
            if raised and not unregistered and closed(f, sale, raised):
                deadline = last_day_to_change(f, sale)
                yield contract.problem("attribution.claim-closed", ("attribution", "claims", i, "raised_on"),
                                       value=True, staff=claim.get("staff"), raised=raised.isoformat(),
                                       deadline=deadline.isoformat() if deadline else "",
                                       days=f.policy.attribution.month_end_days, severity=WARNING,
                                       policy_key="attribution.close_at_month_end")
            for j, ref in enumerate(claim.get("evidence") or []):
                visit = index.get("visit", ref) if isinstance(ref, str) else None
                if visit is None:
                    continue  # a missing record is the references check's
                found = defect(f, visit, customer, sale)
                if found is None and visit.get("staff") != claim.get("staff"):
                    found = "other-staff"
                if found:
                    key = "approvals.appointment" if found == "unsigned" else "attribution"
                    yield contract.problem("attribution.evidence", ("attribution", "claims", i, "evidence", j),
                                           value=True, visit=ref, defect=found, severity=WARNING, policy_key=key)


@grouped(BY_SALE)
@needs("attribution", "approvals")
def check_credit_changes(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇2 跟进原则 9.: a credit change (业绩更改单) is agreed by both reps (`from`, `to`), then signed by
    the manager of the rep who gives the credit (their superior or department head), then by a role of
    `approvals.credit_change` (总监); a change signed off after the month of the sale, or in its last
    `attribution.month_end_days` days for an earlier order, changes nothing (a warning); the rep who gives
    must hold the credit."""
    for change in index.of("credit_change").values():
        state = change_state(f, change)
        for path, what in state.wrong:
            if what == "party":
                yield change.problem("credit-change.party", path, value=True, staff=change.get(*path),
                                     source=change.get("from"), target=change.get("to"))
            elif what == "manager":
                expected = sorted(f.superiors(change.get("from")))
                yield change.problem("credit-change.manager", path, value=True, staff=change.get(*path),
                                     source=change.get("from"), expected=_people(index, expected))
            elif what == "director":
                yield change.problem("approval.role", path, value=True, staff=change.get(*path),
                                     roles=f.role_names(f.approvers("credit_change")),
                                     policy_key="approvals.credit_change")
            else:
                step = path[0]
                before = change.get("manager", "date") if step == "director" else max(
                    str(a.get("date")) for a in change.get("agreed") or [] if isinstance(a, dict))
                label = Words(index.schemas.label("credit_change", (step,)), _STEPS_EN[step])
                yield change.problem("credit-change.order", path, value=True, step=label,
                                     date=change.get(*path), before=before)
        contract = index.get("contract", change.get("contract")) if isinstance(change.get("contract"), str) else None
        sale = date(contract.get("signed_on")) if contract else None
        if contract is None or sale is None or not state.complete or state.wrong or state.done_on is None:
            continue
        if closed(f, sale, state.done_on):
            deadline = last_day_to_change(f, sale)
            yield change.problem("credit-change.closed", ("director", "date"), value=True,
                                 signed=state.done_on.isoformat(), deadline=deadline.isoformat() if deadline else "",
                                 days=f.policy.attribution.month_end_days, severity=WARNING,
                                 policy_key="attribution.close_at_month_end")
        elif any(r.code == "why.change-not-held" and r.args.get("change") == change.id
                 for r in decide(f, contract).reasons):
            yield change.problem("credit-change.not-held", ("from",), value=True, staff=change.get("from"),
                                 contract=contract.id)


@grouped(BY_SALE)
@needs("attribution")
def check_follow_up_right(index: Index, f: Facts) -> Iterator[Problem]:
    """Seed 000 篇2 主动上门 6.「对得全单可获跟进权，半单则由办卡人跟进服务」: after the latest disputed order of
    a customer, whoever got the whole order from the seller (by a claim or a credit change) is the customer's
    owner, with a transfer in `owner_transfers` citing the contract or the change; after half an order the
    seller keeps serving (is the owner)."""
    latest: dict[str, tuple] = {}
    for contract in index.of("contract").values():
        sale = date(contract.get("signed_on"))
        disputed = (contract.get("attribution") or {}).get("claims") or credit_changes(f, contract.id)
        if sale is None or not disputed or not isinstance(contract.get("customer"), str):
            continue
        verdict = decide(f, contract)
        half = len([s for s, share in verdict.shares.items() if 0 < share < 1]) == 2
        if not verdict.follow_up_right and not half:
            continue
        key = (sale, contract.id)
        if contract.get("customer") not in latest or latest[contract.get("customer")][0] < key:
            latest[contract.get("customer")] = (key, contract, verdict, half)
    for cid, (_, contract, verdict, half) in sorted(latest.items()):
        customer = index.get("customer", cid)
        if customer is None:
            continue
        owner = customer.get("owner")
        if half:
            if verdict.seller and owner != verdict.seller:
                yield customer.problem("attribution.half-keeps-seller", ("owner",), value=True,
                                       staff=verdict.seller, owner=owner, contract=contract.id)
            continue
        rep = verdict.follow_up_right
        if owner != rep:
            yield customer.problem("attribution.follow-up-right", ("owner",), value=True, staff=rep, owner=owner,
                                   contract=contract.id)
            continue
        basis_field, basis = ("contract", contract.id)
        if verdict.moved_by and verdict.moved_by.startswith("credit_change/"):
            basis_field, basis = ("credit_change", verdict.moved_by.partition("/")[2])
        recorded = [t for t in customer.get("owner_transfers") or [] if isinstance(t, dict)
                    and t.get("to") == rep and t.get(basis_field) == basis and t.get("reason")]
        if not recorded:
            where = ("owner_transfers",) if "owner_transfers" in customer.data else ("owner",)
            yield customer.problem("attribution.transfer-missing", where, value=True, staff=rep, basis=basis)


def _people(index: Index, ids: list[str]) -> Words:
    people = [(index.get("staff", s), s) for s in ids]
    zh = "、".join(f"{p.get('name')}（{s}）" if p else s for p, s in people) or "—"
    en = ", ".join(f"{p.get('name')} ({s})" if p else s for p, s in people) or "—"
    return Words(zh, en)
