"""The daily acts of the seeds, each as a function that edits records in a `Transaction`.

Each function takes the transaction (whose `actor` is the person acting) and the act's
details, changes the records, and returns the commit message; the CLI applies it.
"""

from __future__ import annotations

import datetime as dt

from .. import git
from ..index import Index
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


def day(value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Refused(f"日期应写作 YYYY-MM-DD：{value} (date expected)") from None


def act_of(who: str, on: str, note: str | None = None) -> dict:
    data = {"by": who, "date": on}
    if note:
        data["note"] = note
    return data
