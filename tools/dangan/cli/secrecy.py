"""`dangan encrypt`, `dangan rekey`, `dangan show` and `dangan keygen`: sensitive values encrypted at rest
(issue 20; README 加密存储)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .. import crypto, encryption, lookup
from ..actions import actor, secrecy
from ..transaction import Refused, Transaction
from ..yamlstyle import dumps, to_yaml
from .acts import _refused, acting
from .common import EXIT_USAGE, EnvironmentProblem, _load, act_options

_TOKEN_IN_TEXT = re.compile(r"age:v1:[A-Za-z0-9_-]*:[A-Za-z0-9+/]+=*")
HIDDEN = "〔已加密〕"
CLOSED = "〔无法解密〕"


def _keys(index) -> list:
    return index.derived.get(encryption.KEYS) or []


@click.command(name="encrypt")
@act_options(on=False)
def encrypt_command(root, as_staff, no_commit) -> None:
    """把档案库中须加密的明文值加密（一次提交）；首次运行时生成摘要密钥 keys/digest-key.age。
    Encrypt the archive's plain sensitive values in one commit."""
    try:
        with acting(root, "encrypt") as (index, folder):
            tx = Transaction(index, actor(index, as_staff), journal=folder)
            key, new = secrecy.digest_key(index, _keys(index))
            index.derived["encryption: digester"] = crypto.Digester(key) if key else None
            message, count = secrecy.encrypt_archive(tx)
            if not count and not new:
                click.echo("没有需要加密的明文值 (nothing to encrypt)")
                return
            extra, old = (), None
            if new:
                rel, old = secrecy.write_digest_key(index, key)
                extra = (rel,)
            try:
                written = tx.apply("encrypt", message, commit=not no_commit, extra=extra)
            except Refused:
                if extra:
                    secrecy.restore(index.root, extra[0], old)
                raise
    except Refused as refused:
        _refused(refused)
    if key is None:
        click.echo("注意：此密钥打不开摘要密钥，新加密的值没有摘要；请由 CI 密钥或总经理运行 dangan rekey 补上"
                   " (no digests: run dangan rekey with a key that opens the digest key)", err=True)
    click.echo(f"{message}（{'已暂存' if no_commit else '已提交'}：{len(written)} 个文件）")


@click.command(name="rekey")
@act_options(on=False)
def rekey_command(root, as_staff, no_commit) -> None:
    """按当前收件人（在职的可解密岗位、负责人、CI 密钥）重新加密全部加密值（一次提交），员工离职或岗位变动后运行。
    须用能解密全部值的密钥（--key 或 DANGAN_KEY）。Re-encrypt every value to the current recipients."""
    try:
        with acting(root, "rekey") as (index, folder):
            tx = Transaction(index, actor(index, as_staff), journal=folder)
            key, _ = secrecy.digest_key(index, _keys(index))
            if key is None:
                raise Refused("此密钥打不开摘要密钥 keys/digest-key.age：请用 CI 密钥或可解密岗位的密钥运行"
                              " (this key cannot open the digest key)")
            message, _ = secrecy.rekey_archive(tx, crypto.Digester(key))
            rel, old = secrecy.write_digest_key(index, key)
            try:
                written = tx.apply("rekey", message, commit=not no_commit, extra=(rel,))
            except Refused:
                secrecy.restore(index.root, rel, old)
                raise
    except Refused as refused:
        _refused(refused)
    click.echo(f"{message}（{'已暂存' if no_commit else '已提交'}：{len(written)} 个文件）")


@click.command(name="show")
@click.argument("record")
@click.option("--reveal", is_flag=True, help="解密显示加密的值（须有密钥）；封存记录须有经批准的借阅单，并登记查阅。")
@click.option("--reason", default=None, metavar="TEXT", help="查阅事由（解密封存记录时必填，记入借阅单的查阅记录）。")
@act_options(on=False)
def show_command(record: str, reveal: bool, reason: str | None, root, as_staff, no_commit) -> None:
    """显示一条记录；加密的值显示为〔已加密〕，加 --reveal 时解密。Show a record (--reveal: decrypted)."""
    index = _load(root)
    found = lookup.find(index, record)
    if found is None:
        raise EnvironmentProblem(f"没有这条记录：{record} (no such record)")
    if not reveal:
        text = (index.root / found.file).read_text(encoding="utf-8-sig")
        click.echo(_TOKEN_IN_TEXT.sub(HIDDEN, text), nl=False)
        return
    if not _keys(index):
        raise EnvironmentProblem("--reveal 须有密钥：dangan --key 文件 或设置 DANGAN_KEY (a key is needed)")
    if secrecy.is_sealed(index, found):
        _record_sealed_view(root, as_staff, no_commit, found.kind, found.id, reason)
    data = to_yaml(found.data)
    click.echo(_TOKEN_IN_TEXT.sub(CLOSED, dumps(data)), nl=False)


def _record_sealed_view(root, as_staff, no_commit, kind: str, rid: str, reason: str | None) -> None:
    """A sealed record is opened only on an approved slip, and each opening is recorded on it (an act)."""
    if not reason or not reason.strip():
        raise EnvironmentProblem("这是封存记录：解密查阅须写明事由 --reason (a reason is required for a sealed record)")
    try:
        with acting(root, "show --reveal") as (index, folder):
            record = index.get(kind, rid)
            tx = Transaction(index, actor(index, as_staff), journal=folder)
            today = secrecy.today()
            loan = secrecy.covering_loan(index, record, tx.actor, today)
            if loan is None:
                raise Refused(f"{record.id} 是封存记录：须有经总经理批准、未归还、未到期的借阅单"
                              f"（查阅客户档案 customers 或档案 dossiers 写明它），借阅人是 {tx.actor}；"
                              "先用 dangan lend 申请并由批准人 dangan sign 签批"
                              " (a sealed record needs an approved slip)")
            message = secrecy.record_view(tx, loan, today, reason.strip(), record)
            tx.apply("reveal", message, commit=not no_commit)
    except Refused as refused:
        _refused(refused)
    click.echo(f"已登记查阅：{rid}（{'已暂存' if no_commit else '已提交'}）", err=True)


@click.command(name="keygen")
@click.argument("file", type=click.Path(dir_okay=False))
def keygen_command(file: str) -> None:
    """生成一个 age 密钥（如 CI 用）：私钥写入 FILE（勿提交），公钥 age1… 打印出来，写入 policy.yaml 的
    encryption.recipients，私钥存为 CI 的 secret 并设 DANGAN_KEY。Make an age key pair."""
    path = Path(file)
    if path.exists():
        click.echo(f"{file} 已存在，未覆盖 (exists)", err=True)
        sys.exit(EXIT_USAGE)
    text, public = crypto.new_identity()
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    click.echo(public)
