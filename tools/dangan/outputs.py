"""What the commands other than `check` (report.py) and `due` (due_report.py) print: a ledger as a table, CSV or
JSON, a contract's attribution, a record's history, the 四性检测 of `verify`, the half-year contract report.

Each writer takes the stream to write to. A terminal's table escapes every value (`report.printable`) and styles
it only as plain text, never as rich markup; CSV and JSON are the data as it stands."""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from . import doctor, ledger, messages, report, verify
from .attribution import Verdict
from .contract_stats import Row
from .index import Index
from .record import Record

LEDGER_FORMATS = ("table", "csv", "json")
FORMATS = ("text", "json")
CONTRACTS_FORMATS = ("text", "csv", "json")
_MARKS = {verify.PASSED: "通过", verify.FAILED: "未通过", verify.UNCHECKED: "未检查", verify.NOT_APPLICABLE: "不适用"}


def write_ledger(index: Index, kind: str, fmt: str, out: TextIO) -> None:
    """The ledger of `kind` (a kind that has one): values as stored in JSON, as people read them otherwise."""
    cols, data = ledger.rows(index, kind)
    if fmt == "json":
        keys = [".".join(c.path) for c in cols]
        json.dump([dict(zip(keys, row, strict=True)) for row in data], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    shown = [[ledger.display(index, kind, c, v) for c, v in zip(cols, row, strict=True)] for row in data]
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow([c.title for c in cols])
        writer.writerows(shown)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    title = index.schemas.annotations(kind).get("ledger_title", kind)
    table = Table(title=f"{title}（{len(shown)}）", show_lines=False)
    for c in cols:
        table.add_column(c.title, overflow="fold")
    for row in shown:  # plain text, never rich markup; control characters escaped
        table.add_row(*(Text(report.printable(cell) or "") for cell in row))
    terminal = getattr(out, "raw", out)  # report.TerminalSafe's terminal: the table escapes its data itself
    console = Console(file=terminal) if terminal.isatty() else Console(file=terminal, width=400)
    console.print(table)


def write_attribution(index: Index, contract: Record, verdict: Verdict, fmt: str, out: TextIO,
                      lang: str = "zh") -> None:
    """Who is credited with a contract, and why: each step names the seed's rule and the records it used."""
    from .attribution import RULES
    from .naming import name_values
    from .problems import Problem

    steps = [Problem(r.code, contract.file, record=contract.key, args=dict(r.args)) for r in verdict.reasons]
    name_values(steps, index)
    en = lang == "en"
    texts = [messages.render(p, lang)[0] for p in steps]
    rules = [RULES[r.rule][1 if en else 0] for r in verdict.reasons]
    if fmt == "json":
        out.write(json.dumps({"contract": contract.id, "handled_by": contract.get("handled_by"),
                              "seller": verdict.seller, "shares": verdict.shares, "credited": verdict.credited,
                              "reasons": texts, "basis": [{"rule": rule, "reason": text, "records": list(r.records)}
                                                          for rule, text, r in zip(rules, texts, verdict.reasons,
                                                                                   strict=True)],
                              "follow_up_right": verdict.follow_up_right, "records": verdict.used},
                             ensure_ascii=False, indent=2) + "\n")
        return
    def person(staff) -> str:
        found = index.get("staff", staff) if isinstance(staff, str) else None
        if not found or not found.get("name"):
            return str(staff)
        return f"{found.get('name')} ({staff})" if en else f"{found.get('name')}（{staff}）"

    handler = contract.get("handled_by")
    out.write((f"contract {contract.id} (credited rep {person(handler)})" if en else
               f"合同 {contract.id}（经办人 {person(handler)}）") + "\n")
    for staff, share in sorted(verdict.shares.items()):
        out.write(f"  credit: {person(staff)} {share:.0%}\n" if en else f"  业绩：{person(staff)} {share:.0%}\n")
    for rule, text, reason in zip(rules, texts, verdict.reasons, strict=True):
        used = ((f" (records: {', '.join(reason.records)})" if en else f"（依据：{'、'.join(reason.records)}）")
                if reason.records else "")
        out.write(f"  - [{rule}] {text}{used}\n")
    if verdict.follow_up_right:
        rep, rule = person(verdict.follow_up_right), RULES["follow-up-right"][1 if en else 0]
        out.write(f"  follow-up right: {rep} ({rule})\n" if en else f"  跟进权：{rep}（{rule}）\n")
    if verdict.used:
        listed = ", ".join(verdict.used) if en else "、".join(verdict.used)
        out.write(("  records used: " if en else "  依据记录：") + listed + "\n")


def history_entries(audit, path: str) -> list[dict[str, Any]]:
    """Each commit that changed the file at `path`: who, when, the audit's verdict and findings, which fields
    changed from what to what."""
    hist = audit.history
    entries = []
    for change in hist.of(path):
        commit = hist.commits[change.commit]
        problems = [dict(f.args) | {"code": f.code} for f in audit.findings(commit.id) if f.via is None]
        entries.append({"commit": commit.id, "date": commit.authored, "author": commit.author, "email": commit.email,
                        "staff": audit.author(commit.id), "verdict": audit.verdict(commit.id),
                        "key": commit.key, "findings": problems,
                        "subject": commit.subject, "trailers": commit.trailers, "status": change.status,
                        "fields": [{"field": f, "old": o, "new": n} for f, o, n in change.fields]})
    return entries


def write_history(path: str, entries: list[dict[str, Any]], fmt: str, lang: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(json.dumps({"file": path, "history": entries}, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    out.write((f"{path}：{len(entries)} 次提交" if lang == "zh" else f"{path}: {len(entries)} commits") + "\n")
    for e in entries:
        who = f"{e['author']}（{e['staff'] or ('非员工' if lang == 'zh' else 'not staff')}）"
        out.write(f"  {e['date'][:19]}  {e['commit'][:10]}  {who}  {messages.verdict(e['verdict'], lang)}"
                  f"  {e['subject']}\n")
        for f in e["fields"][:50]:
            out.write(f"      {f['field']}: {_short(f['old'])} → {_short(f['new'])}\n")


def _short(value) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def write_verify(items: list[verify.Item], fmt: str, out: TextIO) -> None:
    """The 四性检测, property by property: each item 通过, 未通过, 未检查 (and why) or 不适用."""
    if fmt == "json":
        out.write(json.dumps([{"property": i.property, "item": i.name, "status": i.status, "passed": i.passed,
                               "applicable": i.applicable, "unchecked": i.unchecked,
                               "problems": report.as_dicts(i.problems, "zh")} for i in items],
                             ensure_ascii=False, indent=2) + "\n")
        return
    for prop in dict.fromkeys(i.property for i in items):
        out.write(f"{prop}\n")
        for item in (i for i in items if i.property == prop):
            extra = f"（{len(item.problems)} 个问题）" if item.problems else ""
            why = f"：{item.unchecked}" if item.status == verify.UNCHECKED else ""
            out.write(f"  [{_MARKS[item.status]}] {item.name}{extra}{why}\n")


_DOCTOR_MARKS = {doctor.PASSED: ("通过", "ok"), doctor.FAILED: ("未通过", "failed"),
                 doctor.WARNING: ("提醒", "warning"), doctor.UNCHECKED: ("未检查", "not checked")}


def write_doctor(findings: list[doctor.Finding], fmt: str, lang: str, out: TextIO) -> None:
    """`dangan doctor`: each prerequisite with its verdict, what was seen, and for a failure its fix."""
    rows = []
    for f in findings:
        title = messages.say(f"doctor.{f.check}", lang)[0]
        message, hint = messages.say(f.code, lang, **f.args) if f.code else ("", "")
        rows.append({"check": f.check, "title": title, "status": f.status, "code": f.code, "detail": f.detail,
                     "message": message, "hint": hint})
    if fmt == "json":
        out.write(report.json_text({"ok": doctor.healthy(findings), "checks": rows}) + "\n")
        return
    en = lang == "en"
    for row in rows:
        mark = _DOCTOR_MARKS[row["status"]][en]
        said = row["message"] or row["detail"]
        out.write(report.printable(f"  [{mark}] {row['title']}" + (f"：{said}" if said and not en else
                                                                    f": {said}" if said else "")) + "\n")
        if row["hint"] and row["status"] != doctor.PASSED:
            out.write(report.printable(f"      {'fix' if en else '修正'}: {row['hint']}") + "\n")
    failed = sum(r["status"] == doctor.FAILED for r in rows)
    warned = sum(r["status"] == doctor.WARNING for r in rows)
    if en:
        out.write(f"{len(rows)} checks: {failed} failed, {warned} warnings.\n")
    else:
        ready = "" if failed else "可以开始工作了。"
        out.write(f"共 {len(rows)} 项：{failed} 项未通过，{warned} 项提醒。{ready}\n")


def write_contracts(index: Index, half: str, rows: list[Row], fmt: str, out: TextIO) -> None:
    """The half-year contract report: per department, signed, amount, received and outstanding."""
    header = [index.schemas.label("contract", ("department",)), "签订份数", "签订金额（元）", "本期回款（元）",
              "期末未收（元）"]
    data = [[r.name, r.signed, round(r.amount, 2), round(r.received, 2), round(r.outstanding, 2)] for r in rows]
    if fmt == "json":
        keys = ["department", "signed", "amount", "received", "outstanding"]
        out.write(json.dumps({"half": half, "rows": [dict(zip(keys, [r.department, *d[1:]], strict=True))
                                                     for r, d in zip(rows, data, strict=True)]},
                             ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(data)
        return
    out.write(f"合同统计报表 {half}\n")
    for row in [header, *data]:
        out.write("  " + "\t".join(str(v) for v in row) + "\n")


def write_profile(timings: dict[str, float], out: TextIO) -> None:
    """`dangan check --profile`: where the time went, slowest first."""
    total = sum(timings.values())
    for name, seconds in sorted(timings.items(), key=lambda item: -item[1]):
        out.write(f"{seconds:8.3f} s  {seconds / total if total else 0:6.1%}  {name}\n")
    out.write(f"{total:8.3f} s  {'':6}  合计 (total)\n")
