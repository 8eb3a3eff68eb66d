"""`dangan doctor`: what an act will need on this machine, each prerequisite a small check.

Each check returns one `Finding`: passed, failed (the command exits 1), a warning (reported, exit 0), or
unchecked (what it needs is missing: an earlier check failed, or the archive records nothing to compare).
A finding's code names its message and its fix in the catalogue (`messages.py`, `doctor.*`); its
`detail` is what was seen (a version, a fingerprint, a path). The checks run in order, and a later one
reads what an earlier one found (`Context`): who the git user is, which key signs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import git, signers, versions
from .facts import facts
from .index import Index
from .policy import of as policy_of
from .record import Record
from .workdays import WorkCalendar

PASSED, FAILED, WARNING, UNCHECKED = "passed", "failed", "warning", "unchecked"
MIN_GIT = (2, 34)  # SSH signing (gpg.format ssh) came with git 2.34
_TIMEOUT = 30


@dataclass(frozen=True)
class Finding:
    check: str  # the check's name; its title is the catalogue's `doctor.<check>`
    status: str
    code: str | None = None  # the catalogue's message and fix, when not passed
    detail: str = ""  # what was seen
    args: dict = field(default_factory=dict)


@dataclass
class Context:
    index: Index
    today: dt.date
    repository: bool = False
    person: Record | None = None
    key_text: str | None = None  # the signing key's public half
    key_path: Path | None = None  # what git signs with (user.signingkey), when it is a file


def _run(*command: str, input: str | None = None) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(list(command), capture_output=True, text=True, encoding="utf-8", errors="replace",
                              input=input, stdin=None if input is not None else subprocess.DEVNULL,
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _config(c: Context, key: str) -> str | None:
    return git.config(c.index.root, key) if c.repository else None


# --- the checks ---------------------------------------------------------------------------------------

def check_git(c: Context) -> Finding:
    found = _run("git", "--version")
    if found is None or found.returncode != 0:
        return Finding("git", FAILED, "doctor.git-missing")
    match = re.search(r"(\d+)\.(\d+)", found.stdout)
    version = found.stdout.strip().removeprefix("git version ")
    if match is None or (int(match[1]), int(match[2])) < MIN_GIT:
        return Finding("git", FAILED, "doctor.git-old", version, {"version": version})
    return Finding("git", PASSED, detail=f"git {version}")


def _keygen(c: Context) -> str:
    return _config(c, "gpg.ssh.program") or "ssh-keygen"


def check_ssh_keygen(c: Context) -> Finding:
    program = _keygen(c)
    found = shutil.which(program)
    if found is None:
        return Finding("ssh-keygen", FAILED, "doctor.ssh-keygen-missing", program, {"program": program})
    return Finding("ssh-keygen", PASSED, detail=found)


def check_clone(c: Context) -> Finding:
    c.repository = git.is_repository(c.index.root)
    if not c.repository:
        return Finding("clone", FAILED, "doctor.not-a-clone", str(c.index.root), {"root": str(c.index.root)})
    return Finding("clone", PASSED, detail=str(c.index.root))


def check_identity(c: Context) -> Finding:
    if not c.repository:
        return Finding("identity", UNCHECKED, "doctor.needs-clone")
    email = _config(c, "user.email")
    if not email:
        return Finding("identity", FAILED, "doctor.no-identity")
    staff = signers.email_to_staff(c.index)
    person = c.index.get("staff", staff.get(email.lower()))
    if person is None:
        name = _config(c, "user.name") or ""
        same = [p for p in c.index.of("staff").values() if name and p.get("name") == name]
        theirs = "、".join(str(e) for p in same for e in p.get("emails") or [])
        return Finding("identity", FAILED, "doctor.wrong-email", email, {"email": email, "theirs": theirs})
    c.person = person
    gone = person.get("left_on")
    if isinstance(gone, str) and gone < c.today.isoformat():
        return Finding("identity", FAILED, "doctor.left", person.id, {"staff": person.id, "left": gone})
    return Finding("identity", PASSED, detail=f"{person.get('name')}（{person.id}）<{email}>")


def check_signing(c: Context) -> Finding:
    if not c.repository:
        return Finding("signing", UNCHECKED, "doctor.needs-clone")
    fmt, sign = _config(c, "gpg.format"), (_config(c, "commit.gpgsign") or "").lower()
    if fmt == "ssh" and sign in ("true", "yes", "on", "1"):
        return Finding("signing", PASSED, detail="gpg.format=ssh, commit.gpgsign=true")
    mode = policy_of(c.index).signatures.mode
    status = FAILED if mode == "required" else WARNING
    return Finding("signing", status, "doctor.signing-off", f"gpg.format={fmt or '-'}, commit.gpgsign={sign or '-'}",
                   {"format": fmt or "（未设置）", "gpgsign": sign or "（未设置）", "mode": mode})


def _agent_keys() -> set[str]:
    found = _run("ssh-add", "-L")
    if found is None or found.returncode != 0:
        return set()
    return {f for f in (signers.fingerprint(line) for line in found.stdout.splitlines()) if f}


def check_key(c: Context) -> Finding:
    """The key git signs with: there, readable, and usable without a prompt (no passphrase, or in an agent)."""
    if not c.repository:
        return Finding("key", UNCHECKED, "doctor.needs-clone")
    configured = _config(c, "user.signingkey")
    if not configured:
        return Finding("key", FAILED, "doctor.no-key")
    if configured.startswith("key::"):
        c.key_text = configured.removeprefix("key::").strip()
        private = None
    else:
        path = Path(os.path.expanduser(configured))
        if not path.is_absolute():
            path = c.index.root / path
        public = path if path.suffix == ".pub" else Path(f"{path}.pub")
        private = path.with_suffix("") if path.suffix == ".pub" else path
        c.key_path = path
        if not path.exists():
            return Finding("key", FAILED, "doctor.key-missing", str(path), {"path": str(path)})
        try:
            c.key_text = public.read_text(encoding="utf-8").strip() if public.exists() else None
        except (OSError, UnicodeDecodeError) as error:
            return Finding("key", FAILED, "doctor.key-unreadable", str(public), {"path": str(public),
                                                                                "detail": str(error)})
    locked = private is None or not private.exists()
    if not locked:
        try:
            private.read_bytes()
        except OSError as error:
            return Finding("key", FAILED, "doctor.key-unreadable", str(private),
                           {"path": str(private), "detail": error.strerror or str(error)})
        opened = _run(_keygen(c), "-y", "-P", "", "-f", str(private))
        locked = opened is None or opened.returncode != 0
        if not locked and c.key_text is None:
            c.key_text = opened.stdout.strip()
    fingerprint = signers.fingerprint(c.key_text or "")
    if fingerprint is None:
        return Finding("key", FAILED, "doctor.key-unreadable", configured, {"path": configured, "detail": "不是公钥"})
    if locked and fingerprint not in _agent_keys():
        shown = str(private or configured)
        return Finding("key", FAILED, "doctor.key-locked", shown, {"path": shown})
    failure = _trial_signature(c)
    if failure is not None:
        return Finding("key", FAILED, "doctor.key-sign-failed", failure, {"detail": failure})
    return Finding("key", PASSED, detail=fingerprint)


def _trial_signature(c: Context) -> str | None:
    """Sign a few bytes as git would (`ssh-keygen -Y sign -n git`); ssh-keygen's complaint, or None."""
    with tempfile.TemporaryDirectory(prefix="dangan-doctor-") as folder:
        key = c.key_path
        if key is None:
            key = Path(folder) / "key.pub"
            key.write_text(f"{c.key_text}\n", encoding="utf-8")
        message = Path(folder) / "message"
        message.write_text("dangan doctor\n", encoding="utf-8")
        found = _run(_keygen(c), "-Y", "sign", "-n", "git", "-f", str(key), str(message))
        if found is None:
            return "ssh-keygen 没有回应"
        if found.returncode != 0 or not Path(f"{message}.sig").exists():
            return (found.stderr or found.stdout).strip()[:300] or f"ssh-keygen 退出码 {found.returncode}"
    return None


