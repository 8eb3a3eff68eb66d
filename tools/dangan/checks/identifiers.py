"""Identifiers: resident ID numbers (GB 11643), unified social credit codes (GB 32100),
mainland mobile numbers. The fields are those whose schema carries ``x-id``."""

from __future__ import annotations

from collections.abc import Iterator

from .. import identifiers as ids
from ..crypto import is_token
from ..facts import Facts
from ..groups import BY_RECORD, grouped
from ..index import Index
from ..problems import Problem
from ..record import Record
from ..schemas import values_at


@grouped(BY_RECORD)
def check_identifiers(index: Index, f: Facts) -> Iterator[Problem]:
    """Every ID number, credit code and mobile is well-formed and passes its check character (each record by
    itself: `BY_RECORD`)."""
    for kind in index.schemas.kinds:
        fields = [f for f in index.schemas.fields(kind).values() if f.identifier]
        if not fields:
            continue
        for record in index.of(kind).values():
            for info in fields:
                for path, value in values_at(record.data, info.path):
                    if isinstance(value, str) and not is_token(value):  # one no key opened: `encrypted`
                        yield from _check(record, path, value, info.identifier, info.title)
            if kind == "customer":
                yield from _individual_consistency(record)


def _check(record: Record, path: tuple, value: str, what: str, label: str) -> Iterator[Problem]:
    if what == "mobile":
        if ids.check_mobile(value):
            yield record.problem("id.mobile", path, value=True, value_=value, label=label)
        return
    reason = ids.check_id_number(value) if what == "id-card" else ids.check_credit_code(value)
    if reason == "checksum":
        yield record.problem("id.checksum", path, value=True, value_=value, label=label,
                             standard=ids.STANDARDS[what])
    elif reason == "birth-date":
        yield record.problem("id.birth-date", path, value=True, value_=value, label=label)
    elif reason:
        yield record.problem("id.shape", path, value=True, value_=value, label=label)


def _individual_consistency(record: Record) -> Iterator[Problem]:
    """An individual's birth date and gender agree with a valid ID number."""
    person = record.get("individual")
    if not isinstance(person, dict):
        return
    number = person.get("id_number")
    if not isinstance(number, str) or ids.check_id_number(number):
        return
    born = ids.id_birth_date(number)
    birth = person.get("birth_date")
    if isinstance(birth, str) and born and birth != born.isoformat():
        yield record.problem("id.birth-mismatch", ("individual", "birth_date"), value=True,
                             birth=birth, from_id=born.isoformat())
    gender = person.get("gender")
    if gender in ("male", "female"):
        expected = "male" if int(number[16]) % 2 else "female"
        if gender != expected:
            yield record.problem("id.gender-mismatch", ("individual", "gender"), value=True)
