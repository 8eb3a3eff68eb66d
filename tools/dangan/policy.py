"""The company's rules (records/policy.yaml) as typed values, read once.

This module sits below the index (which reads the file's limits through it): it knows the
index only by what `of` uses (its parsed policy, its problems, its `derived` memo).

After the schema has validated the file, `read` turns each top-level section into a frozen
dataclass; the default of every value that may be left out lives here, once (and agrees with
the schema's `default` where it states one). A section that fails the schema is not read: it
keeps its defaults and is listed in `Policy.broken`, so that the checks that need it are
skipped (`rules.unchecked`) instead of being fed a half-read value. Rules read attributes:
`policy.complaints.reply_within`, `policy.approvals("loan")`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# the sections without which no rule can run: the file is unusable when one of them is broken
CORE = ("organisation", "roles", "departments", "numbering", "dossier_types", "inventory_parts")


@dataclass(frozen=True)
class Period:
    """A deadline: so many working days (the official calendar) or calendar days."""
    days: int = 0
    unit: str = "calendar_days"

    @property
    def working(self) -> bool:
        return self.unit == "working_days"


@dataclass(frozen=True)
class Named:
    name: str
    en: str = ""


@dataclass(frozen=True)
class Organisation:
    name: str = ""
    short_name: str = ""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 1024 * 1024
    future_days: int = 0


@dataclass(frozen=True)
class Department(Named):
    code: str = ""
    head: str | None = None


@dataclass(frozen=True)
class Numbering:
    dossier: str = ""
    contract: str = ""
    records: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HandoverStep:
    id: str
    name: str
    from_role: str
    to_role: str
    deadline: Period  # from the previous step's hand-over (the first: from the project end)
    receive_within: Period | None = None  # the receiver registers the receipt within this of the hand-over


@dataclass(frozen=True)
class DossierType(Named):
    code: str = ""
    retention_years: int | None = None
    handover: tuple[HandoverStep, ...] = ()
    handover_within: Period | None = None  # the whole chain, from the project end
    inventory_parts: tuple[str, ...] = ()  # the parts its inventory has, in order (empty: all, in policy order)
    inventory_copies: int | None = None  # copies of the inventory list (一式三份)


# who may approve what when the policy does not say (DESIGN §4; 公司自定)
DEFAULT_APPROVERS = {"policy": ("gm",), "staff": ("gm",), "seal": ("archivist", "gm"), "amendment": ("gm", "vice_gm"),
                     "acknowledge": ("gm",), "disposal_verification": ("archivist",),
                     "visit_plan": ("department_head", "vice_gm", "gm"), "visit_materials": ("cs_supervisor",),
                     "credit_change": ("sales_director",), "appointment": ("sales_director", "gm")}


@dataclass(frozen=True)
class Approvals:
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __call__(self, what: str) -> tuple[str, ...]:
        """The roles that may approve `what` (an `approvals` key)."""
        return self.roles.get(what) or DEFAULT_APPROVERS.get(what, ())


@dataclass(frozen=True)
class Loans:
    default_days: int = 15


@dataclass(frozen=True)
class Supplements:
    within: Period = Period()


@dataclass(frozen=True)
class Certificates:
    to_keeper_within: Period | None = None  # from the project end to the certificate keeper


@dataclass(frozen=True)
class Disposal:
    min_supervisors: int = 2


@dataclass(frozen=True)
class Condition(Named):
    required: bool = True


@dataclass(frozen=True)
class MarketReport:
    """The monthly market report (seed 004 篇五 6.1): due on the `week`-th `weekday` (1 = Monday) of each month,
    moved to the next working day when that is none; to the department `to`; the months from `since` on."""
    week: int = 1
    weekday: int = 1
    to: str | None = None
    since: str | None = None


@dataclass(frozen=True)
class Customers:
    # days from first contact to the profile by customer category (event, default); a bare period in the
    # file is the old form and holds for every customer (read as the default)
    profile_within: Mapping[str, Period] = field(default_factory=dict)
    # days from the profile to the sales manager (seed 003: the next day) by category; a category not
    # listed hands nothing over apart from the superior's review
    profile_handover_within: Mapping[str, Period] = field(default_factory=dict)
    profile_review_within: Period | None = None
    # months between profile updates by customer category (long_term, key, default); a bare number in the
    # file is the old form and means long-term customers only
    update_every_months: Mapping[str, int] = field(default_factory=dict)
    update_from: str | None = None  # the updates are counted from this day for profiles made before it
    admission_checklist: Mapping[str, Condition] = field(default_factory=dict)
    tier_quotas: Mapping[str, float] = field(default_factory=dict)
    review_every_months: int = 6
    downgrade_within: Period | None = None
    # seed 004 篇一 2.2–2.5: the per-product quotas (原则上: warnings), the credit criteria of each tier,
    # the categories admission does not apply to, the sales director's approval of new profiles, the market report
    tier_product_quotas: Mapping[str, float] = field(default_factory=dict)
    tier_criteria: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    admission_exempt_categories: tuple[str, ...] = ()
    profile_approval_from: str | None = None
    profile_approval_within: Period | None = None
    market_report: MarketReport | None = None
    basic_profile: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # customer type -> field paths
    basic_profile_statuses: tuple[str, ...] = ("active", "dormant", "blacklisted")


@dataclass(frozen=True)
class Schedule:
    id: str
    name: str
    trigger: str
    role: str
    days: tuple[int, ...] = ()
    hours: int | None = None
    every_months: int | None = None
    contract_types: tuple[str, ...] = ()
    every_weeks: int | None = None  # periodic by weeks (Monday to Sunday) instead of months
    methods: tuple[str, ...] = ()  # only visits made these ways count (the weekly phone call); () any
    kind: str | None = None  # the visit kind that fulfils it; None: the trigger's
    while_contract: bool = False  # periodic: only the periods a contract of the customer is in force


# seed 003 3.2.5「五一、国庆、中秋、元旦、春节等节日前」: all five unless the policy lists others
FESTIVALS = ("labour_day", "national_day", "mid_autumn", "new_year", "spring_festival")


@dataclass(frozen=True)
class Visits:
    effective_from: str | None = None
    schedules: tuple[Schedule, ...] = ()
    festivals: tuple[str, ...] = FESTIVALS
    greeting_days_before: int = 7
    report_review_within: Period | None = None
    report_within: Period | None = None  # from the visit to its written report (seed 000 篇4: the next day)
    materials_return_within: Period | None = None  # from the visit to the materials' return or approved keeping
    plan_required: tuple[str, ...] = ()  # visit kinds that need an approved plan before they are made


@dataclass(frozen=True)
class Complaints:
    reply_within: Period | None = None
    urgent_reply_within: Period | None = None
    archive_within: Period | None = None
    appeal_within: Period | None = None  # from the reply (the customer receives the outcome)
    satisfied_min: int | None = None  # feedback below it reopens the investigation


@dataclass(frozen=True)
class Attribution:
    follow_up_valid_days: int = 30
    appointment_valid_days: int = 0
    whole_within_days: int = 7
    half_within_days: int = 15
    group_size: int = 8
    close_at_month_end: bool = True  # claims and credit changes only within the month of the sale
    month_end_days: int = 3  # in the month's last days only that day's orders change
    registration_whole_within_days: int = 0  # the registering rep: the same day, the whole order
    registration_half_within_days: int = 1  # the next day, half
    appointment_whole_within_days: int = 0  # a same-day appointment without a follow-up: the same day, whole
    appointment_half_within_days: int = 7  # within seven days, half


@dataclass(frozen=True)
class Contracts:
    to_admin_within_months: int = 1
    to_archive_within_months: int = 1
    statistics_due: tuple[str, ...] = ()
    reports_from: str | None = None  # filings due on or after this day are checked; None: from the first contract


# what a credit file must hold when the customer has a credit limit (seed 002 篇二 5.; 公司自定 which of them)
CREDIT_FILE = ("overview", "banks", "payment_habit", "financial", "operations", "limit_history", "next_review",
               "forms.application", "forms.investigation", "forms.approval", "forms.credit_grant")


@dataclass(frozen=True)
class Credit:
    report_due: str | None = "01-10"
    review_every_months: int = 12
    file_required: tuple[str, ...] = CREDIT_FILE


@dataclass(frozen=True)
class Surveys:
    per_year: int = 1
    aspects: Mapping[str, Named] = field(default_factory=dict)
    low_score: int | None = None
    follow_up_within: Period | None = None


@dataclass(frozen=True)
class Privacy:
    mask_id_numbers: bool = True
    mask_phones: bool = True
    mask_emails: bool = True
    mask_other_personal: bool = True
    seal_customer_records: bool = True


@dataclass(frozen=True)
class Encryption:
    """Which personal values are kept encrypted (`crypto`, `encryption`) and for whom: the fields the schemas mark
    `x-sensitive` whose `x-personal` style is one of `styles` (in a sealed record every marked field), encrypted
    to the staff of `roles`, the record's owner when `owner_reads`, and the `recipients` (a CI key …)."""
    enabled: bool = False
    styles: tuple[str, ...] = ("id-number", "phone", "email", "account", "private")
    sealed_records: bool = True
    roles: tuple[str, ...] = ("gm", "archivist")
    owner_reads: bool = True
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signatures:
    mode: str = "off"
    since: str = ""
    separate_commits: bool = True


