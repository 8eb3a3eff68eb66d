"""A staff member's first day (issue 23): `dangan setup` and `dangan doctor`, in real clones of a real
repository with real ssh-keygen keys; `dangan register-key`, the act setup prepares for the GM."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, staff
from dangan.cli import cli
from gitarchive import GitArchive

NEW = "s020@hongyuan.example"


def dangan(root, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, [*args, "--root", str(root)], input=input, catch_exceptions=False)


def git(root, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def local(root, key: str) -> str | None:
    found = subprocess.run(["git", "-C", str(root), "config", "--local", "--get", key], capture_output=True,
                           text=True, check=False)
    return found.stdout.strip() or None


def doctor(root) -> tuple[int, dict[str, dict]]:
    result = dangan(root, "doctor", "--format", "json")
    data = json.loads(result.output)
    assert data["ok"] == (result.exit_code == 0)
    return result.exit_code, {c["check"]: c for c in data["checks"]}


def failed(checks: dict[str, dict]) -> dict[str, str]:
    return {name: c["code"] for name, c in checks.items() if c["status"] == "failed"}


@pytest.fixture
def origin(tmp_path) -> GitArchive:
    """The company's archive (the GM's working copy): signatures required, a site, a new sales rep without a key,
    and someone who has left."""
    repo = GitArchive(tmp_path / "archive", tmp_path / "keys")
    shutil.copy(REPO / "mkdocs.yml", repo.root / "mkdocs.yml")
    repo.add("staff", staff("S020", "何新", ["sales_rep"], "yw1", superior="S003"))
    repo.add("staff", staff("S016", "离职者", ["sales_rep"], "yw1", left_on="2024-01-31"))
    repo.commit("S002", "登记新员工 S020", date="2024-02-01")
    repo.configure("S002")
    return repo


@pytest.fixture
def clone(origin, tmp_path):
    target = tmp_path / "何新的档案库"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(target)], check=True)
    return target


def test_first_day_new_key_registered_by_the_gm_and_a_first_signed_act(origin, clone, tmp_path):
    ssh = tmp_path / "何新的电脑" / ".ssh"
    result = dangan(clone, "setup", NEW, "--ssh-dir", str(ssh))
    assert result.exit_code == 0, result.output
    key = (ssh / "id_ed25519.pub").read_text(encoding="utf-8").strip()
    assert (ssh / "id_ed25519").is_file() and key.startswith("ssh-ed25519 ")
    assert "已生成新密钥" in result.output and "何新（S020）" in result.output
    # this clone's local git is theirs, signing with the new key, signing on by default
    assert local(clone, "user.email") == NEW and local(clone, "user.name") == "何新"
    assert local(clone, "gpg.format") == "ssh"
    assert local(clone, "user.signingkey") == (ssh / "id_ed25519.pub").as_posix()
    assert local(clone, "commit.gpgsign") == "true" and local(clone, "tag.gpgsign") == "true"
    assert (clone / ".git" / "allowed_signers").is_file()
    # the registration is prepared for the GM, not done: no record touched, exact next steps printed
    assert git(clone, "status", "--porcelain") == ""
    assert "总经理" in result.output and "钱立群（S002）" in result.output and key in result.output
    [command] = [line.strip() for line in result.output.splitlines() if line.strip().startswith("dangan register-key")]
    assert command == f'dangan register-key S020 "{key}"'
    code, checks = doctor(clone)
    assert code == 1 and failed(checks) == {"registered": "doctor.key-unregistered"}
    assert "dangan register-key" in checks["registered"]["hint"]

    # the GM runs it in their own copy: an act, signed with the GM's key
    registered = dangan(origin.root, "register-key", "S020", key)
    assert registered.exit_code == 0, registered.output
    assert origin.git("log", "-1", "--format=%ae").stdout.strip() == "s002@hongyuan.example"
    assert "gpgsig" in origin.git("cat-file", "commit", "HEAD").stdout and origin.check() == (0, [])
    assert key in yaml.safe_load(origin.path("staff", "S020").read_text(encoding="utf-8"))["ssh_keys"]

    git(clone, "pull", "-q", "--ff-only")
    code, checks = doctor(clone)
    assert failed(checks) == {"signers": "doctor.signers-stale"}
    assert "dangan keys --install" in checks["signers"]["hint"]
    assert dangan(clone, "keys", "--install").exit_code == 0
    code, checks = doctor(clone)
    assert code == 0, checks
    assert checks["identity"]["status"] == checks["key"]["status"] == checks["registered"]["status"] == "passed"

    act = dangan(clone, "new", "customer", "--no-input", "--yes", "--set", "type=individual", "--set", "name=张三丰",
                 "--set", "individual.id_number=11010519491231002X", "--set", "individual.gender=female",
                 "--set", "individual.birth_date=1949-12-31", "--set", "owner=S020", "--set", "department=yw1",
                 "--set", "status=prospect", "--set", f"first_contact_on={dt.date.today()}")
    assert act.exit_code == 0, act.output
    assert git(clone, "log", "-1", "--format=%an %ae %G?").split() == ["何新", NEW, "G"]
    checked = dangan(clone, "check", "--format", "json")
    errors = [p for p in json.loads(checked.output)["problems"] if p["severity"] == "error"]
    assert checked.exit_code == 0 and not errors, errors


def test_an_existing_key_is_reused_never_replaced(origin, clone, tmp_path):
    ssh = tmp_path / "home" / ".ssh"
    ssh.mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "old", "-f", str(ssh / "id_ed25519")],
                   check=True)
    before = {p.name: p.read_bytes() for p in ssh.iterdir()}
    result = dangan(clone, "setup", "何新", "--ssh-dir", str(ssh))
    assert result.exit_code == 0, result.output
    assert "沿用已有的密钥" in result.output
    assert {p.name: p.read_bytes() for p in ssh.iterdir()} == before
    # --key naming a file that exists: used as it is; its .pub, missing, is written beside it (nothing replaced)
    other = tmp_path / "work key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    (tmp_path / "work key.pub").unlink()
    private = other.read_bytes()
    result = dangan(clone, "setup", NEW, "--key", str(other))
    assert result.exit_code == 0, result.output
    assert other.read_bytes() == private and (tmp_path / "work key.pub").read_text().startswith("ssh-ed25519 ")
    assert local(clone, "user.signingkey") == (tmp_path / "work key.pub").as_posix()


def test_a_key_already_registered_is_found_in_the_ssh_folder(origin, clone, tmp_path):
    """S004's registered key lives under another name: setup uses it, and nothing is left to register."""
    ssh = tmp_path / "home" / ".ssh"
    ssh.mkdir(parents=True)
    for name in ("S004", "S004.pub"):
        shutil.copy(origin.keys / name, ssh / f"laptop{name.removeprefix('S004')}")
    result = dangan(clone, "setup", "s004@hongyuan.example", "--ssh-dir", str(ssh))
    assert result.exit_code == 0, result.output
    assert "已登记" in result.output and "register-key" not in result.output
    assert not (ssh / "id_ed25519").exists()
    assert local(clone, "user.signingkey") == (ssh / "laptop.pub").as_posix()


