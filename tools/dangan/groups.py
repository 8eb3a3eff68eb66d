"""Groups of records a rule's verdict rests on: how a changed record re-runs only its part of a rule.

A rule over many records (the visit schedules of every customer, the references of every record) is
mostly a rule over small groups of them: a customer's visits are judged against that customer's
contracts, complaints and visits, and no other customer's. A check that says so (`@grouped(BY_CUSTOMER)`)
promises that the problems it reports on a record depend only on

* that record, and the records that are *members* of a key the record *depends* on, and
* the kinds the grouping does not cover (read whole: the staff, for instance) and the policy.

The rules' cache (`rule_cache`) then runs such a check again, after a change, only over the records the
change can reach: the changed records' keys (before and after the change, so a visit moved to another
customer re-runs both), every record that depends on one of them, and what those depend on. The result
must equal a run over the whole archive; `tests/test_rule_cache.py` compares the two after every kind
of change. A record's keys are kept beside its content id (`RuleCache.memo`), so an unchanged record is
never decoded to find its group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .facts import loan_items
from .index import Index
from .policy import of as policy_of
from .record import Record
from .rules.numbers import dossier_regex

Keys = tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    name: str
    kinds: frozenset[str] | None  # the kinds it groups (None: every kind of record)
    # the keys a record belongs to, from the record alone with the schemas and the policy (which the store of
    # keys is kept under: `memo_store`), never from another record
    members: Callable[[Index, Record], Keys]
    depends: Callable[[Index, Record], Keys] | None = None  # the keys its verdict reads (None: its members)
    # a verdict reads the verdicts of what it depends on (a credit change reads its contract's whole decision):
    # what a change reaches, and what those rest on, are followed until nothing more is found
    transitive: bool = False
    # each record judged by itself alone: what a change reaches is the changed records (no keys are kept)
    per_record: bool = False

    def covers(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


def grouped(grouping: Grouping):
    """Mark a check as judging each record by its group only (see the module's docstring)."""
    def mark(check):
        check.grouping = grouping
        return check
    return mark


def grouping_of(check) -> Grouping | None:
    return getattr(check, "grouping", None)


# --- the groupings ------------------------------------------------------------------------------------
CUSTOMER_FIELD = {"visit": "customer", "contract": "customer", "complaint": "customer", "survey": "customer",
                  "registration": "customer", "dossier": "customer"}


def _customer(_index: Index, record: Record) -> Keys:
    if record.kind == "customer":
        return (record.id,)
    value = record.get(CUSTOMER_FIELD[record.kind])
    return (value,) if isinstance(value, str) else ()


# a customer with its visits, contracts, complaints, surveys, registrations and dossiers
BY_CUSTOMER = Grouping("customer", frozenset({"customer", *CUSTOMER_FIELD}), _customer)


def _self(_index: Index, record: Record) -> Keys:
    return (f"{record.kind}:{record.id}",)


def _targets(index: Index, record: Record) -> Keys:
    found: list[str] = [f"{record.kind}:{record.id}"]
    data = record.data
    for path, target in _reference_paths(index, record.kind):
        found += [f"{target}:{value}" for value in _values(data, path) if isinstance(value, str)]
    return tuple(dict.fromkeys(found))


def _reference_paths(index: Index, kind: str) -> tuple[tuple[tuple, str], ...]:
    """The fields of a kind that name a record (not a policy code): (path pattern, kind named), once per kind."""
    schemas = index.schemas
    known = schemas.__dict__.setdefault("_record_references", {})
    if kind not in known:
        known[kind] = tuple((info.path, info.ref) for info in schemas.references.get(kind, ())
                            if not info.ref.startswith("policy:"))
    return known[kind]


def _values(data: object, pattern: tuple) -> list:
    """The values at a field pattern (`schemas.values_at` without the paths), in the same order."""
    nodes = [data]
    for head in pattern:
        found: list = []
        for node in nodes:
            if head == "*":
                if isinstance(node, list):
                    found.extend(node)
                elif isinstance(node, dict):
                    found.extend(node.values())
            elif isinstance(node, dict) and head in node:
                found.append(node[head])
        nodes = found
        if not nodes:
            break
    return nodes


# each record alone (a well-formed ID number, mobile, credit code)
BY_RECORD = Grouping("record", None, _self, per_record=True)


# every record with the records it names: a record's references are judged by whether those exist
BY_REFERENCE = Grouping("reference", None, _self, _targets)


def _sale_members(_index: Index, record: Record) -> Keys:
    kind, customer = record.kind, record.get("customer") if record.kind != "customer" else record.id
    found = [f"c:{customer}"] if isinstance(customer, str) and kind != "credit_change" else []
    if kind == "visit":
        found.append(f"v:{record.id}")
    elif kind == "contract":
        found.append(f"k:{record.id}")
    elif kind == "credit_change" and isinstance(record.get("contract"), str):
        found.append(f"k:{record.get('contract')}")
    return tuple(found)


def _sale_depends(index: Index, record: Record) -> Keys:
    if record.kind != "contract":
        return _sale_members(index, record)
    found = list(_sale_members(index, record))
    details = record.get("attribution")
    if isinstance(details, dict):
        if isinstance(details.get("card_user"), str):
            found.append(f"c:{details['card_user']}")
        if isinstance(details.get("renewal_of"), str):
            found.append(f"k:{details['renewal_of']}")
        for claim in details.get("claims") or []:
            for ref in (claim.get("evidence") or []) if isinstance(claim, dict) else ():
                if isinstance(ref, str):
                    found.append(f"v:{ref}")
    return tuple(dict.fromkeys(found))


# a sale with everything its credit is decided by (seed 000 篇2): the contract, its credit changes, the customer
# (and the card user) with their visits and registrations, the contract it renews, the visits its claims cite
BY_SALE = Grouping("sale", frozenset({"customer", "visit", "registration", "credit_change", "contract"}),
                   _sale_members, _sale_depends, transitive=True)


def _department(_index: Index, record: Record) -> Keys:
    """A customer's department and itself; a review's department and the customers its decisions name."""
    found = [f"d:{record.get('department')}"] if isinstance(record.get("department"), str) else []
    if record.kind == "customer":
        found.append(f"c:{record.id}")
    else:
        found += [f"c:{d['customer']}" for d in record.get("decisions") or []
                  if isinstance(d, dict) and isinstance(d.get("customer"), str)]
    return tuple(dict.fromkeys(found))


# a department's customers with the reviews of that department (seed 004 §2–3: the tier quotas are counted per
# department, at each review and at each change of a tier), and a review with the customers its decisions change
BY_DEPARTMENT = Grouping("department", frozenset({"customer", "review"}), _department)


def _number(index: Index, record: Record) -> Keys:
    """A dossier's number series (year and business type, as the policy's pattern reads them) with its sequence;
    a contract's department with its number."""
    if record.kind == "contract":
        number, department = record.get("number"), record.get("department")
        return (f"k:{department}:{number}",) if isinstance(number, str) and isinstance(department, str) else ()
    policy = policy_of(index)
    regex = index.derived.get("dossier_regex")
    if regex is None:
        regex = index.derived["dossier_regex"] = dossier_regex(policy)[0]
    match = regex.match(record.id)
    if match is None:
        return ()
    found = match.groupdict()
    return (f"s:{found.get('year')}:{found.get('type')}",)


# the numbers that must not repeat and the series that must not leave a gap (seed 000: 档号 by year and business
# type; contracts within a department): a dossier with its series, a contract with its department's same number
BY_NUMBER = Grouping("number", frozenset({"dossier", "contract"}), _number)


def _item(_index: Index, record: Record) -> Keys:
    """A loan's items (dossiers, certificates, customers' files); a dossier or certificate itself."""
    if record.kind != "loan":
        return (f"{record.kind}:{record.id}",)
    return tuple(dict.fromkeys(f"{kind}:{item}" for kind, item in loan_items(record)))


# a lent item with the loans that name it (seed 000 §六: nothing lent twice at once; a dossier on loan while lent)
BY_ITEM = Grouping("item", frozenset({"loan", "dossier", "certificate"}), _item)


# every grouping a check may use (keys kept for each)
GROUPINGS = (BY_CUSTOMER, BY_REFERENCE, BY_SALE, BY_DEPARTMENT, BY_NUMBER, BY_ITEM, BY_RECORD)
