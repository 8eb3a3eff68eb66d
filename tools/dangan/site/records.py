"""One page per record: its fields with the schema's labels, the records related to it, its forms,
and its history with each signature's verdict. A sealed record's page (public build) says only
that it is sealed and who may approve access to it.

Each page carries a key (`Page.key`): a hash of everything it is made from — the record, the records it
names and the records naming it (their data and whether they are sealed on this build), its history and
forms, and the build's own inputs (`Site.inputs`: the Dangan code and templates, schemas, policy, who is
sealed). A page whose key is stored is not made again (`store`, `plugin`)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

from ..messages import VERDICTS
from ..record import Record
from . import forms, routes
from .changes import RecordHistory
from .pages import Page, Site


class RecordPages:
    def __init__(self, site: Site):
        self.site = site
        self.view = site.view
        self._digests: dict[str, str] = {}

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

    @cached_property
    def by_id(self) -> dict[str, list[Record]]:
        """Every record by its id (any kind): what a field naming an id may link to."""
        found: dict[str, list[Record]] = defaultdict(list)
        for record in self.site.index:
            found[record.id].append(record)
        return found

    def page(self, record: Record) -> Page:
        src = routes.record(self.site.index, record.kind, record.id)
        kind_title = self.site.index.schemas.title(record.kind)
        if self.view.is_sealed(record):
            return Page(src, "sealed.html", {"record": record, "kind_title": kind_title, **self.sealed_access},
                        key=self._key(src, "sealed", record.file, repr(self.sealed_access)))
        related = self.view.related(record)
        history = self.history
        changes = history.changes(record) if history else None
        acts = history.acts(record) if history else None
        record_forms = forms.for_record(self.site, record)
        shown = {r.key: r for _, items in related for r in items}
        for value in _strings(record.data):
            for other in self.by_id.get(value, ()):
                shown.setdefault(other.key, other)
        key = self._key(src, record.file, self._digest(record), repr(changes), repr(acts), repr(record_forms),
                        *(f"{k} {self._digest(r)} {self.view.is_sealed(r)}" for k, r in sorted(shown.items())))
        signatures = self.view.facts.policy.signatures

        def context() -> dict:
            return {
                "record": record, "kind_title": kind_title, "name": self._name(record),
                "confidentiality": self.view.cell(record.kind, ("confidentiality",), record.get("confidentiality")),
                "fields": self.view.fields(record),
                "related": [(title, [(self.view.link(r.kind, r.id), self.view.summary(r)) for r in items])
                            for title, items in related],
                "forms": record_forms, "changes": changes, "acts": acts,
                "signature_mode": self.view.cell("policy", ("signatures", "mode"), signatures.mode).text,
                "since": signatures.since, "verdicts": {name: words[0] for name, words in VERDICTS.items()},
            }

        return Page(src, "record.html", context, key=key)

    def _digest(self, record: Record) -> str:
        found = self._digests.get(record.key)
        if found is None:
            text = json.dumps([record.kind, record.id, record.data], ensure_ascii=False, default=str)
            found = self._digests[record.key] = hashlib.sha1(text.encode("utf-8")).hexdigest()
        return found

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256(self.site.inputs.encode("utf-8"))
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8"))
        return digest.hexdigest()

    def _name(self, record: Record) -> str:
        name = self.view.name(record)
        return "" if name == record.id else name


def _strings(node) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def pages(site: Site) -> Iterator[Page]:
    builder = RecordPages(site)
    for kind in site.index.schemas.kinds:
        for record in sorted(site.index.of(kind).values(), key=lambda r: r.id):
            yield builder.page(record)
