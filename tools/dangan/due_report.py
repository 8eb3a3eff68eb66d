"""Output of `dangan due`: text, JSON, CSV and iCalendar (RFC 5545).

A provisional deadline (counted through a year whose holidays are not known) is marked in every
format, with the reason from the catalogue: 暂定 and a note in text, `provisional` fields in JSON and
CSV, STATUS:TENTATIVE in iCalendar."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from typing import TextIO

from .due.item import DueItem
from .index import Index
from .messages import say

FORMATS = ("text", "json", "csv", "ics")
KIND_NAMES = {"handover": "档案移交", "supplement": "补齐资料", "extension": "延期到期", "loan": "借阅归还",
              "certificate": "权证归还", "certificate_handover": "权证移交", "retention": "保管期满",
              "visit": "待回访", "greeting": "节前问候",
              "complaint": "客诉答复", "complaint_archive": "客诉归档", "contract": "合同归档",
              "statistics": "合同统计", "report": "信用管理报告", "credit": "信用评估", "survey": "年度满意度调查",
              "profile": "客户档案更新", "review": "阶段评审到期",
              "market_report": "市场月报", "appeal": "客诉申诉期"}
COLUMNS = ("kind", "record", "what", "due", "owner", "overdue_days", "rule")
PROVISIONAL_COLUMNS = ("provisional", "provisional_reason")  # only when an item is provisional


def write(items: list[DueItem], index: Index, as_of: dt.date, fmt: str, out: TextIO) -> None:
    {"text": _text, "json": _json, "csv": _csv, "ics": _ics}[fmt](items, index, as_of, out)


def _mark() -> str:
    return say("due.provisional-mark")[0]


def _reason(item: DueItem) -> str:
    """Why the item's date is provisional, and what makes it certain."""
    message, hint = say("due.provisional", years="、".join(map(str, item.provisional)))
    return f"{message}。{hint}"


def _owner_name(index: Index, owner: str | None) -> str:
    person = index.get("staff", owner) if owner else None
    return f"{person.get('name')}（{owner}）" if person else (owner or "")


def _text(items: list[DueItem], index: Index, as_of: dt.date, out: TextIO) -> None:
    if not items:
        out.write(f"截至 {as_of}：没有到期事项。\n")
        return
    out.write(f"截至 {as_of} 的到期事项（{len(items)} 项）：\n")
    for item in items:
        late = item.overdue_days(as_of)
        state = f"逾期 {late} 天" if late else ("今天到期" if item.due == as_of else "将到期")
        mark = f"  {_mark()}" if item.provisional else ""
        out.write(f"  {item.due}  {state:<8} {KIND_NAMES.get(item.kind, item.kind)}  {item.record}  "
                  f"{item.what}  —— {_owner_name(index, item.owner)}  [{item.rule}]{mark}\n")
    for reason in dict.fromkeys(_reason(item) for item in items if item.provisional):
        out.write(f"{reason}\n")


def _json(items: list[DueItem], index: Index, as_of: dt.date, out: TextIO) -> None:
    rows = [i.as_dict(as_of) | ({"provisional_reason": _reason(i)} if i.provisional else {}) for i in items]
    json.dump({"as_of": as_of.isoformat(), "items": rows}, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _csv(items: list[DueItem], index: Index, as_of: dt.date, out: TextIO) -> None:
    writer = csv.writer(out)
    extra = PROVISIONAL_COLUMNS if any(item.provisional for item in items) else ()
    writer.writerow(COLUMNS + extra)
    for item in items:
        row = item.as_dict(as_of)
        marks = ("true", _reason(item)) if item.provisional else ("false", "")
        writer.writerow([row[c] for c in COLUMNS] + list(marks[:len(extra)]))


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _ics(items: list[DueItem], index: Index, as_of: dt.date, out: TextIO) -> None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Dangan//dangan due//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:档案到期事项"]
    for item in items:
        uid = hashlib.sha1(f"{item.kind}|{item.record}|{item.what}|{item.rule}".encode()).hexdigest()
        summary = f"{KIND_NAMES.get(item.kind, item.kind)}：{item.what}"
        description = f"{item.record} · {_owner_name(index, item.owner)} · {item.rule}"
        tentative = []
        if item.provisional:  # the date may move once the year's holidays are known
            summary = f"（{_mark()}）{summary}"
            description += f"\n{_reason(item)}"
            tentative = ["STATUS:TENTATIVE"]
        lines += ["BEGIN:VEVENT", f"UID:{uid}@dangan", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{item.due:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{item.due + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_ics_text(summary)}", f"DESCRIPTION:{_ics_text(description)}", *tentative,
                  f"CATEGORIES:{_ics_text(item.kind)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    for line in lines:
        for part in _fold(line):
            out.write(part + "\r\n")
