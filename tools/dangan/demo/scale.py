"""A realistic archive of any size: the demo company, copied as many times as it takes.

Each copy gets new ids (customers, dossier numbers continuing each year's series,
loans, visits …) with every reference renamed to match, and new valid identifiers
(ID numbers, credit codes, mobiles), so the result checks as clean as the demo. Staff,
policy, tier reviews and the reports to the group are the company's own and are not copied. Deterministic.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import defaultdict
from typing import Any

from ..identifiers import CREDIT_CHARSET, make_credit_code, make_id_number
from .records import demo_records

SHARED = ("staff", "review", "report")
_SEQ = re.compile(r"^(?P<head>.*?)(?P<seq>\d+)(?P<tail>\D*)$")
_DOSSIER = re.compile(r"^(?P<year>\d{4})(?P<mid>\D+第)(?P<seq>\d+)(?P<tail>号)(?P<rest>.*)$")


def _series(rid: str) -> tuple[str, str, int, str] | None:
    m = _DOSSIER.match(rid)
    if m:
        return f"{m['year']}{m['mid']}", m["tail"], int(m["seq"]), m["rest"]
    m = _SEQ.match(rid)
    return (m["head"], m["tail"], int(m["seq"]), "") if m else None


def scaled_records(target: int) -> list[tuple[str, str, dict]]:
    """About `target` records: the demo's records repeated with fresh ids."""
    base = demo_records()
    copied = [r for r in base if r[0] not in SHARED]
    copies = max(1, round((target - (len(base) - len(copied))) / max(1, len(copied))))
    width: dict[str, int] = defaultdict(int)  # the largest sequence in each id series
    for kind, rid, data in copied:
        keys = [(kind, rid)] if kind != "certificate" else []
        keys += [(f"{kind}-{'.'.join(path)}", number) for path, number in _numbers(kind, data)]
        for series_kind, text in keys:
            found = _series(text)
            if found:
                key = f"{series_kind}|{found[0]}"
                width[key] = max(width[key], found[2])
    out = [r for r in base if r[0] in SHARED]
    for k in range(copies):
        names = {rid: _renamed(kind, rid, k, width) for kind, rid, _ in copied if kind != "certificate"}
        names.update({rid: _certificate_id(rid, names) for kind, rid, _ in copied if kind == "certificate"})
        for kind, rid, data in copied:
            new_id = names[rid]
            record = _rename(copy.deepcopy(data), names) if k else copy.deepcopy(data)
            record["id"] = new_id
            if k:
                _fresh_identifiers(record, k)
                for path, number in _numbers(kind, record):
                    _put(record, path, _renamed(f"{kind}-{'.'.join(path)}", number, k, width))
            out.append((kind, new_id, record))
    return out


# numbers besides the id that must stay unique in a copy: a contract's number, a complaint's archive number
OTHER_NUMBERS = {"contract": [("number",)], "complaint": [("archived", "number")]}


def _numbers(kind: str, data: dict) -> list[tuple[tuple[str, ...], str]]:
    found = []
    for path in OTHER_NUMBERS.get(kind, []):
        node: Any = data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str):
            found.append((path, node))
    return found


def _put(data: dict, path: tuple[str, ...], value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _renamed(kind: str, rid: str, k: int, width: dict[str, int]) -> str:
    found = _series(rid)
    if k == 0 or found is None:
        return rid
    head, tail, seq, rest = found
    digits = len(re.search(r"\d+(?=\D*$)", rid.removesuffix(rest)).group())
    new_seq = seq + k * width[f"{kind}|{head}"]
    return f"{head}{new_seq:0{digits}d}{tail}{rest}"


def _certificate_id(rid: str, names: dict[str, str]) -> str:
    dossier, _, suffix = rid.rpartition("-")
    return f"{names.get(dossier, dossier)}-{suffix}"


def _rename(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _rename(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    if isinstance(value, str) and value in names:
        return names[value]
    return value


def _fresh_identifiers(record: dict, k: int) -> None:
    """New valid ID numbers, credit codes and mobiles for a copy, so copies are not duplicates."""
    person = record.get("individual")
    if isinstance(person, dict) and isinstance(person.get("id_number"), str):
        number = person["id_number"]
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        sequence = (int(number[14:17]) + 2 * k) % 1000  # keeps the gender digit's parity
        person["id_number"] = make_id_number(number[:6], born, sequence)
    company = record.get("enterprise")
    if isinstance(company, dict) and isinstance(company.get("credit_code"), str):
        code = company["credit_code"]
        body = "".join(CREDIT_CHARSET[(CREDIT_CHARSET.index(c) + k) % len(CREDIT_CHARSET)] for c in code[8:17])
        company["credit_code"] = make_credit_code(code[:2], code[2:8], body)
    for contact in record.get("contacts") or []:
        if isinstance(contact, dict) and isinstance(contact.get("mobile"), str) and len(contact["mobile"]) == 11:
            contact["mobile"] = contact["mobile"][:3] + f"{(int(contact['mobile'][3:]) + 7919 * k) % 10**8:08d}"


def write_archive(target, count: int) -> int:
    """A checked archive of about `count` records at `target` (schemas and policy included)."""
    import shutil

    from .. import bundle
    from .write import write_records

    target.mkdir(parents=True, exist_ok=True)
    if not (target / "schemas").exists():
        shutil.copytree(bundle.schemas(), target / "schemas")
    (target / "records").mkdir(exist_ok=True)
    (target / "records" / "policy.yaml").write_text(_plain_policy(bundle.policy().read_text(encoding="utf-8")),
                                                    encoding="utf-8")
    return write_records(target, scaled_records(count))


def _plain_policy(text: str) -> str:
    """The demo's policy with its values kept plain: a scaled archive (for benchmarks and training) has no keys of
    its own, and the demo's key opens only the demo's values."""
    from ..yamlstyle import dumps, loads

    policy = loads(text)
    policy["encryption"]["enabled"] = False
    policy["encryption"]["recipients"] = []
    return dumps(policy)
