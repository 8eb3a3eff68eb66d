"""Write the demo archive: `python -m dangan.demo.write [ROOT]` regenerates ROOT/records/ (default: the
repository holding this package), its personal values encrypted as ROOT's policy says (demo/encrypted.py).
records/policy.yaml is never touched."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from ruamel.yaml import YAML

from .. import bundle
from ..yamlstyle import round_trip
from .encrypted import seal_records
from .records import demo_records, folders


def yaml() -> YAML:
    """The archive's one round-trip style (keeps files byte-stable)."""
    return round_trip()


def clear_records(root: Path) -> None:
    """Delete the *.yaml files in every record kind's folder (the policy file is not in one)."""
    for folder in folders().values():
        for path in sorted((root / "records" / folder).glob("*.yaml")):
            path.unlink()


def write_records(root: Path, records: Iterable[tuple[str, str, dict]]) -> int:
    """Write each record to root/records/<folder>/<id>.yaml; return how many were written."""
    y, where, count = yaml(), folders(), 0
    for kind, rid, data in records:
        path = root / "records" / where[kind] / f"{rid}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            y.dump(data, out)
        count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else bundle.checkout()
    if root is None:
        sys.exit("usage: python -m dangan.demo.write ROOT (this dangan is no source checkout)")
    records = seal_records(root, demo_records())
    clear_records(root)
    count = write_records(root, records)
    print(f"wrote {count} records under {root / 'records'}")


if __name__ == "__main__":
    main()
