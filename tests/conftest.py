"""Test helpers: a small, valid archive in a temporary folder, built record by record."""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dangan.cli import cli
from dangan.identifiers import make_credit_code, make_id_number

REPO = Path(__file__).resolve().parents[1]
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
# named pipes, sockets, symbolic links, POSIX permissions and SIGKILL: Windows has none of them as tests need them
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX (named pipes, symlinks, permissions, signals)")
# for tests that run the installed command in a subprocess, as a user would
needs_dangan_command = pytest.mark.skipif(shutil.which("dangan") is None,
                                          reason="the `dangan` command is not on PATH: python3 -m pip install -e .")
FOLDERS = {"staff": "staff", "customer": "customers", "dossier": "dossiers", "certificate": "certificates",
           "loan": "loans", "visit": "visits", "complaint": "complaints", "contract": "contracts",
           "survey": "surveys", "disposal": "disposals", "review": "reviews", "report": "reports",
           "registration": "registrations", "credit_change": "credit_changes"}


def staff(sid: str, name: str, roles: list[str], department: str, **extra) -> dict:
    return {"id": sid, "name": name, "roles": roles, "department": department,
            "emails": [f"{sid.lower()}@hongyuan.example"], "joined_on": "2020-01-06", **extra}


# the checklist of seed 002 篇二 1.1–1.11 (contract `documents`): all there, so that archiving a contract is clean
CONTRACT_DOCUMENTS = ("negotiation", "counterparty_credentials", "counterparty_capacity", "counterparty_authorisation",
                      "our_authorisation", "guarantor_capacity", "correspondence", "notarisation", "contract_copies",
                      "acceptance", "receipts")


ADMITTED = {"checked": ["licence", "no_illegal_record", "signed_contract"],
            "approved": {"by": "S003", "date": "2024-03-05"}}


def customer(cid: str = "KH0001", **extra) -> dict:
    import datetime as dt
    data = {"id": cid, "type": "individual", "name": "王小明",
            "individual": {"id_number": make_id_number("150102", dt.date(1985, 4, 12), 13),
                           "gender": "male", "birth_date": "1985-04-12"},
            "contacts": [{"name": "王小明", "mobile": "13904710001"}],
            "addresses": [{"type": "home", "province": "内蒙古自治区", "city": "呼和浩特市", "district": "新城区",
                           "detail": "兴安北路 12 号"}],
            "owner": "S004", "department": "yw1", "status": "active", "first_contact_on": "2024-03-01",
            "created": {"by": "S004", "date": "2024-03-04"}, "admission": ADMITTED}
    data.update(extra)
    return data


def enterprise(cid: str = "KH0002", **extra) -> dict:
    data = {"id": cid, "type": "enterprise", "name": "呼和浩特市青城商贸有限公司",
            "enterprise": {"credit_code": make_credit_code("91", "150100", "MA0Q7K3B5"),
                           "legal_representative": "赵青城", "registered_capital": 500, "founded_on": "2012-05-18"},
            "contacts": [{"name": "赵青城", "title": "法定代表人", "mobile": "13904710002"}],
            "owner": "S004", "department": "yw1", "status": "active", "first_contact_on": "2024-03-01",
            "created": {"by": "S004", "date": "2024-03-04"}, "admission": ADMITTED}
    data.update(extra)
    return data


