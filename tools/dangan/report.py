"""Turning problems into output: text for people, JSON for programs, CI annotations.

This is the only module that knows the output formats. Whatever came from the archive (file
names, keys, values in messages) is printed with control and format characters escaped: an ESC,
a newline or a right-to-left override in a file name never reaches a terminal or a CI log raw.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from itertools import groupby
from typing import TextIO

from .messages import render
from .problems import ERROR, WARNING, Problem

FORMATS = ("text", "json", "github", "gitlab")
_WORDS = {
    "zh": {"error": "错误", "warning": "警告", "hint": "提示", "ok": "检查通过：{records} 条记录，没有发现问题。",
           "summary": "共检查 {records} 条记录：{errors} 个错误，{warnings} 个警告。",
           "unusable": "档案库无法使用，请先修正以下问题 (the archive cannot be used):"},
    "en": {"error": "error", "warning": "warning", "hint": "hint", "ok": "All clear: {records} records, no problems.",
           "summary": "{records} records checked: {errors} errors, {warnings} warnings.",
           "unusable": "The archive cannot be used; fix these first:"},
}
# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text (soft hyphen,
# Arabic and Syriac marks, zero-width characters, bidi embeddings, overrides and isolates, line and
# paragraph separators, BOM, interlinear annotations, tags); lone surrogates stand for undecodable bytes
_C0 = r"\x00-\x1f"
_UNSAFE = (r"\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
           r"\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000110bd\U000110cd\U00013430-\U0001343f"
           r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f")
_UNSAFE_TEXT = re.compile(f"[{_C0}{_UNSAFE}]")
_UNSAFE_JSON = re.compile(f"[{_UNSAFE}]")  # json.dumps escapes C0 itself; a raw newline there is layout


_UNSAFE_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f" + _UNSAFE + "]")  # the layout (tab, newline) kept


class TerminalSafe:
    """A text stream for a terminal: what reaches it can move no cursor and hide no text — every control or
    invisible format character (in a record's value as in a file name) is written as its escape."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_UNSAFE_TERMINAL.sub(
            lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text))

    @property
    def raw(self):
        """The terminal itself, for a writer that escapes its data and styles it (rich's tables)."""
        return self._stream

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def printable(text: str | None) -> str | None:
    """Text safe for a terminal or a log: unsafe characters as Python escapes (\\x1b, \\n, \\u202e, \\udcff)."""
    if text is None:
        return None
    return _UNSAFE_TEXT.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def _json_text(data) -> str:
    """JSON whose strings carry no raw control or format character: the same data, escaped as \\uXXXX."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_JSON.sub(lambda m: "".join(f"\\u{unit:04x}" for unit in _utf16(m.group())), text)


json_text = _json_text  # for the other writers (outputs.py)


def _utf16(char: str) -> list[int]:
    raw = char.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def counts(problems: Iterable[Problem]) -> tuple[int, int]:
    problems = list(problems)
    errors = sum(p.severity == ERROR for p in problems)
    return errors, len(problems) - errors


def write(problems: list[Problem], records: int, fmt: str, lang: str, out: TextIO) -> None:
    {"text": _text, "json": _json, "github": _github, "gitlab": _gitlab}[fmt](problems, records, lang, out)


def _location(p: Problem) -> str:
    if p.line is None:
        return printable(p.file)
    return f"{printable(p.file)}:{p.line}:{p.column or 1}"


def _entry(p: Problem, lang: str) -> str:
    """One problem as text lines: where, what, and the hint."""
    words = _WORDS[lang]
    message, hint = render(p, lang)
    field = f" [{printable(p.field)}]" if p.field else ""
    text = f"  {_location(p)}: {words[p.severity]} {p.code}{field}: {printable(message)}\n"
    return text + (f"      {words['hint']}: {printable(hint)}\n" if hint else "")


def environment(problems: list[Problem], lang: str = "zh", *, stop: bool = True) -> str:
    """Problems that stop a command (or, without `stop`, notes about the run) as text for standard error."""
    head = _WORDS[lang]["unusable"] + "\n" if stop else ""
    return head + "".join(_entry(p, lang) for p in problems).rstrip("\n")


def _text(problems: list[Problem], records: int, lang: str, out: TextIO) -> None:
    words = _WORDS[lang]
    for file, group in groupby(problems, key=lambda p: p.file):
        out.write(f"{printable(file)}\n")
        for p in group:
            out.write(_entry(p, lang))
    errors, warnings = counts(problems)
    if problems:
        out.write(words["summary"].format(records=records, errors=errors, warnings=warnings) + "\n")
    else:
        out.write(words["ok"].format(records=records) + "\n")


def as_dicts(problems: list[Problem], lang: str) -> list[dict]:
    rows = []
    for p in problems:
        message, hint = render(p, lang)
        rows.append({"file": p.file, "line": p.line, "column": p.column, "record": p.record,
                     "field": p.field, "code": p.code, "severity": p.severity,
                     "message": message, "hint": hint})
    return rows


def _json(problems: list[Problem], records: int, lang: str, out: TextIO) -> None:
    out.write(_json_text({"records": records, "problems": as_dicts(problems, lang)}) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(problems: list[Problem], records: int, lang: str, out: TextIO) -> None:
    """Workflow-command annotations. GitHub shows only the first 10 errors of a step,
    so the full list follows as plain text in the log."""
    for p in problems:
        message, hint = render(p, lang)
        level = "error" if p.severity == ERROR else "warning"
        props = [f"file={_escape_property(printable(p.file))}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.column or 1}"]
        props.append(f"title={_escape_property(p.code)}")
        text = message + (f" ({hint})" if hint else "")
        out.write(f"::{level} {','.join(props)}::{_escape_data(printable(text))}\n")
    _text(problems, records, lang, out)


def _gitlab(problems: list[Problem], records: int, lang: str, out: TextIO) -> None:
    """GitLab's code-quality report (a JSON list)."""
    rows, seen = [], set()
    for p in problems:
        message, _ = render(p, lang)
        basis = f"{p.code}|{p.file}|{p.line}|{p.column}|{p.field}|{message}"
        fingerprint = hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        rows.append({
            "description": message,
            "check_name": p.code,
            "fingerprint": fingerprint,
            "severity": "major" if p.severity == ERROR else "minor",
            "location": {"path": p.file, "lines": {"begin": p.line or 1}},
        })
    out.write(_json_text(rows) + "\n")


__all__ = ["ERROR", "FORMATS", "WARNING", "as_dicts", "counts", "environment", "printable", "write"]
