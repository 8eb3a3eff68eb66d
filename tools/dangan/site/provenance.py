"""Where a build comes from: the commit, whether that commit is signed, and the build date.
Shown in the footer of every page (theme/partials/copyright.html)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from ..index import Index
from ..signers import write_allowed_signers


@dataclass
class Provenance:
    commit: str  # full id, "" outside git
    signature: str  # git's %G?: G good, N none, …
    dirty: bool  # records or schemas changed since the commit
    built: str  # ISO date
    internal: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _git(root: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def provenance(index: Index, internal: bool) -> Provenance:
    root = index.root
    commit = _git(root, "rev-parse", "--verify", "-q", "HEAD") or ""
    signature, dirty = "", False
    if commit:
        try:
            signers, _ = write_allowed_signers(index)
            config = ["-c", f"gpg.ssh.allowedSignersFile={signers}"]
        except OSError:
            config = []
        signature = _git(root, *config, "log", "-1", "--format=%G?", commit) or "N"
        dirty = bool(_git(root, "status", "--porcelain", "--", "records", "schemas"))
    return Provenance(commit, signature, dirty, build_date().isoformat(), internal)
