"""Words for the values a problem carries: people by name, codes by their labels.

Checks report codes and ids (`staff="S004"`, `tier="vip"`), so that a problem stays plain data;
before the report is written, `name_values` turns each argument a reader would see into words:
a staff id into 张三（S004）, an enumerated code into its Chinese label from the schema
(`x-labels`) or the policy (a business type's, a role's name). An unknown value stays as written.
Customer names are not filled in: a sealed customer's name must not travel in messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from .index import Index
from .policy import of as policy_of
from .problems import Problem, Words

# arguments that hold a code of a field: argument → (kind, field path); None: the problem's own kind
_ENUMS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "tier": ("customer", ("tier",)),
    "status": (None, ("status",)),
    "scope": ("customer", ("blacklist", "scope")),
    "category": ("complaint", ("category",)),
    "channel": ("complaint", ("channel",)),
    "method": ("disposal", ("method",)),
    "kind_code": ("certificate", ("kind",)),
    "aspect": ("survey", ("scores", "*", "aspect")),
    "default_kind": ("customer", ("credit", "defaults", "*", "kind")),
}
# arguments that hold a policy code: argument → the policy map it names
_POLICY = {"type": "policy:dossier_types", "business_type": "policy:dossier_types",
           "department": "policy:departments", "part": "policy:inventory_parts"}
# arguments that are never words for a reader (positions, keys, numbers)
_KEEP = {"policy_key", "commit", "value_", "field", "file", "path", "pattern", "key"}


def name_values(problems: Iterable[Problem], index: Index) -> None:
    """Rewrite, in place, each problem's arguments that name a person or a code."""
    staff = index.of("staff")
    policy = policy_of(index)
    labels: dict[tuple[str, tuple[str, ...]], dict] = {}
    for problem in problems:
        args = problem.args
        for key, value in list(args.items()):
            if key in _KEEP or not isinstance(value, str):
                continue
            person = staff.get(value)
            if person is not None and person.get("name"):
                args[key] = Words(f"{person.get('name')}（{value}）", f"{person.get('name')} ({value})")
                continue
            if key in _POLICY:
                found = policy.name(_POLICY[key], value)
                if found and found != value:
                    args[key] = Words(found, value)
                continue
            if key in _ENUMS:
                kind, path = _ENUMS[key]
                kind = kind or (problem.record or "").partition("/")[0]
                if (kind, path) not in labels:
                    info = index.schemas.field_info(kind, path) if kind in index.schemas.kinds else None
                    labels[(kind, path)] = (info.schema.get("x-labels") or {}) if info else {}
                label = labels[(kind, path)].get(value)
                if label:
                    args[key] = Words(label, value)
