"""The dashboard: counts by kind and status, what is overdue today, tiers against the quotas,
complaint hotspots, loans out and dossiers still on their way to the archive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import due
from ..due_report import KIND_NAMES
from ..facts import is_open, loan_items
from ..rules.tiers import distribution
from . import charts, records, routes
from .analysis import complaint_counts, month_series
from .ledgers import kinds
from .pages import Page, Site
from .values import Cell

OPEN_DOSSIER = ("preparing", "with_b")
TIERS = ("vip", "preferred", "qualified")


def counts(site: Site) -> list[dict]:
    index = site.index
    out = []
    for kind in kinds(site):
        records = index.of(kind).values()
        info = index.schemas.field_info(kind, ("status",))
        by_status = Counter(r.get("status") for r in records)
        statuses = [(label, by_status.get(code, 0)) for code, label in
                    ((info.schema.get("x-labels") or {}).items() if info else ())]
        out.append({"kind": kind, "title": index.schemas.title(kind), "total": len(records), "statuses": statuses,
                    "ledger": routes.ledger(index, kind)})
    return out


def overdue(site: Site) -> list[dict]:
    view, index = site.view, site.index
    rows = []
    for item in due.collect(index, site.as_of, 0):
        kind, _, rid = item.record.partition("/")
        record = index.get(kind, rid)
        sealed = view.is_sealed(record)
        rows.append({"due": item.due.isoformat(), "days": item.overdue_days(site.as_of),
                     "kind": KIND_NAMES.get(item.kind, item.kind),
                     "record": view.link(kind, rid) if record else Cell(item.record), "sealed": sealed,
                     "what": "" if sealed else view.mask.text(item.what),
                     "owner": view.link("staff", item.owner) if item.owner else Cell(""), "rule": item.rule})
    return rows


def tiers(site: Site) -> dict:
    view = site.view
    policy = view.facts.policy
    quotas = policy.customers.tier_quotas
    rows = []
    for code in policy.departments:
        counted = distribution(view.facts, code, site.as_of)
        if not counted["total"]:
            continue
        share = {t: counted[t] / counted["total"] for t in TIERS}
        over = {t: t in quotas and share[t] > quotas[t] for t in TIERS}
        rows.append({"department": view.policy_name("policy:departments", code), "counts": counted,
                     "share": share, "over": over})
    labels = [view.cell("customer", ("tier",), t).text for t in TIERS]
    markers = [(quotas[t], f"{labels[i]} ≤ {quotas[t]:.0%}") for i, t in enumerate(TIERS[:2]) if t in quotas]
    chart = charts.bars([(r["department"], [r["share"][t] for t in TIERS[:2]]) for r in rows], labels[:2],
                        markers, percent=True)
    return {"rows": rows, "labels": labels, "quotas": {t: quotas.get(t) for t in TIERS}, "chart": chart}


def loans_out(site: Site) -> list[dict]:
    view = site.view
    rows = []
    for loan in sorted(site.index.of("loan").values(), key=lambda r: r.id):
        if not is_open(loan):
            continue
        due_on = loan.get("due_on") or ""
        rows.append({"loan": view.link("loan", loan.id), "borrower": view.link("staff", loan.get("borrower")),
                     "items": [view.link(kind, item) for kind, item in loan_items(loan)],
                     "lent": loan.get("lent", "date") or "", "due": due_on,
                     "late": bool(due_on) and due_on < site.as_of.isoformat()})
    return rows


def awaiting_handover(site: Site) -> list[dict]:
    view, f = site.view, site.view.facts
    rows = []
    for dossier in sorted(site.index.of("dossier").values(), key=lambda r: r.id):
        if dossier.get("status") not in OPEN_DOSSIER:
            continue
        pending = next((s for s in f.steps(dossier) if s.done is None), None)
        deadline = pending.effective_deadline if pending else None
        rows.append({"dossier": view.link("dossier", dossier.id), "customer": view.link("customer", dossier.get(
            "customer")), "project": view.summary(dossier), "step": pending.name if pending else "",
            "deadline": deadline.isoformat() if deadline else "", "late": bool(deadline and deadline < site.as_of),
            "status": view.cell("dossier", ("status",), dossier.get("status")).text})
    return rows


def pages(site: Site) -> Iterator[Page]:
    def context() -> dict:
        by_month, by_category = complaint_counts(site)
        return {
            "counts": counts(site), "overdue": overdue(site), "tiers": tiers(site), "loans": loans_out(site),
            "handover": awaiting_handover(site), "as_of": site.as_of.isoformat(),
            "complaints_by_month": charts.columns(month_series(by_month)),
            "complaints_by_category": charts.bars([(label, [n]) for label, n in by_category]),
        }

    yield Page(routes.DASHBOARD, "dashboard.html", context, key=records.whole(site, routes.DASHBOARD))