@dataclass(frozen=True)
class Calendar:
    holidays: tuple[str, ...] = ()
    workdays: tuple[str, ...] = ()
    closures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Remind:
    """When `dangan notify` reminds of a deadline: so many days before, on the day, so many days after, then every
    `then_every_days` days (0: no more) after the last of those."""
    before_days: tuple[int, ...] = (3, 1)
    on_due_day: bool = True
    overdue_days: tuple[int, ...] = (1, 3, 7)
    then_every_days: int = 7


@dataclass(frozen=True)
class Channel:
    """A group robot (wecom, dingtalk) or a mailbox (email) and the departments whose people it reminds (all when
    empty). `env` names the environment variables that hold its webhook, secret, SMTP host … never their values."""
    id: str
    type: str
    name: str = ""
    departments: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    security: str = "starttls"

    def serves(self, department: str | None) -> bool:
        return not self.departments or department in self.departments


@dataclass(frozen=True)
class Notify:
    site_url: str = ""
    remind: Remind = Remind()
    rate_messages: int = 20  # per robot within rate_seconds: both robots allow 20 a minute
    rate_seconds: float = 60.0
    attempts: int = 4
    backoff_seconds: float = 2.0  # before the first retry, doubled after each
    timeout_seconds: float = 10.0
    channels: tuple[Channel, ...] = ()


