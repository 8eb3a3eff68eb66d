"""Every page of a build, from each builder in turn, and the site's navigation."""

from __future__ import annotations

from collections.abc import Iterator

from . import analysis, dashboard, forms, ledgers, records, routes, rules
from .pages import Page, Site


def generate(site: Site) -> Iterator[Page]:
    for builder in (dashboard.pages, ledgers.pages, records.pages, forms.pages, analysis.pages, rules.pages):
        for page in builder(site):
            if builder in (ledgers.pages, analysis.pages):
                page.hide = ("toc",)
            site.pages[page.src] = page
            yield page


def nav(site: Site) -> list:
    """The navigation: dashboard, ledgers, forms, analyses, rules. Record pages stay out of it."""
    ledger_pages = [{title: src} for src, title in ledgers.titles(site)]
    return [{"首页": routes.HOME}, {"总览": routes.DASHBOARD}, {"台帐": ledger_pages},
            {"表单": routes.FORMS}, {"分析": [routes.analysis(name) for name in routes.ANALYSES]},
            {"制度": routes.RULES}]
