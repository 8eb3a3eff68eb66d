"""Sensitive values kept encrypted (issue 20; GB/T 35273-2020 §6.3; seeds 001, 003 保密性、封存).

- `check_plaintext`: with `encryption.enabled`, a value the policy says must be encrypted is written in
  the clear (an error: the pre-commit hook runs the same check, so it never reaches a commit).
- `check_unopened`: the checks that need the plain values (ID numbers' check digits and birth dates,
  mobiles, a visit's mobile against the customer's) cannot judge the values no key opened: one warning
  says how many and which checks, never a silent pass.
- `check_recipients`: values still encrypted to someone who has left, or to an SSH key no staff record
  holds any more (read from each age file's header, no key needed): `dangan rekey` re-encrypts them.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import crypto, encryption
from ..facts import Facts
from ..index import Index
from ..problems import WARNING, Problem, Words

# what does not run on a value no key opened, in words
NEEDS_PLAIN = Words("证件号码和手机号码的校验（id.*）、身份证号码与出生日期和性别的核对、"
                    "对单依据中客户本人手机的核对（用摘要比对除外）",
                    "the checks of ID numbers and mobiles (id.*), the ID number against birth date and gender, a "
                    "follow-up's mobile against the customer's (except where digests compare)")


def check_plaintext(index: Index, f: Facts) -> Iterator[Problem]:
    """`crypto.plaintext`: a value of a field the policy's `encryption` names is written in the clear."""
    if not encryption.enabled(index):
        return
    for kind, infos in encryption.sensitive_fields(index).items():
        if not infos:
            continue
        for record in index.of(kind).values():
            for path, value, _ in encryption.values(index, kind, record.data):
                if encryption.needs_sealing(value) and not encryption.was_revealed(index, record.key, path):
                    yield record.problem("crypto.plaintext", path, value=True,
                                         label=index.schemas.label(kind, path))


def check_unopened(index: Index, f: Facts) -> Iterator[Problem]:
    """`crypto.unchecked` / `crypto.not-for-key`: how many encrypted values stayed closed, and what did not run."""
    closed = index.derived.get(encryption.STILL_SEALED, 0)
    if not closed:
        return
    code = "crypto.not-for-key" if index.derived.get(encryption.KEYS) else "crypto.unchecked"
    yield Problem(code, "records", severity=WARNING, args={"count": closed, "checks": NEEDS_PLAIN})


def check_recipients(index: Index, f: Facts) -> Iterator[Problem]:
    """`crypto.departed-recipient`: a record's values open with the SSH key of someone who has left, or with a
    key no staff record holds any more (one warning per record, naming them)."""
    current: dict[str, str] = {}
    departed: dict[str, str] = {}
    for person in index.of("staff").values():
        for key in person.get("ssh_keys") or ():
            tag = crypto.ssh_tag(key)
            if tag:
                (current if encryption.in_office(person) else departed)[tag] = person.id
    for extra in encryption.settings(index).recipients:
        tag = crypto.ssh_tag(extra)
        if tag:
            current[tag] = "encryption.recipients"
    for kind, infos in encryption.sensitive_fields(index).items():
        if not infos:
            continue
        for record in index.of(kind).values():
            stale: dict[str, None] = {}
            first = None
            for path, value, _ in encryption.values(index, kind, record.data, every=True):
                value = encryption.as_written(index, record.key, path, value)
                found = crypto.parse(value) if crypto.is_token(value) else None
                if found is None:
                    continue
                for tag in crypto.ssh_tags(found[1]):
                    if tag in current:
                        continue
                    stale[departed.get(tag, f"ssh:{tag}")] = None
                    first = first or path
            if stale:
                yield record.problem("crypto.departed-recipient", first, value=True, severity=WARNING,
                                     people=", ".join(stale))
