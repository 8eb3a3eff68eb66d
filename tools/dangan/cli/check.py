"""`dangan check` (files -> index -> checks -> report) and `dangan ledger`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .. import checks, git, ledger, lookup, outputs, report
from .common import EXIT_OK, EXIT_PROBLEMS, EnvironmentProblem, _load, lang_option, root_option


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@root_option
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True,
              help="text 人读；json 程序读；github / gitlab 为 CI 注释。")
@lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="写入文件而不是标准输出（如 GitLab 的 code-quality 报告）。")
@click.option("--since", metavar="REV", default=None,
              help="只报告 REV 之后的提交（及未提交的修改）改动过的文件中的问题，用于 CI。")
@click.option("--before-commit", is_flag=True,
              help="检查即将提交的改动（pre-commit 钩子、编辑时）：不报告“尚未提交”(file.uncommitted)。")
@click.option("--profile", is_flag=True, help="在标准错误输出中列出读取和每项检查所用的时间。")
def check(paths: tuple[str, ...], root: str | None, fmt: str, lang: str, output: str | None,
          since: str | None, before_commit: bool, profile: bool) -> None:
    """检查档案库：YAML、schema、证件号码、引用、编号、制度规则和 git 历史。Check the archive.

    给出 PATH 时只报告这些文件或目录中的问题（引用等仍按整个档案库核对）。
    """
    started = time.perf_counter()
    index = _load(root, policy=False, lang=lang)
    timings: dict[str, float] = {"(reading the archive)": time.perf_counter() - started}
    problems = checks.run(index, timings if profile else None)
    if profile:
        outputs.write_profile(timings, sys.stderr)
    if before_commit:
        problems = [p for p in problems if p.code != "file.uncommitted"]
    if since:
        try:
            changed = git.changed_since(index.root, since)
        except git.GitError as error:
            raise EnvironmentProblem(f"--since {since}: {error or 'not a git revision'}") from None
        problems = lookup.concerning_changes(problems, changed)
    if paths:
        problems = lookup.concerning_paths(index, problems, [_relative(index.root, p) for p in paths])
    records = len(index)
    if output:
        with open(output, "w", encoding="utf-8") as out:
            report.write(problems, records, fmt, lang, out)
    else:
        report.write(problems, records, fmt, lang, sys.stdout)
    errors, _ = report.counts(problems)
    sys.exit(EXIT_PROBLEMS if errors else EXIT_OK)


def _relative(root: Path, path: str) -> str:
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise EnvironmentProblem(f"{path}: 不在档案库 {root} 中 (not inside the archive)") from None


@click.command(name="ledger")
@click.argument("kind")
@root_option
@click.option("--format", "fmt", type=click.Choice(outputs.LEDGER_FORMATS), default="table", show_default=True)
def ledger_command(kind: str, root: str | None, fmt: str) -> None:
    """打印台帐。KIND: dossier 档案台帐, certificate 权证台帐, loan 借阅台帐, customer 客户名录,
    visit 回访记录, complaint 客诉档案目录, contract 合同台帐, disposal 销毁清册 …"""
    index = _load(root)
    resolved = ledger.resolve_kind(index, kind)
    if resolved is None:
        names = ", ".join(k for k in index.schemas.kinds if index.schemas.annotations(k).get("ledger"))
        raise EnvironmentProblem(f"没有这种台帐：{kind}（可用：{names}）(no such ledger)")
    outputs.write_ledger(index, resolved, fmt, sys.stdout)
