"""The acts on the history itself.

`dangan seal` anchors the history with a signed tag by a role of `approvals.seal`; it is
refused when the archive has uncommitted changes, when the person at the keyboard may not
seal, or when the history has problems a seal would anchor (unsigned or forged commits,
rewritten history): a seal vouches for everything before it.

`dangan acknowledge` records, in a signed commit with a `Dangan-Acknowledge:` trailer, that a
role of `approvals.acknowledge` dealt with an earlier commit's problems (reverted it, or
verified it): a pushed commit cannot be removed, so its problems stay visible as warnings
that name who acknowledged them."""

from __future__ import annotations

import datetime as dt

from .. import checks, git, seals
from ..audit import HISTORY_CODES
from ..facts import facts
from ..history import ACKNOWLEDGE, PATHS
from ..index import Index
from ..problems import ERROR
from ..transaction import Refused, commit


def seal(index: Index, note: str = "", now: dt.datetime | None = None) -> tuple[str, str]:
    """Seal HEAD; return the tag's name and the sealed commit."""
    root = index.root
    audit = facts(index).audit
    head = git.head(root)
    if audit is None or head is None:
        raise Refused("档案库不是 git 仓库或还没有提交，无可封印 (nothing to seal)")
    if git.output(root, "status", "--porcelain", "--", *PATHS):
        raise Refused("档案库有未提交的改动：先提交或撤销，再封印 (commit or discard your changes first)")
    _allowed(index, "seal")
    problems = [p for p in checks.run(index) if p.severity == ERROR and p.code.startswith(HISTORY_CODES)]
    if problems:
        raise Refused("历史中有未解决的签名或改写问题，不能封印 (the history has problems)", problems)
    name = seals.seal_name(now or dt.datetime.now(dt.UTC))
    message = f"档案封印 {name}\n\n封存提交 {head}，{len(index)} 条记录。\n" + (f"\n{note}\n" if note else "")
    try:
        seals.make(root, head, name, message)
    except git.GitError as error:
        raise Refused(f"git 未能创建签名标签：{error}。请配置 SSH 签名（gpg.format ssh、user.signingkey）"
                      " (git could not sign the tag)") from None
    return name, head


def _allowed(index: Index, what: str) -> str:
    """The git user's staff id, if the rules in force let them do `what` (an `approvals` key); else refused."""
    audit = facts(index).audit
    rules = audit.head_state()
    email = (git.config(index.root, "user.email") or "").lower()
    who = rules.by_email.get(email)
    if not rules.may(who, what):
        roles = "、".join(audit.role_names(rules, rules.approvers(what)))
        doing = index.schemas.label("policy", ("approvals", what))
        raise Refused(f"只有 {roles} 可以{doing}；当前 git 用户 {email or '（未设置）'} 不是 (only {roles} may)")
    return who


def acknowledge(index: Index, target: str, reason: str) -> tuple[str, str]:
    """Acknowledge a commit's problems; return the acknowledged commit and the acknowledging one."""
    root = index.root
    audit = facts(index).audit
    if audit is None or git.head(root) is None:
        raise Refused("档案库不是 git 仓库或还没有提交 (not a git repository)")
    if not reason.strip():
        raise Refused("请用 --reason 写明如何处理了这个提交 (say what was done)")
    found = [c for c in audit.history.commits if len(target) >= 7 and c.startswith(target.lower())]
    if len(found) != 1:
        raise Refused(f"档案历史中没有唯一的提交 {target}（至少写 7 位）(no such commit in the archive's history)")
    full = found[0]
    _allowed(index, "acknowledge")
    if full in audit.acknowledged:
        raise Refused(f"提交 {full[:10]} 已由 {audit.acknowledged[full][1]} 确认处理 (already acknowledged)")
    if not [p for p in checks.run(index) if p.args.get("commit") == full[:10] and p.severity == ERROR]:
        raise Refused(f"提交 {full[:10]} 没有需要确认的问题 (nothing to acknowledge)")
    if git.output(root, "diff", "--cached", "--name-only"):
        raise Refused("暂存区中有改动：先提交或撤销暂存，再确认 (unstage your changes first)")
    commit(root, f"确认处理提交 {full[:10]}：{reason.strip()}", ["acknowledge"], [], sign=True,
           trailers={ACKNOWLEDGE: full})
    return full, git.head(root) or ""
