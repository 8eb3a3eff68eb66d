"""The words of `dangan notify`: each channel's messages from the plan.

- 企业微信: markdown of at most 4096 bytes (the robot's documented limit), people packed whole into as few
  messages as fit, a long list continued in the next; a markdown message cannot @ anyone by mobile, so each is
  followed by a short text message whose `mentioned_mobile_list` @-mentions the people it named.
- 钉钉: markdown with a title, each person's heading carrying `@mobile` and `at.atMobiles` listing them (DingTalk
  @-mentions only the mobiles that appear in the text), packed under the same limit.
- e-mail: one digest per person, plain text, with the items as an iCalendar attachment (`dangan due --format
  ics`, one VEVENT per item).

Every item names what is due, its date, how late it is, the policy rule and a link to its record's page on the
site (`notify.site_url`). A message's `key` is the digest of what it says: the record of sends (`state`) knows
a message by it, so that a re-run sends only what did not go out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import quote

from .. import due_report
from ..index import Index
from ..messages import say
from ..policy import Channel
from ..policy import of as policy_of
from ..site import routes
from .plan import Delivery, Person, Plan, Reminder

MARKDOWN_LIMIT = 4096  # bytes of a robot's markdown (企业微信 markdown.content; kept for 钉钉 too)
TEXT_LIMIT = 2048  # bytes of a 企业微信 text message
ICS_NAME = "dangan-reminders.ics"


@dataclass(frozen=True)
class Message:
    channel: Channel
    kind: str  # markdown, text (企业微信's @-mentions), email
    to: tuple[Person, ...]
    title: str  # 钉钉's title, the e-mail's subject
    body: str
    mentions: tuple[str, ...] = ()  # mobiles
    reminders: tuple[Reminder, ...] = ()  # an e-mail's items (its calendar)
    calendar: str = ""  # an e-mail's .ics attachment
    follows: str = ""  # the key of the message it belongs after (企业微信's @-mentions after their markdown)

    @property
    def key(self) -> str:
        """The digest of what the message says (not of when it is sent)."""
        said = [self.channel.id, self.kind, [p.id for p in self.to], self.title, self.body, list(self.mentions)]
        return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode()).hexdigest()[:20]

    def payload(self) -> dict:
        """The JSON a robot receives."""
        if self.channel.type == "dingtalk":
            return {"msgtype": "markdown", "markdown": {"title": self.title, "text": self.body},
                    "at": {"atMobiles": list(self.mentions), "isAtAll": False}}
        if self.kind == "text":
            return {"msgtype": "text", "text": {"content": self.body, "mentioned_mobile_list": list(self.mentions)}}
        return {"msgtype": "markdown", "markdown": {"content": self.body}}

    def mime(self, sender: str) -> EmailMessage:
        """The e-mail: text and the .ics attachment (UTF-8 throughout, Chinese names encoded in the headers)."""
        mail = EmailMessage()
        mail["Subject"] = self.title
        mail["From"] = sender
        mail["To"] = ", ".join(formataddr((p.name, p.email or "")) for p in self.to)
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain="dangan.invalid")
        mail.set_content(self.body, charset="utf-8")
        if self.calendar:
            mail.add_attachment(self.calendar.encode("utf-8"), maintype="text", subtype="calendar",
                                filename=ICS_NAME, params={"method": "PUBLISH", "charset": "utf-8"})
        return mail


class Words:
    """How a reminder is put into words: its kind, its lateness, its link."""

    def __init__(self, index: Index, as_of: dt.date):
        self.index, self.as_of = index, as_of
        self.site = policy_of(index).notify.site_url.rstrip("/")
        self.directory_urls = _directory_urls(index)

    def link(self, record_key: str) -> str:
        """The record's page on the site (the rules' page for the policy's own deadlines)."""
        kind, _, record_id = record_key.partition("/")
        page = routes.record(self.index, kind, record_id) if self.index.get(kind, record_id) else routes.RULES
        return f"{self.site}/{quote(routes.url(page, self.directory_urls), safe='/#')}" if self.site else ""

    def when(self, reminder: Reminder) -> str:
        if reminder.late > 0:
            return f"逾期 {reminder.late} 天"
        return "今天到期" if reminder.late == 0 else f"还有 {-reminder.late} 天"

    def what(self, reminder: Reminder) -> str:
        item = reminder.item
        mark = f"（{say('due.provisional-mark')[0]}）" if item.provisional else ""
        kind = due_report.KIND_NAMES.get(item.kind, item.kind)
        return (item.what if item.what.startswith(kind) else f"{kind}：{item.what}") + mark


