"""Printable forms: a dossier's inventory list (册内资料清单), a loan slip (档案资料出借单), a destruction
list (销毁清册), a customer's credit report (信用报告) and the half-year contract statistics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import contract_stats
from ..facts import date
from ..record import Record
from . import records, routes
from .pages import Page, Site
from .values import Cell

INVENTORY, LOAN, DISPOSAL, CREDIT = (routes.FORM_OF[kind] for kind in ("dossier", "loan", "disposal", "customer"))
CONTRACTS = "contracts"
TEMPLATES = {INVENTORY: "form_inventory.html", LOAN: "form_loan.html", DISPOSAL: "form_disposal.html",
             CREDIT: "form_credit.html"}


@dataclass
class SignatureLine:
    label: str
    person: Cell
    date: str


@dataclass
class Part:
    code: str
    name: str
    items: list[dict] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(i["pages"] for i in self.items if isinstance(i["pages"], int))


def inventory(site: Site, dossier: Record) -> Page:
    view, f = site.view, site.view.facts
    parts = {code: Part(code, part.name) for code, part in f.policy.inventory_parts.items()}
    for i, part in enumerate(dossier.get("inventory") or []):
        if not isinstance(part, dict):
            continue
        found = parts.setdefault(part.get("part"), Part(str(part.get("part")), str(part.get("part"))))
        for j, item in enumerate(part.get("items") or []):
            if isinstance(item, dict):
                path = ("inventory", i, "items", j)
                found.items.append({"title": view.mask.text(str(item.get("title", ""))), "pages": item.get("pages"),
                                    "form": view.cell("dossier", (*path, "form"), item.get("form")).text})
    recorded = {s.get("step"): s for s in dossier.get("handover") or [] if isinstance(s, dict)}
    chain = f.chain(dossier)
    lines = []
    for position, step in enumerate(chain):
        done = recorded.get(step.id) or {}
        person = done.get("from") or (dossier.get("manager_a") if position == 0 else None)
        if position == 1 and not person:
            person = dossier.get("manager_b")
        label = (site.index.schemas.label("dossier", ("manager_a",)) if position == 0 else
                 site.index.schemas.label("dossier", ("manager_b",)) if position == 1 else
                 f.role_names([step.from_role]))
        lines.append(SignatureLine(label, view.link("staff", person) if person else Cell(""),
                                   done.get("handed_on", "")))
    if chain:
        last = recorded.get(chain[-1].id) or {}
        lines.append(SignatureLine(f.role_names([chain[-1].to_role]),
                                   view.link("staff", last["to"]) if last.get("to") else Cell(""),
                                   last.get("received_on", "")))
    attachments = [{"title": view.mask.text(str(a.get("title", ""))), "copies": a.get("copies")}
                   for a in dossier.get("attachments") or [] if isinstance(a, dict)]
    listed = list(parts.values())
    return Page(routes.form(INVENTORY, dossier.id), "form_inventory.html", {
        "dossier": dossier, "parts": listed, "attachments": attachments, "lines": lines,
        "counted": sum(p.pages for p in listed), "declared": dossier.get("total_pages"),
        "customer": view.link("customer", dossier.get("customer")),
        "business_type": view.cell("dossier", ("business_type",), dossier.get("business_type")),
        "project": view.mask.text(str(dossier.get("project", default=""))),
    })


def loan_slip(site: Site, loan: Record) -> Page:
    view = site.view
    items = [(view.link(kind, item), view.summary(target) if target else "")
             for kind, field_name in (("dossier", "dossiers"), ("certificate", "certificates"),
                                      ("customer", "customers"))
             for item in loan.get(field_name) or []
             for target in [site.index.get(kind, item)]]
    return Page(routes.form(LOAN, loan.id), "form_loan.html", {"loan": loan, "items": items})


def disposal_list(site: Site, disposal: Record) -> Page:
    view, f = site.view, site.view.facts
    rows = []
    for did in disposal.get("dossiers") or []:
        dossier = site.index.get("dossier", did)
        expiry = f.retention_expiry(dossier) if dossier else None
        rows.append({"dossier": view.link("dossier", did), "record": dossier,
                     "customer": view.link("customer", dossier.get("customer")) if dossier else Cell(""),
                     "project": view.mask.text(str(dossier.get("project", default=""))) if dossier else "",
                     "archived": (f.archived_on(dossier) or "") if dossier else "",
                     "years": f.retention_years(dossier) if dossier else None, "expiry": expiry or ""})
    minimum = view.facts.policy.disposal.min_supervisors
    supervisors = [view.link("staff", s) for s in disposal.get("supervisors") or []]
    supervisors += [Cell("")] * max(0, minimum - len(supervisors))
    return Page(routes.form(DISPOSAL, disposal.id), "form_disposal.html",
                {"disposal": disposal, "rows": rows, "supervisors": supervisors})


def credit_report(site: Site, customer: Record) -> Page:
    view = site.view
    contracts = []
    for contract in sorted(view.backlinks.get(("customer", customer.id), []), key=lambda r: r.id):
        if contract.kind != "contract":
            continue
        amount = contract.get("amount") if isinstance(contract.get("amount"), int | float) else 0
        payments = [p for p in contract.get("payments") or [] if isinstance(p, dict)]
        paid = sum(p.get("amount") for p in payments if isinstance(p.get("amount"), int | float))
        contracts.append({"record": contract, "amount": amount, "paid": paid, "open": max(0, amount - paid),
                          "payments": [(p.get("date", ""), p.get("amount"), view.cell(
                              "contract", ("payments", 0, "method"), p.get("method")).text) for p in payments],
                          "status": view.cell("contract", ("status",), contract.get("status")).text})
    decisions = [(review, d) for review in site.index.of("review").values()
                 for d in review.get("decisions") or [] if isinstance(d, dict) and d.get("customer") == customer.id]
    return Page(routes.form(CREDIT, customer.id), "form_credit.html", {
        "customer": customer, "name": view.name(customer), "contracts": contracts,
        "totals": {k: sum(c[k] for c in contracts) for k in ("amount", "paid", "open")},
        "reviews": [{"review": view.link("review", r.id), "date": d.get("effective_on", ""),
                     "from": view.cell("review", ("decisions", 0, "from"), d.get("from")).text,
                     "to": view.cell("review", ("decisions", 0, "to"), d.get("to")).text,
                     "reason": view.mask.text(str(d.get("reason", "")))} for r, d in decisions],
        "credit": view.fields(customer, customer.get("credit") or {}, ("credit",)),
        "identity": _identity(site, customer),
    })


def _made(site: Site, make, record: Record):
    """A form's context, made only if the page is rendered (its key is not in the page store)."""
    def context() -> dict:
        page = make(site, record)
        return {**page.context, "back": routes.record(site.index, record.kind, record.id)}
    return context