@dataclass(frozen=True)
class Tool:
    """The dangan this archive was made for: the versions it requires (a PEP 440 range, `>=0.2,<0.3`) and the
    version that made it or last upgraded it (`dangan init` writes both; `dangan check` compares)."""
    requires: str | None = None
    made_with: str | None = None


@dataclass(frozen=True)
class Policy:
    organisation: Organisation = Organisation()
    dangan: Tool = Tool()
    limits: Limits = Limits()
    roles: Mapping[str, Named] = field(default_factory=dict)
    departments: Mapping[str, Department] = field(default_factory=dict)
    numbering: Numbering = Numbering()
    inventory_parts: Mapping[str, Named] = field(default_factory=dict)
    dossier_types: Mapping[str, DossierType] = field(default_factory=dict)
    approvals: Approvals = Approvals()
    loans: Loans = Loans()
    supplements: Supplements = Supplements()
    certificates: Certificates = Certificates()
    disposal: Disposal = Disposal()
    customers: Customers = Customers()
    visits: Visits = Visits()
    complaints: Complaints = Complaints()
    attribution: Attribution = Attribution()
    contracts: Contracts = Contracts()
    credit: Credit = Credit()
    surveys: Surveys = Surveys()
    privacy: Privacy = Privacy()
    encryption: Encryption = Encryption()
    signatures: Signatures = Signatures()
    calendar: Calendar = Calendar()
    notify: Notify = Notify()
    broken: frozenset[str] = frozenset()  # sections that failed the schema: read as their defaults

    @property
    def usable(self) -> bool:
        """Whether any rule can run: no core section is broken."""
        return not self.broken.intersection(CORE)

    def entries(self, ref: str) -> Mapping[str, Any]:
        """The codes a `policy:…` reference may name (`policy:roles`, `policy:customers.admission_checklist` …)."""
        node: Any = self
        for part in ref.removeprefix("policy:").split("."):
            node = getattr(node, part, None)
        return node if isinstance(node, Mapping) else {}

    def name(self, ref: str, code: Any) -> str:
        """The name of a policy entry (a department, a role, a dossier type …) from its code."""
        entry = self.entries(ref).get(code) if isinstance(code, str) else None
        return entry.name if isinstance(entry, Named) and entry.name else str(code)

    def role_names(self, roles) -> list[str]:
        return [self.name("policy:roles", role) for role in roles]