def check_registered(c: Context) -> Finding:
    """The signing key is in the person's staff record as the history accepted it (HEAD), and valid today."""
    fingerprint = signers.fingerprint(c.key_text or "")
    if c.person is None or fingerprint is None:
        return Finding("registered", UNCHECKED, "doctor.needs-identity-and-key")
    sid = c.person.id
    audit = facts(c.index).audit if c.repository else None
    state = audit.head_state() if audit is not None else None
    if state is not None and state.people:
        owner = state.by_key.get(fingerprint)
        ever = audit.ever.get(fingerprint, set())
    else:  # outside git, or before the first staff record is committed: the records as they stand
        owner = next((p.id for p in c.index.of("staff").values() if fingerprint in {
            signers.fingerprint(k) for k in p.get("ssh_keys") or [] if isinstance(k, str)}), None)
        ever = {owner} if owner else set()
    args = {"staff": sid, "fingerprint": fingerprint, "file": c.person.file, "owner": owner or ""}
    if owner == sid:
        gone = c.person.get("left_on")
        if isinstance(gone, str) and gone < c.today.isoformat():
            return Finding("registered", FAILED, "doctor.key-expired", fingerprint, {**args, "left": gone})
        return Finding("registered", PASSED, detail=f"{fingerprint} → {sid}")
    if owner:
        return Finding("registered", FAILED, "doctor.key-other", fingerprint, args)
    if sid in ever:
        return Finding("registered", FAILED, "doctor.key-expired", fingerprint, args)
    return Finding("registered", FAILED, "doctor.key-unregistered", fingerprint, args)


