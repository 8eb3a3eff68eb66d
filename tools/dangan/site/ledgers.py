"""Ledger pages (台帐): one table per kind, columns and headers from the schema (`x-dangan.ledger`),
and the blacklist: customers whose status is blacklisted."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup, escape

from .. import ledger
from . import records, routes
from .pages import Page, Site, cells_html
from .values import Cell

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


def table(site: Site, here: str, columns: list[ledger.Column], found) -> dict:
    """The ledger's rows, one per record: each made once and kept in the page store (`Site.shared["store"]`) by
    its record page's key, which covers all a row shows (the record, the names it links to)."""
    view, builder = site.view, records.RecordPages.of(site)
    store = site.shared.get("store")
    keys = [site.key("ledger-row", here, site.as_of.isoformat(), builder.key_of(r)) for r in found]
    made = store.get_many(keys) if store is not None else {}
    rows = []
    for record, key in zip(found, keys, strict=True):
        row = made.get(key)
        if row is None:
            cells = [view.column_cells(record, c) for c in columns]
            row = ("", _row(site, here, cells, view.is_sealed(record)))
            if store is not None:
                store.put(key, *row)
        rows.append(row[1])
    return {"columns": columns, "count": len(rows), "rows": Markup("".join(rows))}


def _row(site: Site, here: str, cells: list[list[Cell]], sealed: bool) -> str:
    out = ['<tr class="dangan-row--sealed">' if sealed else "<tr>"]
    for position, found in enumerate(cells):
        if sealed and position == 1:
            out.append("<td>（封存）</td>")
            continue
        sort = (found[0].sort or found[0].text) if found else ""
        out.append(f'<td data-sort="{escape(sort)}">{cells_html(here, found, site.directory_urls)}</td>')
    return "\n".join(out) + "\n</tr>\n"


def _key(site: Site, src: str, kind: str) -> str:
    """A ledger's key: the build's inputs, its day (derived columns) and every record of its kind and of the
    kinds its columns name (a customer's name shown in the dossiers' ledger)."""
    named = {f.ref for f in site.index.schemas.references.get(kind, ())
             if isinstance(f.ref, str) and not f.ref.startswith("policy:")}
    return site.key(src, site.as_of.isoformat(), records.RecordPages.of(site).kinds_digest({kind, *named}))


def pages(site: Site) -> Iterator[Page]:
    index = site.index
    for kind in kinds(site):
        src = routes.ledger(index, kind)

        def context(kind: str = kind, src: str = src) -> dict:
            found = sorted(index.of(kind).values(), key=lambda r: r.id)
            return {"kind": kind, "title": index.schemas.annotations(kind).get("ledger_title", kind),
                    **table(site, src, ledger.columns(index, kind), found)}

        yield Page(src, "ledger.html", context, searched=False, key=_key(site, src, kind))
    if "customer" in index.schemas.kinds:
        def blacklist() -> dict:
            columns = []
            for dotted in BLACKLIST_COLUMNS:
                path = tuple(dotted.split("."))
                info = index.schemas.field_info("customer", path)
                columns.append(ledger.Column(path, info.title if info else dotted, info.schema if info else {}))
            listed = sorted((c for c in index.of("customer").values() if c.get("status") == BLACKLISTED),
                            key=lambda r: r.id)
            return {"kind": "customer", "title": index.schemas.label("customer", ("blacklist",)),
                    **table(site, routes.BLACKLIST, columns, listed)}

        yield Page(routes.BLACKLIST, "ledger.html", blacklist, searched=False,
                   key=_key(site, routes.BLACKLIST, "customer"))
