"""A new archive: `dangan init` (empty) and `dangan demo` (the demo company, or a large generated archive); a new
person's machine: `dangan setup` (their key and this clone's git) and `dangan doctor` (what an act needs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..policy import of as policy_of
from .common import EXIT_OK, EXIT_PROBLEMS, EnvironmentProblem, _load, lang_option, root_option, stdout


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
               "（GitHub：secret DANGAN_CI_KEY；GitLab：File 类型的变量 DANGAN_CI_KEY，CI 模板据此设 DANGAN_KEY），"
               "妥善备份后从这里删除；总经理和档案管理员登记 SSH 公钥后运行 dangan rekey。"
               " (the CI's age key: store it as a CI secret, then delete it here)")


@click.command(name="demo")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--size", type=click.IntRange(100, 10_000_000), default=None,
              help="只写出约 N 条记录的大档案库（示例公司按比例复制，不建 git 历史），用于压力测试。")
def demo_command(directory: str, size: int | None) -> None:
    """在 DIR 建立示例档案库：每个经手动作由本人按日期顺序提交并以 SSH 签名。"""
    from .. import bundle
    from ..demo import repo

    try:
        bundle.root()  # an installation without its schemas and policy says so before anything is written
    except bundle.BundleMissing as exc:
        raise EnvironmentProblem(str(exc)) from None
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


@click.command(name="setup")
@click.argument("who", required=False)
@click.option("--staff", "staff_id", metavar="STAFF", default=None, help="员工编号（同名时用它选定）。")
@click.option("--key", "key", metavar="PATH", type=click.Path(dir_okay=False), default=None,
              help="用这个 SSH 私钥文件（不存在则生成；已存在的绝不覆盖）。默认 ~/.ssh/id_ed25519。")
@click.option("--ssh-dir", metavar="DIR", type=click.Path(file_okay=False), default=None,
              help="在哪个目录找或生成密钥（默认 ~/.ssh）。")
@click.option("--passphrase", is_flag=True, help="新密钥设口令（由 ssh-keygen 在终端询问；之后请用 ssh-agent 加载）。")
@root_option
def setup_command(who: str | None, staff_id: str | None, key: str | None, ssh_dir: str | None, passphrase: bool,
                  root: str | None) -> None:
    """第一天：在档案库的克隆中运行一次。找到你的员工记录，找到或生成你的 SSH 密钥，
    配置本克隆的 git 以你的名义提交并签名；密钥尚未登记时，打印由谁、用哪条命令登记。"""
    from .. import firstday, git

    index = _load(root)
    if not git.is_repository(index.root):
        raise EnvironmentProblem(_said("setup.not-a-clone", root=str(index.root)))
    if who is None and staff_id is None:
        who = click.prompt("你的邮箱或姓名（员工记录中登记的）", default=git.config(index.root, "user.email") or None)
    found = firstday.candidates(index, staff_id or who or "")
    if staff_id:
        found = [p for p in found if p.id == staff_id]
    if not found:
        roles = "、".join(policy_of(index).role_names(policy_of(index).approvals("staff")))
        raise EnvironmentProblem(_said("setup.no-staff", who=staff_id or who, roles=roles))
    person = found[0] if len(found) == 1 else _choose(found)
    gone = firstday.left(person)
    if gone:
        click.echo(_said("setup.left", staff=f"{person.get('name')}（{person.id}）", left=gone), err=True)
        sys.exit(EXIT_PROBLEMS)
    email = firstday.email_for(person, who or "")
    folder = Path(ssh_dir) if ssh_dir else firstday.ssh_dir()
    try:
        found_key = firstday.find_or_make(person, email, Path(key) if key else None, folder, passphrase)
        holder = firstday.owner(index, found_key)
        if holder is not None and holder.id != person.id:
            raise firstday.SetupError("setup.key-taken", staff=holder.id, fingerprint=found_key.fingerprint)
    except firstday.SetupError as error:
        if error.refused:
            click.echo(str(error), err=True)
            sys.exit(EXIT_PROBLEMS)
        raise EnvironmentProblem(str(error)) from None
    click.echo(f"你是 {person.get('name')}（{person.id}），提交邮箱 {email}。")
    how = "已生成新密钥" if found_key.made else "沿用已有的密钥"
    click.echo(f"{how} {found_key.private}（{found_key.fingerprint}）。")
    try:
        settings = firstday.configure(index, person, email, found_key)
    except git.GitError as error:
        raise EnvironmentProblem(f"git config 失败：{error} (could not configure git)") from None
    click.echo("已配置本克隆的 git（git config --local）：")
    for name, value in settings:
        click.echo(f"  {name} = {value}")
    if holder is not None:
        click.echo("你的公钥已登记在员工记录中。运行 dangan doctor 检查一遍，然后就可以做第一个动作了。")
        return
    _registration(index, person, found_key)


def _said(code: str, **args) -> str:
    from ..messages import bilingual
    from ..problems import Problem

    return bilingual(Problem(code, "", args=args))


def _choose(found: list) -> object:
    click.echo("有几位员工符合，请选择：")
    for number, person in enumerate(found, 1):
        emails = ", ".join(str(e) for e in person.get("emails") or [])
        click.echo(f"  {number}) {person.id} {person.get('name')} {person.get('department')} {emails}")
    chosen = click.prompt("选第几位", type=click.IntRange(1, len(found)))
    return found[chosen - 1]


def _registration(index, person, key) -> None:
    """The next steps when the key is not in the person's staff record yet: who registers it, and how."""
    from .. import firstday

    policy = policy_of(index)
    roles = "、".join(policy.role_names(policy.approvals("staff")))
    people = "、".join(f"{p.get('name')}（{p.id}）" for p in firstday.approvers(index)) or roles
    command = f'dangan register-key {person.id} "{key.text}"'
    click.echo(f"""
你的公钥还没有登记在 {person.file} 中。登记密钥是对员工名册的改动，须由 {roles}（policy.yaml 的 approvals.staff）
用本人的密钥签名提交；本命令不替别人提交，也没有改动任何档案文件。接下来：
  1. 把下面这一行公钥（不是私钥）发给 {people}：
       {key.text}
  2. 由 {people} 在自己的档案库克隆中运行：
       git pull
       {command}
       git push
  3. 登记推送后，你在这里运行：
       git pull
       dangan doctor
     全部通过后即可做第一个动作（如 dangan new customer）；你的每个提交都会自动以这把密钥签名。
公钥文件：{key.public}""")


@click.command(name="doctor")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
def doctor_command(root: str | None, fmt: str, lang: str) -> None:
    """检查做动作所需的一切，并说明怎样修正。

    逐项检查 git、ssh-keygen、身份、签名设置、密钥、登记、allowed_signers、版本、日历和网站配置；
    有未通过的项目时以 1 退出。"""
    from .. import doctor, outputs

    index = _load(root)
    findings = doctor.run(index)
    outputs.write_doctor(findings, fmt, lang, stdout(fmt))
    sys.exit(EXIT_OK if doctor.healthy(findings) else EXIT_PROBLEMS)
