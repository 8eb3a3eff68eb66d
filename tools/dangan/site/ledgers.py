"""Ledger pages (台帐): one table per kind, columns and headers from the schema (`x-dangan.ledger`),
and the blacklist: customers whose status is blacklisted."""

from __future__ import annotations

from collections.abc import Iterator

from .. import ledger
from . import routes
from .pages import Page, Site

ORDER = ("dossier", "certificate", "loan", "customer", "visit", "complaint", "contract", "disposal", "review",
         "survey", "staff")
BLACKLIST_COLUMNS = ("id", "name", "type", "blacklist.scope", "blacklist.department", "blacklist.reason",
                     "blacklist.date", "blacklist.by", "owner")
BLACKLISTED = "blacklisted"


def kinds(site: Site) -> list[str]:
    present = [k for k in site.index.schemas.kinds if site.index.schemas.annotations(k).get("ledger")]
    return [k for k in ORDER if k in present] + [k for k in present if k not in ORDER]


def titles(site: Site) -> list[tuple[str, str]]:
    """(page, title) of every ledger, in the order of the navigation; the blacklist after the disposals."""
    out = []
    for kind in kinds(site):
        out.append((routes.ledger(site.index, kind), site.index.schemas.annotations(kind).get("ledger_title", kind)))
        if kind == "disposal" and "customer" in site.index.schemas.kinds:
            out.append((routes.BLACKLIST, site.index.schemas.label("customer", ("blacklist",))))
    return out


def table(site: Site, kind: str, columns: list[ledger.Column], records) -> dict:
    view = site.view
    rows = [(record, [view.column_cells(record, c) for c in columns], view.is_sealed(record)) for record in records]
    return {"columns": columns, "rows": rows}


def pages(site: Site) -> Iterator[Page]:
    index = site.index
    for kind in kinds(site):
        records = sorted(index.of(kind).values(), key=lambda r: r.id)
        yield Page(routes.ledger(index, kind), "ledger.html",
                   {"kind": kind, "title": index.schemas.annotations(kind).get("ledger_title", kind),
                    **table(site, kind, ledger.columns(index, kind), records)}, searched=False)
    if "customer" in index.schemas.kinds:
        columns = []
        for dotted in BLACKLIST_COLUMNS:
            path = tuple(dotted.split("."))
            info = index.schemas.field_info("customer", path)
            columns.append(ledger.Column(path, info.title if info else dotted, info.schema if info else {}))
        listed = sorted((c for c in index.of("customer").values() if c.get("status") == BLACKLISTED),
                        key=lambda r: r.id)
        yield Page(routes.BLACKLIST, "ledger.html",
                   {"kind": "customer", "title": index.schemas.label("customer", ("blacklist",)),
                    **table(site, "customer", columns, listed)}, searched=False)
