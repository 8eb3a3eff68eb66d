"""References: every field whose schema carries ``x-ref`` names an existing record of
that kind, or a code defined in the policy (``policy:<section>``)."""

from __future__ import annotations

from collections.abc import Container, Iterator

from ..facts import Facts
from ..index import Index
from ..policy import needs
from ..policy import of as policy_of
from ..problems import Problem
from ..record import Record
from ..schemas import values_at


@needs("customers", "surveys")
def check_references(index: Index, f: Facts) -> Iterator[Problem]:
    """No reference points at a missing record or an undefined policy code."""
    records: list[Record] = list(index)
    if index.policy is not None:
        records.append(index.policy)
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
