"""The `dangan` command. It only wires options to the pipeline: files -> index -> checks -> report."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from . import (
    attribution,
    checks,
    contract_stats,
    due,
    due_report,
    git,
    ledger,
    messages,
    policy_text,
    report,
    signers,
    verify,
)
from .facts import facts
from .index import Index, build, find_root, unusable

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


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
    return index


root_option = click.option("--root", "root", metavar="DIR", default=None,
                           help="档案库根目录（默认向上查找 records/policy.yaml；或 DANGAN_ROOT）。")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="输出语言 / output language.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dangan")
def cli() -> None:
    """档案 Dangan —— 以 git 管理的客户档案库。A customer archive kept as YAML files in git."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@root_option
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True,
              help="text 人读；json 程序读；github / gitlab 为 CI 注释。")
@lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="写入文件而不是标准输出（如 GitLab 的 code-quality 报告）。")
@click.option("--since", metavar="REV", default=None,
              help="只报告 REV 之后的提交（及未提交的修改）改动过的文件中的问题，用于 CI。")
@click.option("--before-commit", is_flag=True,
              help="检查即将提交的改动（pre-commit 钩子、编辑时）：不报告“尚未提交”(file.uncommitted)。")
def check(paths: tuple[str, ...], root: str | None, fmt: str, lang: str, output: str | None,
          since: str | None, before_commit: bool) -> None:
    """检查档案库：YAML、schema、证件号码、引用、编号、制度规则和 git 历史。Check the archive.

    给出 PATH 时只报告这些文件或目录中的问题（引用等仍按整个档案库核对）。
    """
    index = _load(root, policy=False, lang=lang)
    problems = checks.run(index)
    if before_commit:
        problems = [p for p in problems if p.code != "file.uncommitted"]
    if since:
        changed = _changed_since(index.root, since)
        problems = [p for p in problems if p.file in changed]
    if paths:
        wanted = [_relative(index.root, p) for p in paths]
        files = {p.file for p in problems if any(p.file == w or p.file.startswith(w.rstrip("/") + "/")
                                                 or w in ("", ".") for w in wanted)}
        files |= _referencing(index, wanted)
        problems = [p for p in problems if p.file in files]
    records = len(index)
    if output:
        with open(output, "w", encoding="utf-8") as out:
            report.write(problems, records, fmt, lang, out)
    else:
        report.write(problems, records, fmt, lang, sys.stdout)
    errors, _ = report.counts(problems)
    sys.exit(EXIT_PROBLEMS if errors else EXIT_OK)


def _referencing(index: Index, wanted: list[str]) -> set[str]:
    """Files of the records that name a record in `wanted` (a changed id breaks them too)."""
    from .schemas import values_at

    named = {(r.kind, r.id) for r in index if any(r.file == w or r.file.startswith(w.rstrip("/") + "/")
                                                  for w in wanted)}
    out = set()
    for record in index:
        for info in index.schemas.references.get(record.kind, ()):
            if any((info.ref, v) in named for _, v in values_at(record.data, info.path)):
                out.add(record.file)
                break
    return out


def _changed_since(root: Path, rev: str) -> set[str]:
    try:
        changed = git.text(root, "diff", "--name-only", "--no-renames", rev)
    except git.GitError as error:
        raise EnvironmentProblem(f"--since {rev}: {error or 'not a git revision'}") from None
    untracked = git.output(root, "ls-files", "--others", "--exclude-standard") or ""
    return set(changed.split("\n")) | set(untracked.split("\n")) | {"records", "records/policy.yaml"}


def _relative(root: Path, path: str) -> str:
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise EnvironmentProblem(f"{path}: 不在档案库 {root} 中 (not inside the archive)") from None


