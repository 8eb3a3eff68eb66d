"""The tool: the installed dangan lies in the range the archive was made for (policy `dangan.requires`).

A warning, not an error: the records are still checked by the archive's own schemas, and one person's
newer or older dangan must not stop everybody's acts and commits; CI installs the archive's range, so
the shared verdict always comes from a dangan the archive was made for."""

from __future__ import annotations

from collections.abc import Iterator

from .. import versions
from ..facts import Facts
from ..index import Index
from ..policy import needs
from ..problems import WARNING, Problem

KEY = ("dangan", "requires")


@needs("dangan")
def check_tool_version(index: Index, f: Facts) -> Iterator[Problem]:
    requires, record = f.policy.dangan.requires, index.policy
    if requires is None or record is None:
        return  # an archive from before 0.2 names no range: nothing to compare (dangan upgrade adds it)
    if versions.specifiers(requires) is None:
        yield record.problem("tool.bad-range", KEY, value=True, requires=requires)
        return
    installed = versions.installed()
    if not versions.known(installed) or versions.admits(requires, installed):
        return
    code = "tool.too-old" if versions.below(requires, installed) else "tool.too-new"
    yield record.problem(code, KEY, value=True, severity=WARNING, requires=requires, installed=installed,
                         made_with=f.policy.dangan.made_with or "?")
