"""One page per record: its fields with the schema's labels, the records related to it, its forms,
and its history with each signature's verdict. A sealed record's page (public build) says only
that it is sealed and who may approve access to it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from ..messages import VERDICTS
from ..record import Record
from . import forms, routes
from .changes import RecordHistory
from .pages import Page, Site

RECORD_BOOST = 2.0


class RecordPages:
    def __init__(self, site: Site):
        self.site = site
        self.view = site.view

    @cached_property
    def history(self) -> RecordHistory | None:
        found = self.view.facts.history
        return RecordHistory(self.view, found, self.view.facts.audit) if found is not None else None

    @cached_property
    def sealed_access(self) -> dict:
        f = self.view.facts
        roles = f.approvers("sealed_access")
        people = [self.view.link("staff", s) for role in roles for s in f.staff_with_role(role)]
        return {"roles": f.role_names(roles), "people": people}

    def page(self, record: Record) -> Page:
        src = routes.record(self.site.index, record.kind, record.id)
        kind_title = self.site.index.schemas.title(record.kind)
        if self.view.is_sealed(record):
            return Page(src, "sealed.html", {"record": record, "kind_title": kind_title, **self.sealed_access})
        related = [(title, [(self.view.link(r.kind, r.id), self.view.summary(r)) for r in items])
                   for title, items in self.view.related(record)]
        history = self.history
        signatures = self.view.facts.policy.signatures
        return Page(src, "record.html", {
            "record": record, "kind_title": kind_title, "name": self._name(record),
            "confidentiality": self.view.cell(record.kind, ("confidentiality",), record.get("confidentiality")),
            "fields": self.view.fields(record), "related": related, "forms": forms.for_record(self.site, record),
            "changes": history.changes(record) if history else None,
            "acts": history.acts(record) if history else None,
            "signature_mode": self.view.cell("policy", ("signatures", "mode"), signatures.mode).text,
            "since": signatures.since, "verdicts": {name: words[0] for name, words in VERDICTS.items()},
        }, boost=RECORD_BOOST)

    def _name(self, record: Record) -> str:
        name = self.view.name(record)
        return "" if name == record.id else name


def pages(site: Site) -> Iterator[Page]:
    builder = RecordPages(site)
    for kind in site.index.schemas.kinds:
        for record in sorted(site.index.of(kind).values(), key=lambda r: r.id):
            yield builder.page(record)