def test_someone_who_has_left_is_refused(origin, clone, tmp_path):
    ssh = tmp_path / "home" / ".ssh"
    result = dangan(clone, "setup", "s016@hongyuan.example", "--ssh-dir", str(ssh))
    assert result.exit_code == 1
    assert "已于 2024-01-31 离职" in result.output
    assert not ssh.exists() and local(clone, "user.email") is None and local(clone, "gpg.format") is None


def test_setup_outside_a_clone_says_so_and_writes_nothing(archive, tmp_path):
    result = dangan(archive.root, "setup", "s004@hongyuan.example", "--ssh-dir", str(tmp_path / "ssh"))
    assert result.exit_code == 2 and "不是 git 克隆" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ssh").exists()
    code, checks = doctor(archive.root)
    assert code == 1 and failed(checks)["clone"] == "doctor.not-a-clone" and checks["key"]["status"] == "unchecked"


def test_a_name_two_people_share_asks_which(origin, tmp_path):
    origin.add("staff", staff("S021", "何新", ["archivist"], "zh"))
    origin.commit("S002", "登记同名员工", date="2024-02-02")
    result = dangan(origin.root, "setup", "何新", "--ssh-dir", str(tmp_path / "ssh"), input="2\n")
    assert result.exit_code == 0, result.output
    assert "S020" in result.output and "S021" in result.output
    assert local(origin.root, "user.email") == "s021@hongyuan.example"
    unknown = dangan(origin.root, "setup", "nobody@elsewhere.example", "--ssh-dir", str(tmp_path / "ssh"))
    assert unknown.exit_code == 2 and "nobody@elsewhere.example" in unknown.output


