"""Handover (seed 000 §四): each dossier type follows the chain of steps its policy
defines (`dossier_types.<type>.handover`), in order, by the roles named, within each
step's deadline unless an approved extension covers it; each receipt records the
inventory check; supplement requests are closed by their sender; an archived
dossier's pages add up to its inventory total."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..index import Index
from ..policy import needs
from ..problems import Problem
from ..record import Record
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
    if handed and step.deadline and handed > step.deadline:
        extension = step.extension
        approved = extension and f.has_role((extension.get("approved") or {}).get("by"), f.approvers("extension"))
        if not (approved and step.extended_until and handed <= step.extended_until):
            yield dossier.problem("handover.late", (*at, "handed_on"), value=True, step=step.name,
                                  deadline=step.deadline.isoformat(), handed=handed.isoformat(),
                                  period=describe(definition.deadline),
                                  start=step.start.isoformat() if step.start else "", policy_key=key)
    received = date(done.get("received_on"))
    if received and handed and received < handed:
        yield dossier.problem("handover.dates", (*at, "received_on"), value=True, step=step.name)
    if received and done.get("inventory_checked") is not True:
        yield dossier.problem("handover.unchecked", at, step=step.name)


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
