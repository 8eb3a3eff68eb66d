"""Chinese identifiers: resident ID numbers (GB 11643), unified social credit codes
(GB 32100) and mainland mobile numbers. Each `check_*` returns None when the value is
valid, else a short reason code; `make_*` builds valid values (for the demo archive).
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
STANDARDS = {"id-card": "GB 11643", "credit-code": "GB 32100"}  # the national standard of each identifier
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_CREDIT_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def check_id_number(value: str, today: dt.date | None = None) -> str | None:
    """'shape', 'birth-date' or 'checksum' when a resident ID number is wrong."""
    value = value.upper()
    if not _ID_SHAPE.match(value):
        return "shape"
    born = id_birth_date(value)
    if born is None or born.year < 1900 or born > (today or dt.date.today()):
        return "birth-date"
    if id_check_char(value[:17]) != value[17]:
        return "checksum"
    return None


def make_id_number(region: str, born: dt.date, sequence: int) -> str:
    """A valid ID number: 6-digit region code, birth date, 3-digit sequence, check char."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def check_credit_code(value: str) -> str | None:
    """'shape' or 'checksum' when a unified social credit code is wrong."""
    if not _CREDIT_SHAPE.match(value) or not value[2:8].isdigit():
        return "shape"
    if credit_check_char(value[:17]) != value[17]:
        return "checksum"
    return None


def make_credit_code(kind: str, region: str, body: str) -> str:
    """kind: 2 chars (e.g. '91' enterprise), region: 6 digits, body: 9 chars of the charset."""
    first17 = f"{kind}{region}{body}"
    return first17 + credit_check_char(first17)


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def check_mobile(value: str) -> str | None:
    return None if _MOBILE.match(normalise_mobile(value)) else "mobile"
