"""What every command shares: finding and loading the archive, the exit codes, the common options, and where
output goes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

import click

from .. import crypto, encryption, report
from ..index import Index
from ..reader import build, find_root, unusable

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
KEY: dict[str, str | None] = {"path": None}  # `dangan --key FILE`, for this invocation (else DANGAN_KEY)


class EnvironmentProblem(click.ClickException):
    exit_code = EXIT_USAGE


def _root(option: str | None) -> Path:
    if option:
        root = Path(option)
        if not os.path.isdir(root / "records"):  # os.path: False, not an error, when it may not be looked at
            raise EnvironmentProblem(f"--root {option}: 这里没有 records/ 目录 (no records/ folder here)")
        return root.resolve()
    env = os.environ.get("DANGAN_ROOT")
    if env:
        return _root(env)
    found = find_root(Path.cwd())
    if found is None:
        raise EnvironmentProblem("找不到档案库：当前目录及其上级目录中都没有 records/policy.yaml；"
                                 "请用 --root 指定 (no archive found: use --root or DANGAN_ROOT)")
    return found


def _load(root_option: str | None, *, policy: bool = True, lang: str = "zh") -> Index:
    """The archive's index, or an `EnvironmentProblem` (exit 2) naming what makes it unusable: schemas that
    cannot be read or compiled, a folder of records/ that cannot be read, and — with `policy`, for every
    command but `dangan check`, which reports it as problems (exit 1) — a policy that is missing,
    unreadable, not YAML or fails its schema. Notes about the run (a cache that cannot be written) go to
    standard error."""
    index = build(_root(root_option))
    if index.notes:
        click.echo(report.environment(index.notes, lang, stop=False), err=True)
    blocking = unusable(index, policy=policy)
    if blocking:
        raise EnvironmentProblem(report.environment(blocking, lang))
    open_values(index)
    return index


def open_values(index: Index) -> None:
    """Open the encrypted values in memory with `--key` or DANGAN_KEY (`encryption.open_index`); a key that cannot
    be used stops the command (exit 2)."""
    try:
        encryption.open_index(index, KEY["path"])
    except crypto.KeyProblem as problem:
        raise EnvironmentProblem(str(problem)) from None


root_option = click.option("--root", "root", metavar="DIR", default=None,
                           help="档案库根目录（默认向上查找 records/policy.yaml；或 DANGAN_ROOT）。")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="输出语言 / output language.")
_as_option = click.option("--as", "as_staff", metavar="STAFF", default=None,
                          help="以哪位员工的身份（默认按 git user.email 识别；非 git 档案库时必填）。")
_on_option = click.option("--on", "on", metavar="DATE", default=None, help="动作日期（默认今天），YYYY-MM-DD。")
_no_commit_option = click.option("--no-commit", is_flag=True, help="只写入并暂存（git add），不提交。")


def act_options(command=None, *, on: bool = True):
    """The options every act shares, in this order: --root, --as, --on (the act's date; `on=False` for the acts
    that take none) and --no-commit. Use as `@act_options` or `@act_options(on=False)`."""
    def decorate(function):
        options = [root_option, _as_option, *([_on_option] if on else []), _no_commit_option]
        for option in reversed(options):  # as if written one above the other, in this order
            function = option(function)
        return function

    return decorate(command) if command is not None else decorate


class _Echoed:
    """Standard output through click.echo: on a terminal through `report.TerminalSafe` (see `main`), elsewhere
    without ANSI sequences."""

    def write(self, text: str) -> int:
        click.echo(text, nl=False)
        return len(text)


def stdout(fmt: str) -> TextIO:
    """Where output in `fmt` goes: text for people through click.echo; data (JSON, CSV, a table that escapes its
    own cells) straight to standard output."""
    return _Echoed() if fmt == "text" else sys.stdout  # type: ignore[return-value]
