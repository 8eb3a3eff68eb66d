"""Staff identities: commit e-mails to staff, and git's allowed_signers file from their keys."""

from __future__ import annotations

from pathlib import Path

from .history import CACHE_DIR, digest
from .index import Index


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


class Signatures:
    """Whether a commit signs an act of a given person: the one judgement `dangan check` and the site share."""

    def __init__(self, index: Index):
        self.people = email_to_staff(index)
        self.emails = {p.id: {e.lower() for e in p.get("emails") or [] if isinstance(e, str)}
                       for p in index.of("staff").values()}

    def findings(self, commit, signer: str | None) -> set[str]:
        """What is wrong, whatever the policy requires: `forged` (the author is not the signer), `unsigned`
        (no signature), `bad-key` (not git's good verdict, or the key of someone else)."""
        found = set()
        if self.people.get(commit.email) != signer:
            found.add("forged")
        if commit.signature == "N":
            found.add("unsigned")
        elif commit.signature != "G" or commit.signer.lower() not in self.emails.get(signer or "", set()):
            found.add("bad-key")
        return found
