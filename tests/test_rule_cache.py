"""The rules' cache (issue 18): a check whose inputs did not change gives its cached problems, and a
cached run reports exactly what a cold run reports after every kind of change, for every rule."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from dangan import checks
from dangan.reader import build, overlay


def report(root, cached: bool) -> list[tuple]:
    index = build(root, cache=cached)
    return sorted(((p.file, p.line or 0, p.column or 0, p.code, p.field or "", p.severity,
                    json.dumps(p.args, sort_keys=True, ensure_ascii=False, default=str))
                   for p in checks.run(index)), key=repr)


def same(root) -> list[tuple]:
    warm = report(root, cached=True)  # fills or uses the caches
    again = report(root, cached=True)
    cold = report(root, cached=False)
    assert warm == cold
    assert again == cold
    return cold


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def demo(tmp_path):
    """The demo archive with a few faults that cross-record rules find, as a git repository."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "records", root / "records")
    visit = sorted((root / "records" / "visits").glob("*.yaml"))[3]
    data = load(visit)
    data["staff"] = "S999"  # nobody: a reference error, and the schedules lose a visit
    dump(visit, data)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    "commit", "-qm", "demo"], check=True)
    assert same(root)
    return root


def test_an_unchanged_archive_reuses_every_rule_that_reads_only_records(demo):
    same(demo)
    saved = json.loads((demo / ".dangan-cache" / "rules-v2.json").read_text(encoding="utf-8"))
    names = {checks.name(c) for c in checks.CHECKS} - {checks.name(c) for c in checks.OUTSIDE}
    assert set(saved["checks"]) == names
    # each check's cached inputs are the kinds it read: the loans rule reads loans, not visits
    assert "loan" in saved["checks"]["loans.check_loans"]["prints"]
    assert "visit" not in saved["checks"]["loans.check_loans"]["prints"]


def test_a_view_built_by_one_rule_counts_for_the_next_that_uses_it(demo):
    """`visits_by_customer` is built once; every rule that uses it depends on visits, whoever built it."""
    same(demo)
    saved = json.loads((demo / ".dangan-cache" / "rules-v2.json").read_text(encoding="utf-8"))
    users = [name for name, entry in saved["checks"].items() if "visit" in entry["prints"]]
    assert len(users) > 2


@pytest.mark.parametrize("change", ["staff-role", "customer-owner", "visit-date", "dossier-pages", "delete-customer",
                                    "add-contract", "rename", "policy", "schema", "broken-yaml"])
