"""Numbers from the policy's patterns (seed 000, 002): `{year}{org}{type}字第{seq:03}号` for a
dossier, `{dept}合字{year}第{seq:03}号` for a contract, `numbering.records` for the rest."""

from __future__ import annotations

import re

from ..policy import Policy

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


def dossier_regex(policy: Policy) -> tuple[re.Pattern, dict[str, str]]:
    """The regex of a dossier number and each business type's code."""
    codes = {kind: entry.code for kind, entry in policy.dossier_types.items()}
    org = policy.organisation.short_name
    return pattern_regex(policy.numbering.dossier, {"org": [org], "type": [c for c in codes.values() if c]}), codes


def contract_regex(policy: Policy) -> re.Pattern:
    return pattern_regex(policy.numbering.contract, {"dept": [d.code for d in policy.departments.values()]})
