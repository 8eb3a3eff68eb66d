"""`dangan site build` and `dangan site serve`: the browsable archive, by MkDocs and the dangan plugin."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .common import EXIT_PROBLEMS, KEY, EnvironmentProblem, _load, root_option


@click.group(name="site")
def site_group() -> None:
    """浏览网站（MkDocs）：生成或预览。Build or preview the browsable site."""


def _mkdocs(root: str | None, internal: bool) -> tuple[Path, Path, dict]:
    archive = _load(root).root  # the site needs usable schemas and policy: stop here, not half-way in mkdocs
    config = archive / "mkdocs.yml"
    if not config.is_file():
        raise EnvironmentProblem(f"{config}: 没有 mkdocs.yml，无法生成网站 (no mkdocs.yml in the archive)")
    env = dict(os.environ, DANGAN_ROOT=str(archive))
    env.pop("DANGAN_SITE_INTERNAL", None)
    if KEY["path"]:
        env["DANGAN_KEY"] = str(Path(KEY["path"]).resolve())
    if internal:
        env["DANGAN_SITE_INTERNAL"] = "1"
    return archive, config, env


@site_group.command(name="build")
@click.option("--internal", is_flag=True, help="内部版：不脱敏、显示封存记录，默认输出到 public-internal/。")
@click.option("--output", "-o", metavar="DIR", default=None, help="输出目录（默认 mkdocs.yml 的 site_dir：public/）。")
@root_option
def site_build(internal: bool, output: str | None, root: str | None) -> None:
    """生成网站（mkdocs build --strict）：台帐、记录、表单、分析和总览。"""
    import subprocess

    archive, config, env = _mkdocs(root, internal)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    if output:
        target = Path(output).resolve()
        if internal and target == (archive / "public").resolve():
            raise EnvironmentProblem("内部版不能输出到公开目录 public/ (the internal site never goes to public/)")
        command += ["-d", str(target)]
    if subprocess.run(command, env=env, check=False).returncode != 0:
        sys.exit(EXIT_PROBLEMS)
    shown = output or ("public-internal" if internal else "public")
    click.echo(f"网站已生成：{Path(shown) / 'index.html'}（{'内部版，未脱敏' if internal else '公开版，已脱敏'}）")


@site_group.command(name="serve")
@click.option("--internal", is_flag=True, help="预览内部版（不脱敏）。")
@click.option("--dev-addr", "-a", metavar="IP:PORT", default="127.0.0.1:8000", show_default=True)
@root_option
def site_serve(internal: bool, dev_addr: str, root: str | None) -> None:
    """在本机预览网站（mkdocs serve），修改记录后自动重新生成。"""
    _, config, env = _mkdocs(root, internal)
    command = [sys.executable, "-m", "mkdocs", "serve", "--strict", "-f", str(config), "-a", dev_addr]
    os.execve(sys.executable, command, env)  # become mkdocs: Ctrl-C and signals reach it directly