def needs(*sections: str):
    """Mark a check with the policy sections it reads: it is skipped when one of them fails the schema."""
    def mark(check):
        check.policy_sections = sections
        return check
    return mark


# --- reading ---------------------------------------------------------------------------------------
def _section(data: dict, key: str) -> dict:
    found = data.get(key)
    return found if isinstance(found, dict) else {}


def _period(value: Any) -> Period | None:
    if isinstance(value, dict) and isinstance(value.get("days"), int):
        return Period(value["days"], str(value.get("unit", "calendar_days")))
    return None


def _named(values: Any, make=Named, **extra) -> dict:
    out = {}
    for code, entry in (values.items() if isinstance(values, dict) else ()):
        if isinstance(entry, dict):
            fields = {k: entry[k] for k in make.__dataclass_fields__ if k in entry}
            out[code] = make(**{"name": str(entry.get("name", code)), **fields, **extra})
    return out


def _ints(values: Any) -> tuple[int, ...]:
    return tuple(v for v in values if isinstance(v, int)) if isinstance(values, list) else ()


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()


def _simple(cls, values: dict):
    """A dataclass of plain values: the keys the file gives, the defaults for the rest."""
    return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__ and v is not None})


def _dossier_types(values: dict) -> dict[str, DossierType]:
    out = {}
    for code, entry in values.items():
        if not isinstance(entry, dict):
            continue
        steps = tuple(HandoverStep(str(s.get("id")), str(s.get("name", s.get("id"))), str(s.get("from_role")),
                                   str(s.get("to_role")), _period(s.get("deadline")) or Period(),
                                   _period(s.get("receive_within")))
                      for s in entry.get("handover") or () if isinstance(s, dict))
        copies = entry.get("inventory_copies")
        out[code] = DossierType(str(entry.get("name", code)), str(entry.get("en", "")), str(entry.get("code", "")),
                                entry.get("retention_years") if isinstance(entry.get("retention_years"), int)
                                else None, steps, _period(entry.get("handover_within")),
                                _strings(entry.get("inventory_parts")),
                                copies if isinstance(copies, int) and not isinstance(copies, bool) else None)
    return out


def _customers(values: dict) -> Customers:
    statuses = values.get("basic_profile_statuses")
    return Customers(
        profile_within=_category_periods(values.get("profile_within")),
        profile_handover_within=_category_periods(values.get("profile_handover_within")),
        profile_review_within=_period(values.get("profile_review_within")),
        update_every_months=_update_months(values.get("update_every_months")),
        update_from=values.get("update_from") if isinstance(values.get("update_from"), str) else None,
        admission_checklist=_named(values.get("admission_checklist"), Condition),
        tier_quotas={k: float(v) for k, v in _section(values, "tier_quotas").items() if isinstance(v, int | float)},
        review_every_months=values.get("review_every_months", Customers.review_every_months),
        downgrade_within=_period(values.get("downgrade_within")),
        tier_product_quotas={k: float(v) for k, v in _section(values, "tier_product_quotas").items()
                             if isinstance(v, int | float) and not isinstance(v, bool)},
        tier_criteria={k: _strings(v) for k, v in _section(values, "tier_criteria").items()},
        admission_exempt_categories=_strings(values.get("admission_exempt_categories")),
        profile_approval_from=values.get("profile_approval_from")
        if isinstance(values.get("profile_approval_from"), str) else None,
        profile_approval_within=_period(values.get("profile_approval_within")),
        market_report=_market_report(values.get("market_report")),
        basic_profile={k: _strings(v) for k, v in _section(values, "basic_profile").items()},
        basic_profile_statuses=_strings(statuses) if isinstance(statuses, list) else Customers.basic_profile_statuses)


