"""The history and its signatures: `dangan keys`, `dangan history` and `dangan verify` (四性检测)."""

from __future__ import annotations

import sys

import click

from .. import checks, lookup, outputs, signers, verify
from ..facts import facts
from .common import EXIT_OK, EXIT_PROBLEMS, EnvironmentProblem, _load, lang_option, root_option, stdout


@click.command(name="keys")
@root_option
@click.option("--install", is_flag=True, help="写入 .git/allowed_signers 并配置 gpg.ssh.allowedSignersFile。")
def keys_command(root: str | None, install: bool) -> None:
    """由员工记录生成 git 的 allowed_signers（供 git verify-commit、git log --show-signature 使用）。"""
    index = _load(root)
    if not install:
        click.echo(signers.allowed_signers(index), nl=False)
        return
    installed = signers.install(index)
    if installed is None:
        raise EnvironmentProblem("不是 git 仓库 (not a git repository)")
    target, keys = installed
    click.echo(f"已写入 {target}（{keys} 把公钥），并已配置 gpg.ssh.allowedSignersFile。")


@click.command(name="history")
@click.argument("ident", metavar="ID")
@root_option
@click.option("--format", "fmt", type=click.Choice(outputs.FORMATS), default="text", show_default=True)
@lang_option
def history_command(ident: str, root: str | None, fmt: str, lang: str) -> None:
    """一条记录的历史：谁、何时、签名是否有效（与 dangan check 同一判断）、哪些字段由什么改成什么。"""
    index = _load(root)
    audit = facts(index).audit
    if audit is None:
        raise EnvironmentProblem("档案库不是 git 仓库，没有历史 (not a git repository)")
    path = lookup.record_file(index, ident, audit.history.changes)
    if path is None:
        raise EnvironmentProblem(f"没有这条记录：{ident} (no such record)")
    outputs.write_history(path, outputs.history_entries(audit, path), fmt, lang, stdout(fmt))


@click.command(name="verify")
@root_option
@click.option("--format", "fmt", type=click.Choice(outputs.FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="未检查的项目也算未通过（以 1 退出）。")
def verify_command(root: str | None, fmt: str, strict: bool) -> None:
    """四性检测（DA/T 70）：真实性、完整性、可用性、安全性。"""
    index = _load(root)
    problems = checks.run(index)
    items = verify.assess(index, problems, verify.secrets(index) + verify.site_leaks(index))
    outputs.write_verify(items, fmt, stdout(fmt))
    bad = {verify.FAILED, verify.UNCHECKED} if strict else {verify.FAILED}
    sys.exit(EXIT_PROBLEMS if any(i.status in bad for i in items) else EXIT_OK)
