"""The generated pages: what each one is (source path, template, context) and how it is rendered.

Templates live in `templates/`, with autoescaping on: every value from a record is escaped.
A page's title is its rendered <h1>, already escaped, because MkDocs' theme prints titles raw."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

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

    @property
    def internal(self) -> bool:
        return self.view.internal


@dataclass
class Page:
    src: str
    template: str
    context: dict[str, Any]
    hide: tuple[str, ...] = ("navigation", "toc")  # Material's page options: pages in a nav section keep its nav
    boost: float | None = None  # weight in the search (a record's own page before the forms naming it)
    searched: bool = True  # printable forms repeat their record: the search leaves them out


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
    if not cell.href:
        return escape(cell.text)
    sealed = ' class="dangan-sealed"' if cell.sealed else ""
    return Markup(f'<a href="{escape(_rel(context, cell.href))}"{sealed}>{escape(cell.text)}</a>')


@pass_context
def _cells(context, cells: list[Cell]) -> Markup:
    return Markup("、").join(_cell(context, c) for c in cells)


def render(site: Site, page: Page) -> tuple[str, str]:
    """The page's title (escaped) and its HTML."""
    template = environment().get_template(page.template)
    body = template.render(page.context, here=page.src, site=site, view=site.view, schemas=site.index.schemas)
    body = _BLANK.sub("\n", body).strip() + "\n"
    found = _H1.search(body)
    title = " ".join(_TAG.sub("", found.group(1)).split()) if found else html.escape(page.src)
    return title, body


def markdown(page: Page, title: str, body: str) -> str:
    """The page as MkDocs reads it: the title in front matter, the body as raw HTML."""
    search = {**({"boost": page.boost} if page.boost else {}), **({} if page.searched else {"exclude": True})}
    meta = {"title": title, "hide": list(page.hide), **({"search": search} if search else {})}
    return f"---\n{json.dumps(meta, ensure_ascii=False)}\n---\n\n{body}"
