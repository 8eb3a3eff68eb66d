"""What an archive is made from, as this installation of dangan carries it: the schemas, the default
policy, the site's configuration, pages and assets.

One source of truth: the repository's `schemas/`, `records/policy.yaml`, `mkdocs.yml` and `site/`.
A built wheel carries them as package data under `dangan/bundle/` (copied there by `setup.py` at build
time, never committed twice); a source checkout (`pip install -e .`, or PYTHONPATH=tools) reads them
where they are. Both are laid out alike, so every caller asks for a path under one root:
`bundle.schemas()`, `bundle.policy()`, `bundle.mkdocs()`, `bundle.site()`. `dangan init`, `dangan demo`
and `dangan upgrade` read them here and only here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# what a wheel carries, relative to the bundle's root (and to the repository's)
SCHEMAS = "schemas"
POLICY = "records/policy.yaml"
MKDOCS = "mkdocs.yml"
SITE = "site"
CONTENTS = (SCHEMAS, POLICY, MKDOCS, SITE)


class BundleMissing(RuntimeError):
    """This installation carries no archive files: neither a wheel's bundle nor a source checkout."""


def _installed() -> Path | None:
    """The wheel's bundle: dangan/bundle/ inside the installed package, when it is on the file system."""
    found = resources.files(__package__) / "bundle"
    return Path(str(found)) if isinstance(found, Path) and (Path(str(found)) / SCHEMAS).is_dir() else None


def checkout() -> Path | None:
    """The source checkout this package runs from (tools/dangan/ inside it), or None for a wheel."""
    repo = Path(__file__).resolve().parents[2]
    return repo if (repo / "pyproject.toml").is_file() and (repo / SCHEMAS).is_dir() else None


def root() -> Path:
    """The folder holding schemas/, records/policy.yaml, mkdocs.yml and site/ of this installation."""
    found = checkout() or _installed()
    if found is None:
        raise BundleMissing("找不到 dangan 自带的 schemas 和默认制度：安装不完整，请重新安装 dangan "
                            "(this installation carries no schemas or default policy: reinstall dangan)")
    return found


def schemas() -> Path:
    return root() / SCHEMAS


def policy() -> Path:
    return root() / POLICY


def mkdocs() -> Path:
    return root() / MKDOCS


def site() -> Path:
    return root() / SITE