@cli.command(name="ledger")
@click.argument("kind")
@root_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def ledger_command(kind: str, root: str | None, fmt: str) -> None:
    """打印台帐。KIND: dossier 档案台帐, certificate 权证台帐, loan 借阅台帐, customer 客户名录,
    visit 回访记录, complaint 客诉台帐, contract 合同台帐, disposal 销毁清册 …"""
    index = _load(root)
    resolved = ledger.resolve_kind(index, kind)
    if resolved is None:
        names = ", ".join(k for k in index.schemas.kinds if index.schemas.annotations(k).get("ledger"))
        raise EnvironmentProblem(f"没有这种台帐：{kind}（可用：{names}）(no such ledger)")
    cols, data = ledger.rows(index, resolved)
    title = index.schemas.annotations(resolved).get("ledger_title", resolved)
    if fmt == "json":
        keys = [".".join(c.path) for c in cols]
        json.dump([dict(zip(keys, row, strict=True)) for row in data], sys.stdout,
                  ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    shown = [[ledger.display(index, resolved, c, v) for c, v in zip(cols, row, strict=True)]
             for row in data]
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([c.title for c in cols])
        writer.writerows(shown)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title}（{len(shown)}）", show_lines=False)
    for c in cols:
        table.add_column(c.title, overflow="fold")
    for row in shown:  # plain text, never rich markup; control characters escaped
        table.add_row(*(Text(report.printable(cell) or "") for cell in row))
    terminal = getattr(sys.stdout, "raw", sys.stdout)
    console = Console(file=terminal) if terminal.isatty() else Console(file=terminal, width=400)
    console.print(table)


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EnvironmentProblem(f"--as-of {value}: 日期应写作 YYYY-MM-DD (date expected)") from None


@cli.command(name="due")
@root_option
@click.option("--as-of", "as_of", metavar="DATE", default=None, help="截至哪天（默认今天），YYYY-MM-DD。")
@click.option("--within", default=7, show_default=True, type=click.IntRange(0, 3660),
              help="包括今后多少天内到期的事项。")
@click.option("--staff", metavar="ID", default=None, help="只列出这名员工的待办。")
@click.option("--format", "fmt", type=click.Choice(due_report.FORMATS), default="text", show_default=True)
@click.option("--fail-on-overdue", is_flag=True, help="有逾期事项时以 1 退出（用于 CI）。")
def due_command(root: str | None, as_of: str | None, within: int, staff: str | None, fmt: str,
                fail_on_overdue: bool) -> None:
    """列出到期和逾期事项：移交、补充资料、延期、借阅和权证归还、保管期满……"""
    index = _load(root)
    day = _date(as_of)
    outside = due.out_of_range(index, day, within)
    if outside is not None:
        raise EnvironmentProblem(f"--as-of {day} --within {within}: {messages.bilingual(outside)}")
    if staff and index.get("staff", staff) is None:
        raise EnvironmentProblem(f"--staff {staff}: 没有这名员工 (no such staff member)")
    items = due.collect(index, day, within, staff)
    due_report.write(items, index, day, fmt, sys.stdout)
    if fail_on_overdue and any(item.overdue_days(day) for item in items):
        sys.exit(EXIT_PROBLEMS)


@cli.command(name="policy")
@root_option
@lang_option
def policy_command(root: str | None, lang: str) -> None:
    """以中文（或英文）列出现行制度。Print the rules in force."""
    index = _load(root)
    click.echo("\n".join(policy_text.policy_lines(index, lang)))


@cli.command(name="attribution")
@click.argument("contract")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def attribution_command(contract: str, root: str | None, fmt: str) -> None:
    """说明一份合同的业绩归属及其依据。Explain who is credited with a contract, and why."""
    index = _load(root)
    record = index.get("contract", contract)
    if record is None:
        raise EnvironmentProblem(f"没有这份合同：{contract} (no such contract)")
    verdict = attribution.decide(facts(index), record)
    if fmt == "json":
        click.echo(json.dumps({"contract": contract, "handled_by": record.get("handled_by"),
                               "shares": verdict.shares, "credited": verdict.credited,
                               "reasons": verdict.reasons, "records": verdict.used}, ensure_ascii=False, indent=2))
        return
    click.echo(f"合同 {contract}（经办人 {record.get('handled_by')}）")
    for staff, share in sorted(verdict.shares.items()):
        person = index.get("staff", staff)
        click.echo(f"  业绩：{person.get('name') if person else staff}（{staff}）{share:.0%}")
    for reason in verdict.reasons:
        click.echo(f"  - {reason}")
    if verdict.used:
        click.echo("  依据记录：" + "、".join(verdict.used))


@cli.group(name="report")
def report_group() -> None:
    """统计报表。Reports."""


