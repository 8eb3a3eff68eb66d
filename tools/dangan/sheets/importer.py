"""Rows -> records in one Transaction -> a row-level report.

Each row is read cell by cell (a value that cannot be read is a problem of that cell),
becomes a new record (numbered like `dangan new` numbers it) or, with --update, changes
the fields of the record it matches, and is then checked with the whole archive by
`Transaction.check`; each problem found is given back to the row and column it came from.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..actions.records import set_path
from ..acts import acts
from ..identifiers import check_mobile
from ..index import Index
from ..messages import render
from ..paths import field_path
from ..policy import of as policy_of
from ..problems import Problem
from ..record import Record
from ..transaction import Refused, Transaction
from ..yamlstyle import append
from . import defaults, identity, inventory
from .clean import Unclean, blank
from .convert import CHECKS, Converter, landline, problem_text
from .mapping import Column, Mapping
from .plan import Plan, RowProblem
from .read import Table


@dataclass
class Result:
    plan: Plan
    problems: list[RowProblem]  # of every pass (with --skip-bad, the rejected rows' too)
    rows: int


class Importer:
    def __init__(self, index: Index, kind: str, table: Table, mapping: Mapping, actor: str, *,
                 update: bool = False, dossier: str | None = None, today: str | None = None,
                 contacts: bool = False):
        self.index, self.kind, self.table, self.actor = index, kind, table, actor
        self.update, self.dossier = update, dossier
        self.contacts = contacts  # a contacts sheet: each row adds a contact to an existing customer
        self.mapping = mapping
        self.columns, self.ignored = mapping.columns(table.headers)
        self.by_path = {c.path: c for c in self.columns}
        for column in self.columns:  # a column holding either number answers for the fields it may fill
            holders = {p.split(".")[0] for p in column.either}
            for path, info in mapping.fields.items():
                if path.split(".")[0] in holders and info.identifier in CHECKS:
                    self.by_path.setdefault(path, column)
        self.cells = dict(table.rows)
        self.converter = Converter(index, kind)
        self.today = today or dt.date.today().isoformat()
        self.signing = policy_of(index).signatures.mode == "required"

    def run(self, skip_bad: bool = False) -> Result:
        """All rows; with `skip_bad`, again without the rejected ones until the rest pass."""
        rows = list(self.table.rows)
        plan, reported = self.plan(rows), []
        while skip_bad and plan.problems and 0 not in plan.rejected:
            reported += plan.problems
            rows = [r for r in rows if r[0] not in plan.rejected]
            plan = self.plan(rows)
        return Result(plan, sorted(reported + plan.problems, key=lambda p: p.row), len(self.table.rows))

    def plan(self, rows: list[tuple[int, list[Any]]]) -> Plan:
        plan = Plan(Transaction(self.index, self.actor), defaults.Numbering(self.index),
                    identity.Customers(self.index))
        for number, cells in rows:
            values = self.read_row(plan, number, cells)
            try:
                if self.kind == "dossier":
                    inventory.add_row(self, plan, number, values)
                else:
                    self.place(plan, number, values)
            except Refused as refused:
                plan.problems.append(RowProblem(number, "", "", str(refused)))
        if self.kind == "dossier":
            inventory.finish(self, plan)
        self.attribute(plan, plan.tx.check())
        return plan

    def read_row(self, plan: Plan, number: int, cells: list[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        either: list[tuple[Column, Any]] = []
        for column in self.columns:
            raw = cells[column.position] if column.position < len(cells) else None
            if blank(raw):
                continue
            if column.either:  # read when the row's type is known
                either.append((column, raw))
                continue
            try:
                value = self.converter.value(column.info, raw)
            except Unclean as unclean:
                plan.problems.append(RowProblem(number, column.header, raw, str(unclean)))
                plan.unreadable.add((number, column.header))
                continue
            if column.info.identifier == "mobile" and check_mobile(value) and landline(value):
                phone = column.path.rsplit(".", 1)[0] + ".phone"  # a 联系电话 column holding a landline
                if phone in self.mapping.fields and phone not in self.by_path:
                    values[phone] = value
                    continue
            values[column.path] = value
        for column, raw in either:
            self.read_either(plan, number, column, raw, values)
        return values

    def read_either(self, plan: Plan, number: int, column: Column, raw: Any, values: dict[str, Any]) -> None:
        """An ID number or a credit code, into the field its shape (and the row's customer type) says."""
        said = values.get("type") if isinstance(values.get("type"), str) else None
        try:
            path, value = self.converter.either(column.either, raw, said)
            if values.get(path, value) != value:
                other = self.by_path[path]
                raise problem_text("import.either.conflict", column=other.header, other=values[path])
        except Unclean as unclean:
            plan.problems.append(RowProblem(number, column.header, raw, str(unclean)))
            plan.unreadable.add((number, column.header))
            if said is None:
                plan.untyped.add(number)
            return
        values[path] = value

    def place(self, plan: Plan, number: int, values: dict[str, Any]) -> None:
        given = values.pop("id", None)
        data: dict = {}
        for path, value in values.items():
            set_path(data, path, value)
        if self.kind == "customer" and not self.contacts:  # a contacts sheet names a customer on many rows
            for reason, earlier in plan.customers.seen_before(number, data):
                self.add(plan, number, field_path(reason.field), reason.value,
                         f"与第 {earlier} 行重复：{reason.text()} (duplicate of row {earlier}: {reason.text('en')})")
        target = None
        pattern = self.mapping.fields["id"].schema.get("pattern")
        if given is not None and pattern and not re.match(pattern, str(given)):  # it names the file written
            self.add(plan, number, "id", given, f"编号“{given}”不能用作文件名 (not a valid id)")
            return
        if given is not None and self.index.get(self.kind, given) is not None:
            if not self.update:
                self.add(plan, number, "id", given, f"编号 {given} 已存在；要更新已有记录请加 --update (exists)")
                return
            target = given
        elif given is None and self.update and self.kind == "customer":
            matches = plan.customers.match(data)
            if len(matches) > 1:
                self.add(plan, number, "", "", f"对应多个已有客户：{'、'.join(matches)}；请填写客户编号 (ambiguous)")
                return
            target = matches[0] if matches else None
        if self.contacts:
            self.add_contact(plan, number, target, data)
            return
        if target is not None:
            self.change(plan, number, target, values)
            return
        if self.kind == "customer":
            for found in plan.customers.duplicates(data):
                self.add(plan, number, "", "", f"疑似与已有客户重复：{found}（若是同一客户，请用 --update 更新）"
                                               "(likely duplicate)")
        self.create(plan, number, given, data)

    def create(self, plan: Plan, number: int, given: str | None, data: dict) -> None:
        defaults.fill(self.index, self.kind, data, self.actor, self.today, self.table.source)
        rid = given or plan.numbering.next_id(self.kind, data, self.today)
        data = defaults.ordered(self.index.schemas, self.kind, {**data, "id": rid})
        plan.tx.create(self.kind, rid, data)
        plan.numbering.take(self.kind, rid, data)
        plan.created[rid] = number
        plan.origin[f"{self.kind}/{rid}"] = number
        self.foreign_acts(plan, number, data, {})

    def change(self, plan: Plan, number: int, rid: str, values: dict[str, Any]) -> None:
        """Only the fields the sheet has, and only where they differ."""
        record = self.index.get(self.kind, rid)
        if plan.origin.get(f"{self.kind}/{rid}") not in (None, number):
            self.add(plan, number, "id", rid, f"与第 {plan.origin[f'{self.kind}/{rid}']} 行更新同一条记录 {rid}")
            return
        plan.origin[f"{self.kind}/{rid}"] = number
        changes = {p: v for p, v in values.items() if defaults.get(record.data, p) != v}
        if not changes:
            plan.unchanged.append(number)
            return
        data = plan.tx.edit(self.kind, rid)
        after = copy.deepcopy(record.data)
        for path, value in changes.items():
            set_path(data, path, value)
            set_path(after, path, value)
        plan.updated[rid] = number
        self.foreign_acts(plan, number, after, record.data)

    def add_contact(self, plan: Plan, number: int, rid: str | None, data: dict) -> None:
        """Append the row's contact to the customer it names (by id, or as --update matches customers)."""
        contact = (data.get("contacts") or [{}])[0]
        if rid is None:
            self.add(plan, number, "", "", "找不到这一行所属的客户：请填写客户编号或客户名称 (no such customer)")
            return
        if not contact.get("name"):
            self.add(plan, number, "contacts[0].name", "", "缺少联系人姓名 (the contact's name is missing)")
            return
        record = self.index.get("customer", rid)
        known = [c for c in record.get("contacts") or [] if isinstance(c, dict)]
        key = (contact.get("name"), contact.get("mobile"))
        if any((c.get("name"), c.get("mobile")) == key for c in known):
            plan.unchanged.append(number)
            return
        append(plan.tx.edit("customer", rid).setdefault("contacts", []), contact)
        plan.origin.setdefault(f"customer/{rid}", number)
        plan.updated[rid] = number

    def foreign_acts(self, plan: Plan, number: int, data: dict, before: dict) -> None:
        """A new act naming someone else would be committed by the importer: a forged signature."""
        if not self.signing:
            return
        old = {a.flat for a in acts(self.index, Record(self.kind, "", "", before, {}, {}))}
        for act in acts(self.index, Record(self.kind, "", "", data, {}, {})):
            if act.signer and act.signer != self.actor and act.flat not in old:
                by = field_path((*act.path[:-1], "by"))
                self.add(plan, number, by, act.signer, f"{act.signer} 的签署须由本人提交，导入人是 {self.actor}"
                                                      "（提交即签名）(an act must be committed by its signer)")

    def add(self, plan: Plan, number: int, path: str, value: Any, message: str) -> None:
        column = self.column_for(path)
        shown = self.cells[number][column.position] if column and number in self.cells else value
        plan.problems.append(RowProblem(number, column.header if column else "", shown, message))

    def column_for(self, path: str | None) -> Column | None:
        if not path:
            return None
        if path in self.by_path:
            return self.by_path[path]
        for mine, column in self.by_path.items():
            if path.startswith((mine + ".", mine + "[")) or mine.startswith((path + ".", path + "[")):
                return column
        return None

    def attribute(self, plan: Plan, problems: list[Problem]) -> None:
        """Each problem of the new state to the row (by record id) and column (by field) it came from."""
        for problem in problems:
            text, hint = render(problem, "zh")
            message = text + (f"（{hint}）" if hint else "")
            row, path = plan.origin.get(problem.record or ""), problem.field
            if self.kind == "dossier":
                row, path = inventory.locate(plan, problem)
            if row is None:
                plan.problems.append(RowProblem(0, "", "", f"{problem.record or problem.file}：{message}"))
                continue
            column = self.column_for(path)
            if path == "type" and row in plan.untyped:  # the number that would have said it is reported
                continue
            if (row, column.header if column else "") not in plan.unreadable:
                self.add(plan, row, path or "", "", message)
