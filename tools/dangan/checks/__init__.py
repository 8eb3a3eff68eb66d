"""The checks `dangan check` runs after reading the archive, in order.

Each check is a function of the index yielding `Problem`s; its docstring states the
rule it protects and the policy key it reads. A new rule is one function in one module
and one line in `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..index import POLICY_FILE, Index, policy_problems
from ..problems import WARNING, Problem
from . import (
    attachments,
    calendar,
    certificates,
    complaints,
    contracts,
    customers,
    disposal,
    handover,
    identifiers,
    integrity,
    loans,
    numbering,
    references,
    signatures,
    staff,
    tiers,
    visits,
    worktree,
)

Check = Callable[[Index], Iterable[Problem]]

CHECKS: list[Check] = [
    identifiers.check_identifiers,
    references.check_references,
    numbering.check_dossier_numbers,
    numbering.check_certificate_numbers,
    numbering.check_contract_numbers,
    handover.check_handover,
    handover.check_extensions,
    handover.check_supplements,
    handover.check_amendments,
    handover.check_pages,
    certificates.check_certificates,
    loans.check_loans,
    loans.check_double_lending,
    loans.check_dossier_status,
    disposal.check_disposals,
    disposal.check_destroyed_dossiers,
    staff.check_departed_staff,
    customers.check_admission,
    customers.check_profiles,
    customers.check_blacklist,
    customers.check_departed_owners,
    tiers.check_reviews,
    complaints.check_complaints,
    visits.check_late_visits,
    visits.check_visit_reports,
    visits.check_survey_follow_up,
    contracts.check_contract_filing,
    contracts.check_payments,
    contracts.check_attribution,
    attachments.check_attachments,
    signatures.check_commits,
    signatures.check_signatures,
    integrity.check_history,
    integrity.check_anchors,
    worktree.check_uncommitted,
    worktree.check_interrupted,
    calendar.check_calendar_years,  # last: it reports what the rules before it counted
]


def run(index: Index) -> list[Problem]:
    """Everything wrong with the archive: reading and schema problems, then every check. The rules read
    the policy as its schema describes it: with a policy that is missing, not YAML or fails its schema,
    its problems are reported and the rules are not run (`rules.unchecked` says so)."""
    problems = list(index.problems)
    if policy_problems(index):
        problems.append(Problem("rules.unchecked", POLICY_FILE, severity=WARNING))
    else:
        for check in CHECKS:
            problems.extend(check(index))
    problems.sort(key=Problem.sort_key)
    return problems
