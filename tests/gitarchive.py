"""A temporary archive in a real git repository, with real SSH signing keys per person."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from conftest import Archive


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
               key: str | None = None) -> str:
        """Commit everything as staff member `sid` (signed with their key, or another's)."""
        stamp = f"{date}T10:00:00+08:00"
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        config = ["-c", f"user.name={sid}", "-c", f"user.email={self.email(sid)}"]
        if sign:
            config += ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys / (key or sid)}"]
        self.git("add", "-A")
        args = [*config, "commit", "-q", "--allow-empty", "-m", message]
        if sign:
            args.insert(len(config), "-c")
            args.insert(len(config) + 1, "commit.gpgsign=true")
        self.git(*args, env=env)
        return self.git("rev-parse", "HEAD").stdout.strip()

    def problems(self) -> list[dict]:
        return self.check()[1]
