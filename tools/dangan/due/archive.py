"""The archive's deadlines (seed 000, 001): the next handover step of every dossier on its way to the archive
and the whole chain's limit where it comes first, open supplement requests, approved extensions, certificates
to reach the keeper, loans and certificates to come back, retention periods ending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..facts import Facts, date, is_open, loan_items
from ..rules.archive import certificate_deadline, whole_handover
from ..workdays import describe
from .item import DueItem, Source

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
            counted = f.calendar.guessed_years(step.start, step.definition.deadline) \
                if due == step.deadline else ()  # an extension's date is given, not counted
            yield DueItem("handover", dossier.key, f"{step.name}：{dossier.get('project', default='')}",
                          due, holder, f.chain_key(dossier, step.position), counted)


def whole_handovers(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """The whole chain's limit (`handover_within` from the project end), for a dossier whose next step's own
    deadline falls later (after an extension of an earlier step, or a late one): then it is the date that counts."""
    for dossier, step, holder in _open_steps(f):
        whole = whole_handover(f, dossier)
        if whole is None or not step.effective_deadline or whole.effective >= step.effective_deadline:
            continue
        counted = f.calendar.guessed_years(whole.start, whole.period) if whole.effective == whole.deadline else ()
        what = (f"移交全程（项目结束后 {describe(whole.period)}内交到档案室）：{dossier.get('project', default='')}，"
                f"最迟 {whole.effective.isoformat()}（含）")
        yield DueItem("handover", dossier.key, what, whole.effective, holder, whole.key, counted)


def certificates_to_keeper(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Certificates listed by A and not yet with the keeper: at once, `certificates.to_keeper_within`."""
    for cert in f.index.of("certificate").values():
        if isinstance(cert.get("received"), dict) or cert.get("status") not in (None, "listed"):
            continue
        due = certificate_deadline(f, cert)
        if due:
            dossier = f.index.get("dossier", cert.get("dossier"))
            start = date(dossier.get("project_end")) if dossier else None
            owner = cert.get("listed_by") or (dossier.get("manager_a") if dossier else None)
            what = f"权证交权证管理员：{cert.get('title', default='')}，最迟 {due.isoformat()}（含）"
            yield DueItem("certificate_handover", cert.key, what, due, owner, "certificates.to_keeper_within",
                          f.calendar.guessed_years(start, f.policy.certificates.to_keeper_within) if start else ())


def supplements(f: Facts, as_of: dt.date, horizon: dt.date) -> Iterator[DueItem]:
    """Open supplement requests: the sender of the step must bring the missing items."""
    period = f.policy.supplements.within
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


SOURCES: list[Source] = [handover_steps, whole_handovers, supplements, extensions, certificates_to_keeper,
                         loan_returns, retention_expiries]
