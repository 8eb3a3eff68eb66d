"""`dangan upgrade`: the archive's schemas, site configuration, editor settings and CI brought to the installed
dangan, the records migrated, as one commit (`dangan.upgrade`)."""

from __future__ import annotations

import sys

import click

from .. import upgrade
from ..actions import actor
from ..messages import render
from ..transaction import Refused
from .acts import acting
from .common import EXIT_PROBLEMS, act_options


@click.command(name="upgrade")
@act_options(on=False)
@click.option("--dry-run", is_flag=True, help="只显示会改动的每个文件的差异（含迁移的记录），不写入任何文件。")
@click.option("--ours", "favour", flag_value="ours", default=None,
              help="冲突处保留本档案库的一方 (settle every conflict for the local side)。")
@click.option("--theirs", "favour", flag_value="theirs",
              help="冲突处采用新版本的一方 (settle every conflict for the new version)。")
def upgrade_command(root, as_staff, no_commit, dry_run, favour) -> None:
    """把档案库的 schema、网站配置、编辑器设置和 CI 升级到已安装的 dangan，并迁移记录，一次提交。

    本地对这些文件的改动（如公司自加的字段）按建库时的基础副本（.dangan/base/）三方合并保留；两边改了同一处即为
    冲突：显示两边，不写入任何文件。先用 --dry-run 查看差异。
    """
    with acting(root, upgrade.ACT) as (index, folder):
        try:
            plan = upgrade.plan(index, favour=favour)
        except upgrade.UpgradeError as error:
            _stop(error)
        if plan.conflicts:
            click.echo(upgrade.describe(plan, diffs=False), err=True)
            sys.exit(EXIT_PROBLEMS)
        if not plan.changes:
            click.echo(f"档案库已是 dangan {plan.version} 的版本，无需升级 (already up to date)")
            return
        if dry_run:
            click.echo(upgrade.describe(plan, diffs=True))
            click.echo("（预演：未写入任何文件 / dry run: nothing was written）")
            return
        try:
            who = actor(index, as_staff) if index.of("staff") else None  # no staff yet: the archive is being founded
            upgrade.apply(plan, index, who, folder, commit=not no_commit)
        except Refused as refused:
            _stop(upgrade.UpgradeError(str(refused)))
        except upgrade.UpgradeError as error:
            _stop(error)
    click.echo(upgrade.describe(plan, diffs=False))
    click.echo(f"{upgrade.message(plan)}（{'已暂存' if no_commit else '已提交'}）")


def _stop(error: upgrade.UpgradeError):
    click.echo(f"拒绝 (refused)：{error}", err=True)
    for problem in error.problems:
        text, hint = render(problem, "zh")
        where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
        click.echo(f"  {where}: {problem.code}: {text}" + (f"（{hint}）" if hint else ""), err=True)
    sys.exit(EXIT_PROBLEMS)
