"""What encryption at rest costs (issue 20): a generated archive (`dangan demo DIR --size N`, default 10,000) with
its sensitive values encrypted to a CI age key and three SSH keys; then, each in a fresh process, the median of
three: `dangan check` warm without a key (the values stay closed), with the key (every value opened in memory;
the rules' cache is not used on an opened index), and the opening alone (`encryption.open_index`).

    python bench/encryption.py [N]      # prints a Markdown table; the archive goes to bench/out/encryption-N
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent / "tools"
sys.path.insert(0, str(TOOLS))

from ruamel.yaml import YAML  # noqa: E402

from dangan import crypto, encryption  # noqa: E402
from dangan.reader import build  # noqa: E402
from dangan.yamlstyle import dumps, loads  # noqa: E402


def make(root: Path, size: int) -> Path:
    if root.exists():
        shutil.rmtree(root)
    env = {**os.environ, "PYTHONPATH": str(TOOLS)}
    subprocess.run([sys.executable, "-m", "dangan", "demo", str(root), "--size", str(size)], check=True, env=env)
    key = root / "ci.age"
    text, public = crypto.new_identity()
    key.write_text(text, encoding="utf-8")
    policy_path = root / "records" / "policy.yaml"
    policy = YAML().load(policy_path.read_text(encoding="utf-8"))
    policy["encryption"]["enabled"] = True
    policy["encryption"]["recipients"] = [public]
    with policy_path.open("w", encoding="utf-8") as out:
        YAML().dump(policy, out)
    index = build(root, cache=False)
    recipients = encryption.Recipients(index)
    digests = crypto.Digester(crypto.write_digest_key(root, recipients.everyone()))
    started, values = time.perf_counter(), 0
    for kind in encryption.sensitive_fields(index):
        for record in index.of(kind).values():
            path = root / record.file
            data = loads(path.read_text(encoding="utf-8"))
            made = encryption.seal_values(index, kind, data, recipients, digests)
            if made:
                values += len(made)
                path.write_text(dumps(data), encoding="utf-8")
    print(f"encrypted {values} values in {time.perf_counter() - started:.1f} s")
    return key


def timed(args: list[str], env: dict) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    root = HERE / "out" / f"encryption-{size}"
    key = make(root, size)
    env = {**os.environ, "PYTHONPATH": str(TOOLS)}
    check = [sys.executable, "-m", "dangan", "check", "--root", str(root)]
    subprocess.run(check, env=env, stdout=subprocess.DEVNULL, check=False)  # warm the record store
    opening = [sys.executable, "-c", "import sys; from dangan.reader import build; from dangan import encryption; "
               f"i = build(__import__('pathlib').Path({str(root)!r})); import time; t = time.perf_counter(); "
               f"encryption.open_index(i, {str(key)!r}); print(time.perf_counter() - t)"]
    rows = [("dangan check, warm, no key", timed(check, env)),
            ("dangan --key ci.age check, warm", timed([*check[:3], "--key", str(key), *check[3:]], env)),
            ("reading the archive and opening every value (build + open_index)", timed(opening, env))]
    print(f"| what ({size} records) | median time |\n|---|---|")
    for what, seconds in rows:
        print(f"| {what} | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
