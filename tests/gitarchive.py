"""A temporary archive in a real git repository, with real SSH signing keys per person."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from conftest import Archive, customer, dossier


class GitArchive(Archive):
    def __init__(self, root: Path, keys: Path, people: tuple[str, ...] = ("S002", "S003", "S004", "S014")):
        super().__init__(root)
        self.keys = keys
        keys.mkdir(parents=True, exist_ok=True)
        for sid in people:
            key = keys / sid
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", sid, "-f", str(key)], check=True)
            path = self.path("staff", sid)
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["ssh_keys"] = [key.with_suffix(".pub").read_text().strip()]
            self.add("staff", data)
        self.edit_policy(lambda p: p["signatures"].update(mode="required", since="2020-01-01"))
        self.git("init", "-q", "-b", "main")
        (root / ".gitignore").write_text(".dangan-cache/\n", encoding="utf-8")
        self.commit("S002", "建立档案库", date="2023-01-02", sign=True)

    def git(self, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, check=check)

    def email(self, sid: str) -> str:
        return f"{sid.lower()}@hongyuan.example"

    def commit(self, sid: str, message: str, date: str = "2024-03-13", sign: bool = True,
               key: str | None = None, email: str | None = None, add: bool = True) -> str:
        """Commit everything as staff member `sid` (signed with their key, or another's; or as anyone by e-mail)."""
        stamp = f"{date}T10:00:00+08:00"
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        config = ["-c", f"user.name={sid}", "-c", f"user.email={email or self.email(sid)}"]
        if sign:
            config += ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys / (key or sid)}"]
        if add:
            self.git("add", "-A")
        args = [*config, "commit", "-q", "--allow-empty", "-m", message]
        if sign:
            args.insert(len(config), "-c")
            args.insert(len(config) + 1, "commit.gpgsign=true")
        self.git(*args, env=env)
        return self.git("rev-parse", "HEAD").stdout.strip()

    def configure(self, sid: str) -> None:
        """This clone's git set up for `sid`, as a staff member's own machine would be (identity and signing)."""
        for key, value in (("user.name", sid), ("user.email", self.email(sid)), ("gpg.format", "ssh"),
                           ("user.signingkey", str(self.keys / sid))):
            self.git("config", key, value)

    def seal(self, sid: str, date: str = "2024-12-31") -> str:
        """A seal (signed tag) over HEAD by `sid`, as `dangan seal` makes it."""
        from dangan import seals

        name = f"{seals.PREFIX}{date.replace('-', '')}-180000"
        seals.make(self.root, "HEAD", name, f"档案封印 {name}", author=(sid, self.email(sid)), key=self.keys / sid,
                   when=f"{date}T18:00:00+08:00")
        return name

    def problems(self) -> list[dict]:
        return self.check()[1]


def handed_by_a() -> dict:
    """A dossier that A has just handed to B: step a without B's receipt."""
    record = dossier(status="preparing")
    record["handover"] = [{k: v for k, v in record["handover"][0].items() if k in ("step", "from", "to", "handed_on")}]
    return record


def honest_handover(repo: GitArchive) -> None:
    """A hands over, B receives and hands on, the archivist receives: four signed commits."""
    record = dossier(status="preparing")
    full = record["handover"]
    record["handover"] = [{k: v for k, v in full[0].items() if k in ("step", "from", "to", "handed_on")}]
    repo.add("dossier", record)
    repo.commit("S004", "A角移交B角", date="2024-03-13")
    record["handover"][0].update(received_on="2024-03-13", inventory_checked=True)
    record["status"] = "with_b"
    repo.add("dossier", record)
    repo.commit("S003", "B角接收并核对清单", date="2024-03-13")
    record["handover"].append({k: v for k, v in full[1].items() if k in ("step", "from", "to", "handed_on")})
    repo.add("dossier", record)
    repo.commit("S003", "B角移交档案室", date="2024-03-14")
    record["handover"][1].update(received_on="2024-03-14", inventory_checked=True)
    record["status"] = "archived"
    repo.add("dossier", record)
    repo.commit("S014", "档案室接收归档", date="2024-03-14")


def signed_repo(root: Path, keys: Path) -> GitArchive:
    """An archive with signatures required and one admitted customer, every commit signed by its actor."""
    archive = GitArchive(root, keys)
    checked = {"checked": ["licence", "no_illegal_record", "signed_contract"]}
    archive.add("customer", customer(status="prospect", admission=checked))
    archive.commit("S004", "新建客户 KH0001", date="2024-03-04")
    archive.add("customer", customer(admission={**checked, "approved": {"by": "S003", "date": "2024-03-05"}}))
    archive.commit("S003", "准入批准 KH0001", date="2024-03-05")
    return archive
