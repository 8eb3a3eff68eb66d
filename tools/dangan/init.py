"""`dangan init DIR`: a new, empty archive repository, ready to use and to check.

It holds the policy with the seeds' defaults and the company's own name, the schemas,
the site configuration, editor settings that give every record kind completion and
validation while typing, a pre-commit hook, CI workflows for GitHub and GitLab (the checks
and the site on every push, the reminders of `dangan notify` every morning), and a first commit.

What comes from the tool (`shipped`: the schemas, the site, the editor settings, the CI) is also kept
pristine in `.dangan/base/<version>/`, committed with the archive: the base against which `dangan upgrade`
tells the company's own changes from the tool's (a three-way merge).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from . import bundle, crypto, git, versions
from .schemas import SchemaSet, load_schemas
from .yamlstyle import dumps, loads

TEMPLATES = Path(__file__).resolve().parent / "templates" / "init"
REQUIRES = "@DANGAN_REQUIRES@"  # in the CI templates: the archive's range of dangan versions
# the files init writes from templates/init/: template -> where in the archive
WRITTEN = (("gitignore", ".gitignore"), ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
           ("github-workflow.yml", ".github/workflows/dangan.yml"), ("gitlab-ci.yml", ".gitlab-ci.yml"),
           ("github-notify.yml", ".github/workflows/dangan-notify.yml"),
           ("gitlab-notify.yml", ".gitlab/dangan-notify.yml"))
EDITOR_SETTINGS = ".vscode/settings.json"
BASE = ".dangan/base"  # the pristine copy of what the tool wrote, per version: `dangan upgrade`'s merge base
SITE_NAME = "档案 Dangan"  # the bundle's mkdocs.yml names the site so; an archive's names its company
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


def editor_settings_text(schemas: SchemaSet) -> str:
    return json.dumps(editor_settings(schemas), ensure_ascii=False, indent=2) + "\n"


def write_editor_settings(root: Path, schemas: SchemaSet) -> Path:
    target = root / EDITOR_SETTINGS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(editor_settings_text(schemas), encoding="utf-8")
    return target


def shipped(source: Path, name: str, requires: str) -> dict[str, bytes]:
    """What the tool writes into an archive, path -> content, as `init` writes it for a company named `name`
    whose archive requires `requires`: the schemas, the site's configuration, pages and assets, and the files
    of templates/init/. Not the policy (the company's own from the first day) nor the editor settings (made
    from the schemas: `editor_settings_text`)."""
    files: dict[str, bytes] = {}
    for folder in (bundle.SCHEMAS, bundle.SITE):
        for path in sorted((source / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(source).as_posix()] = path.read_bytes()
    text = (source / bundle.MKDOCS).read_text(encoding="utf-8").replace(SITE_NAME, f"{name}档案")
    files[bundle.MKDOCS] = text.encode("utf-8")
    for src, dst in WRITTEN:
        files[dst] = template(src, requires).encode("utf-8")
    return files


def managed(path: str) -> bool:
    """Whether a path of an archive is one the tool writes (and `dangan upgrade` brings up to date)."""
    return (path.startswith((f"{bundle.SCHEMAS}/", f"{bundle.SITE}/")) or path in (bundle.MKDOCS, EDITOR_SETTINGS)
            or path in {dst for _, dst in WRITTEN})


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)


def _policy(name: str, short_name: str, today: str, version: str, ci_recipient: str) -> str:
    policy = loads(bundle.policy().read_text(encoding="utf-8"))
    policy["organisation"]["name"] = name
    policy["organisation"]["short_name"] = short_name
    for department in policy["departments"].values():
        department.pop("head", None)  # no staff yet: name each head once their staff record exists
    policy["signatures"]["mode"] = "warn"
    policy["signatures"]["since"] = today
    policy["dangan"]["requires"] = versions.compatible(version)
    policy["dangan"]["made_with"] = version
    policy["encryption"]["enabled"] = True  # encrypted from the first commit (issue 20)
    policy["encryption"]["recipients"] = [ci_recipient]  # never the repository's demo key (demo-keys/)
    return dumps(policy)


def template(name: str, requires: str) -> str:
    """A file `init` writes from templates/init/, with the archive's range of dangan versions filled in."""
    return (TEMPLATES / name).read_text(encoding="utf-8").replace(REQUIRES, requires)


def create(target: Path, name: str, short_name: str) -> None:
    if target.exists() and any(target.iterdir()):
        raise InitError(f"{target} 不是空目录 (not empty)")
    version = versions.installed()
    if not versions.known(version):
        raise InitError("无法确定已安装的 dangan 版本，请重新安装 dangan (the installed dangan has no version)")
    try:
        source = bundle.root()
    except bundle.BundleMissing as error:
        raise InitError(str(error)) from None
    existed = target.exists()
    try:
        _write(target, source, name, short_name, version)
    except BaseException:
        _undo(target, existed)  # nothing half-made: a folder that existed is left empty, a new one goes
        raise


def _write(target: Path, source: Path, name: str, short_name: str, version: str) -> None:
    today = dt.date.today().isoformat()
    target.mkdir(parents=True, exist_ok=True)
    files = shipped(source, name, versions.compatible(version))
    write_files(target, files)
    (target / "records").mkdir()
    identity, public = crypto.new_identity()
    key = target / CI_KEY
    key.parent.mkdir()
    key.write_text(identity, encoding="utf-8")
    key.chmod(0o600)
    (target / "records" / "policy.yaml").write_text(_policy(name, short_name, today, version, public),
                                                   encoding="utf-8")
    crypto.write_digest_key(target, [crypto.recipient(public)])
    files[EDITOR_SETTINGS] = editor_settings_text(load_schemas(target / "schemas", target)).encode("utf-8")
    write_files(target, {EDITOR_SETTINGS: files[EDITOR_SETTINGS]})
    write_files(target / BASE / version, files)
    _git(target, "init", "-q", "-b", "main")
    _git(target, "add", "--all")
    _git(target, "commit", "-q", "-m", f"建立 {name} 档案库 (dangan init)", "--trailer", "Dangan-Act: init")


def _undo(target: Path, existed: bool) -> None:
    if not target.is_dir():
        return
    if not existed:
        shutil.rmtree(target, ignore_errors=True)
        return
    for entry in target.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _git(root: Path, *args: str) -> None:
    try:
        git.run(root, *args)
    except git.GitError as error:
        raise InitError(str(error)) from None
