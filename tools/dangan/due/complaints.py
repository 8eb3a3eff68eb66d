"""`dangan due`, complaints after the first reply (seed 004 篇二 1.1, 4.): each reinvestigation's reply, the
reinvestigation a dissatisfied customer is owed, and the appeal window still open after a reply (the first
reply and the archiving: `due.customers`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts, date
from ..rules.complaints import appeal_deadline, reopened_without_round, round_reply_deadline, rounds
from .item import DueItem, Source


def reinvestigations(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """A reinvestigation not yet replied, and a dissatisfied feedback not yet reinvestigated: the reply is due
    within the complaint's reply period of the day the customer raised it (or the feedback was recorded)."""
    for complaint in f.index.of("complaint").values():
        if isinstance(complaint.get("closed"), dict):
            continue
        customer = complaint.get("customer")
        for round_ in rounds(complaint)[1:]:
            if round_.replied is None:
                deadline, key, period = round_reply_deadline(f, complaint, round_.start)
                if deadline:
                    yield DueItem("complaint", complaint.key, f"重新调查处理并答复：{customer}", deadline,
                                  (complaint.get("reply") or {}).get("by"), f"complaints.{key}",
                                  f.calendar.guessed_years(round_.start, period))
        owed = reopened_without_round(f, complaint)
        if owed is not None:
            recorded = date(owed.feedback.get("recorded_on"))
            deadline, key, period = round_reply_deadline(f, complaint, recorded)
            if deadline:
                yield DueItem("complaint", complaint.key, f"客户不满意，重新调查处理：{customer}", deadline,
                              (owed.act("reply") or {}).get("by"), "complaints.satisfied_min",
                              f.calendar.guessed_years(recorded, period))


def appeal_windows(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """The last day the customer may still appeal against the latest reply of an open complaint (not listed
    once it has passed: nobody owes anything then)."""
    for complaint in f.index.of("complaint").values():
        if isinstance(complaint.get("closed"), dict):
            continue
        last = rounds(complaint)[-1]
        deadline = appeal_deadline(f, last.replied)
        if deadline and deadline >= as_of:
            what = f"客户申诉期届满（收到处理结果后十日内）：{complaint.get('customer')}"
            yield DueItem("appeal", complaint.key, what, deadline, (last.act("reply") or {}).get("by"),
                          "complaints.appeal_within")


SOURCES: list[Source] = [reinvestigations, appeal_windows]
