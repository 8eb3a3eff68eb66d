"""Where each generated page lives (its source path in the docs) and how one page links to another."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote

from ..index import Index

DASHBOARD = "dashboard.md"
RULES = "rules.md"
FORMS = "forms/index.md"
HOME = "index.md"
SEARCH = "search.md"
ANALYSES = ("complaints", "satisfaction", "customers", "payments")
BLACKLIST = "ledgers/blacklist.md"


def record(index: Index, kind: str, record_id: str) -> str:
    folder = index.schemas.annotations(kind).get("folder", kind)
    return f"records/{folder}/{record_id}.md"


def ledger(index: Index, kind: str) -> str:
    return f"ledgers/{index.schemas.annotations(kind).get('folder', kind)}.md"


def form(name: str, key: str) -> str:
    return f"forms/{name}/{key}.md"


# the form printed from a record of each kind (`forms` makes them)
FORM_OF = {"dossier": "inventory", "loan": "loan", "disposal": "disposal", "customer": "credit"}


def forms_of(kind: str, record_id: str, *, sealed: bool) -> list[tuple[str, str]]:
    """(form name, page) of the forms printed from a record (none from a sealed one)."""
    name = FORM_OF.get(kind)
    return [] if name is None or sealed else [(name, form(name, record_id))]


def analysis(name: str) -> str:
    return f"analysis/{name}.md"


def url(src: str, directory_urls: bool) -> str:
    """The page's URL relative to the site root, as MkDocs writes it."""
    stem = src[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(here: str, target: str, directory_urls: bool) -> str:
    """A relative link from the page `here` to the page `target` (both source paths)."""
    base = url(here, directory_urls)
    folder = base if base.endswith("/") or base == "" else posixpath.dirname(base)
    return _relative(folder, url(target, directory_urls))


@lru_cache(maxsize=1 << 16)
def _relative(folder: str, to: str) -> str:
    rel = posixpath.relpath(to or ".", folder or ".")
    if to.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return quote(rel, safe="/#")