def check_signers(c: Context) -> Finding:
    if not c.repository:
        return Finding("signers", UNCHECKED, "doctor.needs-clone")
    configured = _config(c, "gpg.ssh.allowedSignersFile")
    path = Path(os.path.expanduser(configured)) if configured else None
    if path is not None and not path.is_absolute():
        path = c.index.root / path
    if path is None or not path.is_file():
        return Finding("signers", FAILED, "doctor.signers-missing", configured or "", {"path": configured or ""})
    try:
        current = path.read_text(encoding="utf-8") == signers.allowed_signers(c.index)
    except (OSError, UnicodeDecodeError):
        current = False
    if not current:
        return Finding("signers", FAILED, "doctor.signers-stale", str(path), {"path": str(path)})
    return Finding("signers", PASSED, detail=str(path))


def version_range(index: Index) -> str | None:
    """The range of Dangan versions the archive was made for (the policy's `dangan.requires`), or None."""
    found = policy_of(index).dangan.requires
    return found if isinstance(found, str) and found.strip() else None


def check_version(c: Context) -> Finding:
    wanted, have = version_range(c.index), versions.installed()
    if wanted is None:
        return Finding("version", UNCHECKED, "doctor.version-unrecorded", have)
    if not versions.admits(wanted, have):
        return Finding("version", FAILED, "doctor.version-outside", have, {"have": have, "wanted": wanted})
    return Finding("version", PASSED, detail=f"{have}（{wanted}）")


def check_calendar(c: Context) -> Finding:
    calendar = WorkCalendar.from_policy(policy_of(c.index).calendar)
    ahead = c.today + dt.timedelta(days=365)
    missing = [year for year in range(c.today.year, ahead.year + 1) if not calendar.knows(year)]
    if missing:
        years = "、".join(str(y) for y in missing)
        return Finding("calendar", WARNING, "doctor.calendar-years", years,
                       {"years": years, "until": ahead.isoformat(), "policy_key": "calendar"})
    return Finding("calendar", PASSED, detail=f"{c.today.year}–{ahead.year}")


def check_site(c: Context) -> Finding:
    config = c.index.root / "mkdocs.yml"
    if not config.is_file():
        return Finding("site", FAILED, "doctor.site-missing", str(config), {"path": str(config)})
    return Finding("site", PASSED, detail="mkdocs.yml")


CHECKS: list[Callable[[Context], Finding]] = [
    check_git, check_ssh_keygen, check_clone, check_identity, check_signing, check_key, check_registered,
    check_signers, check_version, check_calendar, check_site,
]


def run(index: Index, today: dt.date | None = None) -> list[Finding]:
    context = Context(index, today or dt.date.today())
    return [check(context) for check in CHECKS]


def healthy(findings: list[Finding]) -> bool:
    return not any(f.status == FAILED for f in findings)
