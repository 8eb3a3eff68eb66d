"""What the rules say: `dangan due`, `dangan policy`, `dangan attribution` and `dangan report contracts`."""

from __future__ import annotations

import datetime as dt
import sys

import click

from .. import attribution, contract_stats, due, due_report, messages, outputs, policy_text
from ..facts import facts
from .common import EXIT_PROBLEMS, EnvironmentProblem, _load, lang_option, root_option, stdout


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EnvironmentProblem(f"--as-of {value}: 日期应写作 YYYY-MM-DD (date expected)") from None


@click.command(name="due")
@root_option
@click.option("--as-of", "as_of", metavar="DATE", default=None, help="截至哪天（默认今天），YYYY-MM-DD。")
@click.option("--within", default=7, show_default=True, type=click.IntRange(0, 3660),
              help="包括今后多少天内到期的事项。")
@click.option("--staff", metavar="ID", default=None, help="只列出这名员工的待办。")
@click.option("--format", "fmt", type=click.Choice(due_report.FORMATS), default="text", show_default=True)
@click.option("--fail-on-overdue", is_flag=True, help="有逾期事项时以 1 退出（用于 CI）。")
def due_command(root: str | None, as_of: str | None, within: int, staff: str | None, fmt: str,
                fail_on_overdue: bool) -> None:
    """列出到期和逾期事项：移交、补充资料、延期、借阅和权证归还、保管期满……"""
    index = _load(root)
    day = _date(as_of)
    outside = due.out_of_range(index, day, within)
    if outside is not None:
        raise EnvironmentProblem(f"--as-of {day} --within {within}: {messages.bilingual(outside)}")
    if staff and index.get("staff", staff) is None:
        raise EnvironmentProblem(f"--staff {staff}: 没有这名员工 (no such staff member)")
    items = due.collect(index, day, within, staff)
    due_report.write(items, index, day, fmt, sys.stdout)
    if fail_on_overdue and any(item.overdue_days(day) for item in items):
        sys.exit(EXIT_PROBLEMS)


@click.command(name="policy")
@root_option
@lang_option
def policy_command(root: str | None, lang: str) -> None:
    """以中文（或英文）列出现行制度。Print the rules in force."""
    index = _load(root)
    click.echo("\n".join(policy_text.policy_lines(index, lang)))


@click.command(name="attribution")
@click.argument("contract")
@root_option
@click.option("--format", "fmt", type=click.Choice(outputs.FORMATS), default="text", show_default=True)
@lang_option
def attribution_command(contract: str, root: str | None, fmt: str, lang: str) -> None:
    """说明一份合同的业绩归属及其依据（种子条款和所用记录）。Explain who is credited with a contract, and why."""
    index = _load(root)
    record = index.get("contract", contract)
    if record is None:
        raise EnvironmentProblem(f"没有这份合同：{contract} (no such contract)")
    outputs.write_attribution(index, record, attribution.decide(facts(index), record), fmt, stdout(fmt), lang)


@click.group(name="report")
def report_group() -> None:
    """统计报表。Reports."""


@report_group.command(name="contracts")
@click.option("--half", required=True, metavar="YYYYH1|YYYYH2", help="半年度，如 2025H2。")
@root_option
@click.option("--format", "fmt", type=click.Choice(outputs.CONTRACTS_FORMATS), default="text", show_default=True)
def report_contracts(half: str, root: str | None, fmt: str) -> None:
    """半年度合同统计报表（每年 1 月 10 日、7 月 10 日前报送）。"""
    if contract_stats.half_bounds(half) is None:
        raise EnvironmentProblem(f"--half {half}: 应写作 2025H1 或 2025H2 (expected 2025H1 or 2025H2)")
    index = _load(root)
    outputs.write_contracts(index, half, contract_stats.statistics(index, half), fmt, stdout(fmt))
