"""`dangan notify`: remind the people responsible of what is due or overdue, in their group chats and by e-mail."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import due, messages
from ..notify import deliver, message, plan, summary
from ..notify.state import SentLog
from ..policy import of as policy_of
from ..problems import Problem
from .common import EXIT_PROBLEMS, EnvironmentProblem, _load, root_option
from .due import _date


@click.command(name="notify")
@root_option
@click.option("--as-of", "as_of", metavar="DATE", default=None, help="按哪天提醒（默认今天），YYYY-MM-DD。")
@click.option("--staff", metavar="ID", default=None, help="只提醒这名员工。")
@click.option("--dry-run", is_flag=True, help="只列出将发送的每条消息，不发送。")
@click.option("--state", "state", metavar="DIR", default=None,
              help="发送记录的目录（默认 .dangan-cache/notify/）：同一天重新运行时只补发失败的消息。")
def notify_command(root: str | None, as_of: str | None, staff: str | None, dry_run: bool,
                   state: str | None) -> None:
    """把到期和逾期事项发给负责人：企业微信群、钉钉群和电子邮件（渠道见 policy.yaml 的 notify）。

    失败的消息重试后仍失败时逐条报告，以 1 退出；重新运行只补发没有发出的消息。"""
    index = _load(root)
    policy = policy_of(index)
    if "notify" in policy.broken:
        raise EnvironmentProblem(messages.bilingual(Problem("notify.broken", "")))
    if not policy.notify.channels:
        raise EnvironmentProblem(messages.bilingual(Problem("notify.no-channels", "")))
    day = _date(as_of)
    outside = due.out_of_range(index, day, max(policy.notify.remind.before_days, default=0))
    if outside is not None:
        raise EnvironmentProblem(f"--as-of {day}: {messages.bilingual(outside)}")
    if staff and index.get("staff", staff) is None:
        raise EnvironmentProblem(f"--staff {staff}: 没有这名员工 (no such staff member)")
    folder = Path(state) if state else index.root / ".dangan-cache" / "notify"
    try:
        log = SentLog.open(folder, day)
    except OSError as error:
        raise EnvironmentProblem(messages.bilingual(Problem("notify.state-unwritable", "", args={
            "path": str(folder), "detail": error.strerror or str(error)}))) from None
    today = plan.plan(index, day, staff)
    said = message.messages(index, today)
    if dry_run:
        summary.dry_run(today, said, log, policy.notify.channels, sys.stdout)
        return
    outcome = deliver.deliver(policy.notify, said, log)
    summary.delivered(today, outcome, policy.notify.channels, sys.stdout)
    if outcome.failed:
        sys.exit(EXIT_PROBLEMS)
