"""Facts derived from the index that both the rules and `dangan due` need.

Nothing here reads a file: everything comes from the index and its policy.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .index import GIT, Index
from .policy import DossierType, HandoverStep, Policy
from .policy import of as policy_of
from .record import Record
from .workdays import WorkCalendar, add_months


def date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def act_date(record: Record, *path) -> dt.date | None:
    return date(record.get(*path, "date"))


def shared(*kinds: str):
    """A view computed once from records of `kinds`: every use counts as reading them (`rule_cache`),
    so that a check reusing a view another check built is known to depend on those kinds too."""
    def wrap(build):
        name = build.__name__

        def get(self):
            self.index.note_reads(kinds)
            if name not in self.__dict__:
                self.__dict__[name] = build(self)
            return self.__dict__[name]
        get.__doc__ = build.__doc__
        return property(get)
    return wrap


def _of_git(build):
    """A view of the repository, computed once: every use counts as reading git (`Index.GIT`), so that a verdict
    resting on it is reused only while the repository's state is the same (`rule_cache`)."""
    name = build.__name__

    def get(self):
        self.index.note_reads((GIT,))
        if name not in self.__dict__:
            self.__dict__[name] = build(self)
        return self.__dict__[name]
    get.__doc__ = build.__doc__
    return property(get)


class Facts:
    """Derived views over one index, computed once each."""

    def __init__(self, index: Index):
        self.index = index
        self.policy: Policy = policy_of(index)

    @_of_git
    def history(self):
        """The repository's history of the archive, or None outside a git repository."""
        from . import git, history, record_cache

        if not git.is_repository(self.index.root):
            return None
        # the versions of files the records' store holds parsed are not parsed again (a first commit: all of them)
        parsed = record_cache.parsed_by_content(self.index.root, self.index.schemas) if self.index.use_cache else None
        return history.load(self.index.root, save_now=False, parsed=parsed)

    @_of_git
    def audit(self):
        """The judgement of every commit under the rules in force at it, or None outside git."""
        from . import history as history_module
        from .audit import Audit

        if self.history is None:
            return None
        found = Audit(self.history, self.index.schemas)
        if self.history.dirty:
            history_module.save(self.index.root, self.history)
        return found

    @_of_git
    def head_mode(self) -> str:
        """The signatures mode in force at HEAD as the audit judges it ("none" outside git), remembered by the
        repository's state and this code: a dirty working tree is judged without reading the whole history."""
        import hashlib
        from pathlib import Path

        from . import audit, git, history

        code = Path(audit.__file__).read_bytes() + Path(history.__file__).read_bytes()
        key = hashlib.sha1(code + git.state(self.index.root).encode("utf-8", "surrogateescape")).hexdigest()
        found = history.remembered(self.index.root, key)
        if found is None:
            found = self.audit.head_state().mode if self.audit is not None else "none"
            history.remember(self.index.root, key, found)
        return found

    @_of_git
    def anchors(self):
        """The seals and whatever could show other history (`seals.inspect`), or None outside git."""
        from . import seals

        return seals.inspect(self.index.root, self.history) if self.history is not None else None

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar.from_policy(self.policy.calendar)

    # --- people ---------------------------------------------------------------------------
    def roles(self, staff_id: Any) -> set[str]:
        person = self.index.get("staff", staff_id) if isinstance(staff_id, str) else None
        roles = person.get("roles") if person else None
        return set(roles) if isinstance(roles, list) else set()

    def has_role(self, staff_id: Any, roles) -> bool:
        return bool(self.roles(staff_id) & set(roles or ()))

    def approvers(self, what: str) -> tuple[str, ...]:
        return self.policy.approvals(what)

    def left_on(self, staff_id: Any) -> dt.date | None:
        person = self.index.get("staff", staff_id) if isinstance(staff_id, str) else None
        return date(person.get("left_on")) if person else None

    def superiors(self, staff_id: Any) -> set[str]:
        """Who may review this person's work: their superior and their department's head."""
        person = self.index.get("staff", staff_id) if isinstance(staff_id, str) else None
        if person is None:
            return set()
        out = {person.get("superior")} if isinstance(person.get("superior"), str) else set()
        department = self.policy.departments.get(person.get("department"))
        head = department.head if department else None
        if head and head != staff_id:
            out.add(head)
        return out

    def role_names(self, roles) -> str:
        return "、".join(self.policy.role_names(roles))

    def staff_with_role(self, role: str) -> list[str]:
        """The current holders of a role, by id (found once per role; every use reads the staff)."""
        self.index.note_reads(("staff",))
        found = self.__dict__.setdefault("_holders", {})
        if role not in found:
            found[role] = sorted(r.id for r in self.index.of("staff").values()
                                 if role in (r.get("roles") or []) and not r.get("left_on"))
        return list(found[role])

    # --- dossiers and their handover chains -------------------------------------------------
    def dossier_type(self, dossier: Record) -> DossierType | None:
        kind = dossier.get("business_type")
        return self.policy.dossier_types.get(kind) if isinstance(kind, str) else None

    def chain(self, dossier: Record) -> tuple[HandoverStep, ...]:
        found = self.dossier_type(dossier)
        return found.handover if found else ()

    def chain_key(self, dossier: Record, position: int) -> str:
        return f"dossier_types.{dossier.get('business_type')}.handover[{position}].deadline"

    def steps(self, dossier: Record) -> Iterator[Step]:
        """Each step of the dossier's chain with its start, deadline and what was recorded. A step's clock
        runs from the previous step's hand-over (seed 000 §四(五)): a late receipt does not restart it."""
        recorded = {s.get("step"): (i, s) for i, s in enumerate(dossier.get("handover") or [])
                    if isinstance(s, dict)}
        extensions = {e.get("step"): e for e in dossier.get("extensions") or [] if isinstance(e, dict)}
        start = date(dossier.get("project_end"))
        for position, definition in enumerate(self.chain(dossier)):
            index_done = recorded.get(definition.id)
            done = index_done[1] if index_done else None
            deadline = self.calendar.deadline(start, definition.deadline) if start else None
            extension = extensions.get(definition.id)
            yield Step(position, definition, start, deadline, done, index_done[0] if index_done else None,
                       extension)
            if done is None:
                return
            start = date(done.get("handed_on")) or date(done.get("received_on"))

    def archived_on(self, dossier: Record) -> dt.date | None:
        """The day the archive received the dossier: the last step's receipt."""
        steps = list(self.steps(dossier))
        if not steps or steps[-1].done is None or len(steps) < len(self.chain(dossier)):
            return None
        last = steps[-1].done
        return date(last.get("received_on")) or date(last.get("handed_on"))

    def retention_years(self, dossier: Record) -> int | None:
        own = dossier.get("retention_years")
        kind = self.dossier_type(dossier)
        return own if isinstance(own, int) else kind.retention_years if kind else None

    def retention_expiry(self, dossier: Record) -> dt.date | None:
        start = self.archived_on(dossier) or date(dossier.get("project_end"))
        years = self.retention_years(dossier)
        return add_months(start, 12 * years) if start and years else None

    # --- loans -----------------------------------------------------------------------------
    @shared("loan")
    def loans_by_item(self) -> dict[tuple[str, str], list[Record]]:
        """(kind, id) of a lent dossier, certificate or customer -> the loans that name it."""
        out: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for loan in self.index.of("loan").values():
            for kind, item in loan_items(loan):
                out[(kind, item)].append(loan)
        return out

    def open_loans(self, kind: str, item: str) -> list[Record]:
        return [loan for loan in self.loans_by_item.get((kind, item), []) if is_open(loan)]

    @shared("visit")
    def visits_by_customer(self) -> dict[str, list[Record]]:
        return _grouped(self.index.of("visit").values(), "customer")

    @shared("dossier")
    def dossiers_by_customer(self) -> dict[str, list[Record]]:
        return _grouped(self.index.of("dossier").values(), "customer")

    @shared("contract")
    def contracts_by_customer(self) -> dict[str, list[Record]]:
        return _grouped(self.index.of("contract").values(), "customer")

    @shared("certificate")
    def certificates_by_dossier(self) -> dict[str, list[Record]]:
        return _grouped(self.index.of("certificate").values(), "dossier")

