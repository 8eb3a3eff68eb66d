"""The next number of a kind, from the policy's patterns: 档号 per year and business type,
contract numbers per department and year, other records per `numbering.records`. A voided
number stays recorded (a dossier with status voided), so it is never taken again."""

from __future__ import annotations

import re

from .checks.numbering import format_number, pattern_regex
from .index import Index


def _next(pattern: str, existing: list[str], values: dict[str, str], **fixed) -> str:
    regex = pattern_regex(pattern, {k: [v] for k, v in values.items()})
    taken = []
    for text in existing:
        m = regex.match(text)
        if m and all(m.groupdict().get(k) in (None, str(v)) for k, v in fixed.items()):
            taken.append(int(m.group("seq")))
    return format_number(pattern, seq=max(taken, default=0) + 1, **values, **fixed)


def next_dossier(index: Index, year: int, business_type: str, taken: tuple[str, ...] = ()) -> str:
    policy = index.policy_data
    code = ((policy.get("dossier_types") or {}).get(business_type) or {}).get("code")
    if not code:
        raise ValueError(business_type)
    org = policy["organisation"]["short_name"]
    return _next(policy["numbering"]["dossier"], [*index.of("dossier"), *taken], {"org": org, "type": code},
                 year=year)


def next_contract_number(index: Index, year: int, department: str) -> str:
    policy = index.policy_data
    code = ((policy.get("departments") or {}).get(department) or {}).get("code")
    if not code:
        raise ValueError(department)
    numbers = [c.get("number") for c in index.of("contract").values()
               if c.get("department") == department and isinstance(c.get("number"), str)]
    return _next(policy["numbering"]["contract"], numbers, {"dept": code}, year=year)


def next_id(index: Index, kind: str, year: int) -> str:
    pattern = ((index.policy_data.get("numbering") or {}).get("records") or {}).get(kind)
    if not pattern:
        prefix = re.sub(r"[^A-Z]", "", kind.upper())[:2]
        pattern = prefix + "{year}-{seq:03}"
    values = {"year": year} if "{year" in pattern else {}
    return _next(pattern, list(index.of(kind)), {}, **values)
