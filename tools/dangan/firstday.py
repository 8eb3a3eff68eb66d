"""A staff member's first day on their own machine (`dangan setup`): who they are, their SSH key, and this
clone's git configured to commit and sign as them.

Everything is looked at before anything is written: the person (by e-mail, name or id; someone who has
left is refused), the key (found or made, never overwritten), and whose record holds it. Only then is the
clone's local git configured (`git config --local`) and the allowed signers written. A key not yet in the
person's staff record is not registered here: a change of the staff records is an act of the roles of
`approvals.staff`, signed with their own key, so `setup` prints the one command they run
(`dangan register-key`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import git, signers
from .index import Index
from .messages import bilingual
from .policy import of as policy_of
from .problems import Problem
from .record import Record

DEFAULT_KEY = "id_ed25519"


class SetupError(Exception):
    """Setup cannot go on; nothing was written. `refused`: a rule says no (exit 1), else the machine (exit 2)."""

    def __init__(self, code: str, refused: bool = False, **args):
        super().__init__(bilingual(Problem(code, "", args=args)))
        self.code, self.refused = code, refused


@dataclass(frozen=True)
class Key:
    private: Path  # the private key's file (it may be absent: a key held only by an agent)
    public: Path
    text: str  # the public key line, as it goes into the staff record
    made: bool  # made by this setup

    @property
    def fingerprint(self) -> str | None:
        return signers.fingerprint(self.text)


def ssh_dir() -> Path:
    """The user's ~/.ssh (on Windows %USERPROFILE%\\.ssh, where Windows' own OpenSSH looks too)."""
    return Path.home() / ".ssh"


# --- who ----------------------------------------------------------------------------------------------

def candidates(index: Index, who: str) -> list[Record]:
    """The staff records `who` names: an e-mail of the record, its id, or its name (exactly; else as a part)."""
    people = sorted(index.of("staff").values(), key=lambda p: p.id)
    wanted = who.strip()
    lowered = wanted.lower()
    exact = [p for p in people if lowered in {str(e).lower() for e in p.get("emails") or []}
             or p.id == wanted or p.get("name") == wanted]
    if exact or not wanted:
        return exact
    return [p for p in people if isinstance(p.get("name"), str) and wanted in p.get("name")]


def left(person: Record, today: dt.date | None = None) -> str | None:
    """The leave date of someone who has left by `today` (working on their last day is allowed)."""
    value = person.get("left_on")
    try:
        gone = dt.date.fromisoformat(str(value)) < (today or dt.date.today()) if value else False
    except ValueError:
        return None
    return str(value) if gone else None


def email_for(person: Record, who: str) -> str:
    """The commit e-mail: the one they gave when it is theirs, else their record's first."""
    emails = [str(e) for e in person.get("emails") or []]
    return next((e for e in emails if e.lower() == who.strip().lower()), emails[0] if emails else "")


# --- the key ------------------------------------------------------------------------------------------

def _keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise SetupError("setup.no-ssh-keygen")
    return found


def public_text(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if signers.fingerprint(text) else None


def _public_of(private: Path) -> str | None:
    """A private key's public half, read without a passphrase (None when it has one or is no key)."""
    result = subprocess.run([_keygen(), "-y", "-P", "", "-f", str(private)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, check=False)
    return result.stdout.strip() if result.returncode == 0 and signers.fingerprint(result.stdout) else None


def existing(private: Path) -> Key | None:
    """The key at `private` (or its .pub alone), as it is; None when there is none. A private key without its
    .pub gets one written beside it (nothing is overwritten)."""
    public = Path(f"{private}.pub")
    if public.exists():
        text = public_text(public)
        if text is None:
            raise SetupError("setup.bad-key", path=str(public))
        return Key(private, public, text, made=False)
    if not private.exists():
        return None
    text = _public_of(private)
    if text is None:
        raise SetupError("setup.no-public", path=str(private))
    public.write_text(text + "\n", encoding="utf-8")
    return Key(private, public, text, made=False)


def registered_in(folder: Path, person: Record) -> Key | None:
    """A key of `folder` (its *.pub files) already registered in the person's record."""
    theirs = {signers.fingerprint(k) for k in person.get("ssh_keys") or [] if isinstance(k, str)} - {None}
    if not theirs or not folder.is_dir():
        return None
    for public in sorted(folder.glob("*.pub")):
        text = public_text(public)
        if text and signers.fingerprint(text) in theirs:
            return Key(public.with_suffix(""), public, text, made=False)
    return None


def make(private: Path, comment: str, passphrase: bool = False) -> Key:
    """A new ed25519 key at `private`: without a passphrase, or asking ssh-keygen for one on the terminal."""
    if private.exists() or Path(f"{private}.pub").exists():
        raise SetupError("setup.key-exists", path=str(private))  # never overwrite a key
    private.parent.mkdir(parents=True, exist_ok=True)
    if os.name == "posix" and private.parent.name == ".ssh":
        private.parent.chmod(0o700)
    command = [_keygen(), "-q", "-t", "ed25519", "-C", comment, "-f", str(private)]
    if passphrase:  # ssh-keygen asks on the terminal itself: the passphrase is never on a command line
        result = subprocess.run(command, check=False)
    else:
        result = subprocess.run([*command, "-N", ""], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                check=False)
    key = public_text(Path(f"{private}.pub")) if result.returncode == 0 else None
    if key is None:
        raise SetupError("setup.keygen-failed", path=str(private), detail=(result.stderr or "").strip()[:300])
    return Key(private, Path(f"{private}.pub"), key, made=True)


def find_or_make(person: Record, email: str, key_option: Path | None, folder: Path,
                 passphrase: bool = False) -> Key:
    """`--key PATH` as it is (made when absent); else a key of the folder already registered to the person;
    else the folder's id_ed25519, made when absent."""
    if key_option is not None:
        return existing(key_option) or make(key_option, email, passphrase)
    return registered_in(folder, person) or existing(folder / DEFAULT_KEY) or make(folder / DEFAULT_KEY, email,
                                                                                   passphrase)


def owner(index: Index, key: Key) -> Record | None:
    """Whose staff record holds the key now."""
    for person in index.of("staff").values():
        if key.fingerprint in {signers.fingerprint(k) for k in person.get("ssh_keys") or [] if isinstance(k, str)}:
            return person
    return None


def approvers(index: Index) -> list[Record]:
    """Who may register a key: the staff, not gone, with a role of `approvals.staff`."""
    roles = set(policy_of(index).approvals("staff"))
    return [p for p in sorted(index.of("staff").values(), key=lambda p: p.id)
            if roles & set(p.get("roles") or []) and not left(p)]


# --- the clone ----------------------------------------------------------------------------------------

def configure(index: Index, person: Record, email: str, key: Key) -> list[tuple[str, str]]:
    """This clone's local git, for `person` signing with `key`: the settings written, in order."""
    settings = [("user.name", str(person.get("name") or person.id)), ("user.email", email),
                ("gpg.format", "ssh"), ("user.signingkey", key.public.as_posix()),
                ("commit.gpgsign", "true"), ("tag.gpgsign", "true")]
    for name, value in settings:
        git.run(index.root, "config", "--local", name, value)
    installed = signers.install(index)
    if installed is not None:
        settings.append(("gpg.ssh.allowedSignersFile", installed[0].as_posix()))
    return settings
