"""The checks `dangan check` runs after reading the archive, in order: the checker.

Each check is a function of the index and its facts yielding `Problem`s; its docstring states
the rule it protects and the policy key it reads, and `@needs(...)` the policy sections it
reads. A check whose section failed the schema is skipped, not fed a half-read value
(`rules.unchecked` names them); the checker times each check (`dangan check --profile`). A
new rule is one function in one module and one line in `CHECKS`. Nothing but the checker
imports from here: what the checks share with `dangan due`, the site and the importer lives
below them (`rules/`, `facts`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from ..encryption import revealed
from ..facts import Facts, facts
from ..index import POLICY_FILE, Index
from ..naming import name_values
from ..problems import WARNING, Problem
from ..rule_cache import RuleCache, run_check
from . import (
    attachments,
    attribution,
    calendar,
    certificates,
    complaints,
    contracts,
    customers,
    disposal,
    encrypted,
    handover,
    identifiers,
    integrity,
    loans,
    numbering,
    references,
    reports,
    secrets,
    signatures,
    staff,
    tiers,
    tool,
    visits,
    worktree,
)

Check = Callable[[Index, Facts], Iterable[Problem]]

CHECKS: list[Check] = [
    tool.check_tool_version,  # first: a dangan the archive was not made for may judge the rest differently
    encrypted.check_plaintext,
    encrypted.check_unopened,
    encrypted.check_recipients,
    identifiers.check_identifiers,
    references.check_references,
    references.check_policy_references,
    numbering.check_dossier_numbers,
    numbering.check_merged_numbers,
    numbering.check_certificate_numbers,
    numbering.check_contract_numbers,
    handover.check_handover,
    handover.check_whole_handover,
    handover.check_extensions,
    handover.check_supplements,
    handover.check_amendments,
    handover.check_pages,
    handover.check_inventory,
    certificates.check_certificates,
    certificates.check_certificate_handover,
    loans.check_loans,
    loans.check_double_lending,
    loans.check_dossier_status,
    disposal.check_disposals,
    disposal.check_verification,
    disposal.check_executor,
    disposal.check_destroyed_dossiers,
    staff.check_departed_staff,
    customers.check_admission,
    customers.check_profiles,
    customers.check_profile_handover,
    customers.check_owner_is_collector,
    customers.check_basic_profile,
    customers.check_profile_updates,
    customers.check_blacklist,
    customers.check_profile_approval,
    customers.check_departed_owners,
    customers.check_credit_file,
    customers.check_credit_limits,
    customers.check_credit_reviews,
    tiers.check_reviews,
    tiers.check_tier_changes,
    tiers.check_tier_criteria,
    complaints.check_complaints,
    complaints.check_complaint_archive,
    complaints.check_complaint_outcomes,
    complaints.check_complaint_reinvestigations,
    visits.check_late_visits,
    visits.check_visit_reports,
    visits.check_visit_plans,
    visits.check_report_written,
    visits.check_visit_materials,
    visits.check_survey_follow_up,
    contracts.check_contract_filing,
    contracts.check_contract_documents,
    contracts.check_reports,
    reports.check_market_reports,
    reports.check_satisfaction_reports,
    contracts.check_payments,
    contracts.check_attribution,
    attribution.check_claims,
    attribution.check_credit_changes,
    attribution.check_follow_up_right,
    attachments.check_attachments,
    secrets.check_policy_secrets,
    signatures.check_commits,
    signatures.check_signatures,
    integrity.check_history,
    integrity.check_anchors,
    worktree.check_uncommitted,
    worktree.check_interrupted,
    calendar.check_calendar_years,  # last: it reports what the rules before it counted
]

# the checks that read more than the records and git's refs (the installed dangan, the working tree, attachment
# files, what the checks before them counted): run every time, never taken from the rules' cache
OUTSIDE = {tool.check_tool_version, encrypted.check_unopened, attachments.check_attachments,
           worktree.check_uncommitted, worktree.check_interrupted, calendar.check_calendar_years}
# the checks that read git's history and refs besides the records: reused while the repository's state is the
# same (`git.state`: HEAD, every ref, grafts, shallow)
REPOSITORY_STATE = {numbering.check_merged_numbers, signatures.check_commits, signatures.check_signatures,
                    integrity.check_history, integrity.check_anchors}
# the checks of the repository (its commits, signatures, history and working tree), not of the records: the
# same before and after an act's change, which is judged by the errors it adds (`transaction.check`)
REPOSITORY = {signatures.check_commits, signatures.check_signatures, integrity.check_history,
              integrity.check_anchors, worktree.check_uncommitted, worktree.check_interrupted}


def run(index: Index, timings: dict[str, float] | None = None, *, cache: bool | None = None,
        records_only: bool = False) -> list[Problem]:
    """Everything wrong with the archive: reading and schema problems, then every check whose policy
    sections are sound (with `timings`, how long each check took, by name). A check whose inputs have
    not changed since the last run gives its cached problems (`rule_cache`), when the index was built
    with its caches (or `cache` says so). `records_only`: without the checks of the repository."""
    problems = list(index.problems)
    f = facts(index)
    policy = f.policy
    skipped = []
    # an index whose values were opened in memory may put plain text into problems: its verdicts are not kept
    cached = (index.use_cache if cache is None else cache) and not revealed(index)
    rules = RuleCache.open(index) if cached else RuleCache(index, None)
    for check in CHECKS:
        if records_only and check in REPOSITORY:
            continue
        if not policy.usable or set(getattr(check, "policy_sections", ())) & policy.broken:
            skipped.append(name(check))
            continue
        start = time.perf_counter()
        problems.extend(run_check(rules, name(check), check, index, f, f.calendar.unknown_years,
                                  outside=check in OUTSIDE, repository=check in REPOSITORY_STATE))
        if timings is not None:
            timings[name(check)] = time.perf_counter() - start
    rules.save()
    if skipped:
        problems.append(Problem("rules.unchecked", POLICY_FILE, severity=WARNING, args={
            "sections": ", ".join(sorted(policy.broken)), "rules": ", ".join(skipped), "count": len(skipped)}))
    problems.sort(key=Problem.sort_key)
    name_values(problems, index)
    return problems


def name(check: Check) -> str:
    """`handover.check_handover`: a check by its module and function."""
    return f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"
