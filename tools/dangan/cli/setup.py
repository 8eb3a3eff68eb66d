"""A new archive: `dangan init` (empty) and `dangan demo` (the demo company, or a large generated archive)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import EnvironmentProblem


@click.command(name="init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", prompt="单位全称", help="单位全称，如 鸿远小额贷款有限公司。")
@click.option("--short-name", prompt="单位简称（用于档号，如 鸿）", help="单位简称，用于档号。")
def init_command(directory: str, name: str, short_name: str) -> None:
    """新建一个空的档案库：制度、schema、网站、编辑器设置、pre-commit 和 CI，并做第一次提交。"""
    from .. import init

    try:
        init.create(Path(directory), name, short_name)
    except init.InitError as exc:
        raise EnvironmentProblem(str(exc)) from None
    click.echo(f"已建立档案库 {directory}。下一步：在 records/staff/ 中登记员工，然后 dangan check --root {directory}")
    click.echo(f"个人敏感信息加密保存：CI 的私钥在 {Path(directory) / init.CI_KEY}（不提交）——"
               "把它的内容存为 CI 的 secret"
               "（文件路径设为 DANGAN_KEY），妥善备份后从这里删除；总经理和档案管理员登记 SSH 公钥后运行 dangan rekey。"
               " (the CI's age key: store it as a CI secret, then delete it here)")


@click.command(name="demo")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--size", type=click.IntRange(100, 10_000_000), default=None,
              help="只写出约 N 条记录的大档案库（示例公司按比例复制，不建 git 历史），用于压力测试。")
def demo_command(directory: str, size: int | None) -> None:
    """在 DIR 建立示例档案库：每个经手动作由本人按日期顺序提交并以 SSH 签名。"""
    from ..demo import repo

    if size:
        from ..demo.scale import write_archive

        count = write_archive(Path(directory), size)
        click.echo(f"已在 {directory} 写出 {count} 条记录。")
        return

    try:
        commits = repo.build(Path(directory))
    except repo.DemoError as exc:
        raise EnvironmentProblem(str(exc)) from None
    click.echo(f"已在 {directory} 建立示例档案库：{commits} 个签名提交。试试：dangan check --root {directory}")