def test_doctor_names_each_broken_prerequisite_and_its_fix(origin, tmp_path):
    origin.configure("S004")
    origin.git("config", "commit.gpgsign", "true")
    code, checks = doctor(origin.root)
    assert failed(checks) == {"signers": "doctor.signers-missing"}
    assert "dangan keys --install" in checks["signers"]["hint"]
    assert dangan(origin.root, "keys", "--install").exit_code == 0
    code, checks = doctor(origin.root)
    assert code == 0, checks
    assert checks["version"]["status"] == "passed"  # the archive's range admits this dangan

    origin.git("config", "user.email", "lina@gmail.example")
    code, checks = doctor(origin.root)
    assert code == 1 and failed(checks) == {"identity": "doctor.wrong-email"}
    assert "lina@gmail.example" in checks["identity"]["message"] and "user.email" in checks["identity"]["hint"]
    assert checks["registered"]["status"] == "unchecked"
    origin.git("config", "user.email", "s004@hongyuan.example")

    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(origin.keys / "new")], check=True)
    origin.git("config", "user.signingkey", str(origin.keys / "new.pub"))
    code, checks = doctor(origin.root)
    assert failed(checks) == {"registered": "doctor.key-unregistered"}
    assert "S004" in checks["registered"]["message"] and "dangan setup" in checks["registered"]["hint"]

    origin.git("config", "user.signingkey", str(origin.keys / "S004"))
    data = yaml.safe_load(origin.path("staff", "S004").read_text(encoding="utf-8"))
    data["ssh_keys"] = [(origin.keys / "new.pub").read_text().strip()]  # the GM revokes the old key
    origin.add("staff", data)
    origin.commit("S002", "吊销 S004 的旧密钥", date="2024-04-02")
    code, checks = doctor(origin.root)
    assert failed(checks) == {"registered": "doctor.key-expired", "signers": "doctor.signers-stale"}
    assert "已撤销" in checks["registered"]["message"]

    origin.git("config", "--unset", "user.signingkey")
    origin.git("config", "gpg.format", "openpgp")
    text = dangan(origin.root, "doctor")
    assert text.exit_code == 1
    assert "[未通过] 提交默认以 SSH 签名" in text.output and "修正" in text.output
    assert "[未通过] 签名密钥可读、可用：这个克隆没有设置签名密钥" in text.output
    english = dangan(origin.root, "doctor", "--lang", "en")
    assert "[failed] commits are signed with SSH by default" in english.output


def test_doctor_on_a_passphrase_key_not_in_an_agent(origin, tmp_path):
    origin.configure("S004")
    locked = tmp_path / "locked"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "geheim-口令", "-f", str(locked)], check=True)
    origin.git("config", "user.signingkey", str(locked))
    code, checks = doctor(origin.root)
    assert code == 1
    assert checks["key"]["code"] == "doctor.key-locked" and "ssh-add" in checks["key"]["hint"]


def test_registering_a_key_is_the_gms_act(origin, tmp_path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "k")], check=True)
    key = (tmp_path / "k.pub").read_text().strip()
    origin.configure("S004")
    refused = dangan(origin.root, "register-key", "S020", key)
    assert refused.exit_code == 1 and "总经理" in refused.output
    assert origin.git("status", "--porcelain").stdout == ""
    origin.configure("S002")
    taken = dangan(origin.root, "register-key", "S020", (origin.keys / "S004.pub").read_text())
    assert taken.exit_code == 1 and "S004" in taken.output


def test_doctor_compares_the_installed_dangan_with_the_archives_range(origin):
    origin.configure("S004")
    policy = origin.root / "records" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "requires:" in text
    policy.write_text(re.sub(r"requires: .*", "requires: '>=99'", text), encoding="utf-8")
    code, checks = doctor(origin.root)
    assert code == 1 and checks["version"]["code"] == "doctor.version-outside"
    assert ">=99" in checks["version"]["message"]
    policy.write_text(re.sub(r"\n  requires: .*", "", text), encoding="utf-8")
    code, checks = doctor(origin.root)
    assert checks["version"]["status"] == "unchecked" and checks["version"]["code"] == "doctor.version-unrecorded"
