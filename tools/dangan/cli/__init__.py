"""The `dangan` command. It only wires options to the library: each module of this package holds one group of
commands, and this one puts them on the `dangan` group and runs it (`main`, the console script)."""

from __future__ import annotations

import os
import sys

import click

from .. import report, versions
from . import acts, check, due, history, notify, secrecy, setup, sheets, site, upgrade
from .common import EXIT_OK, EXIT_USAGE, KEY


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(versions.installed(), prog_name="dangan", message="%(prog)s %(version)s")
@click.option("--key", "key", metavar="FILE", default=None,
              help="解密用的密钥文件：age 密钥或无口令的 OpenSSH 私钥（默认 DANGAN_KEY）。"
                   "Identity file to open encrypted values.")
def cli(key: str | None) -> None:
    """档案 Dangan —— 以 git 管理的客户档案库。A customer archive kept as YAML files in git."""
    KEY["path"] = key


for command in (
    check.check, check.ledger_command,
    due.due_command, due.policy_command, due.attribution_command, due.report_group, notify.notify_command,
    history.keys_command, history.history_command, history.verify_command,
    setup.init_command, setup.demo_command, setup.setup_command, setup.doctor_command, upgrade.upgrade_command,
    site.site_group,
    acts.new_command, acts.handover_command, acts.supplement_group, acts.sign_command, acts.lend_command,
    acts.return_command, acts.certificate_group, acts.complaint_group, acts.review_command, acts.dispose_group,
    acts.reassign_command, acts.register_key_command, acts.amend_command, acts.renumber_command, acts.visit_command,
    acts.seal_command, acts.acknowledge_command, acts.recover_command,
    sheets.import_command, sheets.export_command,
    secrecy.encrypt_command, secrecy.rekey_command, secrecy.show_command, secrecy.keygen_command,
):
    cli.add_command(command)


def main() -> None:
    """Entry point: no traceback ever reaches the user, and no control character a terminal."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and stream.isatty():
            setattr(sys, name, report.TerminalSafe(stream))
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code if exc.exit_code != 1 else EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("已取消 (aborted)", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except OSError as exc:  # the environment: a file or folder we may not read or write, a full disk …
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"dangan: {where}{exc.strerror or exc} (无法读写 / cannot read or write)", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a bug of ours: say so plainly, never a traceback
        if os.environ.get("DANGAN_DEBUG"):
            raise
        click.echo(f"dangan: 内部错误 (internal error): {type(exc).__name__}: {exc}\n"
                   "请设置 DANGAN_DEBUG=1 重试并报告此问题 (set DANGAN_DEBUG=1 and report it).", err=True)
        sys.exit(3)
