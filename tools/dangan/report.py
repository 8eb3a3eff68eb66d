"""Turning problems into output: text for people, JSON for programs, CI annotations.

This is the only module that knows the output formats.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from itertools import groupby
from typing import TextIO

from .messages import render
from .problems import ERROR, WARNING, Problem

FORMATS = ("text", "json", "github", "gitlab")
_WORDS = {
    "zh": {"error": "错误", "warning": "警告", "hint": "提示", "ok": "检查通过：{records} 条记录，没有发现问题。",
           "summary": "共检查 {records} 条记录：{errors} 个错误，{warnings} 个警告。"},
    "en": {"error": "error", "warning": "warning", "hint": "hint", "ok": "All clear: {records} records, no problems.",
           "summary": "{records} records checked: {errors} errors, {warnings} warnings."},
}


def counts(problems: Iterable[Problem]) -> tuple[int, int]:
    problems = list(problems)
    errors = sum(p.severity == ERROR for p in problems)
    return errors, len(problems) - errors


def write(problems: list[Problem], records: int, fmt: str, lang: str, out: TextIO) -> None:
    {"text": _text, "json": _json, "github": _github, "gitlab": _gitlab}[fmt](problems, records, lang, out)


def _location(p: Problem) -> str:
    if p.line is None:
        return p.file
    return f"{p.file}:{p.line}:{p.column or 1}"


def _text(problems: list[Problem], records: int, lang: str, out: TextIO) -> None:
    words = _WORDS[lang]
    for file, group in groupby(problems, key=lambda p: p.file):
        out.write(f"{file}\n")
        for p in group:
            message, hint = render(p, lang)
            field = f" [{p.field}]" if p.field else ""
            out.write(f"  {_location(p)}: {words[p.severity]} {p.code}{field}: {message}\n")
            if hint:
                out.write(f"      {words['hint']}: {hint}\n")
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
    json.dump({"records": records, "problems": as_dicts(problems, lang)}, out, ensure_ascii=False, indent=2)
    out.write("\n")


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
        props = [f"file={_escape_property(p.file)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.column or 1}"]
        props.append(f"title={_escape_property(p.code)}")
        text = message + (f" ({hint})" if hint else "")
        out.write(f"::{level} {','.join(props)}::{_escape_data(text)}\n")
    _text(problems, records, lang, out)


def _gitlab(problems: list[Problem], records: int, lang: str, out: TextIO) -> None:
    """GitLab's code-quality report (a JSON list)."""
    rows, seen = [], set()
    for p in problems:
        message, _ = render(p, lang)
        basis = f"{p.code}|{p.file}|{p.line}|{p.column}|{p.field}|{message}"
        fingerprint = hashlib.sha256(basis.encode()).hexdigest()
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
    json.dump(rows, out, ensure_ascii=False, indent=2)
    out.write("\n")


__all__ = ["ERROR", "FORMATS", "WARNING", "as_dicts", "counts", "write"]