def dossier(did: str = "2024鸿借字第001号", **extra) -> dict:
    data = {"id": did, "customer": "KH0001", "business_type": "loan", "project": "王小明经营性贷款",
            "project_end": "2024-03-12", "manager_a": "S004", "manager_b": "S003",
            "inventory": [{"part": "approval", "items": [{"title": "借款申请书", "pages": 2, "form": "original"}]},
                          {"part": "contracts", "items": [{"title": "借款合同", "pages": 4, "form": "original"}]},
                          {"part": "investigation",
                           "items": [{"title": "贷前调查报告", "pages": 1, "form": "original"}]},
                          {"part": "customer", "items": [{"title": "身份证复印件", "pages": 1, "form": "copy"}]}],
            "total_pages": 8, "inventory_copies": 3,
            "inventory_signed": [{"by": "S004", "date": "2024-03-13"}, {"by": "S003", "date": "2024-03-13"},
                                 {"by": "S014", "date": "2024-03-14"}],
            "handover": [{"step": "a", "from": "S004", "to": "S003", "handed_on": "2024-03-13",
                          "received_on": "2024-03-13", "inventory_checked": True},
                         {"step": "b", "from": "S003", "to": "S014", "handed_on": "2024-03-14",
                          "received_on": "2024-03-14", "inventory_checked": True}],
            "location": "A柜-01层-01格", "status": "archived"}
    data.update(extra)
    return data


def plain_policy(root: Path) -> None:
    """The repository's policy in ROOT with its values kept plain: encryption off and no recipients (the
    repository's own demo archive is encrypted to the demo key; most tests write plain values)."""
    path = root / "records" / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    head, section = text.split("\nencryption:\n", 1)
    body, rest = re.split(r"\n(?=\S)", section, maxsplit=1)
    body = body.replace("  enabled: true", "  enabled: false", 1)
    body = re.sub(r"  recipients:\n(  - .*\n?)+", "  recipients: []", body + "\n").rstrip("\n")
    path.write_text(f"{head}\nencryption:\n{body}\n{rest}", encoding="utf-8")


class Archive:
    """A temporary archive: the repo's schemas and policy, the staff the policy names. Its values are written
    plain (`encryption.enabled: false`, no recipients) unless `encrypted`: the encryption tests turn it on."""

    def __init__(self, root: Path, encrypted: bool = False):
        self.root = root
        shutil.copytree(REPO / "schemas", root / "schemas")
        (root / "records").mkdir()
        shutil.copy(REPO / "records" / "policy.yaml", root / "records" / "policy.yaml")
        if not encrypted:
            plain_policy(root)
        for record in (staff("S001", "赵志远", ["chairman"], "ld"),
                       staff("S002", "钱立群", ["gm"], "ld"),
                       staff("S003", "孙建国", ["department_head", "project_manager"], "yw1"),
                       staff("S004", "李娜", ["project_manager", "sales_rep"], "yw1", superior="S003"),
                       staff("S007", "周海涛", ["department_head", "project_manager"], "yw2"),
                       staff("S011", "吴敏", ["department_head", "cs_supervisor"], "kf"),
                       staff("S013", "郑红", ["department_head"], "zh"),
                       staff("S014", "冯晓燕", ["archivist", "certificate_keeper"], "zh")):
            self.add("staff", record)

    def path(self, kind: str, rid: str) -> Path:
        return self.root / "records" / FOLDERS[kind] / f"{rid}.yaml"

    def add(self, kind: str, data: dict) -> Path:
        path = self.path(kind, data["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def edit_policy(self, change) -> None:
        path = self.root / "records" / "policy.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def run(self, *args: str):
        return CliRunner().invoke(cli, [*args, "--root", str(self.root)], catch_exceptions=False)

    def check(self, *args: str) -> tuple[int, list[dict]]:
        result = self.run("check", "--format", "json", *args)
        return result.exit_code, json.loads(result.output)["problems"]


def is_root() -> bool:
    """Running as root (POSIX): file permissions do not stop us unless `without_permission_bypass` drops that."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def without_permission_bypass() -> None:
    """In a child before exec: give up root's power to ignore file permissions (the tests run as root)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_denied(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`dangan ARGS` in a child process to which file permissions apply, root or not."""
    return subprocess.run([sys.executable, "-c", "from dangan.cli import main; main()", *args], capture_output=True,
                          text=True, timeout=timeout, check=False,
                          preexec_fn=without_permission_bypass if is_root() else None)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def codes(problems: list[dict]) -> list[str]:
    return [p["code"] for p in problems]
