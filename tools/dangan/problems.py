"""A problem found in the archive: plain data that carries its source location.

Every check, the loader included, reports `Problem`s; only the reporter turns them
into words (see `messages.py`), so a code means the same thing in every output format.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(slots=True)
class Problem:
    code: str
    file: str  # path relative to the archive root, with forward slashes
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    record: str | None = None  # "kind/id"
    field: str | None = None  # path inside the record, e.g. "contacts[0].mobile" (`paths.field_path`)
    args: dict[str, Any] = _field(default_factory=dict)  # values for the message template
    severity: str = ERROR

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.code, self.field or "")


class Words(str):
    """A value put into words for a message: the Chinese form, with the English one beside it (`en`);
    the catalogue uses `en` when it writes English (`messages.render`)."""
    en: str

    def __new__(cls, zh: str, en: str) -> Words:
        made = super().__new__(cls, zh)
        made.en = en
        return made

    def __reduce__(self):  # kept whole through a cache (pickle) and a copy
        return (Words, (str(self), self.en))
