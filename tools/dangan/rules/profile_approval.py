"""The sales director's approval of a customer profile (seed 004 篇四 4、1、2 c)「客户档案由销售总监进行审批确认」):
which profiles need it (`customers.profile_approval_from`, when `approvals.profile_approval` names roles) and by
when (`customers.profile_approval_within` of the profile's creation). Shared by the check and `dangan due`."""

from __future__ import annotations

import datetime as dt

from ..facts import Facts, date
from ..record import Record

STATUSES = ("prospect", "active", "dormant", "blacklisted")  # a closed customer's file is history


def needs_approval(f: Facts, customer: Record) -> bool:
    since, made = date(f.policy.customers.profile_approval_from), date(customer.get("created", "date"))
    return bool(f.approvers("profile_approval")) and since is not None and made is not None and made >= since \
        and customer.get("status") in STATUSES


def approval_deadline(f: Facts, customer: Record) -> dt.date | None:
    made, period = date(customer.get("created", "date")), f.policy.customers.profile_approval_within
    return f.calendar.deadline(made, period) if made and period else None
