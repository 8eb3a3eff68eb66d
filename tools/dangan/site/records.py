"""One page per record: its fields with the schema's labels, the records related to it, its forms,
and its history with each signature's verdict. A sealed record's page (public build) says only
that it is sealed and who may approve access to it.

Each page carries a key (`Page.key`): a hash of everything it is made from — the record, the records it
names and the records naming it (their data and whether they are sealed on this build), its history and
forms, and the build's own inputs (`Site.inputs`: the Dangan code and templates, schemas, policy, who is
sealed). A page whose key is stored is not made again (`store`, `plugin`)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

from ..messages import VERDICTS
from ..record import Record
from . import routes
from .changes import RecordHistory
from .pages import Page, Site


class RecordPages:
    def __init__(self, site: Site):
        self.site = site
        self.view = site.view
        self._digests: dict[str, str] = {}
        self._keys: dict[str, str] = {}  # record key -> its page's key
        self._shown: dict[str, str] = {}  # record key -> a digest of it and of the records its page shows
        self._shown_keys: dict[str, tuple] = {}  # record key -> (kind, id) of the records its page shows

    @classmethod
    def of(cls, site: Site) -> RecordPages:
        """The build's one builder (its digests and pages are shared by the forms and ledgers)."""
        found = site.shared.get("records")
        if found is None:
            found = site.shared["records"] = cls(site)
        return found

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

    def shown(self, record: Record, related: list | None = None) -> dict[str, Record]:
        """The records a record's page shows beside it: those naming it (`View.related`) and those it names."""
        related = self.view.related(record) if related is None else related
        shown = {r.key: r for _, items in related for r in items}
        for value in record.strings():
            for other in self.by_id.get(value, ()):
                shown.setdefault(other.key, other)
        return shown

    def form_key(self, src: str, record: Record, *, further: bool = False) -> str:
        """The key of a form printed from a record: its record page's key (the record and the records it shows:
        their names, summaries, contracts …) and, `further`, what each of those shows in turn (a destruction list
        names its dossiers' customers)."""
        key = self.key_of(record)
        if not further:
            return self._key(src, key)
        return self._key(src, key, *(self._shown_digest(self.site.index.get(*other))
                                     for other in self._shown_keys[record.key]))

    def _shown_digest(self, record: Record) -> str:
        """A digest of a record and what its page shows beside it."""
        self.key_of(record)
        return self._shown[record.key]

    def key_of(self, record: Record) -> str:
        """The key of a record's page (made once a build)."""
        found = self._keys.get(record.key)
        if found is not None:
            return found
        src = routes.record(self.site.index, record.kind, record.id)
        shown = self.shown(record)
        text = "\0".join(f"{k} {self._digest(r)} {self.view.is_sealed(r)}" for k, r in sorted(shown.items()))
        self._shown[record.key] = hashlib.sha1(f"{self._digest(record)}\0{text}".encode()).hexdigest()
        self._shown_keys[record.key] = tuple(sorted((r.kind, r.id) for r in shown.values()))
        if self.view.is_sealed(record):
            found = self._key(src, "sealed", record.file, repr(self.sealed_access))
        else:
            history = self.history
            changes = history.changes(record) if history else None
            acts = history.acts(record) if history else None
            found = self._key(src, record.file, self._digest(record), repr(changes), repr(acts),
                              repr(self._forms(record)), text)
        self._keys[record.key] = found
        return found

    def kinds_digest(self, kinds) -> str:
        """A digest of every record of these kinds (and whether it is sealed on this build)."""
        digest = hashlib.sha256()
        for kind in sorted(set(kinds)):
            for record in sorted(self.site.index.of(kind).values(), key=lambda r: r.id):
                digest.update(f"{record.key} {self._digest(record)} {self.view.is_sealed(record)}\0".encode())
        return digest.hexdigest()

    @cached_property
    def archive_digest(self) -> str:
        """A digest of the whole archive as this build sees it: every record, where the build comes from."""
        return self._key(self.site.origin, self.kinds_digest(self.site.index.schemas.kinds))

    def page(self, record: Record) -> Page:
        src = routes.record(self.site.index, record.kind, record.id)
        kind_title = self.site.index.schemas.title(record.kind)
        key = self.key_of(record)
        if self.view.is_sealed(record):
            return Page(src, "sealed.html", {"record": record, "kind_title": kind_title, **self.sealed_access},
                        key=key, group=self.group(record))
        signatures = self.view.facts.policy.signatures

        def context() -> dict:  # made only if the page is rendered
            history = self.history
            return {
                "record": record, "kind_title": kind_title, "name": self._name(record),
                "confidentiality": self.view.cell(record.kind, ("confidentiality",), record.get("confidentiality")),
                "fields": self.view.fields(record),
                "related": [(title, [(self.view.link(r.kind, r.id), self.view.summary(r)) for r in items])
                            for title, items in self.view.related(record)],
                "forms": self._forms(record),
                "changes": history.changes(record) if history else None,
                "acts": history.acts(record) if history else None,
                "signature_mode": self.view.cell("policy", ("signatures", "mode"), signatures.mode).text,
                "since": signatures.since, "verdicts": {name: words[0] for name, words in VERDICTS.items()},
            }

        return Page(src, "record.html", context, key=key, group=self.group(record))

    def group(self, record: Record) -> str:
        """The customer a record belongs to (its own id for a customer, else the first customer it names), or the
        record itself: the search index keeps a customer's pages in one part, and a customer whose name changed
        (which those pages show) makes again one part of it."""
        if record.kind == "customer":
            return f"customer:{record.id}"
        named = sorted(other.id for value in record.strings() for other in self.by_id.get(value, ())
                       if other.kind == "customer")
        return f"customer:{named[0]}" if named else f"{record.kind}:{record.id}"

    def _digest(self, record: Record) -> str:
        found = self._digests.get(record.key)
        if found is None:
            # the store's JSON, not the data decoded: a page whose record is unchanged decodes nothing
            text = f"{record.kind}\0{record.id}\0".encode() + record.stored()
            found = self._digests[record.key] = hashlib.sha1(text).hexdigest()
        return found

    def _key(self, *parts: str) -> str:
        return self.site.key(*parts)

    def _forms(self, record: Record) -> list[tuple[str, str]]:
        return routes.forms_of(record.kind, record.id, sealed=self.site.view.is_sealed(record))

    def _name(self, record: Record) -> str:
        name = self.view.name(record)
        return "" if name == record.id else name


def whole(site: Site, src: str) -> str:
    """The key of a page made from the whole archive (the dashboard, the analyses): any change makes it again."""
    return site.key(src, site.as_of.isoformat(), RecordPages.of(site).archive_digest)


def pages(site: Site) -> Iterator[Page]:
    builder = RecordPages.of(site)
    for kind in site.index.schemas.kinds:
        for record in sorted(site.index.of(kind).values(), key=lambda r: r.id):
            yield builder.page(record)
