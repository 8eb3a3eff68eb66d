"""`dangan policy`: the rules in force, in words, from policy.yaml and the schema's
titles and descriptions (Chinese) or the policy's own `en` names and keys (English)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .index import Index
from .policy import Named, Period
from .policy import of as policy_of
from .policy_sources import Note, notes
from .workdays import describe

_UNITS_EN = {"working_days": "working days", "calendar_days": "calendar days"}


def policy_lines(index: Index, lang: str = "zh") -> list[str]:
    """The policy file as written (the typed policy's names for roles), section by section."""
    schema = index.schemas.raw.get("policy", {})
    policy = index.policy_data
    roles = policy_of(index).roles
    sources = _sources(index)
    lines = [("# 现行制度：" if lang == "zh" else "# Rules in force: ") + policy_of(index).organisation.name]
    for key, prop in schema.get("properties", {}).items():
        if key not in policy:
            continue
        if lang == "zh":
            lines += ["", f"## {prop.get('title', key)}（{key}）", prop.get("description", "")]
        else:
            lines += ["", f"## {key.replace('_', ' ').capitalize()}"]
        lines += _source_lines(sources.get((key,)), lang, "")
        lines += _render(index, (key,), policy[key], roles, lang, 0, sources)
    return lines


def _sources(index: Index) -> dict[tuple[str, ...], Note]:
    """The comments of records/policy.yaml by key path (none when the file cannot be read)."""
    try:
        return notes((index.root / "records" / "policy.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def _source_lines(note: Note | None, lang: str, pad: str) -> list[str]:
    """A key's source, as its own indented line under the rule (the policy's words, not translated)."""
    if note is None or not note.source:
        return []
    return [f"{pad}  〔来源：{note.source}〕" if lang == "zh" else f"{pad}  [source: {note.source}]"]


def _label(index: Index, path: tuple, lang: str) -> str:
    if lang == "en":
        return str(path[-1]).replace("_", " ")
    info = index.schemas.field_info("policy", path)
    if info is None:
        return str(path[-1])
    # an entry of an open map (a record kind's number format …) is told apart by its key
    return f"{info.title}（{path[-1]}）" if info.path and info.path[-1] == "*" else info.title


def _value(index: Index, path: tuple, value: Any, roles: Mapping[str, Named], lang: str) -> str:
    if isinstance(value, dict) and set(value) == {"days", "unit"}:
        if lang == "en":
            return f"{value['days']} {_UNITS_EN.get(value['unit'], value['unit'])}"
        return describe(Period(value["days"], value["unit"]))
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, list):
        info = index.schemas.field_info("policy", (*path, "*"))
        is_role = bool(info and info.ref == "policy:roles")
        labels = (info.schema.get("x-labels") or {}) if info and lang == "zh" else {}
        if info and info.ref and info.ref.startswith("policy:") and not is_role and lang == "zh":
            labels = {code: policy_of(index).name(info.ref, code) for code in value if isinstance(code, str)}
        return "、".join(_role(v, roles, lang) if is_role else labels.get(v, str(v)) for v in value) or "—"
    info = index.schemas.field_info("policy", path)
    if info and info.ref == "policy:roles":
        return _role(value, roles, lang)
    if info and info.ref and info.ref.startswith("policy:") and lang == "zh":
        return policy_of(index).name(info.ref, value)
    if info and info.ref == "staff" and lang == "zh":
        person = index.get("staff", value)
        return f"{person.get('name')}（{value}）" if person else str(value)
    if info and lang == "zh" and value in (info.schema.get("x-labels") or {}):
        return info.schema["x-labels"][value]
    if isinstance(value, float) and 0 < value < 1:
        return f"{value:.0%}"
    return str(value)


def _role(code: Any, roles: Mapping[str, Named], lang: str) -> str:
    entry = roles.get(code) if isinstance(code, str) else None
    if entry is None:
        return str(code)
    return (entry.en if lang == "en" else entry.name) or entry.name


def _render(index: Index, path: tuple, value: Any, roles: Mapping[str, Named], lang: str, depth: int,
            sources: Mapping[tuple[str, ...], Note]) -> list[str]:
    pad = "  " * depth
    out: list[str] = []
    if isinstance(value, dict) and set(value) != {"days", "unit"}:
        for key, sub in value.items():
            sub_path = (*path, key)
            if isinstance(sub, dict) and "name" in sub:  # a named entry of a map: role, department, type …
                name = sub.get("en") if lang == "en" and sub.get("en") else sub.get("name")
                out.append(f"{pad}- {name}（{key}）" if lang == "zh" else f"{pad}- {name} ({key})")
                out += _source_lines(sources.get(sub_path), lang, pad)
                rest = {k: v for k, v in sub.items() if k not in ("name", "en")}
                out += _render(index, sub_path, rest, roles, lang, depth + 1, sources)
            elif isinstance(sub, dict | list) and _nested(sub):
                out.append(f"{pad}- {_label(index, sub_path, lang)}：" if lang == "zh"
                           else f"{pad}- {_label(index, sub_path, lang)}:")
                out += _source_lines(sources.get(sub_path), lang, pad)
                out += _render(index, sub_path, sub, roles, lang, depth + 1, sources)
            else:
                sep = "：" if lang == "zh" else ": "
                out.append(f"{pad}- {_label(index, sub_path, lang)}{sep}{_value(index, sub_path, sub, roles, lang)}")
                out += _source_lines(sources.get(sub_path), lang, pad)
    elif isinstance(value, list) and _nested(value):
        for i, item in enumerate(value, 1):
            name = item.get("name", i) if isinstance(item, dict) else item
            out.append(f"{pad}{i}. {name}")
            label = str(item.get("id", i - 1)) if isinstance(item, dict) else str(i - 1)
            out += _source_lines(sources.get((*path, label)), lang, pad)
            rest = {k: v for k, v in item.items() if k not in ("name", "id")} if isinstance(item, dict) else {}
            out += _render(index, (*path, "*"), rest, roles, lang, depth + 1, sources)
    else:
        out.append(f"{pad}{_value(index, path, value, roles, lang)}")
    return out


def _nested(value: Any) -> bool:
    if isinstance(value, list):
        return any(isinstance(v, dict) for v in value)
    return isinstance(value, dict) and set(value) != {"days", "unit"}
