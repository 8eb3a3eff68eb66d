"""The daily acts of the seeds, each as a function that edits records in a `Transaction`.

Each function takes the transaction (whose `actor` is the person acting) and the act's
details, changes the records, and returns the commit message; the CLI applies it.
An act is dated when it happens: not later than today plus the policy's `limits.future_days`.
"""

from __future__ import annotations

import datetime as dt

from .. import git
from ..index import Index
from ..messages import bilingual
from ..policy import of as policy_of
from ..problems import Problem
from ..signers import email_to_staff
from ..transaction import Refused


def actor(index: Index, as_staff: str | None) -> str:
    """The staff member acting: the git user (by e-mail), or --as outside a git repository."""
    if as_staff:
        if index.get("staff", as_staff) is None:
            raise Refused(f"没有这名员工：{as_staff} (no such staff member)")
        if not (index.root / ".git").exists():
            return as_staff
    email = (git.config(index.root, "user.email") or "").lower()
    found = email_to_staff(index).get(email)
    if found is None:
        raise Refused(f"git 用户 {email or '（未设置）'} 不是员工：请用员工记录中的邮箱配置 git user.email"
                      " (the git user is not a staff member)")
    if as_staff and as_staff != found:
        raise Refused(f"当前 git 用户是 {found}，不能以 {as_staff} 的名义操作 (you are {found})")
    return found


def day(value: str | None, index: Index | None = None) -> str:
    """An act's date, YYYY-MM-DD (today when not given), refused unless it is a real date; with the
    archive's index, also refused when it is later than today plus the policy's `limits.future_days`."""
    if value is None:
        return dt.date.today().isoformat()
    try:
        when = dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(f"日期应写作 YYYY-MM-DD：{value} (date expected)") from None
    if index is not None:
        today, ahead = dt.date.today(), future_days(index)
        latest = today + dt.timedelta(days=ahead)
        if when > latest:
            raise Refused(bilingual(Problem("act.future", "", args={
                "date": when.isoformat(), "latest": latest.isoformat(), "today": today.isoformat(), "days": ahead,
                "policy_key": "limits.future_days"})))
    return when.isoformat()


def future_days(index: Index) -> int:
    """How many days after today an act may be dated: the policy's `limits.future_days`."""
    return policy_of(index).limits.future_days


def act_of(who: str, on: str, note: str | None = None) -> dict:
    data = {"by": who, "date": on}
    if note:
        data["note"] = note
    return data
