"""Which dangan this is, and which dangan an archive was made for (the policy's `dangan.requires`).

`dangan init` writes the range of the version that made the archive (`compatible`); `dangan check`
compares the installed version with it (checks/tool.py); the CI workflows `init` writes install that
range. Before 1.0 a minor release may change the schemas or the rules, so the range is one minor line
(0.2 → ">=0.2,<0.3"); from 1.0 on, one major line.
"""

from __future__ import annotations

import tomllib
from importlib import metadata

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from . import bundle

DISTRIBUTION = "dangan"
UNKNOWN = "0+unknown"  # neither installed metadata nor a checkout's pyproject.toml says


def installed() -> str:
    """This dangan's version: a source checkout's pyproject.toml (its installed metadata goes stale when a
    pull changes the version), else the installed distribution's metadata, else UNKNOWN."""
    repo = bundle.checkout()
    if repo is not None:
        try:
            with (repo / "pyproject.toml").open("rb") as handle:
                return str(tomllib.load(handle)["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            pass
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def known(version: str) -> bool:
    return version != UNKNOWN and parse(version) is not None


def parse(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def specifiers(requires: str) -> SpecifierSet | None:
    try:
        return SpecifierSet(requires)
    except InvalidSpecifier:
        return None


def compatible(version: str) -> str:
    """The range an archive made with `version` requires: its minor line before 1.0, its major line after."""
    made = parse(version)
    if made is None or not known(version):
        raise ValueError(f"not a version: {version!r}")
    if made.major == 0:
        return f">=0.{made.minor},<0.{made.minor + 1}"
    return f">={made.major}.{made.minor},<{made.major + 1}"


def admits(requires: str, version: str) -> bool:
    """Whether `version` lies in `requires` (pre-releases included: 0.2.1rc1 is a 0.2)."""
    found, spec = parse(version), specifiers(requires)
    return found is not None and spec is not None and spec.contains(found, prereleases=True)


def below(requires: str, version: str) -> bool:
    """Whether `version` is too old for `requires` (below one of its lower bounds), rather than too new."""
    found, spec = parse(version), specifiers(requires)
    if found is None or spec is None:
        return False
    for one in spec:
        if one.contains(found, prereleases=True) or one.operator not in (">=", ">", "~=", "==", "==="):
            continue
        bound = parse(one.version.removesuffix(".*"))
        if bound is not None and found < bound:
            return True
    return False