def _identity(site: Site, customer: Record) -> list:
    keys = (("type",), ("enterprise", "credit_code"), ("individual", "id_number"), ("individual", "credit_code"),
            ("region",), ("owner",), ("department",), ("tier",), ("status",))
    out = []
    for path in keys:
        value = customer.get(*path)
        if value is not None:
            out.append((site.index.schemas.label("customer", path), site.view.cell("customer", path, value, customer)))
    return out


def halves(site: Site) -> list[str]:
    """Every half year in which a contract was signed or paid, latest first."""
    found = set()
    for contract in site.index.of("contract").values():
        days = [date(contract.get("signed_on"))] + [date(p.get("date")) for p in contract.get("payments") or []
                                                     if isinstance(p, dict)]
        found |= {f"{d.year}H{1 if d.month <= 6 else 2}" for d in days if d}
    return sorted(found, reverse=True)


def contract_statistics(site: Site, half: str) -> Page:
    rows = contract_stats.statistics(site.index, half)
    types = sorted({t for r in rows for t in r.by_type if isinstance(t, str)})
    start, end = contract_stats.half_bounds(half)
    return Page(routes.form(CONTRACTS, half), "form_contracts.html", {
        "half": half, "start": start, "end": end, "rows": rows,
        "types": [(t, site.view.cell("contract", ("type",), t).text) for t in types],
        "totals": {k: sum(getattr(r, k) for r in rows) for k in ("signed", "amount", "received", "outstanding")},
        "due": list(site.view.facts.policy.contracts.statistics_due),
    })


def pages(site: Site) -> Iterator[Page]:
    index, view = site.index, site.view
    listing: dict[str, list] = {INVENTORY: [], LOAN: [], DISPOSAL: [], CREDIT: [], CONTRACTS: []}
    makers = {INVENTORY: ("dossier", inventory), LOAN: ("loan", loan_slip), DISPOSAL: ("disposal", disposal_list),
              CREDIT: ("customer", credit_report)}
    builder = records.RecordPages.of(site)
    for name, (kind, make) in makers.items():
        for record in sorted(index.of(kind).values(), key=lambda r: r.id):
            if view.is_sealed(record):
                continue
            src = routes.form(name, record.id)
            listing[name].append((Cell(record.id, src), view.name(record) if kind == "customer"
                                  else view.summary(record)))
            yield Page(src, TEMPLATES[name], _made(site, make, record), searched=False,
                       key=builder.form_key(src, record, further=name == DISPOSAL))
    for half in halves(site):
        page = contract_statistics(site, half)
        page.searched = False
        listing[CONTRACTS].append((Cell(half, page.src), ""))
        yield page
    yield Page(routes.FORMS, "forms_index.html", {"listing": listing}, searched=False)
