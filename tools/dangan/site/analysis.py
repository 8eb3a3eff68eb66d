"""Analysis pages the seeds ask for: complaint hotspots (category × month), satisfaction per aspect
and month, customers per tier, region and source, and payments received against contract amounts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from statistics import mean

from . import charts, records, routes
from .pages import Page, Site


def month_series(counter: Counter) -> list[tuple[str, float]]:
    """Every month from the first to the last one counted, with zeros in between."""
    months = sorted(m for m in counter if isinstance(m, str) and len(m) == 7)
    if not months:
        return []
    year, month = int(months[0][:4]), int(months[0][5:])
    out = []
    while f"{year:04d}-{month:02d}" <= months[-1]:
        key = f"{year:04d}-{month:02d}"
        out.append((key, counter.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def complaint_counts(site: Site) -> tuple[Counter, list[tuple[str, int]]]:
    complaints = site.index.of("complaint").values()
    by_month = Counter((c.get("received", "date") or "")[:7] for c in complaints)
    by_category = Counter(site.view.cell("complaint", ("category",), c.get("category")).text for c in complaints)
    return by_month, by_category.most_common()


def complaints(site: Site) -> Page:
    view = site.view
    records = list(site.index.of("complaint").values())
    info = site.index.schemas.field_info("complaint", ("category",))
    categories = list((info.schema.get("x-labels") or {}).items()) if info else []
    matrix: dict[str, Counter] = defaultdict(Counter)
    for c in records:
        matrix[(c.get("received", "date") or "")[:7]][c.get("category")] += 1
    by_month, by_category = complaint_counts(site)
    months = [m for m, _ in month_series(by_month)]
    used = [(code, label) for code, label in categories if any(matrix[m][code] for m in months)]
    departments = Counter(view.policy_name("policy:departments", c.get("department")) for c in records)
    feedback = [c.get("feedback", "satisfaction") for c in records
                if isinstance(c.get("feedback", "satisfaction"), int | float)]
    return Page(routes.analysis("complaints"), "analysis_complaints.html", {
        "months": months, "categories": used, "matrix": matrix, "total": len(records),
        "urgent": sum(1 for c in records if c.get("urgent") is True),
        "by_month": charts.columns(month_series(by_month)),
        "by_category": charts.bars([(label, [n]) for label, n in by_category]),
        "by_department": charts.bars([(label, [n]) for label, n in departments.most_common()]),
        "satisfaction": round(mean(feedback), 1) if feedback else None,
    })


def satisfaction(site: Site) -> Page:
    view = site.view
    policy = view.facts.policy.surveys
    aspects = list(policy.aspects)
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for survey in site.index.of("survey").values():
        month = str(survey.get("date") or "")[:7]
        for score in survey.get("scores") or []:
            if isinstance(score, dict) and isinstance(score.get("score"), int | float):
                scores[month][score.get("aspect")].append(score["score"])
                if score.get("aspect") not in aspects:
                    aspects.append(score.get("aspect"))
    months = sorted(scores)
    names = [(a, view.policy_name("policy:surveys.aspects", a)) for a in aspects]
    overall = {a: [s for m in months for s in scores[m][a]] for a in aspects}
    table = [(m, [round(mean(scores[m][a]), 1) if scores[m][a] else None for a in aspects]) for m in months]
    monthly = [(m, round(mean([s for a in aspects for s in scores[m][a]]), 2)) for m in months]
    low = policy.low_score
    return Page(routes.analysis("satisfaction"), "analysis_satisfaction.html", {
        "aspects": names, "table": table, "low_score": low,
        "low": sum(1 for m in months for a in aspects for s in scores[m][a]
                   if isinstance(low, int | float) and s <= low),
        "surveys": len(site.index.of("survey")),
        "by_aspect": charts.bars([(name, [round(mean(overall[a]), 2) if overall[a] else 0]) for a, name in names]),
        "by_month": charts.columns(monthly),
    })


def customers(site: Site) -> Page:
    view = site.view
    records = list(site.index.of("customer").values())
    groups = []
    for path in (("tier",), ("status",), ("region",), ("source",), ("department",), ("type",)):
        counted = Counter(view.cell("customer", path, c.get(*path)).text or "—" for c in records)
        rows = counted.most_common()
        groups.append({"label": site.index.schemas.label("customer", path), "rows": rows,
                       "chart": charts.bars([(label, [n]) for label, n in rows])})
    return Page(routes.analysis("customers"), "analysis_customers.html", {"groups": groups, "total": len(records)})


def payments(site: Site) -> Page:
    view = site.view
    rows = []
    departments: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    totals = {"amount": 0.0, "paid": 0.0, "open": 0.0}
    for contract in sorted(site.index.of("contract").values(), key=lambda r: r.id):
        amount = contract.get("amount") if isinstance(contract.get("amount"), int | float) else 0
        paid = sum(p.get("amount") for p in contract.get("payments") or []
                   if isinstance(p, dict) and isinstance(p.get("amount"), int | float))
        department = view.policy_name("policy:departments", contract.get("department"))
        departments[department][0] += amount
        departments[department][1] += paid
        for key, value in (("amount", amount), ("paid", paid), ("open", max(0, amount - paid))):
            totals[key] += value
        if view.is_sealed(contract):  # counted in the totals; its row says only its number
            rows.append({"contract": view.link("contract", contract.id), "sealed": True})
            continue
        rows.append({"contract": view.link("contract", contract.id), "customer": view.link(
            "customer", contract.get("customer")), "department": department, "amount": amount, "paid": paid,
            "open": max(0, amount - paid), "share": paid / amount if amount else None,
            "status": view.cell("contract", ("status",), contract.get("status")).text, "sealed": False})
    labels = [site.index.schemas.label("contract", ("amount",)), site.index.schemas.label("contract", ("payments",))]
    return Page(routes.analysis("payments"), "analysis_payments.html", {
        "rows": rows, "departments": sorted(departments.items()), "labels": labels,
        "totals": totals,
        "chart": charts.bars([(d, v) for d, v in sorted(departments.items())], labels),
    })


def pages(site: Site) -> Iterator[Page]:
    for make, name in ((complaints, "complaints"), (satisfaction, "satisfaction"), (customers, "customers"),
                       (payments, "payments")):
        src = routes.analysis(name)
        yield Page(src, f"analysis_{name}.html", lambda make=make: make(site).context,
                   key=records.whole(site, src))
