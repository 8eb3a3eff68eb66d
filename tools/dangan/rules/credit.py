"""A customer's credit file (seed 002 篇二 5.) and its review (seed 001 客户信用管理制度流程 三、七), as the
checks judge them and `dangan due` lists them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..facts import Facts, date
from ..record import Record
from ..workdays import add_months

LIVE = ("active", "prospect", "dormant")  # blacklisted and closed customers get no credit review


def limit(customer: Record) -> float:
    """The customer's current credit limit (0 when none)."""
    value = customer.get("credit", "limit")
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def has_credit(customer: Record) -> bool:
    return limit(customer) > 0 and customer.get("status") in LIVE


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def missing_file_items(f: Facts, customer: Record) -> list[str]:
    """The items of `credit.file_required` that the customer's credit file lacks (`forms.x` inside `forms`)."""
    credit = customer.get("credit") if isinstance(customer.get("credit"), dict) else {}
    return [item for item in f.policy.credit.file_required
            if not _present(customer.get("credit", *item.split(".")) if credit else None)]


def review_due(f: Facts, customer: Record) -> tuple[dt.date | None, str]:
    """When the next credit review is due, and the field or policy key that says so: `credit.next_review`,
    else the last review plus `credit.review_every_months`."""
    given = date(customer.get("credit", "next_review"))
    if given:
        return given, "credit.next_review"
    reviewed = date(customer.get("credit", "reviewed_on"))
    if reviewed:
        return add_months(reviewed, f.policy.credit.review_every_months), "credit.review_every_months"
    return None, ""


def latest_limit(customer: Record) -> tuple[int, dict] | None:
    """(position, entry) of the limit change in force: the one with the latest `since` (the last of equals)."""
    history = [(i, e) for i, e in enumerate(customer.get("credit", "limit_history") or [])
               if isinstance(e, dict) and date(e.get("since"))]
    return max(history, key=lambda pair: (pair[1]["since"], pair[0])) if history else None
