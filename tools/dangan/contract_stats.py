"""Half-year contract statistics (seed 002 §4): per department, the contracts signed in
the half, their amounts, the payments received in it and what is still outstanding."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .facts import date
from .index import Index
from .policy import of as policy_of

_HALF = re.compile(r"^(\d{4})H([12])$")


def half_bounds(half: str) -> tuple[dt.date, dt.date] | None:
    m = _HALF.match(half)
    if not m:
        return None
    year, part = int(m.group(1)), int(m.group(2))
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if part == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


@dataclass
class Row:
    department: str
    name: str
    signed: int = 0
    amount: float = 0.0
    received: float = 0.0  # payments in the half, on any contract of the department
    outstanding: float = 0.0  # unpaid balance of the department's live contracts at the half's end
    by_type: dict[str, int] = field(default_factory=dict)


def statistics(index: Index, half: str) -> list[Row]:
    bounds = half_bounds(half)
    if bounds is None:
        raise ValueError(half)
    start, end = bounds
    policy = policy_of(index)
    rows: dict[str, Row] = {}
    for contract in sorted(index.of("contract").values(), key=lambda c: c.id):
        dept = contract.get("department")
        if not isinstance(dept, str):
            continue
        row = rows.setdefault(dept, Row(dept, policy.name("policy:departments", dept)))
        signed = date(contract.get("signed_on"))
        amount = contract.get("amount") if isinstance(contract.get("amount"), int | float) else 0
        if signed and start <= signed <= end:
            row.signed += 1
            row.amount += amount
            row.by_type[contract.get("type")] = row.by_type.get(contract.get("type"), 0) + 1
        paid_by_end = 0.0
        for payment in contract.get("payments") or []:
            when = date(payment.get("date")) if isinstance(payment, dict) else None
            value = payment.get("amount") if isinstance(payment, dict) else None
            if when and isinstance(value, int | float):
                if start <= when <= end:
                    row.received += value
                if when <= end:
                    paid_by_end += value
        if signed and signed <= end and contract.get("status") in ("active", "completed"):
            row.outstanding += max(0.0, amount - paid_by_end)
    return [rows[k] for k in sorted(rows)]
