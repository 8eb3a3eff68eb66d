"""One cell's value, normalised: what Excel and people do to values, undone where it can be
undone and reported where it cannot. Nothing here guesses a lost digit."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 61 is 1900-03-01 (Excel's 1900 leap-year bug before that)
_SERIALS = range(61, 2958466)  # 1900-03-01 .. 9999-12-31
_DATE = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*[日号]?"
                   r"(?:[\sT]+\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2}(?:\.\d+)?秒?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_HAN_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")  # 张　伟 -> 张伟: padding, not a word break
_ALL_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                    for c in range(r[0], r[1] + 1)}
TRUE = ("是", "y", "yes", "true", "1", "√", "✓", "✔", "对")
FALSE = ("否", "n", "no", "false", "0", "×", "✗", "✘", "错")
EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number


class Unclean(ValueError):
    """A value that cannot be read as its field wants (the message is for the user)."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000\xa0"))


def header_key(value: Any) -> str:
    """A header as matched: full-width folded, no spaces, no required mark or colon."""
    text = unicodedata.normalize("NFKC", str(value))
    return _ALL_SPACE.sub("", text).strip("*:").lower()


def without_brackets(key: str) -> str:
    """注册资本（万元） -> 注册资本 (on a header key, whose brackets NFKC made ASCII)."""
    return re.sub(r"\([^)]*\)", "", key)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def digits(value: int | float) -> str:
    """A number Excel stored for a code, as its digits (15.0 -> '15')."""
    if isinstance(value, float):
        if not value.is_integer():
            raise Unclean(f"{value} 不是整数，不像号码 (not a whole number)")
        value = int(value)
    return str(value)


def lost_precision(value: Any) -> bool:
    """A number too long for Excel: digits beyond the 15th were replaced by zeros."""
    return isinstance(value, float) and abs(value) >= 10 ** EXACT_DIGITS


def text(value: Any) -> str:
    """Free text: full-width letters and digits folded; full-width, stray and padding spaces removed."""
    if is_number(value):
        return digits(value) if float(value).is_integer() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return iso_date(value)
    folded = str(value).translate(_FULLWIDTH_ALNUM).replace("\r\n", "\n")
    lines = [_HAN_GAP.sub("", _SPACES.sub(" ", line)).strip() for line in folded.split("\n")]
    return "\n".join(lines).strip()


def code(value: Any) -> str:
    """An identifier, number or code: NFKC (ＡＢＣ１２３ -> ABC123), no spaces anywhere."""
    if is_number(value):
        return digits(value)
    return _ALL_SPACE.sub("", unicodedata.normalize("NFKC", str(value)))


def iso_date(value: Any) -> str:
    """A date cell, an Excel date serial, or text like 2023年3月13日, 2023/3/13, 2023.03.13, 20230313."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_number(value):
        if float(value).is_integer() and _COMPACT_DATE.match(str(int(value))):
            return _ymd(*_COMPACT_DATE.match(str(int(value))).groups(), value)
        if int(value) in _SERIALS:
            return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        raise Unclean(f"数字 {value} 不是日期 (not a date)")
    text_ = unicodedata.normalize("NFKC", str(value)).strip()
    found = _DATE.match(text_) or _COMPACT_DATE.match(text_)
    if not found:
        raise Unclean(f"无法识别的日期“{text_}”，请写作 2023-03-13 或 2023年3月13日 (unrecognised date)")
    return _ymd(*found.groups()[:3], text_)


def _ymd(year: str, month: str, day: str, shown: Any) -> str:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise Unclean(f"日期“{shown}”不存在 (no such date)") from None


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = code(value).lower()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise Unclean(f"“{value}”应为 是 或 否 (yes or no expected)")


def number(value: Any, integer: bool) -> int | float:
    """A number cell, or text like 1,234.50、￥2,000、３００ (an integral value as an int)."""
    if is_number(value):
        found = value
    else:
        key = code(value).replace(",", "").lstrip("¥").removesuffix("元")
        if not _NUMBER.match(key):
            raise Unclean(f"“{value}”不是数字 (not a number)")
        found = float(key)
    if float(found).is_integer():
        return int(found)
    if integer:
        raise Unclean(f"“{value}”应为整数 (whole number expected)")
    return found
