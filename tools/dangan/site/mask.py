"""Masking for the public site (policy `privacy`): ID-card numbers, credit codes of individuals,
phones and e-mails are shown with their middle hidden, in fields the schemas mark as such and
wherever such a value turns up in free text. The internal build masks nothing."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from ..index import Index, Record

ID_CARD, CREDIT_CODE, PHONE, EMAIL = "id-card", "credit-code", "phone", "email"
INDIVIDUAL_BUSINESS = "92"  # GB 32100: registered by market regulation (9), individual business (2)

_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_CREDIT_RE = re.compile(r"(?<![0-9A-Z])92\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?!\d)")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PREFIX_RE = re.compile(r"^(\+?86[ -]?)")


def id_number(value: str) -> str:
    """110105********123X: the first six and the last four characters."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def phone(value: str) -> str:
    """138****5678 (a mobile: first three, last four digits); 0471-***8849 (a landline keeps its area code)."""
    prefix = _PREFIX_RE.match(value)
    head = prefix.group(1) if prefix else ""
    rest = value[len(head):]
    if "-" in rest and rest.startswith("0"):
        area, _, number = rest.partition("-")
        return f"{head}{area}-{_hide_digits(number, 0)}"
    return head + _hide_digits(rest, 3)


def _hide_digits(text: str, keep_first: int, keep_last: int = 4) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    hidden = set(positions[keep_first:len(positions) - keep_last]) if len(positions) > keep_last else set(positions)
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


def email(value: str) -> str:
    """z***@hongyuan.example: the first character of the name and the domain."""
    local, at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


class Masker:
    """What to hide, from the policy's `privacy` settings (each defaults to hiding)."""

    def __init__(self, index: Index, enabled: bool = True):
        privacy = index.policy_data.get("privacy")
        privacy = privacy if isinstance(privacy, dict) else {}
        self.index = index
        self.enabled = enabled
        self.ids = enabled and privacy.get("mask_id_numbers") is not False
        self.phones = enabled and privacy.get("mask_phones") is not False
        self.emails = enabled and privacy.get("mask_emails") is not False
        self._categories: dict[tuple, str | None] = {}

    @cached_property
    def _phone_pattern(self) -> str | None:
        phone_def = self.index.schemas.raw.get("common", {}).get("$defs", {}).get("phone", {})
        return phone_def.get("pattern")

    def category(self, kind: str, path: tuple) -> str | None:
        """What kind of personal identifier a field holds, from its schema."""
        pattern = (kind, *("*" if isinstance(p, int) else p for p in path))
        if pattern not in self._categories:
            self._categories[pattern] = self._category(kind, path)
        return self._categories[pattern]

    def _category(self, kind: str, path: tuple) -> str | None:
        info = self.index.schemas.field_info(kind, path)
        if info is None:
            return None
        marked = info.identifier
        if marked == "mobile":
            return PHONE
        if marked in (ID_CARD, CREDIT_CODE):
            return marked
        if info.schema.get("format") == "email":
            return EMAIL
        if self._phone_pattern and info.schema.get("pattern") == self._phone_pattern:
            return PHONE
        return None

    def value(self, kind: str, path: tuple, value: Any, record: Record | None = None) -> Any:
        """A field's value as the site may show it."""
        if not self.enabled or not isinstance(value, str):
            return value
        category = self.category(kind, path)
        if category == ID_CARD and self.ids:
            return id_number(value)
        if category == CREDIT_CODE and self.ids and _individual(record, path, value):
            return id_number(value)
        if category == PHONE and self.phones:
            return phone(value)
        if category == EMAIL and self.emails:
            return email(value)
        return self.text(value)

    def text(self, value: str) -> str:
        """Free text with every identifier in it masked (a phone number written into a note …)."""
        if not self.enabled or not isinstance(value, str):
            return value
        if self.emails:
            value = _EMAIL_RE.sub(lambda m: email(m.group(0)), value)
        if self.ids:
            value = _ID_RE.sub(lambda m: id_number(m.group(0)), value)
            value = _CREDIT_RE.sub(lambda m: id_number(m.group(0)), value)
        if self.phones:
            value = _MOBILE_RE.sub(lambda m: phone(m.group(0)), value)
            value = _LANDLINE_RE.sub(lambda m: phone(m.group(0)), value)
        return value


def _individual(record: Record | None, path: tuple, value: str) -> bool:
    """A credit code of a person: an individual customer's, or an individual business's (92…)."""
    if value.startswith(INDIVIDUAL_BUSINESS):
        return True
    return record is not None and (record.get("type") == "individual" or "individual" in path)