def test_every_kind_of_change(demo, change):
    records = demo / "records"
    before = report(demo, cached=False)
    if change == "staff-role":  # a person's roles decide many rules
        path = records / "staff" / "S014.yaml"
        data = load(path)
        data["roles"] = ["sales_rep"]
        dump(path, data)
    elif change == "customer-owner":
        path = sorted((records / "customers").glob("*.yaml"))[0]
        data = load(path)
        data["owner"] = "S001"
        dump(path, data)
    elif change == "visit-date":
        path = sorted((records / "visits").glob("*.yaml"))[0]
        data = load(path)
        data["date"] = "2019-01-02"
        dump(path, data)
    elif change == "dossier-pages":
        path = sorted((records / "dossiers").glob("*.yaml"))[0]
        data = load(path)
        data["total_pages"] = (data.get("total_pages") or 0) + 1
        dump(path, data)
    elif change == "delete-customer":
        sorted((records / "customers").glob("*.yaml"))[0].unlink()
    elif change == "add-contract":
        source = sorted((records / "contracts").glob("*.yaml"))[0]
        data = load(source)
        data["id"] = "HT2025-900"
        dump(records / "contracts" / "HT2025-900.yaml", data)  # its number is now taken twice
    elif change == "rename":
        source = sorted((records / "complaints").glob("*.yaml"))[0]
        source.rename(source.with_name("KS2099-001.yaml"))
    elif change == "policy":
        path = records / "policy.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("reply_within: {days: 15", "reply_within: {days: 1"),
                        encoding="utf-8")
    elif change == "schema":
        path = demo / "schemas" / "visit.schema.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["required"] = [*schema.get("required", []), "outcome"]
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    elif change == "broken-yaml":
        path = sorted((records / "loans").glob("*.yaml"))[0]
        path.write_text(path.read_text(encoding="utf-8") + "\n  bad: [\n", encoding="utf-8")
    after = same(demo)
    assert after != before  # each change is seen, by the cached run as by the cold one


def test_a_same_size_edit_at_the_same_timestamp_is_seen(demo):
    """Written within the racy window, an edit of the same size and timestamp is found by content."""
    path = sorted((demo / "records" / "customers").glob("*.yaml"))[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")  # just written: the caches saved next cannot trust its timestamp
    same(demo)
    stat = path.stat()
    owner = load(path)["owner"]
    other = "S001" if owner != "S001" else "S002"
    path.write_text(text.replace(f"owner: {owner}", f"owner: {other}"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    same(demo)


def test_switching_branches(demo):
    subprocess.run(["git", "-C", str(demo), "checkout", "-q", "-b", "other"], check=True)
    path = sorted((demo / "records" / "staff").glob("*.yaml"))[2]
    data = load(path)
    data["roles"] = ["customer_service"]
    dump(path, data)
    subprocess.run(["git", "-C", str(demo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    "commit", "-qam", "other"], check=True)
    on_other = same(demo)
    subprocess.run(["git", "-C", str(demo), "checkout", "-q", "main"], check=True)
    on_main = same(demo)
    assert on_main != on_other


@pytest.mark.parametrize("change", ["replace-ref", "grafts", "commit"])
def test_the_checks_of_the_repository_follow_its_state(demo, change):
    """The checks of commits, signatures, history and seals are reused while HEAD, the refs, grafts and the
    shallow file are the same; a change to any of them is seen by the cached run as by the cold one."""
    def git(*args):
        return subprocess.run(["git", "-C", str(demo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                               *args], check=True, capture_output=True, text=True).stdout.strip()

    before = same(demo)
    saved = json.loads((demo / ".dangan-cache" / "rules-v2.json").read_text(encoding="utf-8"))
    assert "@git" in saved["checks"]["integrity.check_anchors"]["prints"]
    head = git("rev-parse", "HEAD")
    if change == "replace-ref":
        git("commit", "-q", "--allow-empty", "-m", "other")
        other = git("rev-parse", "HEAD")
        git("reset", "-q", "--hard", head)
        git("replace", head, other)
    elif change == "grafts":
        git("commit", "-q", "--allow-empty", "-m", "next")
        (demo / ".git" / "info").mkdir(exist_ok=True)
        (demo / ".git" / "info" / "grafts").write_text(f"{git('rev-parse', 'HEAD')}\n", encoding="utf-8")
    else:
        path = sorted((demo / "records" / "customers").glob("*.yaml"))[0]
        path.write_text(path.read_text(encoding="utf-8") + "# 改\n", encoding="utf-8")
        git("commit", "-qam", "改")
    after = same(demo)
    if change == "commit":  # the history store was appended to: the same as a history read again from git
        shutil.rmtree(demo / ".dangan-cache")
        assert report(demo, cached=False) == after
    if change != "commit":  # git shows other history than the commits hold: reported
        assert after != before and "history.replaced" in {row[3] for row in after}


def test_an_act_in_memory_is_not_mistaken_for_the_file_on_disk(demo):
    """An act checks an overlay of the texts it will write: the cache must not answer for the files."""
    same(demo)
    index = build(demo)
    path = sorted((demo / "records" / "dossiers").glob("*.yaml"))[0]
    rel = path.relative_to(demo).as_posix()
    data = load(path)
    data["total_pages"] = (data.get("total_pages") or 0) + 1
    changed = overlay(index, {rel: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    codes = [p.code for p in checks.run(changed) if p.file == rel]
    assert "dossier.pages" in codes
    assert "dossier.pages" not in [p.code for p in checks.run(build(demo)) if p.file == rel]


def test_a_damaged_or_foreign_cache_is_set_aside(demo):
    same(demo)
    cache = demo / ".dangan-cache" / "rules-v2.json"
    cache.write_text('{"key": "x", "checks": {"loans.check_loans": "nonsense"}}', encoding="utf-8")
    same(demo)
    saved = json.loads(cache.read_text(encoding="utf-8"))
    saved["checks"]["loans.check_loans"]["problems"] = [{"code": "forged"}]
    cache.write_text(json.dumps(saved), encoding="utf-8")
    assert "forged" not in [p[3] for p in report(demo, cached=True)]  # a malformed entry is run again
    cache.write_text("\0\0 not json", encoding="utf-8")
    same(demo)
    cache.unlink()
    cache.mkdir()  # a folder in its place: the run goes on without it
    same(demo)


def test_a_shared_view_counts_as_read_each_time_it_is_used(demo):
    """The facts' views are built once; a rule that finds one already built still read its kinds."""
    from dangan.facts import facts
    from dangan.index import THROUGH
    from dangan.rules.contracts import recorded_through

    index = build(demo)
    f = facts(index)
    for use, kinds in ((lambda: f.visits_by_customer, {"visit"}), (lambda: f.loans_by_item, {"loan"}),
                       (lambda: f.certificates_by_dossier, {"certificate"}),
                       (lambda: recorded_through(index), {THROUGH})):
        for _ in range(2):  # built, then reused
            index.reads = set()
            use()
            assert kinds <= index.reads
    index.reads = None


def test_every_memo_the_rules_can_reach_is_traced():
    """A view memoised where the rules can reach it either notes the kinds it was built from on every use
    (`facts.shared`, `Index.note_reads`) or reads no records (the policy's calendar, git's history)."""
    import re

    from dangan.facts import Facts

    untraced = {name for name, value in vars(Facts).items() if type(value).__name__ == "cached_property"}
    assert untraced <= {"calendar"}  # the policy's (git's history, audit and anchors note `Index.GIT`)
    package = REPO / "tools" / "dangan"
    for path in [*(package / "rules").glob("*.py"), package / "facts.py", package / "schedules.py",
                 package / "attribution.py"]:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"index\.derived\[\"(\w+)\"\]\s*=", text):
            if match.group(1) in ("facts", "policy"):
                continue
            function = text[:match.start()].rsplit("\ndef ", 1)[-1]
            assert "note_reads(" in function, f"{path.name}: index.derived[{match.group(1)!r}] is not traced"


# --- grouped rules: a change re-runs only the groups it reaches ---------------------------------------------
@pytest.fixture
def regroups(monkeypatch):
    """The grouped checks run again over a part of the index, with the number of records each part held."""
    from dangan import rule_cache

    seen: dict[str, int] = {}
    original = rule_cache.RuleCache.regroup

    def spy(self, name, check, index):
        found = original(self, name, check, index)
        if found is not None:  # the records of the part this check's grouping ran over
            grouping = rule_cache.grouping_of(check)
            seen[name] = max(sum(len(v) for kind, v in plan.part.records.items() if grouping.covers(kind))
                             for (used, _), plan in self._plans.items() if used == grouping.name and plan)
        return found
    monkeypatch.setattr(rule_cache.RuleCache, "regroup", spy)
    return seen


def _visit(records, index=0):
    path = sorted((records / "visits").glob("*.yaml"))[index]
    return path, load(path)


@pytest.mark.parametrize("change", ["visit-moves-customer", "visit-added", "visit-deleted", "visit-staff-missing",
                                    "customer-deleted", "survey-follow-up-elsewhere", "through-moves",
                                    "contract-for-visits", "staff-left", "evidence-surname", "evidence-deleted",
                                    "credit-change-late", "registration-deleted", "claim-customer-name",
                                    "customer-blacklisted", "registration-bad-mobile", "customer-moves-department",
                                    "review-decision-changed", "tier-raised", "dossier-number-twice",
                                    "dossier-gap", "contract-number-twice", "loan-overlaps", "loan-returned",
                                    "lent-file-sealed"])
def test_a_grouped_rule_after_a_change_equals_a_cold_run(demo, change, regroups):
    """Each grouped rule re-run over only the groups a change reaches reports what a cold run reports:
    moving a visit between customers (both groups), adding and deleting visits, breaking and mending
    references, a survey naming another customer's visit, the archive's own today moving, a new contract
    starting a customer's schedules, a change to a kind read whole."""
    records = demo / "records"
    before = same(demo)
    total = sum(1 for _ in records.rglob("*.yaml"))
    visit, data = _visit(records, 5)
    if change == "visit-moves-customer":
        other = sorted((records / "customers").glob("*.yaml"))[-1].stem
        assert data["customer"] != other
        data["customer"] = other
        dump(visit, data)
    elif change == "visit-added":
        data["id"] = "HF2026-9001"
        data["date"] = "2025-06-30"
        dump(records / "visits" / "HF2026-9001.yaml", data)
    elif change == "visit-deleted":
        visit.unlink()
    elif change == "visit-staff-missing":
        data["staff"] = "S998"
        dump(visit, data)
    elif change == "customer-deleted":
        (records / "customers" / f"{data['customer']}.yaml").unlink()
    elif change == "survey-follow-up-elsewhere":
        survey = sorted((records / "surveys").glob("*.yaml"))[0]
        found = load(survey)
        elsewhere = next(load(v) for v in sorted((records / "visits").glob("*.yaml"))
                         if load(v)["customer"] != found["customer"])
        found["follow_up"] = {"visit": elsewhere["id"]}
        dump(survey, found)
    elif change == "through-moves":  # a visit far ahead: every customer's overdue reviews move with the day
        data["date"] = "2027-06-30"
        dump(visit, data)
    elif change == "contract-for-visits":
        source = sorted((records / "contracts").glob("*.yaml"))[0]
        found = load(source)
        found["id"], found["customer"], found["signed_on"] = "HT2025-901", data["customer"], "2025-03-03"
        dump(records / "contracts" / "HT2025-901.yaml", found)
    elif change == "staff-left":
        path = records / "staff" / "S014.yaml"
        found = load(path)
        found["roles"] = ["sales_rep"]
        dump(path, found)
    elif change in ("evidence-surname", "evidence-deleted"):  # a visit a sales claim cites as its evidence
        cited = records / "visits" / "HF2025-0191.yaml"
        if change == "evidence-deleted":
            cited.unlink()
        else:
            found = load(cited)
            found["surname"] = "欧阳"
            dump(cited, found)
    elif change == "credit-change-late":  # signed off after the month's close: the change no longer counts
        path = records / "credit_changes" / "GD2025-001.yaml"
        found = load(path)
        found["director"]["date"] = "2026-01-20"
        dump(path, found)
    elif change == "registration-deleted":
        (records / "registrations" / "DJ2025-0001.yaml").unlink()
    elif change == "claim-customer-name":  # the customer's name decides whose surname is valid evidence
        contract = load(records / "contracts" / "HT2025-015.yaml")
        path = records / "customers" / f"{contract['customer']}.yaml"
        found = load(path)
        found["name"] = "欧阳" + str(found["name"])[1:]
        dump(path, found)
    elif change == "registration-bad-mobile":  # written plain and malformed: judged by itself alone
        path = records / "registrations" / "DJ2025-0001.yaml"
        found = load(path)
        found["mobile"] = "1381234"
        dump(path, found)
    elif change == "customer-blacklisted":  # its later contracts become business with a blacklisted customer
        contract = load(sorted((records / "contracts").glob("*.yaml"))[0])
        path = records / "customers" / f"{contract['customer']}.yaml"
        found = load(path)
        found["blacklist"] = {"date": "2020-01-01", "scope": "company", "reason": "测试", "by": "S001"}
        dump(path, found)
    elif change == "customer-moves-department":  # a VIP counted in the other department's quota: both re-counted
        path = records / "customers" / "KH0004.yaml"
        found = load(path)
        assert (found["department"], found["tier"]) == ("yw2", "vip")
        found["department"] = "yw1"
        dump(path, found)
    elif change == "review-decision-changed":  # the review says another tier than the customer's history
        path = records / "reviews" / "PS2025H1-YW1.yaml"
        found = load(path)
        assert found["decisions"][0]["customer"] == "KH0018"
        found["decisions"][0]["to"] = "preferred"
        dump(path, found)
    elif change == "tier-raised":  # one more VIP than the department's quota allows on its day
        path = sorted(p for p in (records / "customers").glob("*.yaml")
                      if load(p).get("department") == "yw1" and load(p).get("tier") == "qualified"
                      and load(p).get("status") == "active")[0]
        found = load(path)
        found["tier"] = "vip"
        found["tier_history"] = [*(found.get("tier_history") or []), {"tier": "vip", "since": "2025-07-10",
                                                                      "reason": "测试"}]
        dump(path, found)
    elif change == "dossier-number-twice":  # 第0002号 is 第002号's number again
        found = load(records / "dossiers" / "2014鸿借字第002号.yaml")
        found["id"] = "2014鸿借字第0002号"
        dump(records / "dossiers" / "2014鸿借字第0002号.yaml", found)
    elif change == "dossier-gap":  # the series 2014鸿借 now lacks its 002
        (records / "dossiers" / "2014鸿借字第002号.yaml").unlink()
    elif change == "contract-number-twice":
        found = load(records / "contracts" / "HT2023-001.yaml")
        found["id"] = "HT2023-901"
        dump(records / "contracts" / "HT2023-901.yaml", found)
    elif change == "loan-overlaps":  # the dossier lent again while it is out
        found = load(records / "loans" / "JY2025-003.yaml")
        found["id"] = "JY2025-903"
        found["lent"]["date"] = "2025-12-01"
        dump(records / "loans" / "JY2025-903.yaml", found)
    elif change == "loan-returned":  # its dossier still says it is on loan
        path = records / "loans" / "JY2025-003.yaml"
        found = load(path)
        found["returned"] = {"date": "2025-12-01", "checked_by": found["lent"]["by"], "complete": True}
        dump(path, found)
    elif change == "lent-file-sealed":  # a file out on loan is sealed: its slip now needs a sealed-access approver
        path = records / "dossiers" / "2025鸿借字第002号.yaml"
        found = load(path)
        found["confidentiality"] = "sealed"
        dump(path, found)
    regroups.clear()
    assert same(demo) != before  # each change is seen, by the grouped run as by the cold one
    grouped = {"lent-file-sealed": {"loans.check_loans"},
               "customer-moves-department": {"tiers.check_tier_changes", "tiers.check_reviews"},
               "review-decision-changed": {"tiers.check_reviews"},
               "tier-raised": {"tiers.check_tier_changes", "tiers.check_tier_criteria"},
               "dossier-number-twice": {"numbering.check_dossier_numbers"},
               "dossier-gap": {"numbering.check_dossier_numbers", "loans.check_dossier_status"},
               "contract-number-twice": {"numbering.check_contract_numbers"},
               "loan-overlaps": {"loans.check_double_lending", "loans.check_dossier_status"},
               "loan-returned": {"loans.check_double_lending", "loans.check_dossier_status"}}.get(change)
    if grouped:
        assert grouped <= set(regroups), regroups
        assert max(regroups[name] for name in grouped) < total / 4, regroups
    if change in ("visit-moves-customer", "visit-added", "visit-deleted", "visit-staff-missing"):
        assert "visits.check_late_visits" in regroups and "references.check_references" in regroups
        assert max(regroups.values()) < total / 4, regroups  # a part of the archive, not the whole
    if change == "registration-bad-mobile":
        assert regroups.get("identifiers.check_identifiers") == 1, regroups
    if change == "customer-blacklisted":
        assert "customers.check_blacklist" in regroups and max(regroups.values()) < total / 4, regroups
    if change == "staff-left":  # the staff are read whole by these rules: a change to them runs them whole
        assert "visits.check_late_visits" not in regroups
    if change.startswith(("evidence", "credit-change", "registration", "claim")):
        read = {"attribution.check_credit_changes"} if change == "credit-change-late" else {"attribution.check_claims"}
        assert {"contracts.check_attribution", *read} <= set(regroups), regroups
        assert max(regroups.values()) < total / 4, regroups


def test_a_rule_is_grouped_only_where_its_groups_are_kept(demo, regroups):
    """Without the memo file the grouped rules run whole, and agree; a forged memo file is not trusted apart
    from the entries written with it."""
    records = demo / "records"
    same(demo)
    memo = demo / ".dangan-cache" / "memo-v1.sqlite"
    assert memo.is_file()
    with sqlite3.connect(memo) as db:  # another run's store, or a forged one: not the one the entries rest on
        db.execute("UPDATE meta SET v = 'forged' WHERE k = 'generation'")
        db.execute("DELETE FROM keys")  # and every group it held forgotten: trusted, it would hide every change
    visit, data = _visit(records, 2)
    data["staff"] = "S998"
    dump(visit, data)
    regroups.clear()
    same(demo)
    assert not regroups  # the entries were not written with this memo file: every grouped rule ran whole
    memo.unlink()
    data["staff"] = "S997"
    dump(visit, data)
    same(demo)
    assert not regroups
    memo.write_bytes(b"\0not a store" * 100)  # damaged: set aside, written again
    data["staff"] = "S995"
    dump(visit, data)
    same(demo)
    assert not regroups
    data["staff"] = "S996"
    dump(visit, data)
    same(demo)
    assert "references.check_references" in regroups  # the memo file written again: grouped once more


def test_an_act_checks_only_the_groups_it_touches(demo, regroups):
    """An act's records, held in memory, are judged by the grouped rules over their groups only, and the verdict
    equals a cold check of the same records; the check of the written files afterwards reuses it."""
    same(demo)
    index = build(demo)
    checks.run(index)  # as an act does first: the problems there already
    _, data = _visit(demo / "records", 4)
    data["id"], data["date"], data["staff"] = "HF2026-9002", "2025-07-01", "S997"  # a late visit by nobody
    rel = "records/visits/HF2026-9002.yaml"
    changed = overlay(index, {rel: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    # the fingerprints of the kinds the act left alone come with it; the visits' are made again
    assert changed.known_print("staff") == index.known_print("staff") is not None
    assert index.known_print("visit") is not None and changed.known_print("visit") is None
    regroups.clear()
    grouped = sorted((p.file, p.code, p.field or "") for p in checks.run(changed))
    assert {"visits.check_late_visits", "references.check_references"} <= set(regroups)
    total = sum(len(v) for v in index.records.values())
    assert max(regroups.values()) < total / 4
    cold = sorted((p.file, p.code, p.field or "") for p in checks.run(overlay(build(demo, cache=False), {
        rel: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}), cache=False))
    assert grouped == cold
    assert (rel, "ref.missing", "staff") in grouped
    assert changed.known_print("visit") not in (None, index.known_print("visit"))
    dump(demo / rel, data)  # the act writes the file: its check is the one already made
    regroups.clear()
    assert same(demo)
    assert not regroups


def test_an_odd_file_beside_the_memo_store_neither_hangs_nor_misleads(demo):
    """A named pipe in the memo store's write-ahead log's place (SQLite would block on it) or a folder where the
    store belongs: the check goes on, whole where it must, and agrees with a cold run."""
    same(demo)
    memo = demo / ".dangan-cache" / "memo-v1.sqlite"
    wal = memo.with_name(memo.name + "-wal")
    wal.unlink(missing_ok=True)
    os.mkfifo(wal)
    visit, data = _visit(demo / "records", 3)
    data["staff"] = "S994"
    dump(visit, data)
    same(demo)  # would hang for good on the pipe
    assert not wal.exists() or not stat.S_ISFIFO(os.lstat(wal).st_mode)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{memo}{suffix}").unlink(missing_ok=True)
    memo.mkdir()
    data["staff"] = "S993"
    dump(visit, data)
    same(demo)
