"""Numbering: dossier numbers (档号) follow the policy pattern, are unique and leave no
gap unless a number is voided; certificates carry their dossier's number; contract
numbers follow the policy pattern and are unique within a department."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..index import Index
from ..problems import WARNING, Problem

_PLACEHOLDER = re.compile(r"\{(year|org|type|dept|seq)(?::0?(\d+))?\}")


def pattern_regex(pattern: str, values: dict[str, list[str]]) -> re.Pattern:
    """Compile a numbering pattern such as `{year}{org}{type}字第{seq:03}号` into a regex."""
    out, pos = [], 0
    for m in _PLACEHOLDER.finditer(pattern):
        out.append(re.escape(pattern[pos:m.start()]))
        name, width = m.group(1), m.group(2)
        if name == "year":
            out.append(r"(?P<year>\d{4})")
        elif name == "seq":
            out.append(rf"(?P<seq>\d{{{width or 1},}})")
        else:
            choices = "|".join(re.escape(v) for v in sorted(values.get(name, []), key=len, reverse=True))
            out.append(f"(?P<{name}>{choices or '.+?'})")
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("^" + "".join(out) + "$")


def format_number(pattern: str, **values) -> str:
    def fill(m: re.Match) -> str:
        name, width = m.group(1), m.group(2)
        value = values[name]
        return f"{int(value):0{int(width)}d}" if name == "seq" and width else str(value)
    return _PLACEHOLDER.sub(fill, pattern)


def _dossier_regex(policy: dict) -> tuple[str, re.Pattern, dict[str, str]] | None:
    pattern = (policy.get("numbering") or {}).get("dossier")
    types = policy.get("dossier_types") or {}
    org = (policy.get("organisation") or {}).get("short_name")
    if not isinstance(pattern, str) or not isinstance(org, str) or not isinstance(types, dict):
        return None
    codes = {t: v.get("code") for t, v in types.items() if isinstance(v, dict)}
    return pattern, pattern_regex(pattern, {"org": [org], "type": [c for c in codes.values() if c]}), codes


def check_dossier_numbers(index: Index) -> Iterator[Problem]:
    """Dossier numbers follow `numbering.dossier`, match their business type's code
    (`dossier_types.*.code`), are unique, and every sequence runs without gaps."""
    compiled = _dossier_regex(index.policy_data)
    if compiled is None:
        return
    pattern, regex, codes = compiled
    org = index.policy_data["organisation"]["short_name"]
    example = format_number(pattern, year=2024, org=org, type=next(iter(codes.values()), ""), seq=1)
    seen: dict[tuple, str] = {}
    series: dict[tuple, set[int]] = defaultdict(set)
    for record in index.of("dossier").values():
        m = regex.match(record.id)
        if not m:
            yield record.problem("number.pattern", ("id",), value=True, value_=record.id,
                                 pattern=pattern, example=example)
            continue
        groups = m.groupdict()
        btype = record.get("business_type")
        if "type" in groups and btype in codes and codes[btype] != groups["type"]:
            yield record.problem("number.type", ("business_type",), value=True, found=groups["type"],
                                 type=btype, expected=codes[btype])
        key = (groups.get("year"), groups.get("type"), int(groups["seq"]))
        if key in seen:
            yield record.problem("number.duplicate", ("id",), value=True, value_=record.id,
                                 other=seen[key])
        else:
            seen[key] = record.id
        series[key[:2]].add(key[2])
    for (year, code), numbers in sorted(series.items()):
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            first = seen[(year, code, max(numbers))]
            record = index.get("dossier", first)
            yield record.problem("number.gap", ("id",), severity=WARNING,
                                 series=f"{year}{org}{code}", missing=", ".join(map(str, missing)))


def check_certificate_numbers(index: Index) -> Iterator[Problem]:
    """A certificate's number is its dossier's number (档号) followed by its own sequence."""
    for record in index.of("certificate").values():
        dossier = record.get("dossier")
        if isinstance(dossier, str) and not record.id.startswith(dossier + "-"):
            yield record.problem("number.certificate", ("id",), value=True, value_=record.id,
                                 dossier=dossier)


def check_contract_numbers(index: Index) -> Iterator[Problem]:
    """Contract numbers follow `numbering.contract` with their department's code
    (`departments.*.code`) and are unique within the department."""
    policy = index.policy_data
    pattern = (policy.get("numbering") or {}).get("contract")
    departments = policy.get("departments") or {}
    if not isinstance(pattern, str) or not isinstance(departments, dict):
        return
    seen: dict[tuple, str] = {}
    for record in index.of("contract").values():
        number, dept = record.get("number"), record.get("department")
        if not isinstance(number, str) or not isinstance(dept, str):
            continue
        code = (departments.get(dept) or {}).get("code")
        if code:
            regex = pattern_regex(pattern, {"dept": [code]})
            if not regex.match(number):
                example = format_number(pattern, dept=code, year=2024, seq=1, org="", type="")
                yield record.problem("number.contract", ("number",), value=True, value_=number,
                                     pattern=pattern, example=example)
        key = (dept, number)
        if key in seen:
            yield record.problem("number.duplicate", ("number",), value=True, value_=number,
                                 other=seen[key])
        else:
            seen[key] = record.id
