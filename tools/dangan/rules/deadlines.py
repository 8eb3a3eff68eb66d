"""Deadlines that the checks judge and `dangan due` lists: a complaint's reply (seed 004, 001),
a contract's documents to the administrator and to the archive (seed 002)."""

from __future__ import annotations

import datetime as dt

from ..facts import Facts, date
from ..policy import Period
from ..record import Record
from ..workdays import add_months


def reply_deadline(f: Facts, complaint: Record) -> tuple[dt.date | None, str, Period | None]:
    """When a complaint must be answered, the policy key that says so, and its period."""
    received = date(complaint.get("received", "date"))
    key = "urgent_reply_within" if complaint.get("urgent") is True else "reply_within"
    period = getattr(f.policy.complaints, key)
    if received is None or period is None:
        return None, key, period
    return f.calendar.deadline(received, period), key, period


def filing_deadlines(f: Facts, contract: Record) -> tuple[dt.date | None, dt.date | None]:
    """When a contract's documents are due at the contract administrator, and then in the archive."""
    section = f.policy.contracts
    signed = date(contract.get("signed_on"))
    admin_deadline = add_months(signed, section.to_admin_within_months) if signed else None
    handed = date(contract.get("to_admin", "date"))
    archive_deadline = add_months(handed, section.to_archive_within_months) if handed else None
    return admin_deadline, archive_deadline
