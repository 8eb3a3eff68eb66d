"""`dangan verify`: the four properties of electronic records (DA/T 70 四性检测) over the
archive — authenticity, integrity, usability, security. Each item passes only when its check
ran on the whole of what it names; otherwise it says 未检查 and why (signatures not
required, a shallow clone, no seal yet, not a git repository), or 不适用."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import git
from .facts import facts
from .index import Index
from .problems import ERROR, Problem

PASSED, FAILED, UNCHECKED, NOT_APPLICABLE = "passed", "failed", "unchecked", "not-applicable"
SIGNED = ("commit.not-staff", "commit.unsigned", "commit.bad-signature", "commit.bad-key", "commit.not-employed",
          "sig.")

# (property, item, the problem codes that fail it, what it needs to have run)
ITEMS = [
    ("真实性", "签名：每个改动档案的提交由在职员工用本人登记的密钥签名，经手、审批动作由本人提交", SIGNED,
     "signatures"),
    ("真实性", "授权：制度、schema、员工名册和已签署的内容只由有权的人改动", ("commit.unauthorised", "commit.amended"),
     "signatures"),
    ("真实性", "扫描件摘要：SHA-256 与记录一致", ("attachment.hash",), ""),
    ("完整性", "封印：历史经授权人员签名封印，封印都仍在当前历史中", ("seal.", "history.rewritten"), "seals"),
    ("完整性", "没有删除、改名、改写或替换历史", ("history.",), "history"),
    ("完整性", "册内清单完整：页数相符、移交链走完", ("dossier.pages", "handover.incomplete", "supplement.open"), ""),
    ("完整性", "移交链按规定的顺序、角色和时限", ("handover.",), ""),
    ("完整性", "编号连续、唯一", ("number.",), ""),
    ("完整性", "引用的记录都存在", ("ref.",), ""),
    ("可用性", "每个文件都能解析并通过 schema 校验", ("file.", "yaml.", "schema.", "id.filename"), ""),
    ("可用性", "扫描件存在且可读", ("attachment.missing", "attachment.outside", "attachment.unreferenced"), ""),
    ("安全性", "没有提交密钥或口令", ("secret.",), ""),
    ("安全性", "公开网站不含未脱敏的个人信息和封存档案", ("site.",), "site"),
]
_PRIVATE_KEY = "-----BEGIN [A-Z ]*PRIVATE KEY-----"


@dataclass
class Item:
    property: str
    name: str
    problems: list[Problem] = field(default_factory=list)
    unchecked: str = ""  # why the check could not run (empty: it ran)
    applicable: bool = True

    @property
    def status(self) -> str:
        if not self.applicable:
            return NOT_APPLICABLE
        if any(p.severity == ERROR for p in self.problems):
            return FAILED
        return UNCHECKED if self.unchecked else PASSED

    @property
    def passed(self) -> bool:
        return self.status == PASSED


def secrets(index: Index) -> list[Problem]:
    """Private keys among the files git tracks."""
    found = git.output(index.root, "grep", "-l", "-I", "-E", _PRIVATE_KEY) or ""
    return [Problem("secret.private-key", f) for f in found.split()]


def site_leaks(index: Index, folder: str = "public") -> list[Problem]:
    """A public build holding a sealed record's identity or a personal value of the records, raw (`privacy`)."""
    from .privacy import leaks

    return [Problem("site.unmasked", f"{folder}/{rel}", args={"count": len(found)})
            for rel, found in sorted(leaks(index, index.root / folder).items())]


def _unchecked(index: Index) -> dict[str, str]:
    """Why each kind of check could not run on the whole history ('' when it did)."""
    f = facts(index)
    if f.audit is None:
        reason = "档案库不是 git 仓库，没有可核对的历史"
        return {"signatures": reason, "history": reason, "seals": reason}
    out = {"signatures": "", "history": "", "seals": ""}
    if f.audit.head_state().mode == "off":
        out["signatures"] = "现行制度不核对签名（policy.yaml 的 signatures.mode: off）"
        out["history"] = out["signatures"]
    anchors = f.anchors
    if anchors.shallow:
        out["history"] = out["signatures"] = out["signatures"] or f"浅克隆：{anchors.shallow} 之前的历史不在本地"
    if not anchors.seals and not anchors.lightweight:
        out["seals"] = "还没有封印（由档案管理员运行 dangan seal）"
    return out


def assess(index: Index, problems: list[Problem], extra: list[Problem]) -> list[Item]:
    items = [Item(prop, name) for prop, name, _, _ in ITEMS]
    site_built = any((index.root / folder).is_dir() for folder in ("public", "public-internal"))
    reasons = _unchecked(index)
    for item, (_, _, _, needs) in zip(items, ITEMS, strict=True):
        if needs == "site":
            item.applicable = site_built
        elif needs:
            item.unchecked = reasons[needs]
    for problem in [*problems, *extra]:
        for item, (_, _, prefixes, _) in zip(items, ITEMS, strict=True):
            if any(problem.code == p or (p.endswith(".") and problem.code.startswith(p)) for p in prefixes):
                item.problems.append(problem)
                break
    return items
