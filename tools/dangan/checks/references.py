"""References: every field whose schema carries ``x-ref`` names an existing record of
that kind, or a code defined in the policy (``policy:<section>``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..index import Index, Record
from ..problems import Problem
from ..schemas import values_at


def check_references(index: Index) -> Iterator[Problem]:
    """No reference points at a missing record or an undefined policy code."""
    records: list[Record] = list(index)
    if index.policy is not None:
        records.append(index.policy)
    refs = index.schemas.references
    for record in records:
        for info in refs.get(record.kind, ()):
            for path, value in values_at(record.data, info.path):
                if isinstance(value, str):
                    yield from _resolve(index, record, path, value, info.ref, info.title)


def _resolve(index: Index, record: Record, path: tuple, value: str, target: str,
             label: str) -> Iterator[Problem]:
    if target.startswith("policy:"):
        section = target.removeprefix("policy:")
        codes = index.policy_data
        for part in section.split("."):
            codes = codes.get(part) if isinstance(codes, dict) else None
        if not isinstance(codes, dict) or value not in codes:
            known = ", ".join(sorted(codes)) if isinstance(codes, dict) else ""
            yield record.problem("ref.policy", path, value=True, value_=value, label=label,
                                 section=section, known=known)
        return
    if index.get(target, value) is None:
        yield record.problem("ref.missing", path, value=True, value_=value, label=label,
                             target=target, target_title=index.schemas.title(target))
