"""The generated pages: what each one is (source path, template, context) and how it is rendered.

Templates live in `templates/`, with autoescaping on: every value from a record is escaped.
A page's title is its rendered <h1>, already escaped, because MkDocs' theme prints titles raw."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from .. import privacy, versions
from ..index import Index
from . import routes
from .values import Cell, View

_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_BLANK = re.compile(r"\n\s*\n")


@dataclass
class Site:
    """One build: the index, how values are shown, the day the dashboard is as of."""

    index: Index
    view: View
    as_of: dt.date
    directory_urls: bool = False
    pages: dict[str, Any] = field(default_factory=dict)  # src -> Page, filled by `generate`
    origin: str = ""  # where the build comes from (`provenance`): the commit, the newest change, its verdict
    shared: dict[str, Any] = field(default_factory=dict)  # what the builders share in one build (`records.of`)

    @property
    def internal(self) -> bool:
        return self.view.internal

    @cached_property
    def inputs(self) -> str:
        """A digest of what every page is made from beside its own records: the Dangan code and templates, the
        schemas, the policy, the build's kind (public or internal, its URLs) and, in a public build, who is
        sealed and the names masked for it."""
        build = f"{versions.installed()}\0{code_digest()}\0{self.internal}\0{self.directory_urls}"
        digest = hashlib.sha256(build.encode())
        digest.update(json.dumps(self.index.schemas.raw, sort_keys=True, ensure_ascii=False, default=str).encode())
        digest.update(self.index.policy_digest().encode())
        if not self.internal:
            sealed = sorted(self.view.sealed)
            names = sorted(privacy.identities(self.index, self.view.sealed))
            digest.update(json.dumps([sealed, names], ensure_ascii=False).encode())
        return digest.hexdigest()


    def key(self, *parts: str) -> str:
        """A page's key in the page store: a hash of the build's inputs and of `parts`."""
        digest = hashlib.sha256(self.inputs.encode("utf-8"))
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8"))
        return digest.hexdigest()


@dataclass
class Page:
    src: str
    template: str
    context: dict[str, Any] | Callable[[], dict[str, Any]]  # a function: made only if the page is rendered
    hide: tuple[str, ...] = ("navigation", "toc")  # Material's page options: pages in a nav section keep its nav
    searched: bool = True  # printable forms repeat their record, ledgers list them: the search leaves them out
    key: str | None = None  # a hash of everything the page is made from: an unchanged key, an unchanged page
    group: str | None = None  # the search index keeps the pages of a group in one part (`search.part_of`)


@cache
def code_digest() -> str:
    """Every file of the installed Dangan package (code, templates, bundled data): upgrade or edit it and every
    stored page is made again."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("dangan.site", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, undefined=StrictUndefined)
    env.filters["rel"] = _rel
    env.filters["cell"] = _cell
    env.filters["cells"] = _cells
    return env


@pass_context
def _rel(context, target: str) -> str:
    return routes.href(context["here"], target, context["site"].directory_urls)


@pass_context
def _cell(context, cell: Cell) -> Markup:
    """A value, as a link to its record when it names one (a filter: one line of markup, called very often)."""
    return cell_html(context["here"], cell, context["site"].directory_urls)


@pass_context
def _cells(context, cells: list[Cell]) -> Markup:
    return cells_html(context["here"], cells, context["site"].directory_urls)


def cell_html(here: str, cell: Cell, directory_urls: bool) -> Markup:
    if not cell.href:
        return escape(cell.text)
    sealed = ' class="dangan-sealed"' if cell.sealed else ""
    return Markup(f'<a href="{escape(routes.href(here, cell.href, directory_urls))}"{sealed}>{escape(cell.text)}</a>')


def cells_html(here: str, cells: list[Cell], directory_urls: bool) -> Markup:
    return Markup("、").join(cell_html(here, c, directory_urls) for c in cells)


def render(site: Site, page: Page) -> tuple[str, str]:
    """The page's title (escaped) and its HTML."""
    template = environment().get_template(page.template)
    context = page.context() if callable(page.context) else page.context
    body = template.render(context, here=page.src, site=site, view=site.view, schemas=site.index.schemas)
    body = _BLANK.sub("\n", body).strip() + "\n"
    found = _H1.search(body)
    title = " ".join(_TAG.sub("", found.group(1)).split()) if found else html.escape(page.src)
    if not found:  # as the theme would head it (and every page's chrome is the same: see plugin.Shells)
        body = f"<h1>{title}</h1>\n{body}"
    if page.searched:  # the search (`search`) indexes this part of the page, nothing of the theme around it
        body = f"<div data-search-body>\n{body}</div>\n"
    return title, body


def markdown(page: Page, title: str, body: str) -> str:
    """The page as MkDocs reads it: the title in front matter, the body as raw HTML."""
    meta = {"title": title, "hide": list(page.hide)}
    return f"---\n{json.dumps(meta, ensure_ascii=False)}\n---\n\n{body}"
