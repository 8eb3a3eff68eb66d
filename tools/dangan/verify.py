"""`dangan verify`: the four properties of electronic records (DA/T 70 四性检测) over the
archive — authenticity, integrity, usability, security — each item pass or fail."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

from .index import Index
from .problems import ERROR, Problem

# (property, item, the problem codes that fail it)
ITEMS = [
    ("真实性", "签名：每个经手、审批动作由本人提交并签名", ("sig.",)),
    ("真实性", "扫描件摘要：SHA-256 与记录一致", ("attachment.hash",)),
    ("完整性", "没有删除、改名或改写历史", ("history.",)),
    ("完整性", "册内清单完整：页数相符、移交链走完", ("dossier.pages", "handover.incomplete", "supplement.open")),
    ("完整性", "移交链按规定的顺序、角色和时限", ("handover.",)),
    ("完整性", "编号连续、唯一", ("number.",)),
    ("完整性", "引用的记录都存在", ("ref.",)),
    ("可用性", "每个文件都能解析并通过 schema 校验", ("file.", "yaml.", "schema.", "id.filename")),
    ("可用性", "扫描件存在且可读", ("attachment.missing", "attachment.outside", "attachment.unreferenced")),
    ("安全性", "没有提交密钥或口令", ("secret.",)),
    ("安全性", "公开网站不含未脱敏的个人信息和封存档案", ("site.",)),
]
_SECRET = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@dataclass
class Item:
    property: str
    name: str
    problems: list[Problem] = field(default_factory=list)
    applicable: bool = True

    @property
    def passed(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def secrets(index: Index) -> list[Problem]:
    """Private keys among the files git tracks."""
    try:
        tracked = subprocess.run(["git", "-C", str(index.root), "grep", "-l", "-I", "-E",
                                  "-----BEGIN [A-Z ]*PRIVATE KEY-----"], capture_output=True, text=True, check=False)
        files = tracked.stdout.split()
    except OSError:
        files = []
    return [Problem("secret.private-key", f) for f in files]


def site_leaks(index: Index, folder: str = "public") -> list[Problem]:
    """Raw personal data of the records (ID numbers, credit codes, phones, e-mails) found in a public build."""
    from .schemas import values_at

    site = index.root / folder
    if not site.is_dir():
        return []
    secrets_: set[str] = set()
    for kind in index.schemas.kinds:
        fields = [f for f in index.schemas.fields(kind).values()  # a company's credit code is public
                  if (f.identifier or f.schema.get("format") == "email" or f.path[-1] in ("phone", "mobile"))
                  and f.path[:1] != ("enterprise",)]
        for record in index.of(kind).values():
            for info in fields:
                secrets_.update(v for _, v in values_at(record.data, info.path) if isinstance(v, str) and len(v) >= 6)
    problems = []
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".js", ".txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = sorted(s for s in secrets_ if s in text)
        if leaked:
            problems.append(Problem("site.unmasked", path.relative_to(index.root).as_posix(),
                                    args={"count": len(leaked)}))
    return problems


def assess(index: Index, problems: list[Problem], extra: list[Problem]) -> list[Item]:
    items = [Item(prop, name) for prop, name, _ in ITEMS]
    site_built = any((index.root / folder).is_dir() for folder in ("public", "public-internal"))
    for item, (_, _, prefixes) in zip(items, ITEMS, strict=True):
        if prefixes == ("site.",) and not site_built:
            item.applicable = False
    for problem in [*problems, *extra]:
        for item, (_, _, prefixes) in zip(items, ITEMS, strict=True):
            if any(problem.code == p or (p.endswith(".") and problem.code.startswith(p)) for p in prefixes):
                item.problems.append(problem)
                break
    return items
