"""The act commands: each edits records in a transaction that is checked, written and
committed as one act of the person at the keyboard (the git user), under the archive's
lock, after finishing whatever an interrupted act left (`journal`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from .. import journal, lock
from ..actions import actor, custody, customers, day, dossiers, records, staff
from ..index import Index
from ..messages import render
from ..next_number import next_id
from ..policy import of as policy_of
from ..transaction import Refused, Transaction
from .common import EXIT_PROBLEMS, EXIT_USAGE, EnvironmentProblem, _load, _root, act_options, root_option


@contextmanager
def acting(root: str | None, act: str) -> Iterator[tuple[Index, Path]]:
    """The archive locked for one act, an interrupted act's leftovers dealt with, then read afresh."""
    path = _root(root)
    try:
        with lock.holding(path, act) as folder:
            note = journal.recover(folder, path)
            if note:
                click.echo(note, err=True)
            yield _load(str(path)), folder
    except (lock.Busy, journal.Unrecoverable) as error:
        raise EnvironmentProblem(str(error)) from None


def _run(root: str | None, as_staff: str | None, no_commit: bool, act: str,
         change: Callable[[Transaction], str]) -> None:
    on = click.get_current_context().params.get("on")  # the act's date, held to the policy's limits
    try:
        with acting(root, act) as (index, folder):
            if isinstance(on, str):
                day(on, index)
            tx = Transaction(index, actor(index, as_staff), journal=folder)
            message = change(tx)
            written = tx.apply(act, message, commit=not no_commit)
    except Refused as refused:
        _refused(refused)
    click.echo(f"{message}（{'已暂存' if no_commit else '已提交'}：{', '.join(written)}）")


def _refused(refused: Refused) -> NoReturn:
    click.echo(f"拒绝 (refused)：{refused}", err=True)
    for problem in refused.problems:
        text, hint = render(problem, "zh")
        where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
        click.echo(f"  {where}: {problem.code}: {text}" + (f"（{hint}）" if hint else ""), err=True)
    sys.exit(EXIT_USAGE if refused.environment else EXIT_PROBLEMS)


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep:
            raise EnvironmentProblem(f"--set {value}: 应写作 字段=值 (expected field=value)")
        out[key.strip()] = text
    return out


@click.command(name="new")
@click.argument("kind")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="字段值，可重复；如 --set name=张三。")
@click.option("--yes", is_flag=True, help="发现疑似重复客户时仍然新建。")
@click.option("--no-input", is_flag=True, help="不提问：缺少的必填字段由检查报告（用于脚本）。")
@act_options
def new_command(kind: str, sets: tuple[str, ...], yes: bool, no_input: bool, root, as_staff, on, no_commit) -> None:
    """新建一条记录（客户、档案、合同、回访、客诉……），编号按制度自动取下一个。"""
    index = _load(root)
    if kind not in index.schemas.kinds or kind == "policy":
        raise EnvironmentProblem(f"没有这种记录：{kind}（可用：{', '.join(k for k in index.schemas.kinds)}）")
    values: dict = {}
    try:
        when = day(on)
        for path, text in _pairs(sets).items():
            records.set_path(values, path, records.coerce(index, kind, path, text))
    except Refused as error:  # --on or --set as written cannot be used
        raise EnvironmentProblem(str(error)) from None
    required = [k for k in index.schemas.raw[kind].get("required", []) if k not in ("id", "created")]
    for name in required:
        if name not in values and not no_input:
            values[name] = records.coerce(index, kind, name, _ask(index, kind, name))
    if kind == "customer":
        values["_on"] = when
        duplicates = records.likely_duplicates(index, values)
        if duplicates:
            click.echo("疑似重复的客户：\n  " + "\n  ".join(duplicates), err=True)
            if not yes and not (sys.stdin.isatty() and click.confirm("仍然新建？")):
                raise EnvironmentProblem("未新建：请确认不是重复客户后加 --yes (not created)")
    year = int(when[:4])
    _run(root, as_staff, no_commit, f"new {kind}", lambda tx: records.new_record(tx, kind, values, year)[1])


