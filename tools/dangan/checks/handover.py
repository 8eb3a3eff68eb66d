"""Handover (seed 000 §四): each dossier type follows the chain of steps its policy
defines (`dossier_types.<type>.handover`), in order, by the roles named, within each
step's deadline (counted from the previous hand-over) unless an approved extension covers
it, and the whole chain within `handover_within`; each receipt is registered in time and
records the inventory check; the inventory has its parts in order before it leaves A and
is signed by every party in its copies once archived; supplement requests are closed by
their sender; an archived dossier's pages add up to its inventory total."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..record import Record
from ..rules.archive import ARCHIVED, inventory_parts, left_first_holder, parts_key, signers, whole_handover
from ..workdays import describe

_CLOSED = ("destroyed", "voided")


@needs("approvals")
def check_handover(index: Index, f: Facts) -> Iterator[Problem]:
    """Steps known, in order, by the right roles, on time, with the inventory checked."""
    for dossier in index.of("dossier").values():
        if dossier.get("status") == "voided" or not f.chain(dossier):
            continue
        yield from _unknown_steps(f, dossier)
        previous_to = dossier.get("manager_a")
        for step in f.steps(dossier):
            if step.done is None:
                if dossier.get("status") in ("archived", "on_loan", "destroyed"):
                    yield dossier.problem("handover.incomplete", ("handover",), step=step.name,
                                          policy_key=f.chain_key(dossier, step.position).rsplit(".", 1)[0])
                break
            yield from _step(f, dossier, step, previous_to)
            previous_to = step.done.get("to")
        yield from _order(dossier, f)


def _unknown_steps(f: Facts, dossier: Record) -> Iterator[Problem]:
    known = {s.id for s in f.chain(dossier)}
    for i, done in enumerate(dossier.get("handover") or []):
        if isinstance(done, dict) and done.get("step") not in known:
            yield dossier.problem("handover.step-unknown", ("handover", i, "step"), value=True,
                                  value_=done.get("step"), known=", ".join(sorted(map(str, known))),
                                  policy_key=f"dossier_types.{dossier.get('business_type')}.handover")


def _step(f: Facts, dossier: Record, step, previous_to) -> Iterator[Problem]:
    at = ("handover", step.recorded_at)
    done, definition = step.done, step.definition
    key = f.chain_key(dossier, step.position)
    if done.get("from") != previous_to and previous_to is not None:
        yield dossier.problem("handover.chain", (*at, "from"), value=True, step=step.name,
                              expected=previous_to, found=done.get("from"))
    for side, role_key in (("from", "from_role"), ("to", "to_role")):
        role = getattr(definition, role_key)
        if role and not f.has_role(done.get(side), [role]):
            yield dossier.problem("handover.role", (*at, side), value=True, step=step.name, staff=done.get(side),
                                  role=f.role_names([role]), policy_key=key.replace("deadline", role_key))
    handed = date(done.get("handed_on"))
    if _late(f, step):
        yield dossier.problem("handover.late", (*at, "handed_on"), value=True, step=step.name,
                              deadline=step.deadline.isoformat(), handed=handed.isoformat(),
                              period=describe(definition.deadline),
                              start=step.start.isoformat() if step.start else "", policy_key=key)
    received = date(done.get("received_on"))
    if received and handed and received < handed:
        yield dossier.problem("handover.dates", (*at, "received_on"), value=True, step=step.name)
    within = definition.receive_within
    if received and handed and within and received > f.calendar.deadline(handed, within):
        yield dossier.problem("handover.receipt-late", (*at, "received_on"), value=True, step=step.name,
                              staff=done.get("to"), handed=handed.isoformat(), received=received.isoformat(),
                              deadline=f.calendar.deadline(handed, within).isoformat(),
                              within=f"后 {describe(within)}内" if within.days else "当天",
                              within_en=(f"within {within.days} {'working ' if within.working else ''}days of"
                                         if within.days else "on the day of"),
                              policy_key=key.replace("deadline", "receive_within"))
    if received and done.get("inventory_checked") is not True:
        yield dossier.problem("handover.unchecked", at, step=step.name)


def _late(f: Facts, step) -> bool:
    """A recorded step handed over after its own deadline, and no approved extension covers the day."""
    handed = date(step.done.get("handed_on")) if step.done else None
    if not (handed and step.deadline and handed > step.deadline):
        return False
    approved = step.extension and f.has_role((step.extension.get("approved") or {}).get("by"),
                                             f.approvers("extension"))
    return not (approved and step.extended_until and handed <= step.extended_until)


@needs("approvals")
def check_whole_handover(index: Index, f: Facts) -> Iterator[Problem]:
    """The whole chain reaches the archive within `dossier_types.<type>.handover_within` of the project end
    (seed 000 §四(五)「五天之内」), whatever each step's own clock says, unless an approved extension runs to
    the day; a last step already late on its own clock is reported once, as that."""
    for dossier in index.of("dossier").values():
        if dossier.get("status") == "voided":
            continue
        steps = list(f.steps(dossier))
        whole = whole_handover(f, dossier)
        if whole is None or not steps or len(steps) < len(f.chain(dossier)) or steps[-1].done is None:
            continue
        last = steps[-1]
        handed = date(last.done.get("handed_on"))
        if handed and handed > whole.effective and not _late(f, last):
            yield dossier.problem("handover.total-late", ("handover", last.recorded_at, "handed_on"), value=True,
                                  start=whole.start.isoformat(), period=describe(whole.period),
                                  deadline=whole.effective.isoformat(), handed=handed.isoformat(),
                                  policy_key=whole.key)


def check_inventory(index: Index, f: Facts) -> Iterator[Problem]:
    """The inventory (seed 000 §四(二)(三)): every part of `inventory_parts` (or the type's own list), in order,
    once the dossier has left A; items numbered 1, 2, 3 … through the list; once archived no item with
    signatures missing, the list signed by every party of the chain and made in the type's `inventory_copies`."""
    for dossier in index.of("dossier").values():
        if (dossier.get("status") in _CLOSED and not dossier.get("inventory")) or f.dossier_type(dossier) is None:
            continue  # a voided number, or a destroyed dossier whose inventory is not kept
        if left_first_holder(f, dossier):
            yield from _parts(f, dossier)
        yield from _numbers(dossier)
        if dossier.get("status") in ARCHIVED:
            yield from _signed_off(f, dossier)


def _parts(f: Facts, dossier: Record) -> Iterator[Problem]:
    expected = inventory_parts(f, dossier)
    key = parts_key(dossier, f)
    names = "、".join(f.policy.name("policy:inventory_parts", p) for p in expected)
    found = [(i, part.get("part")) for i, part in enumerate(dossier.get("inventory") or []) if isinstance(part, dict)]
    present = [p for _, p in found]
    missing = [p for p in expected if p not in present]
    if missing:
        yield dossier.problem("inventory.part-missing", ("inventory",), parts="、".join(
            f.policy.name("policy:inventory_parts", p) for p in missing), expected=names, policy_key=key)
    known = [(i, p) for i, p in found if p in expected]
    for i, part in found:
        if part not in expected:
            yield dossier.problem("inventory.part-unexpected", ("inventory", i, "part"), value=True, part=part,
                                  expected=names, policy_key=key)
    order = [p for p in expected if p in present]
    for (i, part), wanted in zip(known, order, strict=False):
        if part != wanted:
            yield dossier.problem("inventory.part-order", ("inventory", i, "part"), value=True, part=part,
                                  expected=names, policy_key=key)
            break


def _numbers(dossier: Record) -> Iterator[Problem]:
    """序号: when the items carry numbers, they run 1, 2, 3 … through the whole list."""
    expected = 0
    for i, part in enumerate(dossier.get("inventory") or []):
        for j, item in enumerate(part.get("items") or [] if isinstance(part, dict) else []):
            expected += 1
            seq = item.get("seq") if isinstance(item, dict) else None
            if seq is not None and seq != expected:
                yield dossier.problem("inventory.seq", ("inventory", i, "items", j, "seq"), value=True,
                                      found=seq, expected=expected)
                return


def _signed_off(f: Facts, dossier: Record) -> Iterator[Problem]:
    for i, part in enumerate(dossier.get("inventory") or []):
        for j, item in enumerate(part.get("items") or [] if isinstance(part, dict) else []):
            if isinstance(item, dict) and item.get("signatures_complete") is False:
                yield dossier.problem("inventory.signatures-incomplete",
                                      ("inventory", i, "items", j, "signatures_complete"), value=True,
                                      title=item.get("title"))
    signed = {s.get("by") for s in dossier.get("inventory_signed") or [] if isinstance(s, dict)}
    at = ("inventory_signed",) if dossier.get("inventory_signed") else ("status",)
    for person in signers(f, dossier):
        if person not in signed:
            yield dossier.problem("inventory.unsigned", at, value=at == ("status",), staff=person)
    kind = f.dossier_type(dossier)
    copies = dossier.get("inventory_copies")
    if kind and kind.inventory_copies and copies != kind.inventory_copies:
        at = ("inventory_copies",) if copies is not None else ("status",)
        yield dossier.problem("inventory.copies", at, value=True, expected=kind.inventory_copies,
                              found=copies if copies is not None else "未记录",
                              policy_key=f"dossier_types.{dossier.get('business_type')}.inventory_copies")


def _order(dossier: Record, f: Facts) -> Iterator[Problem]:
    """Recorded steps appear in the chain's order, each after the one before."""
    order = {s.id: i for i, s in enumerate(f.chain(dossier))}
    done = [(i, s) for i, s in enumerate(dossier.get("handover") or []) if isinstance(s, dict)]
    positions = [order.get(s.get("step"), -1) for _, s in done]
    for (i, s), position, expected in zip(done, positions, range(len(done)), strict=False):
        if position != expected and position >= 0:
            yield dossier.problem("handover.order", ("handover", i, "step"), value=True, step=s.get("step"),
                                  policy_key=f"dossier_types.{dossier.get('business_type')}.handover")
            return


def _approved_entries(index: Index, f: Facts, field: str, what: str) -> Iterator[Problem]:
    """Each entry of a dossier's list `field` is approved by a role in `approvals.<what>`."""
    allowed = f.approvers(what)
    for dossier in index.of("dossier").values():
        for i, entry in enumerate(dossier.get(field) or []):
            by = (entry.get("approved") or {}).get("by") if isinstance(entry, dict) else None
            if by is not None and not f.has_role(by, allowed):
                yield dossier.problem("approval.role", (field, i, "approved", "by"), value=True,
                                      staff=by, roles=f.role_names(allowed), policy_key=f"approvals.{what}")


@needs("approvals")
def check_extensions(index: Index, f: Facts) -> Iterator[Problem]:
    """An extension is approved by a role in `approvals.extension`."""
    return _approved_entries(index, f, "extensions", "extension")


@needs("approvals")
def check_amendments(index: Index, f: Facts) -> Iterator[Problem]:
    """An amendment to an archived dossier is approved by a role in `approvals.amendment`."""
    return _approved_entries(index, f, "amendments", "amendment")


def check_supplements(index: Index, f: Facts) -> Iterator[Problem]:
    """A supplement request is closed by whoever opened it; an archived dossier has none open."""
    for dossier in index.of("dossier").values():
        for i, request in enumerate(dossier.get("supplements") or []):
            if not isinstance(request, dict):
                continue
            opened, closed = request.get("requested") or {}, request.get("closed")
            if isinstance(closed, dict):
                if closed.get("by") != opened.get("by"):
                    yield dossier.problem("supplement.closed-by", ("supplements", i, "closed", "by"), value=True,
                                          staff=closed.get("by"), sender=opened.get("by"))
                closed_on, opened_on = date(closed.get("date")), date(opened.get("date"))
                if closed_on and opened_on and closed_on < opened_on:
                    yield dossier.problem("supplement.dates", ("supplements", i, "closed", "date"), value=True)
            elif dossier.get("status") in ("archived", "on_loan"):
                yield dossier.problem("supplement.open", ("supplements", i), items="、".join(
                    map(str, request.get("items") or [])))


def check_pages(index: Index, f: Facts) -> Iterator[Problem]:
    """`total_pages` equals the sum of the inventory items' pages."""
    for dossier in index.of("dossier").values():
        if dossier.get("status") in _CLOSED and not dossier.get("inventory"):
            continue
        total = dossier.get("total_pages")
        pages = [item.get("pages") for part in dossier.get("inventory") or [] if isinstance(part, dict)
                 for item in part.get("items") or [] if isinstance(item, dict)]
        if isinstance(total, int) and pages and all(isinstance(p, int) for p in pages) and sum(pages) != total:
            yield dossier.problem("dossier.pages", ("total_pages",), value=True, total=total, counted=sum(pages))
