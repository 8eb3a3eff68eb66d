"""`dangan import` and `dangan export`: spreadsheets in (checked row by row, one commit) and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import ledger
from ..actions import actor
from ..messages import render
from ..sheets.export import FORMATS, export
from ..sheets.importer import Importer, Result
from ..sheets.inventory import open_dossier
from ..sheets.mapping import MapError, default_mapping, load_map
from ..sheets.read import SheetError, read_table
from ..sheets.report import problem_lines, write_rejected
from ..transaction import Refused
from .acts import acting
from .common import EXIT_OK, EXIT_PROBLEMS, EnvironmentProblem, _load, act_options, root_option

IMPORTABLE = ("customer", "visit", "complaint", "contract", "dossier")


def _kind(index, name: str, allowed: tuple[str, ...] | None = None) -> str:
    found = ledger.resolve_kind(index, name)
    if found is None or (allowed and found not in allowed):
        names = ", ".join(allowed or [k for k in index.schemas.kinds if index.schemas.annotations(k).get("ledger")])
        raise EnvironmentProblem(f"不能处理这种记录：{name}（可用：{names}）(not supported)")
    return found


@click.command(name="import")
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--map", "map_file", type=click.Path(exists=True, dir_okay=False), metavar="MAP.yaml",
              help="列与字段的对应关系（YAML：列名: 字段路径，如 联系电话: contacts[0].mobile）。")
@click.option("--sheet", default=None, help="工作表名称（默认第一个）。")
@click.option("--dossier", default=None, metavar="ID", help="导入清单时：追加到哪份档案（档号）。")
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入。")
@click.option("--update", is_flag=True, help="与已有记录相同的行更新该记录（只改表中有的字段），而不是报重复。")
@click.option("--skip-bad", is_flag=True, help="有问题的行跳过，其余照常导入（默认：有一行有问题就都不写入）。")
@click.option("--report", "report_file", type=click.Path(dir_okay=False), metavar="OUT.xlsx",
              help="把未导入的行连同原因写入 .xlsx，改正后可再导入。")
@act_options(on=False)
def import_command(kind, file, map_file, sheet, dossier, dry_run, update, skip_bad, report_file, root, as_staff,
                   no_commit) -> None:
    """从 Excel（.xlsx）或 CSV 导入客户、联系人、回访、客诉、合同，或一份档案的清单。

    contact：每行给一个已有客户追加一位联系人；dossier：追加到 --dossier 指定档号的清单。

    每一行都像一条记录一样校验；全部通过才写入（或 --skip-bad 只写入通过的行），一次导入一个提交。
    """
    with acting(root, "import") as (index, folder):
        _import(index, folder, kind, file, map_file, sheet, dossier, dry_run, update, skip_bad, report_file, as_staff,
                no_commit)


def _import(index, folder, kind, file, map_file, sheet, dossier, dry_run, update, skip_bad, report_file, as_staff,
            no_commit) -> None:
    contacts = kind in ("contact", "contacts") or kind == index.schemas.label("customer", ("contacts",))
    if contacts:  # a contacts sheet adds contacts to existing customers
        kind, update = "customer", True
    kind = _kind(index, kind, IMPORTABLE)
    if kind == "dossier" and not dossier:
        raise EnvironmentProblem("导入档案清单须用 --dossier 指定档号 (--dossier is required)")
    try:
        mapping = default_mapping(index.schemas, kind)
        if map_file:
            load_map(index.schemas, mapping, Path(map_file))
        table = read_table(Path(file), mapping.known, sheet)
        who = actor(index, as_staff)
        if kind == "dossier":
            open_dossier(index, dossier)
    except (MapError, SheetError) as exc:
        raise EnvironmentProblem(str(exc)) from None
    except Refused as refused:
        raise EnvironmentProblem(str(refused)) from None
    importer = Importer(index, kind, table, mapping, who, update=update, dossier=dossier, contacts=contacts)
    result = importer.run(skip_bad)
    _summary(importer, result)
    if report_file and any(p.row for p in result.problems):
        count = write_rejected(Path(report_file), table, result.problems)
        click.echo(f"未导入的 {count} 行及原因已写入 {report_file}")
    plan = result.plan
    counts = f"新建 {len(plan.created)} 条，更新 {len(plan.updated)} 条，无变化 {len(plan.unchanged)} 条"
    if dry_run:
        click.echo("试运行（dry run）：有问题，导入时不会写入任何文件（或用 --skip-bad）。" if plan.problems
                   else f"试运行（dry run），未写入：将{counts}。")
        sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)
    if plan.problems:
        click.echo("有问题的行，未写入任何文件 (nothing written)；改正后重新导入，或用 --skip-bad 只导入没有问题的行。")
        sys.exit(EXIT_PROBLEMS)
    if not plan.tx.staged:
        click.echo(f"没有需要写入的变化（{counts}）。")
        sys.exit(EXIT_PROBLEMS if result.problems else EXIT_OK)
    title = "清单" if kind == "dossier" else index.schemas.title(kind)
    message = f"导入{title}：{table.source}（{counts}）"
    plan.tx.journal = folder
    try:
        written = plan.tx.apply(f"import {kind}", message, commit=not no_commit)
    except Refused as refused:
        click.echo(f"拒绝 (refused)：{refused}", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem.file}: {render(problem, 'zh')[0]}", err=True)
        sys.exit(EXIT_PROBLEMS)
    skipped = f"；跳过 {len({p.row for p in result.problems})} 行有问题的数据" if result.problems else ""
    done = "已写入" if not (index.root / ".git").exists() else "已暂存" if no_commit else "已提交"
    click.echo(f"已导入：{counts}{skipped}（{done}：{len(written)} 个文件）。")


def _summary(importer: Importer, result: Result) -> None:
    table = importer.table
    where = f"工作表 {table.sheet}，" if table.sheet else (f"{table.encoding} 编码，" if table.encoding else "")
    click.echo(f"{table.source}（{where}表头在第 {table.header_row} 行）：{result.rows} 行数据")
    if importer.ignored:
        click.echo(f"未识别的列，已忽略 (ignored)：{'、'.join(importer.ignored)}")
    if result.problems:
        rows = {p.row for p in result.problems if p.row}
        click.echo(f"{len(rows)} 行有问题 (rows with problems)：")
        click.echo("\n".join(problem_lines(result.problems)))


@click.command(name="export")
@click.argument("kind")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="写入的文件（xlsx 必填）。")
@root_option
def export_command(kind: str, fmt: str, output: str | None, root: str | None) -> None:
    """导出台帐为 Excel、CSV 或 JSON：中文列名、日期为日期、证件号码为文本；可改后用 dangan import --update 导回。"""
    index = _load(root)
    kind = _kind(index, kind)
    if fmt == "xlsx" and not output:
        raise EnvironmentProblem("xlsx 须用 --output 指定文件 (--output is required for xlsx)")
    data = export(index, kind, fmt)
    if output:
        Path(output).write_bytes(data)
        click.echo(f"已导出 {len(index.of(kind))} 条{index.schemas.title(kind)}：{output}")
    else:
        click.echo(data.decode("utf-8-sig"), nl=False)