def _ask(index, kind: str, name: str) -> str:
    """Prompt for a field, offering the schema's values or the index's records as choices."""
    info = index.schemas.field_info(kind, (name,))
    schema = info.schema if info else {}
    label = f"{index.schemas.label(kind, (name,))}（{name}）"
    choices: list[str] = []
    if schema.get("enum"):
        labels = schema.get("x-labels") or {}
        click.echo("  " + "  ".join(f"{v}={labels.get(v, v)}" for v in schema["enum"]))
        choices = list(schema["enum"])
    elif schema.get("x-ref") in index.schemas.kinds:
        records_ = sorted(index.of(schema["x-ref"]).values(), key=lambda r: r.id)
        if len(records_) <= 40:
            click.echo("  " + "  ".join(f"{r.id}={r.get('name') or r.get('project') or ''}" for r in records_))
        choices = [r.id for r in records_]
    elif str(schema.get("x-ref", "")).startswith("policy:"):
        section = policy_of(index).entries(schema["x-ref"])
        choices = list(section)
        click.echo("  " + "  ".join(f"{k}={v.name}" for k, v in section.items()))
    kind_of = click.Choice(choices) if choices else str
    return str(click.prompt(label, type=kind_of, show_choices=False))


@click.command(name="handover")
@click.argument("dossier")
@click.option("--step", required=True, metavar="a|b|archive", help="移交到哪一步；archive 为档案室接收。")
@click.option("--missing", multiple=True, metavar="ITEM", help="核对清单时发现缺少的资料（开出补充资料清单）。")
@click.option("--location", default=None, help="档案室存放位置（archive 时）。")
@click.option("--to", "to", default=None, metavar="STAFF", help="接收人（默认：B角或档案管理员）。")
@act_options
def handover_command(dossier, step, missing, location, to, root, as_staff, on, no_commit) -> None:
    """档案移交：A角移交B角（a）、B角核对接收并移交档案室（b）、档案室接收归档（archive）。"""
    _run(root, as_staff, no_commit, f"handover {step}",
         lambda tx: dossiers.handover(tx, dossier, step, day(on), list(missing), location, to))


@click.group(name="supplement")
def supplement_group() -> None:
    """补充资料清单。"""


@supplement_group.command(name="close")
@click.argument("dossier")
@act_options
def supplement_close(dossier, root, as_staff, on, no_commit) -> None:
    """开具人确认资料已补齐，关闭补充资料清单。"""
    _run(root, as_staff, no_commit, "supplement close", lambda tx: dossiers.close_supplement(tx, dossier, day(on)))


@click.command(name="sign")
@click.argument("kind")
@click.argument("record_id", metavar="ID")
@click.argument("field")
@click.option("--note", default=None)
@act_options
def sign_command(kind, record_id, field, note, root, as_staff, on, no_commit) -> None:
    """签署一个动作：批准、审核、接收……如 dangan sign loan JY2025-001 approved。"""
    _run(root, as_staff, no_commit, f"sign {field}",
         lambda tx: records.sign(tx, kind, record_id, field, day(on), note))


@click.command(name="lend")
@click.argument("slip", required=False)
@click.option("--dossier", "dossiers_", multiple=True)
@click.option("--certificate", "certificates", multiple=True)
@click.option("--customer", "customers_", multiple=True, help="查阅的（封存）客户档案。")
@click.option("--borrower", default=None, metavar="STAFF")
@click.option("--purpose", default=None)
@click.option("--due", default=None, metavar="DATE", help="应还日期。")
@act_options
def lend_command(slip, dossiers_, certificates, customers_, borrower, purpose, due, root, as_staff, on,
                 no_commit) -> None:
    """填写出借单（给出 --dossier/--certificate 等），或凭已批准的出借单 SLIP 办理出借。"""
    if slip:
        _run(root, as_staff, no_commit, "lend", lambda tx: custody.lend(tx, slip, day(on)))
        return
    if not (borrower and purpose and due and (dossiers_ or certificates or customers_)):
        raise EnvironmentProblem("填写出借单需要 --borrower、--purpose、--due 和要借的档案或权证")
    def change(tx: Transaction) -> str:
        rid = next_id(tx.index, "loan", int(day(on)[:4]))  # taken under the lock
        return custody.request_loan(tx, rid, list(dossiers_), list(certificates), list(customers_), borrower,
                                    purpose, day(due))

    _run(root, as_staff, no_commit, "loan request", change)


