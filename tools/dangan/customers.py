"""Likely the same customer: the one judgement of `dangan new customer` and `dangan import customer`.

Two customers are likely one when they share a credit code or an ID number, a mobile or a name,
each compared with full-width forms, spaces and case aside. Two different numbers in one field
(two ID numbers, two credit codes) are two customers, whatever else they share.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .crypto import digest_of, is_token
from .identifiers import normalise_mobile
from .messages import say
from .schemas import values_at

if TYPE_CHECKING:
    from .index import Index

CODES = (("enterprise", "credit_code"), ("individual", "id_number"), ("individual", "credit_code"))
MOBILES = ("contacts", "*", "mobile")
NAME = ("name",)
_SPACE = re.compile(r"\s+")
K = TypeVar("K", bound=Hashable)  # how a `Known` names the customers it holds: a record id, a sheet's row


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing two customers share: what (`same.<what>` in the message catalogue), where the first
    holds it, and the value as compared."""

    what: str  # credit-code, id-number, mobile or name
    field: tuple  # e.g. ("contacts", 0, "mobile")
    value: str

    def text(self, lang: str = "zh") -> str:
        return say(f"same.{self.what}", lang)[0]


@dataclass(slots=True)
class Identity:
    """What identifies a customer, as compared: its numbers by field, its mobiles by where they stand, its name."""

    codes: dict[tuple, str]
    mobiles: dict[tuple, str]
    name: str

    @classmethod
    def of(cls, data: Any) -> Identity:
        data = data if isinstance(data, dict) else {}
        codes = {path: _compared(value, lambda v: _folded(v).upper()) for path in CODES
                 for _, value in values_at(data, path) if isinstance(value, str) and _folded(value)}
        mobiles = {where: _compared(value, lambda v: normalise_mobile(_folded(v)))
                   for where, value in values_at(data, MOBILES) if isinstance(value, str) and _folded(value)}
        codes = {k: v for k, v in codes.items() if v}
        mobiles = {k: v for k, v in mobiles.items() if v}
        name = data.get("name")
        return cls(codes, mobiles, _folded(name).lower() if isinstance(name, str) else "")

    def lookups(self) -> Iterator[tuple[str, str]]:
        """What another customer must share with this one to be judged at all."""
        yield from (("code", value) for value in self.codes.values())
        yield from (("mobile", value) for value in self.mobiles.values())
        if self.name:
            yield "name", self.name


def likely_same(mine: Identity, theirs: Identity) -> list[Reason]:
    """Why two customers are likely one (numbers first, then mobiles, then the name, each where `mine` holds
    it), or [] when they are not: nothing shared, or two different numbers in one field."""
    if any(theirs.codes.get(field, value) != value for field, value in mine.codes.items()):
        return []
    their_codes, their_mobiles = set(theirs.codes.values()), set(theirs.mobiles.values())
    reasons = [Reason(field[-1].replace("_", "-"), field, value) for field, value in mine.codes.items()
               if value in their_codes]
    reasons += [Reason("mobile", field, value) for field, value in mine.mobiles.items() if value in their_mobiles]
    if mine.name and mine.name == theirs.name:
        reasons.append(Reason("name", NAME, mine.name))
    return reasons


def because(reasons: list[Reason], lang: str = "zh") -> str:
    """The reasons in words, each once: 身份证号码相同、手机号码相同."""
    return ("、" if lang == "zh" else ", ").join(dict.fromkeys(r.text(lang) for r in reasons))


def described(record_id: str, name: str, reasons: list[Reason]) -> str:
    """A likely duplicate as both commands list it: `KH0001 王小明：身份证号码相同`."""
    return f"{record_id} {name}：{because(reasons)}"


class Known(Generic[K]):
    """Customers seen so far (archived ones, earlier rows of a sheet), found again by what identifies them."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], list[K]] = defaultdict(list)
        self._identity: dict[K, Identity] = {}
        self._order: dict[K, int] = {}

    def add(self, name: K, identity: Identity) -> None:
        self._identity[name] = identity
        self._order.setdefault(name, len(self._order))
        for key in identity.lookups():
            self._by_key[key].append(name)

    def likely(self, identity: Identity) -> list[tuple[K, list[Reason]]]:
        """Each customer seen that `likely_same` judges one with `identity`, with why; in the order seen."""
        candidates = sorted({name for key in identity.lookups() for name in self._by_key.get(key, ())},
                            key=self._order.__getitem__)
        found = ((name, likely_same(identity, self._identity[name])) for name in candidates)
        return [(name, reasons) for name, reasons in found if reasons]


def archived(index: Index) -> Known[str]:
    """The archive's customers, by id, in the order of their ids."""
    known: Known[str] = Known()
    for record in sorted(index.of("customer").values(), key=lambda r: r.id):
        known.add(record.id, Identity.of(record.data))
    return known


def _compared(value: str, plain) -> str:
    """A value as compared: a plain one normalised, an encrypted one no key opened by its digest ("" without)."""
    if is_token(value):
        return "#" + digest_of(value) if digest_of(value) else ""
    return plain(value)


def _folded(value: Any) -> str:
    """Full-width letters and digits folded to ASCII, every space removed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))
