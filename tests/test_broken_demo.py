"""A broken copy of the demo archive: every problem is reported at once, each in its file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

from conftest import REPO, needs_dangan_command, plain_policy
from dangan.demo.records import demo_records
from dangan.demo.write import write_records

pytestmark = needs_dangan_command

def test_all_problems_reported_at_once(tmp_path):
    root = tmp_path / "demo"  # the demo company with its values plain (the repository's copy is encrypted)
    shutil.copytree(REPO / "schemas", root / "schemas")
    (root / "records").mkdir(parents=True)
    shutil.copy(REPO / "records" / "policy.yaml", root / "records" / "policy.yaml")
    plain_policy(root)
    write_records(root, demo_records())
    records = root / "records"
    customers = sorted((records / "customers").glob("*.yaml"))
    dossiers = sorted((records / "dossiers").glob("*.yaml"))
    staff = sorted((records / "staff").glob("*.yaml"))
    broken: dict[str, str] = {}

    def edit(path, change, code):
        text = path.read_text(encoding="utf-8")
        new = change(text)
        assert new != text, path
        path.write_text(new, encoding="utf-8")
        broken[path.relative_to(root).as_posix()] = code

    # an unquoted mobile: YAML would read a number
    edit(customers[0], lambda t: re.sub(r"mobile: '(\d{11})'", r"mobile: \1", t, count=1), "yaml.needs-quotes")
    # a duplicate key
    edit(customers[1], lambda t: t.replace("\nstatus:", "\nstatus: active\nstatus:", 1), "yaml.duplicate-key")
    # a wrong value
    edit(customers[2], lambda t: re.sub(r"\nstatus: \w+", "\nstatus: vip", t, count=1), "schema.enum")
    # a broken check digit
    edit(customers[3], lambda t: re.sub(r"(credit_code|id_number): '?(\w{17})(\w)'?",
                                        lambda m: f"{m.group(1)}: '{m.group(2)}{'0' if m.group(3) != '0' else '1'}'",
                                        t, count=1), "id.checksum")
    # a reference to nowhere
    edit(dossiers[5], lambda t: re.sub(r"\ncustomer: \w+", "\ncustomer: KH9999", t, count=1), "ref.missing")
    # tab indentation
    edit(dossiers[6], lambda t: t.replace("\n  - part:", "\n\t- part:", 1), "yaml.tab")
    # pages that do not add up
    edit(dossiers[7], lambda t: re.sub(r"\ntotal_pages: (\d+)", lambda m: f"\ntotal_pages: {int(m.group(1)) + 1}", t),
         "dossier.pages")
    # GBK text
    gbk = staff[3]
    gbk.write_bytes(gbk.read_text(encoding="utf-8").encode("gbk"))
    broken[gbk.relative_to(root).as_posix()] = "file.encoding"
    # an empty file
    empty = records / "visits" / "HF2099-0001.yaml"
    empty.write_text("", encoding="utf-8")
    broken[empty.relative_to(root).as_posix()] = "file.empty"

    result = subprocess.run(["dangan", "check", "--root", str(root), "--format", "json"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    problems = json.loads(result.stdout)["problems"]
    reported = {(p["file"], p["code"]) for p in problems}
    for file, code in broken.items():
        assert (file, code) in reported, (file, code, [p for p in problems if p["file"] == file])
    assert all(p["line"] and p["column"] for p in problems if p["file"] in broken)
