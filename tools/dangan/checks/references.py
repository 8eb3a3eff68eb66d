"""References: every field whose schema carries ``x-ref`` names an existing record of
that kind, or a code defined in the policy (``policy:<section>``)."""

from __future__ import annotations

from collections.abc import Container, Iterator

from ..facts import Facts
from ..groups import BY_REFERENCE, grouped
from ..index import Index
from ..policy import needs
from ..policy import of as policy_of
from ..problems import Problem
from ..record import Record
from ..schemas import values_at


@grouped(BY_REFERENCE)
@needs("customers", "surveys")
def check_references(index: Index, f: Facts) -> Iterator[Problem]:
    """No reference of a record points at a missing record or an undefined policy code (a record's verdict
    rests on itself and the records it names: `BY_REFERENCE`)."""
    yield from _references(index, list(index))


@needs("customers", "surveys")
def check_policy_references(index: Index, f: Facts) -> Iterator[Problem]:
    """No reference of the policy (a department's head, a schedule's role …) points at a missing record or code."""
    yield from _references(index, [index.policy] if index.policy is not None else [])


def _references(index: Index, records: list[Record]) -> Iterator[Problem]:
    refs = index.schemas.references
    known: dict[str, Container[str]] = {}  # each target's ids (or codes), looked up once, not per value
    for record in records:
        for info in refs.get(record.kind, ()):
            target = info.ref
            found = known.get(target)
            if found is None:
                found = known[target] = (policy_of(index).entries(target) if target.startswith("policy:")
                                         else index.of(target))
            for path, value in values_at(record.data, info.path):
                if isinstance(value, str) and value not in found:
                    yield _missing(index, record, path, value, target, info.title, found)


def _missing(index: Index, record: Record, path: tuple, value: str, target: str, label: str,
             codes: Container[str]) -> Problem:
    if target.startswith("policy:"):
        return record.problem("ref.policy", path, value=True, value_=value, label=label,
                              section=target.removeprefix("policy:"), known=", ".join(sorted(codes)))
    return record.problem("ref.missing", path, value=True, value_=value, label=label,
                          target=target, target_title=index.schemas.title(target))
