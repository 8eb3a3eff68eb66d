"""The message catalogue: one entry per problem code, in Chinese and English, with a hint.

Checks never format text; they report a code and its arguments. This module is the
only place where words live, so every code can be documented and translated.
"""

from __future__ import annotations

from typing import NamedTuple

from .problems import Problem


class Message(NamedTuple):
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""


CATALOGUE: dict[str, Message] = {
    # files and encodings
    "file.encoding": Message(
        "文件不是 UTF-8 编码{encoding_zh}", "the file is not UTF-8{encoding_en}",
        "请在编辑器中将文件另存为 UTF-8 编码。", "save the file as UTF-8 in your editor"),
    "file.nul": Message("文件含有 NUL 字节（不是文本文件，或已损坏）", "the file contains a NUL byte (binary or damaged)",
                        "删除该字符，或从 git 历史中恢复该文件。", "remove the byte or restore the file from git"),
    "file.empty": Message("文件是空的", "the file is empty",
                          "填写记录内容，或删除该文件。", "write the record or delete the file"),
    "file.too-large": Message("文件过大：{size} 字节，上限 {limit} 字节（policy.yaml 的 limits.max_file_bytes）",
                              "the file is too large: {size} bytes, limit {limit} (policy limits.max_file_bytes)",
                              "把附件等大块内容移出档案文件。", "move bulky content out of the record"),
    "file.unreadable": Message("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "file.symlink": Message("符号链接指向档案库之外，已忽略", "symbolic link points outside the archive; not followed",
                            "用真实文件代替该链接。", "replace the link by a real file"),
    "file.unknown-folder": Message("未知的目录：records/ 下只能有这些目录：{folders}",
                                   "unknown folder: records/ holds only these folders: {folders}",
                                   "把文件移到对应种类的目录中。", "move the files into the folder of their kind"),
    "file.stray": Message("多余的文件：这里只能放 .yaml 档案文件", "stray file: only .yaml records belong here",
                          "删除或移走该文件。", "delete or move the file"),
    "file.policy-missing": Message("缺少 records/policy.yaml（公司制度）", "records/policy.yaml (the policy) is missing",
                                   "从示例档案库复制一份 policy.yaml 并修改。", "copy policy.yaml from the demo archive"),
    "file.conflict": Message("文件中有未解决的 git 合并冲突标记", "the file holds unresolved git merge-conflict markers",
                             "解决冲突：保留正确内容，删除 <<<<<<<、=======、>>>>>>> 行后再提交。",
                             "resolve the conflict: keep the right content, delete the <<<<<<<, =======, >>>>>>> lines"),
    # YAML
    "yaml.syntax": Message("YAML 语法错误：{detail}", "YAML syntax error: {detail}",
                           "检查缩进、冒号后的空格和引号是否成对。", "check indentation, the space after colons, and paired quotes"),
    "yaml.multi-document": Message("一个文件只能有一条记录（发现多个 --- 文档）", "one file holds one record (found several --- documents)",
                                   "把每条记录放入单独的文件。", "put each record in its own file"),
    "yaml.not-mapping": Message("记录必须是“字段: 值”的映射", "a record must be a mapping of fields to values",
                                "按“字段: 值”的格式书写。", "write it as `field: value` lines"),
    "yaml.tab": Message("缩进中使用了制表符（Tab）", "tab character used for indentation",
                        "用空格缩进（每级两个空格）。", "indent with spaces (two per level)"),
    "yaml.duplicate-key": Message("字段“{key}”重复，第 {first} 行已有该字段", "duplicate key '{key}', already on line {first}",
                                  "删除其中一个，只保留正确的值。", "delete one of them and keep the right value"),
    "yaml.merge-key": Message("不允许使用合并键 <<", "merge keys (<<) are not allowed",
                              "把字段直接写出来。", "write the fields out"),
    "yaml.alias": Message("不允许使用锚点或别名（&{anchor} / *{anchor}）", "anchors and aliases are not allowed (&{anchor} / *{anchor})",
                          "把值直接写出来。", "write the value out"),
    "yaml.tag": Message("不允许的类型标签 {tag}", "tag not allowed: {tag}",
                        "删除标签（! 开头的部分）。", "remove the tag (the part starting with !)"),
    "yaml.complex-key": Message("字段名必须是简单的文字", "keys must be plain text",
                                "使用简单的字段名。", "use a plain key"),
    "yaml.needs-quotes": Message("“{text}”须加引号：其他 YAML 工具会把它读成数字、布尔值或空值（如丢失开头的 0）",
                                 "'{text}' must be quoted: other YAML tools read it as a number, boolean or null (losing leading zeros)",
                                 "写成 \"{text}\"。", "write \"{text}\""),
    # schemas
    "schema.missing": Message("缺少 schemas/ 目录", "the schemas/ folder is missing"),
    "schema.json": Message("JSON 格式错误：{detail}", "invalid JSON: {detail}"),
    "schema.metaschema": Message("不是有效的 JSON Schema（2020-12）：{detail}", "not a valid JSON Schema (2020-12): {detail}"),
    "schema.required": Message("缺少必填字段“{label}”（{name}）", "required field '{name}' ({label}) is missing",
                               "添加该字段。", "add the field"),
    "schema.additional": Message("未知字段“{name}”（{where}中没有这个字段）", "unknown field '{name}' in {where}",
                                 "检查拼写；可用的字段：{known}", "check the spelling; known fields: {known}"),
    "schema.type": Message("“{label}”的类型应为 {expected}，实际为 {found}", "'{label}' should be {expected}, found {found}"),
    "schema.enum": Message("“{label}”的值“{value_}”不在允许范围内", "'{label}': '{value_}' is not one of the allowed values",
                           "可用的值：{allowed}", "allowed: {allowed}"),
    "schema.any-required": Message("“{label}”至少要填写其中一项：{names}", "'{label}' needs at least one of: {names}"),
    "schema.format": Message("“{label}”的格式不对：“{value_}”应为 {limit}", "'{label}': '{value_}' is not a valid {limit}",
                             "日期写作 YYYY-MM-DD，且须是真实存在的日期。", "dates are YYYY-MM-DD and must exist"),
    "schema.pattern": Message("“{label}”的格式不对：“{value_}”", "'{label}' has the wrong form: '{value_}'",
                              "参照字段说明（schema 中的 description）填写。", "see the field's description in the schema"),
    "schema.minimum": Message("“{label}”不能小于 {limit}（当前 {value_}）", "'{label}' must be at least {limit} (is {value_})"),
    "schema.maximum": Message("“{label}”不能大于 {limit}（当前 {value_}）", "'{label}' must be at most {limit} (is {value_})"),
    "schema.min-length": Message("“{label}”不能为空或过短", "'{label}' is empty or too short"),
    "schema.max-length": Message("“{label}”过长（最多 {limit} 个字符）", "'{label}' is too long (at most {limit} characters)"),
    "schema.min-items": Message("“{label}”至少需要 {limit} 项", "'{label}' needs at least {limit} entries"),
    "schema.max-items": Message("“{label}”最多 {limit} 项", "'{label}' allows at most {limit} entries"),
    "schema.unique": Message("“{label}”中有重复项", "'{label}' has duplicate entries"),
    "schema.const": Message("“{label}”必须是 {limit}", "'{label}' must be {limit}"),
    "schema.property-name": Message("“{label}”中的代码“{value_}”格式不对（只能用小写字母、数字和下划线）",
                                    "code '{value_}' in '{label}' is malformed (lowercase letters, digits, underscore)"),
    "schema.invalid": Message("“{label}”不符合要求：{detail}", "'{label}' is invalid: {detail}"),
    # identity and identifiers
    "id.filename": Message("编号“{found}”与文件名“{expected}”不一致", "id '{found}' does not match the file name '{expected}'",
                           "把 id 改为 {expected}，或重命名文件。", "set id to {expected} or rename the file"),
    "id.checksum": Message("{label}“{value_}”的校验位不对（{standard}）", "{label} '{value_}' fails its check character ({standard})",
                           "核对证件原件，逐位检查后重新录入。", "compare with the original document and re-enter it"),
    "id.birth-date": Message("身份证号码“{value_}”中的出生日期不存在或不合理", "ID number '{value_}' holds an impossible birth date",
                             "核对证件原件。", "compare with the original document"),
    "id.shape": Message("{label}“{value_}”的格式不对", "{label} '{value_}' is malformed"),
    "id.birth-mismatch": Message("出生日期 {birth} 与身份证号码中的 {from_id} 不一致", "birth date {birth} differs from {from_id} in the ID number",
                                 "以身份证为准更正出生日期。", "correct the birth date from the ID card"),
    "id.gender-mismatch": Message("性别与身份证号码（第 17 位）不一致", "gender does not match the ID number (17th digit)"),
    "id.mobile": Message("“{value_}”不是有效的中国大陆手机号码", "'{value_}' is not a valid mainland mobile number",
                         "手机号码为 11 位，以 13–19 开头。", "mobiles have 11 digits and start with 13–19"),
    # references
    "ref.missing": Message("“{label}”引用的{target_title}“{value_}”不存在", "'{label}' names {target} '{value_}', which does not exist",
                           "检查编号是否写对，或先建立该记录。", "check the id, or create that record first"),
    "ref.policy": Message("“{label}”的代码“{value_}”未在 policy.yaml 的 {section} 中定义", "'{label}': '{value_}' is not defined in policy {section}",
                          "可用的代码：{known}", "known codes: {known}"),
    # numbering
    "number.pattern": Message("档号“{value_}”不符合编号规则 {pattern}", "number '{value_}' does not follow the pattern {pattern}",
                              "按 policy.yaml 的 numbering.dossier 编号，例如 {example}。", "number it per policy numbering.dossier, e.g. {example}"),
    "number.type": Message("档号中的业务代字“{found}”与业务类型“{type}”（代字 {expected}）不符",
                           "number's type code '{found}' does not match business type '{type}' (code {expected})"),
    "number.duplicate": Message("编号重复：“{value_}”与 {other} 相同", "duplicate number: '{value_}' is also used by {other}",
                                "为后建的记录重新编号（dangan renumber）。", "renumber the later record"),
    "number.gap": Message("{series} 的流水号缺少 {missing}（作废的号码须留作废记录）", "{series}: sequence numbers {missing} are missing (record voided numbers)",
                          "补建该档案，或建立状态为 voided 的作废号记录。", "create the dossier or a record with status voided"),
    "number.certificate": Message("权证编号“{value_}”应以其档号“{dossier}”开头", "certificate id '{value_}' must start with its dossier number '{dossier}'",
                                  "权证档案编号与档号一致，例如 {dossier}-01。", "e.g. {dossier}-01"),
    "number.contract": Message("合同号“{value_}”不符合编号规则 {pattern}", "contract number '{value_}' does not follow {pattern}",
                               "按 policy.yaml 的 numbering.contract 编号，例如 {example}。", "e.g. {example}"),
}


def render(problem: Problem, lang: str = "zh") -> tuple[str, str]:
    """(message, hint) for a problem in the given language."""
    entry = CATALOGUE.get(problem.code)
    if entry is None:
        return problem.code, ""
    args = _Args(problem.args)
    if lang == "en":
        return entry.en.format_map(args), entry.hint_en.format_map(args)
    return entry.zh.format_map(args), entry.hint_zh.format_map(args)


class _Args(dict):
    """Template arguments; derived names for encodings, unknown names render empty."""

    def __missing__(self, key: str) -> str:
        if key == "encoding_zh":
            enc = self.get("encoding")
            return f"（看起来是 {enc} 编码）" if enc else ""
        if key == "encoding_en":
            enc = self.get("encoding")
            return f" (it looks like {enc})" if enc else ""
        return ""