@click.command(name="return")
@click.argument("slip")
@click.option("--missing", multiple=True, metavar="ITEM", help="归还时缺少的资料。")
@act_options
def return_command(slip, missing, root, as_staff, on, no_commit) -> None:
    """归还：档案管理员核对资料是否完整。"""
    _run(root, as_staff, no_commit, "return", lambda tx: custody.give_back(tx, slip, day(on), list(missing)))


@click.group(name="certificate")
def certificate_group() -> None:
    """权证：入保险柜、退还客户。"""


@certificate_group.command(name="receive")
@click.option("--dossier", required=True)
@click.option("--kind", "kind_", required=True)
@click.option("--title", required=True)
@click.option("--number", required=True)
@click.option("--holder", required=True)
@click.option("--quantity", default=1, type=int)
@click.option("--location", required=True)
@click.option("--listed-by", default=None, metavar="STAFF")
@click.option("--checked-by", "checked_by", multiple=True, metavar="STAFF",
              help="在移交清单上核对名称、权证号、数量并签字的 A角、B角和档案员（可重复），日期为 --on。")
@act_options
def certificate_receive(dossier, kind_, title, number, holder, quantity, location, listed_by, checked_by, root,
                        as_staff, on, no_commit) -> None:
    details = {"kind": kind_, "title": title, "number": number, "holder": holder, "quantity": quantity,
               "location": location}
    if listed_by:
        details["listed_by"] = listed_by
    if checked_by:
        details["checked"] = [{"by": who, "date": day(on)} for who in checked_by]
    _run(root, as_staff, no_commit, "certificate receive",
         lambda tx: custody.receive_certificate(tx, dossier, details, day(on)))


@certificate_group.command(name="release")
@click.argument("certificate")
@click.option("--to", "to", required=True, help="领取人。")
@act_options
def certificate_release(certificate, to, root, as_staff, on, no_commit) -> None:
    _run(root, as_staff, no_commit, "certificate release",
         lambda tx: custody.release_certificate(tx, certificate, to, day(on)))


@click.group(name="complaint")
def complaint_group() -> None:
    """客诉：受理（dangan new complaint）、答复、结案。"""


@complaint_group.command(name="reply")
@click.argument("complaint")
@click.option("--resolution", default=None)
@act_options
def complaint_reply(complaint, resolution, root, as_staff, on, no_commit) -> None:
    _run(root, as_staff, no_commit, "complaint reply",
         lambda tx: customers.reply_complaint(tx, complaint, day(on), resolution))


@complaint_group.command(name="close")
@click.argument("complaint")
@click.option("--feedback", required=True)
@click.option("--satisfaction", required=True, type=click.IntRange(1, 5))
@act_options
def complaint_close(complaint, feedback, satisfaction, root, as_staff, on, no_commit) -> None:
    _run(root, as_staff, no_commit, "complaint close",
         lambda tx: customers.close_complaint(tx, complaint, day(on), feedback, satisfaction))


@click.command(name="review")
@click.option("--department", required=True)
@click.option("--period", required=True, metavar="2025H2")
@click.option("--decision", "decisions", multiple=True, required=True, metavar="CUSTOMER=FROM:TO:REASON")
@click.option("--effective", default=None, metavar="DATE", help="决定生效日期（默认评审当天）。")
@act_options
def review_command(department, period, decisions, effective, root, as_staff, on, no_commit) -> None:
    """半年度阶段评审：逐个客户定级，写入客户的等级变更记录。"""
    parsed = []
    for text in decisions:
        customer, _, rest = text.partition("=")
        parts = rest.split(":", 2)
        if len(parts) != 3:
            raise EnvironmentProblem(f"--decision {text}: 应写作 客户=原等级:新等级:理由")
        decision = {"customer": customer, "from": parts[0], "to": parts[1], "reason": parts[2]}
        decision["effective_on"] = day(effective or on)
        parsed.append(decision)
    rid = f"PS{period}-{department.upper()}"
    _run(root, as_staff, no_commit, "review",
         lambda tx: customers.review(tx, rid, period, department, parsed, day(on)))


