"""Staff identities: commit e-mails to staff, key fingerprints, and git's allowed_signers file."""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from . import git
from .history import CACHE_DIR, digest
from .index import Index


def fingerprint(public_key: str) -> str | None:
    """An OpenSSH public key's fingerprint as git and ssh-keygen print it (`SHA256:…`), or None."""
    parts = public_key.split() if isinstance(public_key, str) else []
    if len(parts) < 2:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def email_to_staff(index: Index) -> dict[str, str]:
    out = {}
    for person in index.of("staff").values():
        for email in person.get("emails") or []:
            if isinstance(email, str):
                out[email.lower()] = person.id
    return out


def allowed_signers(index: Index) -> str:
    """One line per key: `principals namespaces="git" key` (see ssh-keygen(1), ALLOWED SIGNERS)."""
    lines = []
    for person in sorted(index.of("staff").values(), key=lambda p: p.id):
        emails = [e for e in person.get("emails") or [] if isinstance(e, str)]
        for key in person.get("ssh_keys") or []:
            if emails and isinstance(key, str):
                lines.append(f'{",".join(emails)} namespaces="git" {key.strip()}')
    return "\n".join(lines) + ("\n" if lines else "")


def write_allowed_signers(index: Index, path: Path | None = None) -> tuple[Path, str]:
    """Write the file (by default into the cache folder); return its path and content digest."""
    text = allowed_signers(index)
    target = path or index.root / CACHE_DIR / "allowed_signers"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target, digest(text)


def install(index: Index) -> tuple[Path, int] | None:
    """Write allowed_signers into the repository's git folder and make git verify signatures with it (git
    verify-commit, git log --show-signature); its path and how many keys it holds. None: not a git repository."""
    folder = git.git_dir(index.root)
    if folder is None:
        return None
    text = allowed_signers(index)
    target = folder / "allowed_signers"
    target.write_text(text, encoding="utf-8")
    git.run(index.root, "config", "gpg.ssh.allowedSignersFile", str(target))
    return target, len(text.splitlines())
