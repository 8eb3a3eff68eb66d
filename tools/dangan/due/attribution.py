"""`dangan due`, sales credit (seed 000 篇2 跟进原则 9.): a credit change (业绩更改单) not yet fully signed is
due with whoever signs next, by the last day it may still change its order (the month's close, or the day
before the month's last `attribution.month_end_days` days)."""

from __future__ import annotations

from collections.abc import Iterator

from ..attribution import change_state, last_day_to_change, next_signer
from ..facts import Facts, date
from .item import DueItem, Source


def credit_changes(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Every credit change still waiting for a signature whose order can still change."""
    for change in f.index.of("credit_change").values():
        state = change_state(f, change)
        contract = f.index.get("contract", change.get("contract")) if isinstance(change.get("contract"), str) else None
        sale = date(contract.get("signed_on")) if contract else None
        if state.complete or sale is None:
            continue
        deadline = last_day_to_change(f, sale)
        if deadline is None:
            continue
        yield DueItem("credit_change", change.key, f"业绩更改单签字：{contract.get('number')}（{contract.id}）",
                      deadline, next_signer(f, change, state), "attribution.month_end_days")


SOURCES: list[Source] = [credit_changes]
