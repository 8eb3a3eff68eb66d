"""Sensitive personal values encrypted at rest (issue 20), with real keys made here: the staff's SSH ed25519
keys (ssh-keygen) and a CI age key. Encrypt -> commit -> check with and without a key -> reveal -> rekey after
a leaver; plain values refused by check and by the real pre-commit hook; acts and imports write only encrypted
values; nothing committed, cached or published holds the raw numbers."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest
import yaml
from click.testing import CliRunner

from conftest import customer, enterprise
from dangan import crypto
from dangan.cli import cli
from dangan.identifiers import make_id_number
from gitarchive import GitArchive
from test_sheets import messy_customers

RAW = ("13904710001", "13904710002", customer()["individual"]["id_number"])


def run(repo: GitArchive, sid: str | None, *args: str, key: Path | None = None):
    """`dangan [--key KEY] ARGS` as staff member `sid` (git identity and signing key set as theirs)."""
    if sid:
        repo.configure(sid)
    head = ["--key", str(key)] if key else []
    return CliRunner().invoke(cli, [*head, *args, "--root", str(repo.root)], catch_exceptions=False)


def committed_text(repo: GitArchive) -> str:
    """Every file of every commit, as git holds it."""
    blobs = repo.git("rev-list", "--objects", "--all").stdout.split()
    out = []
    for obj in blobs:
        if repo.git("cat-file", "-t", obj, check=False).stdout.strip() == "blob":
            out.append(repo.git("cat-file", "-p", obj).stdout)
    return "\n".join(out)


def tree_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*")
                     if p.is_file() and ".git" not in p.relative_to(root).parts[:1])


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    """An archive with encryption on from its start: GM S002 and archivist S014 read every value, the owner S004
    reads their customers', and the CI's age key reads everything; two customers written through `dangan new`."""
    repo = GitArchive(tmp_path / "archive", tmp_path / "keys")
    ci = pyrage.x25519.Identity.generate()
    repo.ci_key = tmp_path / "keys" / "ci.age"
    repo.ci_key.write_text(f"{ci}\n", encoding="ascii")

    def enable(policy):
        policy["encryption"] = {"enabled": True, "roles": ["gm", "archivist"], "owner_reads": True,
                                "recipients": [str(ci.to_public())]}
        policy["signatures"]["mode"] = "off"  # signatures are tested elsewhere; here only who can read

    repo.edit_policy(enable)
    repo.commit("S002", "启用加密存储", date="2024-03-01")
    result = run(repo, "S014", "encrypt")  # makes the digest key: nothing else to encrypt yet
    assert result.exit_code == 0, result.output
    assert (repo.root / crypto.DIGEST_KEY_FILE).is_file()
    for data in (customer(), enterprise()):
        sets = [f"name={data['name']}", f"type={data['type']}", "owner=S004", "department=yw1", "status=prospect",
                "first_contact_on=2024-03-01", f"contacts[0].name={data['contacts'][0]['name']}",
                f"contacts[0].mobile={data['contacts'][0]['mobile']}"]
        if data["type"] == "individual":
            sets += [f"individual.id_number={data['individual']['id_number']}", "individual.gender=male",
                     "individual.birth_date=1985-04-12"]
        else:
            sets += [f"enterprise.credit_code={data['enterprise']['credit_code']}"]
        args = [a for s in sets for a in ("--set", s)]
        result = run(repo, "S004", "new", "customer", "--yes", "--no-input", "--on", "2024-03-04", *args,
                     key=repo.keys / "S004")
        assert result.exit_code == 0, result.output
    return repo


def crypto_codes(problems: list[dict]) -> list[str]:
    return sorted(p["code"] for p in problems if p["code"].startswith(("crypto.", "id.")))


def check(repo: GitArchive, key: Path | None = None) -> tuple[int, list[dict]]:
    import json
    result = run(repo, None, "check", "--format", "json", key=key)
    return result.exit_code, json.loads(result.output)["problems"]


def test_acts_write_only_encrypted_values_and_check_says_what_it_could_not_run(repo):
    data = yaml.safe_load(repo.path("customer", "KH0001").read_text(encoding="utf-8"))
    assert crypto.is_token(data["individual"]["id_number"]) and crypto.is_token(data["contacts"][0]["mobile"])
    assert data["name"] == "王小明" and data["individual"]["gender"] == "male"  # everything else stays in clear
    assert not any(raw in committed_text(repo) for raw in RAW)

    code, problems = check(repo)  # no key: everything else runs, and one warning says what did not
    assert code == 0 and crypto_codes(problems) == ["crypto.unchecked"]
    unchecked = next(p for p in problems if p["code"] == "crypto.unchecked")
    assert "3 个加密值未解密" in unchecked["message"] and "id.*" in unchecked["message"]

    for key in (repo.ci_key, repo.keys / "S002", repo.keys / "S004"):  # CI, the GM, the owner
        assert check(repo, key) == (0, []), key
    code, problems = check(repo, repo.keys / "S003")  # a department head of no reading role
    assert code == 0 and crypto_codes(problems) == ["crypto.not-for-key"]
    for cache in (repo.root / ".dangan-cache").rglob("*"):  # the record store and the rules' cache
        if cache.is_file():
            assert not any(raw.encode() in cache.read_bytes() for raw in RAW), cache


def test_a_wrong_id_number_is_found_with_the_key_and_reported_as_unchecked_without(repo):
    bad = make_id_number("150102", dt.date(1985, 4, 12), 13)[:-1] + "0"
    recipient = crypto.recipient(crypto.public_of(crypto.identities(repo.ci_key)[0]))
    path = repo.path("customer", "KH0001")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["individual"]["id_number"] = crypto.seal(bad, [recipient])
    repo.add("customer", data)
    assert crypto_codes(check(repo, repo.ci_key)[1]) == ["id.checksum"]
    assert crypto_codes(check(repo)[1]) == ["crypto.unchecked"]


def test_a_plain_value_is_an_error_of_check_and_of_the_pre_commit_hook(repo):
    path = repo.path("customer", "KH0002")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["contacts"][0]["mobile"] = "13904710002"
    repo.add("customer", data)
    code, problems = check(repo, repo.ci_key)
    errors = [(p["code"], p["field"]) for p in problems if p["severity"] == "error"]
    assert code == 1 and errors == [("crypto.plaintext", "contacts[0].mobile")]
    config = (Path(__file__).resolve().parents[1] / "tools/dangan/templates/init/pre-commit-config.yaml")
    (repo.root / ".pre-commit-config.yaml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    repo.git("add", ".pre-commit-config.yaml")
    assert subprocess.run(["pre-commit", "install"], cwd=repo.root, capture_output=True).returncode == 0
    repo.git("add", "-A")
    refused = repo.git("-c", "user.email=s004@hongyuan.example", "commit", "-m", "明文手机", check=False)
    assert refused.returncode != 0 and "crypto.plaintext" in refused.stdout + refused.stderr
    assert "13904710002" not in repo.git("log", "--all", "-p").stdout


def test_reveal_a_record_then_rekey_after_a_leaver(repo):
    shown = run(repo, "S004", "show", "KH0001")
    assert shown.exit_code == 0 and "〔已加密〕" in shown.output and "13904710001" not in shown.output
    assert run(repo, "S004", "show", "KH0001", "--reveal").exit_code == 2  # no key
    revealed = run(repo, "S004", "show", "KH0001", "--reveal", key=repo.keys / "S004")
    assert revealed.exit_code == 0 and "13904710001" in revealed.output and RAW[2] in revealed.output

    # the archivist S014 leaves: the values still open with their key, and check says so
    staff = yaml.safe_load(repo.path("staff", "S014").read_text(encoding="utf-8"))
    repo.add("staff", {**staff, "left_on": "2024-06-30"})
    repo.commit("S002", "S014 离职", date="2024-06-30")
    problems = check(repo, repo.ci_key)[1]
    assert [p["message"] for p in problems if p["code"] == "crypto.departed-recipient"] == \
        ["加密值仍可由已离职或已撤销的密钥解密：冯晓燕（S014）"] * 2
    old = repo.path("customer", "KH0001").read_text(encoding="utf-8")
    before = repo.git("rev-parse", "HEAD").stdout.strip()
    result = run(repo, "S002", "rekey", key=repo.ci_key)
    assert result.exit_code == 0, result.output
    assert repo.git("rev-list", "--count", f"{before}..HEAD").stdout.strip() == "1"
    assert "Dangan-Act: rekey" in repo.git("log", "-1", "--format=%B").stdout
    assert not [p for p in check(repo, repo.ci_key)[1] if p["code"].startswith("crypto.")]
    new = yaml.safe_load(repo.path("customer", "KH0001").read_text(encoding="utf-8"))
    leaver, gm = crypto.identities(repo.keys / "S014"), crypto.identities(repo.keys / "S002")
    old_mobile = yaml.safe_load(old)["contacts"][0]["mobile"]
    assert crypto.unseal(old_mobile, leaver) == "13904710001"  # history keeps what it was encrypted to
    assert crypto.unseal(new["contacts"][0]["mobile"], leaver) is None
    assert crypto.unseal(new["contacts"][0]["mobile"], gm) == "13904710001"
    assert crypto.digest_of(old_mobile) == ""  # the owner wrote it: the digest key is not theirs
    assert crypto.digest_of(new["contacts"][0]["mobile"])  # rekey by a full reader adds the digest
    assert crypto.read_digest_key(repo.root, leaver) is None


def test_a_sealed_record_opens_only_on_an_approved_slip_and_each_opening_is_recorded(repo):
    data = yaml.safe_load(repo.path("customer", "KH0001").read_text(encoding="utf-8"))
    repo.add("customer", {**data, "confidentiality": "sealed"})
    repo.commit("S004", "封存客户", date="2024-03-05")
    refused = run(repo, "S004", "show", "KH0001", "--reveal", "--reason", "核对还款", key=repo.keys / "S004")
    assert refused.exit_code == 1 and "须有经总经理批准" in refused.output
    assert run(repo, "S004", "show", "KH0001", "--reveal", key=repo.keys / "S004").exit_code == 2  # no reason
    today = dt.date.today()
    repo.add("loan", {"id": "JY2024-001", "customers": ["KH0001"], "borrower": "S004", "purpose": "核对还款",
                      "approved": {"by": "S002", "date": (today - dt.timedelta(days=1)).isoformat()},
                      "due_on": (today + dt.timedelta(days=5)).isoformat()})
    repo.commit("S002", "批准查阅", date="2024-03-06")
    shown = run(repo, "S004", "show", "KH0001", "--reveal", "--reason", "核对还款", key=repo.keys / "S004")
    assert shown.exit_code == 0, shown.output
    assert "13904710001" in shown.output
    loan = yaml.safe_load(repo.path("loan", "JY2024-001").read_text(encoding="utf-8"))
    assert loan["viewed"] == [{"by": "S004", "date": today.isoformat(), "note": "customer/KH0001：核对还款"}]
    log = repo.git("log", "-1", "--format=%ae%n%B").stdout
    assert log.startswith("s004@hongyuan.example") and "Dangan-Act: reveal" in log


def test_the_messy_import_finds_duplicates_and_writes_only_encrypted_values(repo, tmp_path):
    sheet = messy_customers(tmp_path / "客户.xlsx")
    result = run(repo, "S004", "import", "customer", str(sheet), "--skip-bad", key=repo.keys / "S004")
    assert "第 6 行：疑似与已有客户重复：KH0001 王小明：身份证号码相同" in result.output  # opened with the key
    repo.git("rm", "-q", "records/customers/KH0001.yaml", "records/customers/KH0002.yaml")
    repo.commit("S004", "删除测试客户", date="2024-03-06")
    result = run(repo, "S004", "import", "customer", str(sheet), "--skip-bad", key=repo.keys / "S004")
    assert result.exit_code == 0 and "新建 2 条" in result.output, result.output
    imported = [yaml.safe_load(repo.path("customer", rid).read_text(encoding="utf-8")) for rid in ("KH0001", "KH0002")]
    mobiles = [c["mobile"] for r in imported for c in r["contacts"]]
    assert len(mobiles) == 2 and all(crypto.is_token(m) for m in mobiles)
    assert crypto.is_token(imported[1]["individual"]["id_number"])
    assert "13904710001" not in repo.git("show", "HEAD").stdout
    assert check(repo, repo.ci_key) == (0, [])


def test_the_public_site_needs_no_key_and_the_internal_one_shows_the_values(repo, tmp_path):
    root = Path(__file__).resolve().parents[1]
    shutil.copy(root / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(root / "site", repo.root / "site")
    public = tmp_path / "public"
    result = run(repo, None, "site", "build", "--output", str(public))
    assert result.exit_code == 0, result.output
    page = (public / "records" / "customer" / "KH0001" / "index.html")
    pages = [page] if page.is_file() else list(public.rglob("*.html"))
    assert "〔已加密〕" in "".join(p.read_text(encoding="utf-8") for p in pages)
    assert not any(raw in tree_text(public) for raw in RAW)
    internal = tmp_path / "internal"
    refused = run(repo, None, "site", "build", "--internal", "--output", str(internal))
    assert refused.exit_code != 0  # the internal build without a key: refused, not half-shown
    result = run(repo, None, "site", "build", "--internal", "--output", str(internal), key=repo.ci_key)
    assert result.exit_code == 0, result.output
    assert all(raw in tree_text(internal) for raw in RAW)


def test_init_makes_an_archive_encrypted_from_its_first_commit(tmp_path):
    target = tmp_path / "new"
    result = CliRunner().invoke(cli, ["init", str(target), "--name", "测试融资担保有限公司", "--short-name", "测"])
    assert result.exit_code == 0, result.output
    policy = yaml.safe_load((target / "records" / "policy.yaml").read_text(encoding="utf-8"))
    assert policy["encryption"]["enabled"] is True and policy["encryption"]["recipients"][0].startswith("age1")
    tracked = subprocess.run(["git", "-C", str(target), "ls-files"], capture_output=True, text=True).stdout.split()
    assert crypto.DIGEST_KEY_FILE in tracked and ".dangan-keys/ci.age" not in tracked
    ci = crypto.identities(target / ".dangan-keys" / "ci.age")
    assert crypto.read_digest_key(target, ci) is not None