def _directory_urls(index: Index) -> bool:
    """Whether the site's pages are folders (MkDocs `use_directory_urls`; its default is true)."""
    try:
        text = (index.root / "mkdocs.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    found = re.search(r"^use_directory_urls:\s*(\w+)", text, re.MULTILINE)
    return found is None or found.group(1).lower() == "true"


def messages(index: Index, plan: Plan) -> list[Message]:
    """Every message of the plan, channel by channel in the policy's order."""
    words = Words(index, plan.as_of)
    out: list[Message] = []
    for channel in policy_of(index).notify.channels:
        deliveries = plan.for_channel(channel)
        if not deliveries:
            continue
        if channel.type == "email":
            out += [_email(words, channel, d) for d in deliveries]
        elif channel.type == "dingtalk":
            out += _robot(words, channel, deliveries, mention_in_text=True)
        else:
            out += _robot(words, channel, deliveries, mention_in_text=False)
    return out


# --- the robots -------------------------------------------------------------------------------------
def _item_lines(words: Words, reminder: Reminder) -> str:
    item = reminder.item
    link = words.link(item.record)
    record = f"[{item.record}]({link})" if link else item.record
    return (f"- **{words.when(reminder)}** {words.what(reminder)}\n"
            f"  到期 {item.due.isoformat()} · {record} · 依据 {item.rule}")


def _robot(words: Words, channel: Channel, deliveries: list[Delivery], *, mention_in_text: bool) -> list[Message]:
    title = f"档案到期提醒 {words.as_of.isoformat()}"

    def header(part: int) -> str:
        return f"### {title}" + (f"（续 {part}）" if part > 1 else "")

    def head(person: Person, more: bool) -> str:
        at = f" @{person.mobile}" if mention_in_text and person.mobile else ""
        return f"**{person.label}**{at}" + ("（续）" if more else "")

    lines = [(d.person, _item_lines(words, r)) for d in deliveries for r in d.reminders]
    packed = _pack(lines, header, head, MARKDOWN_LIMIT)
    out = []
    for body, people in packed:
        mobiles = tuple(p.mobile for p in people if p.mobile)
        markdown = Message(channel, "markdown", people, title, body, mobiles if mention_in_text else ())
        out.append(markdown)
        if not mention_in_text and mobiles:  # 企业微信's markdown cannot @ by mobile: a text message does
            names = "、".join(p.name for p in people if p.mobile)
            text = _clip(f"请 {names} 查收上面的档案到期提醒（{words.as_of.isoformat()}）。", TEXT_LIMIT)
            out.append(Message(channel, "text", people, title, text, mobiles, follows=markdown.key))
    return out


def _pack(lines: list[tuple[Person, str]], header: Callable[[int], str], head: Callable[[Person, bool], str],
          limit: int) -> list[tuple[str, tuple[Person, ...]]]:
    """People's lines packed into as few messages of at most `limit` bytes as they fit, in order; a person's
    heading before their first line in each message."""
    out: list[tuple[str, tuple[Person, ...]]] = []
    body: list[str] = []
    people: list[Person] = []

    def flush() -> None:
        if people:
            out.append(("\n".join(body), tuple(people)))
        body[:] = [header(len(out) + 1)]
        people.clear()

    flush()
    for person, line in lines:
        new_person = not people or people[-1] != person
        adding = ([head(person, False)] if new_person else []) + [line]
        if len("\n".join([*body, *adding]).encode()) > limit and people:
            flush()
            new_person = True
            adding = [head(person, any(person in ps for _, ps in out)), line]
        room = limit - len("\n".join([*body, *adding[:-1]]).encode()) - 1
        adding[-1] = _clip(adding[-1], room)
        body += adding
        if new_person:
            people.append(person)
    if people:
        out.append(("\n".join(body), tuple(people)))
    return out


def _clip(text: str, limit: int) -> str:
    """The text cut to `limit` UTF-8 bytes, never inside a character."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: max(0, limit - 3)].decode("utf-8", "ignore") + "…"


# --- e-mail ------------------------------------------------------------------------------------------
def _email(words: Words, channel: Channel, delivery: Delivery) -> Message:
    reminders = delivery.reminders
    late = sum(1 for r in reminders if r.late > 0)
    subject = f"档案到期提醒 {words.as_of.isoformat()}：{len(reminders)} 项" + (f"（逾期 {late} 项）" if late else "")
    organisation = policy_of(words.index).organisation.name
    lines = [f"{delivery.person.name}：", "",
             f"截至 {words.as_of.isoformat()}，以下 {len(reminders)} 项事项需要您处理：", ""]
    for number, reminder in enumerate(reminders, 1):
        item = reminder.item
        link = words.link(item.record)
        lines += [f"{number}. {words.what(reminder)}",
                  f"   到期：{item.due.isoformat()}（{words.when(reminder)}）",
                  f"   记录：{item.record}" + (f"  {link}" if link else ""),
                  f"   依据：policy.yaml 的 {item.rule}", ""]
    lines += [f"附件 {ICS_NAME} 可导入日历。", f"—— {organisation} 档案系统（dangan notify）每日提醒"]
    calendar = io.StringIO()
    due_report.write([r.item for r in reminders], words.index, words.as_of, "ics", calendar)
    return Message(channel, "email", (delivery.person,), subject, "\n".join(lines), (), reminders,
                   calendar.getvalue())
