"""Numbering: dossier numbers (档号) follow the policy pattern, are unique and leave no
gap unless a number is voided; certificates carry their dossier's number; contract
numbers follow the policy pattern and are unique within a department."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .. import conflicts
from ..facts import Facts
from ..groups import BY_NUMBER, BY_RECORD, grouped
from ..index import Index
from ..policy import of as policy_of
from ..problems import WARNING, Problem
from ..rules.numbers import dossier_regex, format_number, pattern_regex


@grouped(BY_NUMBER)
def check_dossier_numbers(index: Index, f: Facts) -> Iterator[Problem]:
    """Dossier numbers follow `numbering.dossier`, match their business type's code
    (`dossier_types.*.code`), are unique, and every sequence runs without gaps."""
    policy = policy_of(index)
    regex, codes = dossier_regex(policy)
    pattern, org = policy.numbering.dossier, policy.organisation.short_name
    example = format_number(pattern, year=2024, org=org, type=next(iter(codes.values()), ""), seq=1)
    seen: dict[tuple, str] = {}
    series: dict[tuple, set[int]] = defaultdict(set)
    for record in sorted(index.of("dossier").values(), key=_by_file):  # the same first taker in every run
        m = regex.match(record.id)
        if not m:
            yield record.problem("number.pattern", ("id",), value=True, value_=record.id,
                                 pattern=pattern, example=example)
            continue
        groups = m.groupdict()
        btype = record.get("business_type")
        if "type" in groups and btype in codes and codes[btype] != groups["type"]:
            yield record.problem("number.type", ("business_type",), value=True, found=groups["type"],
                                 type=btype, expected=codes[btype])
        key = (groups.get("year"), groups.get("type"), int(groups["seq"]))
        if key in seen:
            yield record.problem("number.duplicate", ("id",), value=True, value_=record.id,
                                 other=seen[key])
        else:
            seen[key] = record.id
        series[key[:2]].add(key[2])
    for (year, code), numbers in sorted(series.items()):
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            first = seen[(year, code, max(numbers))]
            record = index.get("dossier", first)
            yield record.problem("number.gap", ("id",), severity=WARNING,
                                 series=f"{year}{org}{code}", missing=", ".join(map(str, missing)))


def _by_file(record) -> str:
    """The order a number's first taker is found in: its file's, whatever order the records were read in (a
    cached run reads a new file last)."""
    return record.file


def check_merged_numbers(index: Index, f: Facts) -> Iterator[Problem]:
    """Two people took the same number on two branches: after the merge the record's file is added on both sides
    (git: no common version); `dangan renumber NUMBER --resolve` gives the merged-in one the next number."""
    for problem in index.problems:
        if problem.code == "file.conflict" and problem.args.get("same_id") \
                and conflicts.added_on_both_sides(index.root, problem.file):
            yield Problem("number.duplicate", problem.file, problem.line, 1, field="id",
                          args={"value_": problem.args.get("stem"), "merge": True,
                                "other": "合并进来的另一份记录 (the other branch's record)"})


@grouped(BY_RECORD)
def check_certificate_numbers(index: Index, f: Facts) -> Iterator[Problem]:
    """A certificate's number is its dossier's number (档号) followed by its own sequence."""
    for record in index.of("certificate").values():
        dossier = record.get("dossier")
        if isinstance(dossier, str) and not record.id.startswith(dossier + "-"):
            yield record.problem("number.certificate", ("id",), value=True, value_=record.id,
                                 dossier=dossier)


@grouped(BY_NUMBER)
def check_contract_numbers(index: Index, f: Facts) -> Iterator[Problem]:
    """Contract numbers follow `numbering.contract` with their department's code
    (`departments.*.code`) and are unique within the department."""
    policy = policy_of(index)
    pattern = policy.numbering.contract
    seen: dict[tuple, str] = {}
    for record in sorted(index.of("contract").values(), key=_by_file):
        number, dept = record.get("number"), record.get("department")
        if not isinstance(number, str) or not isinstance(dept, str):
            continue
        department = policy.departments.get(dept)
        code = department.code if department else None
        if code:
            regex = pattern_regex(pattern, {"dept": [code]})
            if not regex.match(number):
                example = format_number(pattern, dept=code, year=2024, seq=1, org="", type="")
                yield record.problem("number.contract", ("number",), value=True, value_=number,
                                     pattern=pattern, example=example)
        key = (dept, number)
        if key in seen:
            yield record.problem("number.duplicate", ("number",), value=True, value_=number,
                                 other=seen[key])
        else:
            seen[key] = record.id