@click.group(name="dispose")
def dispose_group() -> None:
    """销毁：编制销毁清册、批准（dangan sign disposal ID approved）、监销、执行。"""


@dispose_group.command(name="new")
@click.option("--dossier", "dossiers_", multiple=True, required=True)
@click.option("--reason", required=True)
@click.option("--method", type=click.Choice(["shred", "burn", "pulp", "other"]), default="shred")
@act_options
def dispose_new(dossiers_, reason, method, root, as_staff, on, no_commit) -> None:
    values = {"dossiers": list(dossiers_), "reason": reason, "method": method}
    _run(root, as_staff, no_commit, "dispose new",
         lambda tx: records.new_record(tx, "disposal", values, int(day(on)[:4]))[1])


@dispose_group.command(name="supervise")
@click.argument("disposal")
@act_options(on=False)
def dispose_supervise(disposal, root, as_staff, no_commit) -> None:
    _run(root, as_staff, no_commit, "dispose supervise", lambda tx: custody.supervise(tx, disposal))


@dispose_group.command(name="execute")
@click.argument("disposal")
@act_options
def dispose_execute(disposal, root, as_staff, on, no_commit) -> None:
    _run(root, as_staff, no_commit, "dispose execute", lambda tx: custody.execute_disposal(tx, disposal, day(on)))


@click.command(name="reassign")
@click.option("--from", "source", required=True, metavar="STAFF")
@click.option("--to", "target", required=True, metavar="STAFF")
@act_options(on=False)
def reassign_command(source, target, root, as_staff, no_commit) -> None:
    """离职交接：把一个人的全部客户、待办移交和借阅转给另一个人，一次提交。"""
    _run(root, as_staff, no_commit, "reassign", lambda tx: customers.reassign(tx, source, target))


@click.command(name="register-key")
@click.argument("staff_id", metavar="STAFF")
@click.argument("key", metavar="PUBLIC_KEY")
@act_options(on=False)
def register_key_command(staff_id, key, root, as_staff, no_commit) -> None:
    """登记员工的 SSH 签名公钥（dangan setup 会打印这条命令；由 policy.yaml 的 approvals.staff 岗位签名提交）。"""
    _run(root, as_staff, no_commit, "register-key", lambda tx: staff.register_key(tx, staff_id, key))


@click.command(name="amend")
@click.argument("dossier")
@click.option("--set", "sets", multiple=True, required=True, metavar="FIELD=VALUE")
@click.option("--reason", required=True)
@act_options
def amend_command(dossier, sets, reason, root, as_staff, on, no_commit) -> None:
    """经批准更正已归档的档案（由有权审批人执行）。"""
    index = _load(root)
    try:
        changes = {path: records.coerce(index, "dossier", path, text) for path, text in _pairs(sets).items()}
    except Refused as error:
        raise EnvironmentProblem(str(error)) from None
    _run(root, as_staff, no_commit, "amend", lambda tx: dossiers.amend(tx, dossier, changes, reason, day(on)))


@click.command(name="renumber")
@click.argument("dossier")
@click.argument("new", required=False)
@click.option("--resolve", is_flag=True, help="合并后两份记录取了同一个号：保留本分支的，合并进来的一份改用新号。")
@act_options(on=False)
def renumber_command(dossier, new, resolve, root, as_staff, no_commit) -> None:
    """为档案重新编号（如两人取了同一个号），并更正所有引用它的记录。"""
    def change(tx: Transaction) -> str:
        number = new or dossiers.renumbered(tx.index, dossier, resolve)  # taken under the lock
        if number is None:
            raise EnvironmentProblem(f"没有这份档案：{dossier}")
        if resolve:
            return records.resolve_duplicate(tx, dossier, number)
        return records.renumber(tx, dossier, number)

    _run(root, as_staff, no_commit, "renumber", change)