def _market_report(value: Any) -> MarketReport | None:
    if not isinstance(value, dict):
        return None
    week, weekday = value.get("week", 1), value.get("weekday", 1)
    return MarketReport(week if isinstance(week, int) and 1 <= week <= 4 else 1,
                        weekday if isinstance(weekday, int) and 1 <= weekday <= 7 else 1,
                        value.get("to") if isinstance(value.get("to"), str) else None,
                        value.get("from") if isinstance(value.get("from"), str) else None)


def _update_months(value: Any) -> dict[str, int]:
    """Months between updates by customer category; the old bare number is the long-term customers' period."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"long_term": value}
    return {k: v for k, v in value.items() if isinstance(v, int)} if isinstance(value, dict) else {}


def _category_periods(value: Any) -> dict[str, Period]:
    """Periods by customer category; the old single period holds for every customer (the default)."""
    if _period(value) is not None:
        return {"default": _period(value)}
    found = {k: _period(v) for k, v in value.items()} if isinstance(value, dict) else {}
    return {k: p for k, p in found.items() if p is not None}


def _visits(values: dict) -> Visits:
    schedules = tuple(
        Schedule(str(s.get("id")), str(s.get("name", s.get("id"))), str(s.get("trigger")), str(s.get("role")),
                 _ints(s.get("days")), s.get("hours"), s.get("every_months"), _strings(s.get("contract_types")),
                 s.get("every_weeks"), _strings(s.get("methods")), s.get("kind"), s.get("while_contract") is True)
        for s in values.get("schedules") or () if isinstance(s, dict))
    festivals = values.get("festivals")
    return Visits(values.get("effective_from"), schedules,
                  _strings(festivals) if isinstance(festivals, list) else Visits.festivals,
                  values.get("greeting_days_before", Visits.greeting_days_before),
                  _period(values.get("report_review_within")), _period(values.get("report_within")),
                  _period(values.get("materials_return_within")), _strings(values.get("plan_required")))


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _notify(values: dict) -> Notify:
    remind, rate, retry = _section(values, "remind"), _section(values, "rate_limit"), _section(values, "retry")
    channels = tuple(
        Channel(str(c.get("id")), str(c.get("type")), str(c.get("name") or c.get("id")), _strings(c.get("departments")),
                {k: v for k, v in _section(c, "env").items() if isinstance(v, str)},
                str(c.get("security", Channel.security)))
        for c in values.get("channels") or () if isinstance(c, dict))
    then = remind.get("then_every_days")
    return Notify(
        str(values.get("site_url") or ""),
        Remind(_ints(remind["before_days"]) if "before_days" in remind else Remind.before_days,
               remind.get("on_due_day", True) is not False,
               _ints(remind["overdue_days"]) if "overdue_days" in remind else Remind.overdue_days,
               then if isinstance(then, int) and not isinstance(then, bool) else Remind.then_every_days),
        int(_number(rate.get("messages"), Notify.rate_messages)), _number(rate.get("seconds"), Notify.rate_seconds),
        int(_number(retry.get("attempts"), Notify.attempts)),
        _number(retry.get("backoff_seconds"), Notify.backoff_seconds),
        _number(retry.get("timeout_seconds"), Notify.timeout_seconds), channels)


_READERS = {
    "organisation": lambda v: _simple(Organisation, v),
    "dangan": lambda v: Tool(*(v.get(k) if isinstance(v.get(k), str) else None for k in ("requires", "made_with"))),
    "limits": lambda v: _simple(Limits, v),
    "roles": _named,
    "departments": lambda v: _named(v, Department),
    "numbering": lambda v: Numbering(str(v.get("dossier", "")), str(v.get("contract", "")),
                                     {k: s for k, s in _section(v, "records").items() if isinstance(s, str)}),
    "inventory_parts": _named,
    "dossier_types": _dossier_types,
    "approvals": lambda v: Approvals({k: _strings(r) for k, r in v.items() if _strings(r)}),
    "loans": lambda v: _simple(Loans, v),
    "supplements": lambda v: Supplements(_period(v.get("within")) or Period()),
    "certificates": lambda v: Certificates(_period(v.get("to_keeper_within"))),
    "disposal": lambda v: _simple(Disposal, v),
    "customers": _customers,
    "visits": _visits,
    "complaints": lambda v: Complaints(_period(v.get("reply_within")), _period(v.get("urgent_reply_within")),
                                       _period(v.get("archive_within")), _period(v.get("appeal_within")),
                                       v.get("satisfied_min") if isinstance(v.get("satisfied_min"), int) else None),
    "attribution": lambda v: _simple(Attribution, v),
    "contracts": lambda v: Contracts(v.get("to_admin_within_months", Contracts.to_admin_within_months),
                                     v.get("to_archive_within_months", Contracts.to_archive_within_months),
                                     _strings(v.get("statistics_due")),
                                     v.get("reports_from") if isinstance(v.get("reports_from"), str) else None),
    "credit": lambda v: Credit(v["report_due"] if isinstance(v.get("report_due"), str) else Credit.report_due,
                               v.get("review_every_months", Credit.review_every_months),
                               _strings(v["file_required"]) if "file_required" in v else CREDIT_FILE),
    "surveys": lambda v: Surveys(v.get("per_year", Surveys.per_year), _named(v.get("aspects")), v.get("low_score"),
                                 _period(v.get("follow_up_within"))),
    "privacy": lambda v: _simple(Privacy, v),
    "encryption": lambda v: Encryption(
        v.get("enabled") is True,
        _strings(v["styles"]) if isinstance(v.get("styles"), list) else Encryption.styles,
        v.get("sealed_records", True) is not False,
        _strings(v["roles"]) if isinstance(v.get("roles"), list) else Encryption.roles,
        v.get("owner_reads", True) is not False, _strings(v.get("recipients"))),
    "signatures": lambda v: Signatures(str(v.get("mode", "off")), str(v.get("since") or ""),
                                       v.get("separate_commits", True) is not False),
    "calendar": lambda v: Calendar(_strings(v.get("holidays")), _strings(v.get("workdays")),
                                   _strings(v.get("closures"))),
    "notify": _notify,
}


def read(data: Any, broken: set[str] | frozenset[str] = frozenset()) -> Policy:
    """The typed policy from the parsed file; `broken` sections (they failed the schema) keep their defaults.
    Never raises: a value of the wrong type is read as the default, for history's old versions too."""
    data = data if isinstance(data, dict) else {}
    values = {key: reader(_section(data, key)) for key, reader in _READERS.items()
              if key not in broken and isinstance(data.get(key), dict)}
    return Policy(**values, broken=frozenset(broken) | (frozenset(CORE) if not data else frozenset()))


def broken_sections(index: Any) -> frozenset[str]:
    """The top-level sections of the policy that failed the schema (all of the core when the file is unusable)."""
    record = index.policy
    if record is None:
        return frozenset(CORE)
    found = set()
    for problem in index.problems:
        if problem.file != record.file or problem.severity != "error":
            continue
        section = (problem.field or "").split(".")[0].split("[")[0]
        if not section:
            return frozenset(CORE)
        found.add(section)
    return frozenset(found)


def of(index: Any) -> Policy:
    """The index's policy, read once."""
    found = index.derived.get("policy")
    if found is None:
        found = index.derived["policy"] = read(index.policy_data, broken_sections(index))
    return found
