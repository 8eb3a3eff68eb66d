"""Signatures (DESIGN §4): commits are the signatures, judged by the rules in force at their parent.

`check_commits` reports what the audit found in each commit: unsigned, not by staff, signed
with a key that was not the author's at the time, by someone not employed then, rule-making
files changed without the role (`approvals.policy`, `approvals.staff`), signed acts changed
without `approvals.amendment`, and merges that bring in commits made under laxer rules.

`check_signatures` judges the acts: the commit that first records an act is its signature,
so its author must be the person the act names (`sig.forged`); nobody signs after leaving
(`sig.after-leave`); acts of different people go in separate commits when
`signatures.separate_commits` (`sig.reused`). Acts dated before `signatures.since` were
imported from paper and are not judged (their commit still is); an act not committed yet
is "unsigned yet", not an error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..acts import acts
from ..facts import Facts
from ..index import Index
from ..paths import PathError, parse_path
from ..problems import ERROR, WARNING, Problem


def check_commits(index: Index, f: Facts) -> Iterator[Problem]:
    audit = f.audit
    if audit is None:
        return
    for finding in audit.all_findings():
        severity, acknowledged = audit.judged(finding.commit, finding.severity)
        args = dict(finding.args) | acknowledged
        if finding.via:
            args["via"] = finding.via[:10]
        record = _record_at(index, finding.path)
        field = _parts(finding.field)
        if record is not None and field is not None:
            yield record.problem(finding.code, field, severity=severity, **args)
        else:
            yield Problem(finding.code, finding.path, field=finding.field, args=args, severity=severity)


def _record_at(index: Index, path: str):
    """The record the file at `path` holds (`records/<folder>/<id>.yaml`), if it is in the index: looked up by
    its kind, so that the commits' check reads only the kinds its findings name (`rule_cache`)."""
    parts = path.split("/")
    kind = index.schemas.folders.get(parts[1]) if len(parts) == 3 and parts[0] == "records" else None
    if kind is None:
        return None
    record = index.get(kind, parts[2].rsplit(".", 1)[0])
    if record is not None and record.file == path:
        return record
    return next((r for r in index.of(kind).values() if r.file == path), None)  # an id that is not its name


def check_signatures(index: Index, f: Facts) -> Iterator[Problem]:
    audit = f.audit
    if audit is None or not audit.ever_judged:  # no commit was made while the rules judged signatures
        return
    signed_in: dict[str, list] = defaultdict(list)
    # an act is judged by the rules at the commit that first recorded it: a file no commit changed under rules
    # that judge signatures holds nothing to judge (read from the store: the changes of those commits only)
    judged = {cid for cid in f.history.order if audit.mode(cid) != "off" and not audit.unknown(cid)}
    files = f.history.changes.paths_of(judged)
    for record in index:
        if record.file not in files:
            continue
        for act in acts(index, record):
            commit = f.history.first_setting(record.file, act.flat)
            if commit is None or act.signer is None or audit.unknown(commit.id):
                continue
            rules = audit.before(commit.id)
            if rules.mode == "off" or (rules.since and (act.date or commit.day) < rules.since):
                continue
            severity, acknowledged = audit.judged(commit.id, ERROR if rules.mode == "required" else WARNING)
            where = dict(severity=severity, commit=commit.id[:10], signer=act.signer, date=commit.day, **acknowledged)
            author = rules.by_email.get(commit.email)
            if author != act.signer:
                yield record.problem("sig.forged", act.path, value=True, author=author or commit.email, **where)
            left = f.left_on(act.signer)  # as the staff records say now: a leave may be recorded late
            if left and commit.day > left.isoformat():
                yield record.problem("sig.after-leave", act.path, value=True, left=left.isoformat(), **where)
            if rules.separate:
                signed_in[commit.id].append((act, record, severity))
    for cid, found in signed_in.items():
        signers: list[str] = []
        for act, record, severity in found:
            if act.signer not in signers:
                signers.append(act.signer)
            if signers.index(act.signer) > 0:
                yield record.problem("sig.reused", act.path, value=True, severity=severity, commit=cid[:10],
                                     signer=act.signer, first=signers[0], policy_key="signatures.separate_commits")


def _parts(field: str | None) -> tuple | None:
    """A finding's field as a path, or None for a key no schema has (a name with dots or brackets)."""
    try:
        return parse_path(field) if field else ()
    except PathError:
        return None