@click.command(name="visit")
@click.option("--customer", required=True)
@click.option("--kind", "kind_", required=True,
              type=click.Choice(["purchase", "non_purchase", "complaint", "key_customer", "festival", "follow_up",
                                 "appointment", "routine"]))
@click.option("--method", default="phone", type=click.Choice(["phone", "onsite", "wechat", "email", "sms", "other"]))
@click.option("--basis", default=None, help="依据的合同或客诉编号。")
@click.option("--purpose", default=None)
@click.option("--outcome", default=None)
@act_options
def visit_command(customer, kind_, method, basis, purpose, outcome, root, as_staff, on, no_commit) -> None:
    """记录一次回访（回访人是当前用户）。"""
    def change(tx: Transaction) -> str:
        values = {"customer": customer, "staff": tx.actor, "date": day(on), "method": method, "kind": kind_}
        for key, value in (("basis", basis), ("purpose", purpose), ("outcome", outcome)):
            if value:
                values[key] = value
        return records.new_record(tx, "visit", values, int(day(on)[:4]))[1]

    _run(root, as_staff, no_commit, "visit", change)


@complaint_group.command(name="receive")
@click.option("--customer", required=True)
@click.option("--channel", default="phone",
              type=click.Choice(["phone", "email", "letter", "onsite", "wechat", "web", "other"]))
@click.option("--category", required=True,
              type=click.Choice(["service", "quality", "billing", "delivery", "process", "staff", "repair", "other"]))
@click.option("--urgent", is_flag=True)
@click.option("--description", required=True)
@click.option("--department", default=None)
@act_options
def complaint_receive(customer, channel, category, urgent, description, department, root, as_staff, on,
                      no_commit) -> None:
    """受理一件客诉（受理人是当前用户）。"""
    def change(tx: Transaction) -> str:
        values = {"customer": customer, "received": {"by": tx.actor, "date": day(on)}, "channel": channel,
                  "category": category, "urgent": urgent, "description": description}
        if department:
            values["department"] = department
        return records.new_record(tx, "complaint", values, int(day(on)[:4]))[1]

    _run(root, as_staff, no_commit, "complaint receive", change)


@click.command(name="seal")
@root_option
@click.option("--message", "-m", default="", help="封印说明（可选）。")
def seal_command(root: str | None, message: str) -> None:
    """封印历史：以本人签名的标签锚定当前提交；此后改写封印之前的历史，check 和 verify 都会发现。"""
    from ..actions.history import seal

    try:
        with acting(root, "seal") as (index, _):
            name, commit = seal(index, message)
    except Refused as refused:
        _refused(refused)
    click.echo(f"已封印：{name}（提交 {commit[:10]}）。请推送到服务器：git push origin {name}")


@click.command(name="acknowledge")
@click.argument("commit", metavar="COMMIT")
@click.option("--reason", required=True, help="如何处理了这个提交（已撤销、已核实无误……）。")
@root_option
def acknowledge_command(commit: str, reason: str, root: str | None) -> None:
    """确认处理某个已推送提交的问题：以本人签名的提交记录下来，此后这些问题只作为警告显示。"""
    from ..actions.history import acknowledge

    try:
        with acting(root, "acknowledge") as (index, _):
            target, made = acknowledge(index, commit, reason)
    except Refused as refused:
        _refused(refused)
    click.echo(f"已确认处理提交 {target[:10]}（记录于提交 {made[:10]}）。")


@click.command(name="recover")
@root_option
def recover_command(root: str | None) -> None:
    """完成或撤销被中断的动作（进程被杀、断电后）：已提交的只清理记录，未提交的把文件恢复原状。"""
    path = _root(root)
    try:
        with lock.holding(path, "recover") as folder:
            note = journal.recover(folder, path)
    except (lock.Busy, journal.Unrecoverable) as error:
        raise EnvironmentProblem(str(error)) from None
    click.echo(note or "没有被中断的动作 (nothing to recover)")