@report_group.command(name="contracts")
@click.option("--half", required=True, metavar="YYYYH1|YYYYH2", help="半年度，如 2025H2。")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
def report_contracts(half: str, root: str | None, fmt: str) -> None:
    """半年度合同统计报表（每年 1 月 10 日、7 月 10 日前报送）。"""
    if contract_stats.half_bounds(half) is None:
        raise EnvironmentProblem(f"--half {half}: 应写作 2025H1 或 2025H2 (expected 2025H1 or 2025H2)")
    index = _load(root)
    rows = contract_stats.statistics(index, half)
    header = [index.schemas.label("contract", ("department",)), "签订份数", "签订金额（元）", "本期回款（元）",
              "期末未收（元）"]
    data = [[r.name, r.signed, round(r.amount, 2), round(r.received, 2), round(r.outstanding, 2)] for r in rows]
    if fmt == "json":
        click.echo(json.dumps({"half": half, "rows": [dict(zip(["department", "signed", "amount", "received",
                                                                 "outstanding"], [r.department, *d[1:]], strict=True))
                                                       for r, d in zip(rows, data, strict=True)]},
                              ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(data)
        return
    click.echo(f"合同统计报表 {half}")
    for row in [header, *data]:
        click.echo("  " + "\t".join(str(v) for v in row))


@cli.command(name="keys")
@root_option
@click.option("--install", is_flag=True, help="写入 .git/allowed_signers 并配置 gpg.ssh.allowedSignersFile。")
def keys_command(root: str | None, install: bool) -> None:
    """由员工记录生成 git 的 allowed_signers（供 git verify-commit、git log --show-signature 使用）。"""
    index = _load(root)
    text = signers.allowed_signers(index)
    if not install:
        click.echo(text, nl=False)
        return
    folder = git.git_dir(index.root)
    if folder is None:
        raise EnvironmentProblem("不是 git 仓库 (not a git repository)")
    target = folder / "allowed_signers"
    target.write_text(text, encoding="utf-8")
    git.run(index.root, "config", "gpg.ssh.allowedSignersFile", str(target))
    click.echo(f"已写入 {target}（{len(text.splitlines())} 把公钥），并已配置 gpg.ssh.allowedSignersFile。")


def _find_record(index: Index, ident: str):
    if "/" in ident:
        kind, _, rid = ident.partition("/")
        return index.get(kind, rid)
    found = [r for r in index if r.id == ident]
    return found[0] if found else None


@cli.command(name="history")
@click.argument("ident", metavar="ID")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
def history_command(ident: str, root: str | None, fmt: str, lang: str) -> None:
    """一条记录的历史：谁、何时、签名是否有效（与 dangan check 同一判断）、哪些字段由什么改成什么。"""
    index = _load(root)
    record = _find_record(index, ident)
    path = record.file if record else None
    audit = facts(index).audit
    if audit is None:
        raise EnvironmentProblem("档案库不是 git 仓库，没有历史 (not a git repository)")
    hist = audit.history
    if path is None:
        matches = [p for p in hist.changes if p.rsplit("/", 1)[-1].rsplit(".", 1)[0] == ident.split("/")[-1]]
        if not matches:
            raise EnvironmentProblem(f"没有这条记录：{ident} (no such record)")
        path = matches[0]
    entries = []
    for change in hist.of(path):
        commit = hist.commits[change.commit]
        problems = [dict(f.args) | {"code": f.code} for f in audit.findings(commit.id) if f.via is None]
        entries.append({"commit": commit.id, "date": commit.authored, "author": commit.author, "email": commit.email,
                        "staff": audit.author(commit.id), "verdict": audit.verdict(commit.id),
                        "key": commit.key, "findings": problems,
                        "subject": commit.subject, "trailers": commit.trailers, "status": change.status,
                        "fields": [{"field": f, "old": o, "new": n} for f, o, n in change.fields]})
    if fmt == "json":
        click.echo(json.dumps({"file": path, "history": entries}, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{path}：{len(entries)} 次提交" if lang == "zh" else f"{path}: {len(entries)} commits")
    for e in entries:
        who = f"{e['author']}（{e['staff'] or ('非员工' if lang == 'zh' else 'not staff')}）"
        click.echo(f"  {e['date'][:19]}  {e['commit'][:10]}  {who}  {messages.verdict(e['verdict'], lang)}"
                   f"  {e['subject']}")
        for f in e["fields"][:50]:
            click.echo(f"      {f['field']}: {_short(f['old'])} → {_short(f['new'])}")


def _short(value) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


@cli.command(name="verify")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="未检查的项目也算未通过（以 1 退出）。")
def verify_command(root: str | None, fmt: str, strict: bool) -> None:
    """四性检测（DA/T 70）：真实性、完整性、可用性、安全性。"""
    index = _load(root)
    problems = checks.run(index)
    items = verify.assess(index, problems, verify.secrets(index) + verify.site_leaks(index))
    if fmt == "json":
        click.echo(json.dumps([{"property": i.property, "item": i.name, "status": i.status, "passed": i.passed,
                                "applicable": i.applicable, "unchecked": i.unchecked,
                                "problems": report.as_dicts(i.problems, "zh")} for i in items],
                              ensure_ascii=False, indent=2))
    else:
        marks = {verify.PASSED: "通过", verify.FAILED: "未通过", verify.UNCHECKED: "未检查",
                 verify.NOT_APPLICABLE: "不适用"}
        for prop in dict.fromkeys(i.property for i in items):
            click.echo(prop)
            for item in (i for i in items if i.property == prop):
                extra = f"（{len(item.problems)} 个问题）" if item.problems else ""
                why = f"：{item.unchecked}" if item.status == verify.UNCHECKED else ""
                click.echo(f"  [{marks[item.status]}] {item.name}{extra}{why}")
    bad = {verify.FAILED, verify.UNCHECKED} if strict else {verify.FAILED}
    sys.exit(EXIT_PROBLEMS if any(i.status in bad for i in items) else EXIT_OK)


@cli.command(name="init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", prompt="单位全称", help="单位全称，如 鸿远小额贷款有限公司。")
@click.option("--short-name", prompt="单位简称（用于档号，如 鸿）", help="单位简称，用于档号。")
def init_command(directory: str, name: str, short_name: str) -> None:
    """新建一个空的档案库：制度、schema、网站、编辑器设置、pre-commit 和 CI，并做第一次提交。"""
    from . import init

    try:
        init.create(Path(directory), name, short_name)
    except init.InitError as exc:
        raise EnvironmentProblem(str(exc)) from None
    click.echo(f"已建立档案库 {directory}。下一步：在 records/staff/ 中登记员工，然后 dangan check --root {directory}")


@cli.command(name="demo")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--size", type=click.IntRange(100, 10_000_000), default=None,
              help="只写出约 N 条记录的大档案库（示例公司按比例复制，不建 git 历史），用于压力测试。")
def demo_command(directory: str, size: int | None) -> None:
    """在 DIR 建立示例档案库：每个经手动作由本人按日期顺序提交并以 SSH 签名。"""
    from .demo import repo

    if size:
        from .demo.scale import write_archive

        count = write_archive(Path(directory), size)
        click.echo(f"已在 {directory} 写出 {count} 条记录。")
        return

    try:
        commits = repo.build(Path(directory))
    except repo.DemoError as exc:
        raise EnvironmentProblem(str(exc)) from None
    click.echo(f"已在 {directory} 建立示例档案库：{commits} 个签名提交。试试：dangan check --root {directory}")


@cli.group(name="site")
def site_group() -> None:
    """浏览网站（MkDocs）：生成或预览。Build or preview the browsable site."""


def _mkdocs(root: str | None, internal: bool) -> tuple[Path, Path, dict]:
    archive = _load(root).root  # the site needs usable schemas and policy: stop here, not half-way in mkdocs
    config = archive / "mkdocs.yml"
    if not config.is_file():
        raise EnvironmentProblem(f"{config}: 没有 mkdocs.yml，无法生成网站 (no mkdocs.yml in the archive)")
    env = dict(os.environ, DANGAN_ROOT=str(archive))
    env.pop("DANGAN_SITE_INTERNAL", None)
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


from . import cli_acts, cli_sheets  # noqa: E402,F401  (register the act, import and export commands on `cli`)
