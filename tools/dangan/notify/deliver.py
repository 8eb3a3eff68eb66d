"""Sending the day's messages: each channel's in turn, each message retried with back-off, what went out
written to the record of sends at once, and every failure kept for the report.

A channel whose environment variables are not set fails as a whole (`notify.env-missing`) and the others
still send; a message that fails after `notify.retry.attempts` tries is reported and the next one is tried.
A message the record says went out earlier today is not sent again; 企业微信's @-mentions wait for the message
they belong after.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..policy import Channel, Notify
from .channels import Failure, Mailer, Pacer, Robot
from .message import Message
from .state import SentLog


@dataclass(frozen=True)
class Failed:
    message: Message
    code: str
    words: dict
    attempts: int


@dataclass
class Outcome:
    sent: list[Message] = field(default_factory=list)
    skipped: list[Message] = field(default_factory=list)  # sent by an earlier run today
    failed: list[Failed] = field(default_factory=list)


def needed(channel: Channel, env: Mapping[str, str]) -> list[str]:
    """The channel's environment variables that must be set and are not."""
    if channel.type == "email":
        keys = ["host", "from"] + (["password"] if channel.env.get("user") and env.get(channel.env["user"]) else [])
    else:
        keys = ["webhook"] + (["secret"] if "secret" in channel.env else [])
    return [channel.env[k] for k in keys if k in channel.env and not env.get(channel.env[k], "").strip()]


def deliver(notify: Notify, messages: list[Message], log: SentLog, env: Mapping[str, str] = os.environ,
            sleep: Callable[[float], None] = time.sleep) -> Outcome:
    outcome = Outcome()
    for channel in notify.channels:
        mine = [m for m in messages if m.channel.id == channel.id]
        waiting = []
        for message in mine:
            (outcome.skipped if log.has(channel.id, message.key) else waiting).append(message)
        if not waiting:
            continue
        missing = needed(channel, env)
        if missing:
            outcome.failed += [Failed(m, "notify.env-missing", {"names": "、".join(missing)}, 0) for m in waiting]
            continue
        values = {key: env.get(name, "").strip() for key, name in channel.env.items()}
        sender = (Mailer(channel, values, notify.timeout_seconds) if channel.type == "email" else
                  Robot(channel, values, notify.timeout_seconds,
                        Pacer(notify.rate_messages, notify.rate_seconds, sleep=sleep)))
        try:
            unsent: set[str] = set()
            for message in waiting:
                if message.follows in unsent:  # an @-mention of a message that did not go out: not alone
                    unsent.add(message.key)
                    outcome.failed.append(Failed(message, "notify.follows", {}, 0))
                    continue
                failure, attempts = _with_retries(sender.send, message, notify, sleep)
                if failure is None:
                    log.add(channel.id, message.key)
                    outcome.sent.append(message)
                else:
                    unsent.add(message.key)
                    outcome.failed.append(Failed(message, failure.code, failure.words, attempts))
        finally:
            sender.close()
    return outcome


def _with_retries(send: Callable[[Message], None], message: Message, notify: Notify,
                  sleep: Callable[[float], None]) -> tuple[Failure | None, int]:
    """(None, attempts) once the message went through; (the last failure, attempts) when every attempt failed."""
    failure = None
    for attempt in range(max(1, notify.attempts)):
        if attempt:
            sleep(notify.backoff_seconds * 2 ** (attempt - 1))
        try:
            send(message)
            return None, attempt + 1
        except Failure as error:
            failure = error
    return failure, max(1, notify.attempts)