@dataclass
class Step:
    position: int
    definition: HandoverStep
    start: dt.date | None  # project end, or the previous step's hand-over
    deadline: dt.date | None
    done: dict | None  # the recorded step, if any
    recorded_at: int | None  # its index in the dossier's handover list
    extension: dict | None

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def extended_until(self) -> dt.date | None:
        return date(self.extension.get("until")) if self.extension else None

    @property
    def effective_deadline(self) -> dt.date | None:
        until = self.extended_until
        if until and self.deadline and until > self.deadline:
            return until
        return self.deadline


def _grouped(records, field: str) -> dict[str, list[Record]]:
    """Records by the id they name in `field` (one pass: no rule scans all records per record)."""
    out: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if isinstance(record.get(field), str):
            out[record.get(field)].append(record)
    return out


LOAN_ITEMS = (("dossiers", "dossier"), ("certificates", "certificate"), ("customers", "customer"))


def loan_items(loan: Record) -> Iterator[tuple[str, str]]:
    for field, kind in LOAN_ITEMS:
        for item in loan.get(field) or []:
            if isinstance(item, str):
                yield kind, item


def is_open(loan: Record) -> bool:
    """Lent and not yet returned (a slip still waiting for approval or lending is not out)."""
    return isinstance(loan.get("lent"), dict) and not isinstance(loan.get("returned"), dict)


def facts(index: Index) -> Facts:
    """The index's facts, computed once per index."""
    found = index.derived.get("facts")
    if found is None:
        found = index.derived["facts"] = Facts(index)
    return found
