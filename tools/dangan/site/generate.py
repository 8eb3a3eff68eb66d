"""Every page of a build, from each builder in turn, and the site's navigation: plain functions of the
archive, independent of any site generator.

The MkDocs plugin (plugin.py) only calls them from its hooks. Another generator that reads a folder of
Markdown pages (Zensical, or any other) needs `open_site` and `write` (or `files`) and a theme; see the
README's note on moving off MkDocs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from .. import crypto, encryption, report
from ..reader import build, unusable
from . import analysis, dashboard, forms, ledgers, records, routes, rules
from . import search as site_search
from .pages import Page, Site, markdown, render
from .provenance import Provenance, provenance
from .values import View


class SiteError(RuntimeError):
    """The archive cannot be built into a site (its schemas or policy cannot be used)."""


def open_site(root: Path, *, internal: bool = False, as_of: dt.date | None = None,
              directory_urls: bool = False) -> tuple[Site, Provenance]:
    """The archive at `root`, read once, ready to generate its pages; and where the build comes from."""
    index = build(root)
    blocking = unusable(index)  # no half-built site from a broken archive
    if blocking:
        raise SiteError(report.environment(blocking, "zh"))
    if internal:  # the internal build shows the values: it needs a key; the public one never opens any
        _open(index)
    made = provenance(index, internal)
    site = Site(index, View(index, internal), as_of or dt.date.fromisoformat(made.built),
                directory_urls=directory_urls, origin=f"{made.commit} {made.archive_commit} {made.verdict}")
    return site, made


def _open(index) -> None:
    """Open the archive's encrypted values in memory for the internal build (`encryption.open_index`)."""
    try:
        encryption.open_index(index)
    except crypto.KeyProblem as problem:
        raise SiteError(str(problem)) from None
    closed = index.derived.get(encryption.STILL_SEALED, 0)
    if closed and not index.derived.get(encryption.KEYS):
        raise SiteError(f"内部版须有密钥才能显示 {closed} 个加密值：设置 DANGAN_KEY 或用 dangan --key "
                        "(the internal site needs a key)")


def generate(site: Site, *, search: bool = True) -> Iterator[Page]:
    builders = [dashboard.pages, ledgers.pages, records.pages, forms.pages, analysis.pages, rules.pages]
    for builder in builders + ([site_search.pages] if search else []):
        for page in builder(site):
            if builder in (ledgers.pages, analysis.pages):
                page.hide = ("toc",)
            site.pages[page.src] = page
            yield page


def files(site: Site) -> Iterator[tuple[Page, str]]:
    """Every page with the Markdown file a site generator reads: front matter (title, page options) and the
    body as raw HTML."""
    for page in generate(site):
        title, body = render(site, page)
        yield page, markdown(page, title, body)


def write(site: Site, folder: Path) -> list[Path]:
    """Every page written under `folder` (a generator's docs folder) at its source path; the paths written."""
    written = []
    for page, content in files(site):
        target = folder / page.src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written


def nav(site: Site, *, search: bool = True) -> list:
    """The navigation: dashboard, ledgers, forms, analyses, rules, search. Record pages stay out of it."""
    ledger_pages = [{title: src} for src, title in ledgers.titles(site)]
    return [{"首页": routes.HOME}, {"总览": routes.DASHBOARD}, {"台帐": ledger_pages},
            {"表单": routes.FORMS}, {"分析": [routes.analysis(name) for name in routes.ANALYSES]},
            {"制度": routes.RULES}, *([{"搜索": routes.SEARCH}] if search else [])]
