"""Masking for the public site. A field's masking style comes from its schema (`x-personal`):

- id-number: 110105********123X (the first six and the last four characters), also an individual's
  credit code; phone: 138****5678, 0471-***8849; email: z***@hongyuan.example;
- messaging (WeChat and other ids): w*****3, the first and last character;
- address: what names the district stays (青山区), the street and the number go: 青山区*****;
- birth-date: the year only, 1966-**-**; account (bank accounts, certificate numbers): every digit but
  the last four hidden; private (medical, lodging details): 〔已隐藏〕 whole.

Free text is scanned for ID numbers, phones and e-mails too, and the names of sealed records
(`privacy.identities`) are replaced by 〔封存〕 wherever they turn up. The policy's `privacy` may switch
a family off (`mask_id_numbers`, `mask_phones`, `mask_emails`, `mask_other_personal`); each defaults to
hiding. The internal build masks nothing."""

from __future__ import annotations

import re
from typing import Any

import ahocorasick

from ..index import Index
from ..policy import of as policy_of
from ..privacy import individual
from ..record import Record

SEALED_MARK = "〔封存〕"
HIDDEN_MARK = "〔已隐藏〕"

_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_CREDIT_RE = re.compile(r"(?<![0-9A-Z])92\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?!\d)")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PREFIX_RE = re.compile(r"^(\+?86[ -]?)")
_PLACE_RE = re.compile(r"^.{0,12}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州)")


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


def messaging(value: str) -> str:
    """w*****3: the first and the last character of a WeChat (or other) id."""
    return value[0] + "*" * max(len(value) - 2, 1) + value[-1] if len(value) > 2 else "*" * len(value)


def address(value: str) -> str:
    """青山区*****: the place names up to the district, not the street, the building or the room."""
    found = _PLACE_RE.match(value)
    kept = found.group(0) if found else ""
    return kept + "*" * max(len(value) - len(kept), 3)


def birth_date(value: str) -> str:
    """1966-**-**: the year only."""
    return value[:4] + "-**-**" if len(value) >= 4 else "*" * len(value)


def account(value: str) -> str:
    """Every digit but the last four hidden (a bank account, a certificate's number)."""
    return _hide_digits(value, 0)


STYLES = {"id-number": id_number, "credit-code": id_number, "phone": phone, "email": email,
          "messaging": messaging, "address": address, "birth-date": birth_date, "account": account,
          "private": lambda value: HIDDEN_MARK}
_FAMILY = {"id-number": "mask_id_numbers", "credit-code": "mask_id_numbers", "phone": "mask_phones",
           "email": "mask_emails"}  # every other style: mask_other_personal


class Masker:
    """What to hide in one build, from the schemas' styles and the policy's `privacy` switches."""

    def __init__(self, index: Index, enabled: bool = True, sealed_names: set[str] = frozenset()):
        privacy = policy_of(index).privacy
        self.index = index
        self.enabled = enabled
        self.switches = {key: enabled and getattr(privacy, key)
                         for key in ("mask_id_numbers", "mask_phones", "mask_emails", "mask_other_personal")}
        self.ids, self.phones, self.emails = (self.switches[k] for k in ("mask_id_numbers", "mask_phones",
                                                                         "mask_emails"))
        self._styles: dict[tuple, str | None] = {}
        self._names = None
        if enabled and sealed_names:
            self._names = ahocorasick.Automaton()
            for name in sealed_names:
                self._names.add_word(name, len(name))
            self._names.make_automaton()

    def style(self, kind: str, path: tuple) -> str | None:
        """How a field is masked (its schema's `x-personal`), if at all."""
        pattern = (kind, *("*" if isinstance(p, int) else p for p in path))
        if pattern not in self._styles:
            info = self.index.schemas.field_info(kind, path)
            found = info.schema.get("x-personal") if info else None
            self._styles[pattern] = found if found in STYLES else None
        return self._styles[pattern]

    def value(self, kind: str, path: tuple, value: Any, record: Record | None = None) -> Any:
        """A field's value as the site may show it."""
        if not self.enabled or not isinstance(value, str):
            return value
        style = self.style(kind, path)
        hidden = style and self.switches[_FAMILY.get(style, "mask_other_personal")] and value
        if hidden and (style != "credit-code" or individual(record, path, value)):
            return STYLES[style](value)
        return self.text(value)

    def text(self, value: str) -> str:
        """Free text with every identifier in it masked and every sealed record's name replaced."""
        if not self.enabled or not isinstance(value, str):
            return value
        if self._names is not None:
            value = self._seal(value)
        if self.emails:
            value = _EMAIL_RE.sub(lambda m: email(m.group(0)), value)
        if self.ids:
            value = _ID_RE.sub(lambda m: id_number(m.group(0)), value)
            value = _CREDIT_RE.sub(lambda m: id_number(m.group(0)), value)
        if self.phones:
            value = _MOBILE_RE.sub(lambda m: phone(m.group(0)), value)
            value = _LANDLINE_RE.sub(lambda m: phone(m.group(0)), value)
        return value

    def _seal(self, value: str) -> str:
        spans = sorted(((end - length + 1, end + 1) for end, length in self._names.iter(value)),
                       key=lambda s: (s[0], -s[1]))
        if not spans:
            return value
        out, pos = [], 0
        for start, end in spans:
            if start < pos:  # inside a longer name already replaced
                continue
            out += [value[pos:start], SEALED_MARK]
            pos = end
        return "".join(out) + value[pos:]
