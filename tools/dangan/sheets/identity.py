"""The same customer twice in an import: a row and an archived customer, or two rows of one file,
as `customers.likely_same` judges them (`dangan new customer` judges by it too)."""

from __future__ import annotations

from ..customers import Identity, Known, Reason, archived, described
from ..index import Index

_NUMBERS = ("credit-code", "id-number")


class Customers:
    """Archived customers, and the rows of the file seen so far, found by what identifies them."""

    def __init__(self, index: Index):
        self.index = index
        self.archive = archived(index)
        self.rows: Known[int] = Known()

    def match(self, data: dict) -> list[str]:
        """The archived customers a row updates: by number, else by name, else by mobile."""
        found = self.archive.likely(Identity.of(data))
        for what in (_NUMBERS, ("name",), ("mobile",)):
            ids = sorted(rid for rid, reasons in found if any(r.what in what for r in reasons))
            if ids:
                return ids
        return []

    def duplicates(self, data: dict) -> list[str]:
        """Archived customers likely the same as a row, each as `KH0001 名称：reasons`."""
        return [described(rid, self.index.get("customer", rid).get("name", default=""), reasons)
                for rid, reasons in self.archive.likely(Identity.of(data))]

    def seen_before(self, row: int, data: dict) -> list[tuple[Reason, int]]:
        """Each thing an earlier row shares with this one (where this row holds it), and the first such row."""
        mine = Identity.of(data)
        first: dict[tuple, tuple[Reason, int]] = {}
        for earlier, reasons in self.rows.likely(mine):
            for reason in reasons:
                first.setdefault(reason.field, (reason, earlier))
        self.rows.add(row, mine)
        return list(first.values())
