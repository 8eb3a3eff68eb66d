"""Which deadlines `dangan notify` reminds of today, and to whom through which channel.

Pure: a function of the archive and the day. The items are `dangan due`'s (`due.collect`); the policy's
`notify.remind` says on which days before and after its date an item is reminded of; the owner's department
says which channels carry it. Because the day alone decides, the same run on the same day plans the same
reminders and a run on another day plans that day's: nothing to remember between days (the record of
successful sends in `state` only keeps a re-run on the same day from sending twice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import due
from ..due.item import DueItem
from ..index import Index
from ..policy import Channel, Remind
from ..policy import of as policy_of


@dataclass(frozen=True)
class Reminder:
    item: DueItem
    late: int  # days after the due date (0: due today; negative: days before it)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    department: str | None
    mobile: str | None
    email: str | None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.id}）"


@dataclass(frozen=True)
class Delivery:
    """What one channel tells one person today."""
    channel: Channel
    person: Person
    reminders: tuple[Reminder, ...]


@dataclass(frozen=True)
class Unrouted:
    """A reminder nobody can be sent: why (a `notify.*` code of the catalogue) and the words' arguments."""
    reminder: Reminder
    code: str
    args: dict


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    deliveries: tuple[Delivery, ...]  # by channel in policy order, then by person
    unrouted: tuple[Unrouted, ...]

    def for_channel(self, channel: Channel) -> list[Delivery]:
        return [d for d in self.deliveries if d.channel.id == channel.id]


def reminds_today(remind: Remind, due_on: dt.date, as_of: dt.date) -> bool:
    """Whether an item due on `due_on` is reminded of on `as_of`: so many days before, on the day, so many days
    after, then every `then_every_days` days after the last of those."""
    late = (as_of - due_on).days
    if late < 0:
        return -late in remind.before_days
    if late == 0:
        return remind.on_due_day
    if late in remind.overdue_days:
        return True
    last = max(remind.overdue_days, default=0)
    return remind.then_every_days > 0 and late > last and (late - last) % remind.then_every_days == 0


def reminders(index: Index, as_of: dt.date, staff: str | None = None) -> list[Reminder]:
    """Today's reminders, earliest deadline first."""
    remind = policy_of(index).notify.remind
    ahead = max(remind.before_days, default=0)
    return [Reminder(item, (as_of - item.due).days) for item in due.collect(index, as_of, ahead, staff)
            if reminds_today(remind, item.due, as_of)]


def person(index: Index, staff_id: str) -> Person | None:
    record = index.get("staff", staff_id)
    if record is None:
        return None
    emails = record.get("emails", default=[])
    return Person(staff_id, str(record.get("name", default=staff_id)), record.get("department"),
                  record.get("mobile"), emails[0] if isinstance(emails, list) and emails else None)


def plan(index: Index, as_of: dt.date, staff: str | None = None) -> Plan:
    """Today's reminders grouped per channel and person, and those no channel can carry."""
    channels = policy_of(index).notify.channels
    by_person: dict[str, list[Reminder]] = {}
    people: dict[str, Person] = {}
    unrouted: list[Unrouted] = []
    for reminder in reminders(index, as_of, staff):
        owner = reminder.item.owner
        found = person(index, owner) if owner else None
        left = index.get("staff", owner).get("left_on") if found else None
        if not owner:
            unrouted.append(Unrouted(reminder, "notify.no-owner", {}))
        elif found is None:
            unrouted.append(Unrouted(reminder, "notify.unknown-owner", {"owner": owner}))
        elif isinstance(left, str) and left <= as_of.isoformat():
            unrouted.append(Unrouted(reminder, "notify.departed", {"owner": found.label, "left": left}))
        elif not any(c.serves(found.department) for c in channels):
            unrouted.append(Unrouted(reminder, "notify.no-channel", {"owner": found.label,
                                                                    "department": found.department}))
        else:
            people[owner] = found
            by_person.setdefault(owner, []).append(reminder)
    deliveries = [Delivery(channel, people[sid], tuple(items)) for channel in channels
                  for sid, items in sorted(by_person.items()) if channel.serves(people[sid].department)]
    return Plan(as_of, tuple(deliveries), tuple(unrouted))
