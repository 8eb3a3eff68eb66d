"""`dangan init DIR`: a new, empty archive repository, ready to use and to check.

It holds the policy with the seeds' defaults and the company's own name, the schemas,
the site configuration, editor settings that give every record kind completion and
validation while typing, a pre-commit hook, CI workflows for GitHub and GitLab (the checks
and the site on every push, the reminders of `dangan notify` every morning), and a first commit.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from . import crypto, git
from .schemas import SchemaSet, load_schemas
from .yamlstyle import dumps, loads

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parents[1]  # the repository this package is installed from (editable install)
TEMPLATES = PACKAGE / "templates" / "init"
CI_KEY = ".dangan-keys/ci.age"  # the CI's age identity, made by init: never committed (.gitignore)


class InitError(RuntimeError):
    pass


def editor_settings(schemas: SchemaSet) -> dict:
    """VS Code (yaml-language-server) settings: each schema for its records' folder."""
    mapping = {"./schemas/policy.schema.json": ["records/policy.yaml"]}
    for folder, kind in sorted(schemas.folders.items()):
        mapping[f"./schemas/{kind}.schema.json"] = [f"records/{folder}/*.yaml"]
    return {
        "yaml.schemas": mapping,
        "yaml.validate": True,
        "yaml.completion": True,
        "yaml.format.enable": False,
        "files.encoding": "utf8",
        "files.eol": "\n",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
    }


def write_editor_settings(root: Path, schemas: SchemaSet) -> Path:
    target = root / ".vscode" / "settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(editor_settings(schemas), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _policy(name: str, short_name: str, today: str, ci_recipient: str) -> str:
    policy = loads((REPO / "records" / "policy.yaml").read_text(encoding="utf-8"))
    policy["organisation"]["name"] = name
    policy["organisation"]["short_name"] = short_name
    for department in policy["departments"].values():
        department.pop("head", None)  # no staff yet: name each head once their staff record exists
    policy["signatures"]["mode"] = "warn"
    policy["signatures"]["since"] = today
    policy["encryption"]["enabled"] = True  # encrypted from the first commit (issue 20)
    policy["encryption"]["recipients"].append(ci_recipient)
    return dumps(policy)


def create(target: Path, name: str, short_name: str) -> None:
    if target.exists() and any(target.iterdir()):
        raise InitError(f"{target} 不是空目录 (not empty)")
    if not (REPO / "schemas").is_dir():
        raise InitError("找不到 dangan 自带的 schemas（请以 pip install -e 安装）(bundled schemas not found)")
    today = dt.date.today().isoformat()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "schemas", target / "schemas")
    (target / "records").mkdir()
    identity, public = crypto.new_identity()
    key = target / CI_KEY
    key.parent.mkdir()
    key.write_text(identity, encoding="utf-8")
    key.chmod(0o600)
    (target / "records" / "policy.yaml").write_text(_policy(name, short_name, today, public), encoding="utf-8")
    crypto.write_digest_key(target, [crypto.recipient(public)])
    for src, dst in (("gitignore", ".gitignore"), ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
                     ("github-workflow.yml", ".github/workflows/dangan.yml"), ("gitlab-ci.yml", ".gitlab-ci.yml"),
                     ("github-notify.yml", ".github/workflows/dangan-notify.yml"),
                     ("gitlab-notify.yml", ".gitlab/dangan-notify.yml")):
        (target / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(TEMPLATES / src, target / dst)
    if (REPO / "mkdocs.yml").is_file():
        text = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("档案 Dangan", f"{name}档案")
        (target / "mkdocs.yml").write_text(text, encoding="utf-8")
    if (REPO / "site").is_dir():
        shutil.copytree(REPO / "site", target / "site")
    write_editor_settings(target, load_schemas(target / "schemas", target))
    _git(target, "init", "-q", "-b", "main")
    _git(target, "add", "--all")
    _git(target, "commit", "-q", "-m", f"建立 {name} 档案库 (dangan init)", "--trailer", "Dangan-Act: init")


def _git(root: Path, *args: str) -> None:
    try:
        git.run(root, *args)
    except git.GitError as error:
        raise InitError(str(error)) from None
