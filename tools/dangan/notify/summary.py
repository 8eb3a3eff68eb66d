"""What `dangan notify` prints: with --dry-run every message exactly as it would go out, else what was sent,
what an earlier run today had sent already, and what failed (per channel, with the reason); then the reminders
nobody can be sent."""

from __future__ import annotations

from typing import TextIO

from .. import due_report
from ..messages import say
from ..policy import Channel
from .deliver import Outcome
from .message import ICS_NAME, Message
from .plan import Plan
from .state import SentLog


def _channel(channel: Channel) -> str:
    return f"{channel.name}（{channel.id}）"


def _to(message: Message) -> str:
    if message.kind == "email":
        return "、".join(f"{p.name} <{p.email}>" for p in message.to)
    return "、".join(p.label for p in message.to)


def _heading(message: Message) -> str:
    size = len(message.body.encode())
    if message.kind == "email":
        return f"致 {_to(message)}：{message.title}"
    if message.kind == "text":
        return f"文本，@ {'、'.join(message.mentions)}（{size} 字节）"
    at = f"，@ {'、'.join(message.mentions)}" if message.mentions else ""
    return f"markdown（{size} 字节）：{_to(message)}{at}"


def dry_run(plan: Plan, messages: list[Message], log: SentLog, channels: tuple[Channel, ...], out: TextIO) -> None:
    people = {d.person.id for d in plan.deliveries}
    items = {(r.item.record, r.item.kind, r.item.what) for d in plan.deliveries for r in d.reminders}
    out.write(f"截至 {plan.as_of} 的提醒（演练：不发送）：{len(items)} 项，发给 {len(people)} 人，"
              f"共 {len(messages)} 条消息。\n")
    for channel in channels:
        mine = [m for m in messages if m.channel.id == channel.id]
        if not mine:
            continue
        out.write(f"\n== {_channel(channel)}：{len(mine)} 条 ==\n")
        for number, message in enumerate(mine, 1):
            done = "（今天已发送，不再发送）" if log.has(channel.id, message.key) else ""
            out.write(f"--- [{number}] {_heading(message)}{done}\n{message.body}\n")
            if message.kind == "email":
                out.write(f"    [附件 {ICS_NAME}：{len(message.reminders)} 个日程]\n")
    _unrouted(plan, out)


def delivered(plan: Plan, outcome: Outcome, channels: tuple[Channel, ...], out: TextIO) -> None:
    out.write(f"截至 {plan.as_of} 的提醒：\n")
    for channel in channels:
        sent = [m for m in outcome.sent if m.channel.id == channel.id]
        skipped = [m for m in outcome.skipped if m.channel.id == channel.id]
        failed = [f for f in outcome.failed if f.message.channel.id == channel.id]
        if not (sent or skipped or failed):
            continue
        state = "全部送达" if not failed else ("全部失败" if not sent and not skipped else "部分失败")
        out.write(f"{_channel(channel)}：{state}，已发送 {len(sent)} 条，今天早先已发送 {len(skipped)} 条，"
                  f"失败 {len(failed)} 条\n")
        for message in sent:
            out.write(f"  已发送  {_heading(message)}\n")
        for message in skipped:
            out.write(f"  已发送过  {_heading(message)}\n")
        for failure in failed:
            text, hint = say(failure.code, **failure.words)
            tries = f"；已尝试 {failure.attempts} 次" if failure.attempts else ""
            out.write(f"  失败  {_heading(failure.message)}：{text}{tries}\n")
            if hint:
                out.write(f"        提示: {hint}\n")
    if outcome.failed:
        out.write(f"共 {len(outcome.failed)} 条没有发出；重新运行 dangan notify 只补发这些，已发送的不会重发。\n")
    _unrouted(plan, out)


def _unrouted(plan: Plan, out: TextIO) -> None:
    if not plan.unrouted:
        return
    out.write(f"\n无法提醒的事项（{len(plan.unrouted)} 项）：\n")
    for entry in plan.unrouted:
        item = entry.reminder.item
        text, hint = say(entry.code, **entry.args)
        out.write(f"  {item.due}  {due_report.KIND_NAMES.get(item.kind, item.kind)}  {item.record}  {item.what}"
                  f"  —— {text}" + (f"。{hint}" if hint else "") + "\n")
