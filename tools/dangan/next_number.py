"""The next number of a kind, from the policy's patterns: 档号 per year and business type,
contract numbers per department and year, other records per `numbering.records`. A voided
number stays recorded (a dossier with status voided), so it is never taken again."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .index import Index
from .policy import of as policy_of
from .record import Record
from .rules.numbers import format_number, pattern_regex


def _next(pattern: str, existing: list[str], values: dict[str, str], **fixed) -> str:
    regex = pattern_regex(pattern, {k: [v] for k, v in values.items()})
    taken = []
    for text in existing:
        m = regex.match(text)
        if m and all(m.groupdict().get(k) in (None, str(v)) for k, v in fixed.items()):
            taken.append(int(m.group("seq")))
    return format_number(pattern, seq=max(taken, default=0) + 1, **values, **fixed)


def next_dossier(index: Index, year: int, business_type: str, taken: tuple[str, ...] = ()) -> str:
    policy = policy_of(index)
    found = policy.dossier_types.get(business_type)
    if found is None or not found.code:
        raise ValueError(business_type)
    org = policy.organisation.short_name
    return _next(policy.numbering.dossier, [*index.of("dossier"), *taken], {"org": org, "type": found.code},
                 year=year)


def next_contract_number(index: Index, year: int, department: str, extra: Iterable[Record] = ()) -> str:
    """The department's next contract number (`extra`: contracts numbered but not in the index yet)."""
    policy = policy_of(index)
    found = policy.departments.get(department)
    if found is None or not found.code:
        raise ValueError(department)
    numbers = [c.get("number") for c in [*index.of("contract").values(), *extra]
               if c.get("department") == department and isinstance(c.get("number"), str)]
    return _next(policy.numbering.contract, numbers, {"dept": found.code}, year=year)


def next_id(index: Index, kind: str, year: int, extra: Iterable[str] = ()) -> str:
    """The kind's next id (`extra`: ids taken but not in the index yet)."""
    pattern = policy_of(index).numbering.records.get(kind)
    if not pattern:
        prefix = re.sub(r"[^A-Z]", "", kind.upper())[:2]
        pattern = prefix + "{year}-{seq:03}"
    values = {"year": year} if "{year" in pattern else {}
    return _next(pattern, [*index.of(kind), *extra], {}, **values)
