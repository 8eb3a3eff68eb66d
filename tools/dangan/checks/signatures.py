"""Signatures (DESIGN §4): the commit that first records an act is its signature. Its
author must be the person the act names (`sig.forged`); from `signatures.since`, with
`signatures.mode: required`, it must carry a good SSH signature by that person's key
(`sig.unsigned`, `sig.bad-key`); acts of different people go in separate commits when
`signatures.separate_commits` (`sig.reused`); nobody signs after leaving (`sig.after-leave`).
Acts committed before `signatures.since` were imported from paper and are not judged;
an act not committed yet is "unsigned yet", not an error."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..acts import acts
from ..facts import facts
from ..index import Index
from ..problems import ERROR, WARNING, Problem
from ..signers import Signatures


def settings(policy: dict) -> tuple[str, str, bool]:
    section = policy.get("signatures") if isinstance(policy.get("signatures"), dict) else {}
    mode = section.get("mode", "off")
    return mode, str(section.get("since") or ""), section.get("separate_commits", True) is not False


def check_signatures(index: Index) -> Iterator[Problem]:
    f = facts(index)
    mode, since, separate = settings(f.policy)
    if mode == "off" or f.history is None:
        return
    severity = ERROR if mode == "required" else WARNING
    judge = Signatures(index)
    signed_in: dict[str, list] = defaultdict(list)
    for record in index:
        for act in acts(index, record):
            commit = f.history.first_setting(record.file, act.flat)
            if commit is None or (since and commit.day < since) or act.signer is None:
                continue
            where = dict(severity=severity, commit=commit.id[:10], signer=act.signer, date=commit.day)
            found = judge.findings(commit, act.signer)
            if "forged" in found:
                yield record.problem("sig.forged", act.path, value=True,
                                     author=judge.people.get(commit.email) or commit.email, **where)
            left = f.left_on(act.signer)
            if left and commit.day > left.isoformat():
                yield record.problem("sig.after-leave", act.path, value=True, left=left.isoformat(), **where)
            if mode == "required" and "unsigned" in found:
                yield record.problem("sig.unsigned", act.path, value=True, **where)
            elif mode == "required" and "bad-key" in found:
                yield record.problem("sig.bad-key", act.path, value=True, verdict=commit.signature,
                                     principal=commit.signer or "—", **where)
            signed_in[commit.id].append((act, record))
    if not separate:
        return
    for cid, found in signed_in.items():
        signers = []
        for act, record in found:
            if act.signer not in signers:
                signers.append(act.signer)
            if signers.index(act.signer) > 0:
                yield record.problem("sig.reused", act.path, value=True, severity=severity, commit=cid[:10],
                                     signer=act.signer, first=signers[0], policy_key="signatures.separate_commits")
