"""The message catalogue: one entry per problem code, in Chinese and English, with a hint.

Checks never format text; they report a code and its arguments. This module is the
only place where words live, so every code can be documented and translated.
"""

from __future__ import annotations

import datetime as _dt
import re
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
    "file.special": Message("不是普通文件（{type_zh}），未打开", "not a regular file ({type_en}); not opened",
                            "档案文件只能是普通文件：删除它，或换成真实的 .yaml 文件。",
                            "records are regular files: delete it or put a real .yaml file in its place"),
    "file.symlink-loop": Message("符号链接形成循环，无法读取", "symbolic link loop; cannot be read",
                                 "删除该链接，或换成真实文件。", "delete the link or replace it by a real file"),
    "file.symlink-dangling": Message("符号链接指向不存在的“{target}”", "symbolic link to '{target}', which does not exist",
                                     "删除该链接，或换成真实文件。", "delete the link or replace it by a real file"),
    "file.folder-unreadable": Message("无法读取目录：{detail}", "cannot read the folder: {detail}",
                                      "检查目录的权限（运行 dangan 的用户须能列出并进入它）。",
                                      "check the folder's permissions: the user running dangan must list and enter it"),
    "file.hidden-record": Message("隐藏的档案文件（文件名以 . 开头）：它不会被当作档案读取，其他工具也看不到它",
                                  "hidden record file (its name starts with a dot): not read as a record, and unseen by other tools",
                                  "去掉文件名开头的点；如果是多余的副本，删除它。",
                                  "remove the leading dot from its name, or delete it if it is a stray copy"),
    "file.hidden": Message("隐藏文件（文件名以 . 开头），不属于档案库", "hidden file (its name starts with a dot); not part of the archive",
                           "删除它（如系统自动生成的 .DS_Store），或加入 .gitignore 并移出 records/。",
                           "delete it (e.g. a .DS_Store the system made), or move it out of records/"),
    "file.suffix": Message("档案文件名应以 .yaml 结尾", "a record file's name ends in .yaml",
                           "重命名为 {expected}。", "rename it to {expected}"),
    "file.name": Message("文件名“{name}”不能作为档案编号：编号不能为空、只有点或含控制字符",
                         "file name '{name}' cannot be a record id: empty, only dots, or control characters",
                         "按 <编号>.yaml 重新命名，编号须与记录的 id 一致。", "name it <id>.yaml, the id being the record's id"),
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
    "yaml.too-deep": Message("嵌套超过 {limit} 层", "nested more than {limit} levels deep",
                             "档案记录只需几层嵌套：检查是否多了括号或缩进。", "records need a few levels: look for stray brackets or indentation"),
    # schemas
    "schema.missing": Message("缺少 schemas/ 目录", "the schemas/ folder is missing"),
    "schema.json": Message("JSON 格式错误：{detail}", "invalid JSON: {detail}"),
    "schema.metaschema": Message("不是有效的 JSON Schema（2020-12）：{detail}", "not a valid JSON Schema (2020-12): {detail}"),
    "schema.empty": Message("schema 文件是空的", "the schema file is empty",
                            "从 git 历史恢复它（git checkout -- 该文件），或从 dangan init 建立的档案库复制。",
                            "restore it from git (git checkout -- the file) or copy it from an archive made by dangan init"),
    "schema.not-object": Message("schema 必须是一个 JSON 对象（{{…}}）", "a schema must be a JSON object ({{…}})",
                                 "从 git 历史恢复它。", "restore it from git"),
    "schema.kind-missing": Message("缺少“{kind}”的 schema 文件", "the schema of '{kind}' is missing",
                                   "从 git 历史恢复它，或从 dangan init 建立的档案库复制。",
                                   "restore it from git or copy it from an archive made by dangan init"),
    "schema.ref": Message("$ref“{ref}”找不到所指的定义：{detail}", "$ref '{ref}' resolves to nothing: {detail}",
                          "检查 $ref 的拼写和被引用 schema 的 $id。", "check the $ref and the $id of the schema it names"),
    "schema.regex": Message("“{pattern}”不是有效的正则表达式：{detail}", "'{pattern}' is not a valid regular expression: {detail}"),
    "schema.annotation": Message("Dangan 注解格式不对：应为 {expected}", "malformed Dangan annotation: {expected} expected"),
    "rules.unchecked": Message("制度文件有错误（{sections}），依赖这些部分的 {count} 项规则未检查：{rules}", "the policy has errors ({sections}): {count} rules that read those parts were not checked: {rules}",
                               "先修正 policy.yaml 的错误，再运行 dangan check。", "fix policy.yaml first, then run dangan check again"),
    "cache.unwritable": Message("无法写入缓存（{detail}）：检查照常进行，但下次不会更快", "cannot write the cache ({detail}): checking works, only not faster next time",
                                "让运行 dangan 的用户可以写入 .dangan-cache/，或忽略此提示。",
                                "let the user running dangan write .dangan-cache/, or ignore this note"),
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
    # a spreadsheet column holding either an ID number or a credit code (sheets/convert.py; the cell is shown beside)
    "import.either.length": Message("有 {length} 位：{credit}和{id}都是 18 位", "{length} characters: {credit_name} and {id_name} have 18",
                                    "核对原件后以文本格式重新录入。", "check the original and enter it again as text"),
    "import.either.old": Message("15 位的是第一代身份证号码或旧的工商注册号，不是{id}或{credit}", "15 digits: a first-generation ID number or an old registration number, not {id_name} or {credit_name}",
                                 "请换成 18 位的{id}或{credit}。", "use the 18-character {id_name} or {credit_name}"),
    "import.either.characters": Message("含有{credit}和{id}都不用的字符：{chars}", "holds characters neither {credit_name} nor {id_name} uses: {chars}",
                                        "{credit}不用 I、O、S、V、Z，{id}只有数字和末位 X；核对原件后重新录入。", "credit codes do not use I, O, S, V, Z; ID numbers are digits and a final X"),
    "import.either.checksum": Message("不是有效的{label}：校验位不对（{standard}）", "not a valid {name}: wrong check character ({standard})",
                                      "核对证件原件，逐位检查后重新录入。", "compare with the original document and enter it again"),
    "import.either.birth-date": Message("不是有效的{label}：出生日期 {born} 不存在或不合理", "not a valid {name}: impossible birth date {born}",
                                        "核对证件原件。", "compare with the original document"),
    "import.either.shape": Message("不是有效的{label}：格式不对", "not a valid {name}: malformed",
                                   "核对证件原件。", "compare with the original document"),
    "import.either.ambiguous": Message("既是有效的{id}，也是有效的{credit}，无法判断", "valid both as {id_name} and as {credit_name}",
                                       "请在“{type_label}”列写明{types}。", "give the customer type ({types})"),
    "import.either.mismatch": Message("{type_label}是“{type_value}”，但这是{label}", "the row's customer type is {type}, but this is {name}",
                                      "核对{type_label}和号码。", "check the customer type and the number"),
    "import.either.conflict": Message("与“{column}”列的“{other}”不一致", "differs from '{other}' in column {column}",
                                      "两列应是同一个号码：核对后改正其中一列。", "both columns should hold the same number: correct one"),
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
                                "为后建的记录重新编号：dangan renumber {value_}{resolve}。", "renumber the later record: dangan renumber {value_}{resolve}"),
    "number.gap": Message("{series} 的流水号缺少 {missing}（作废的号码须留作废记录）", "{series}: sequence numbers {missing} are missing (record voided numbers)",
                          "补建该档案，或建立状态为 voided 的作废号记录。", "create the dossier or a record with status voided"),
    "number.certificate": Message("权证编号“{value_}”应以其档号“{dossier}”开头", "certificate id '{value_}' must start with its dossier number '{dossier}'",
                                  "权证档案编号与档号一致，例如 {dossier}-01。", "e.g. {dossier}-01"),
    "number.contract": Message("合同号“{value_}”不符合编号规则 {pattern}", "contract number '{value_}' does not follow {pattern}",
                               "按 policy.yaml 的 numbering.contract 编号，例如 {example}。", "e.g. {example}"),
    # rules: handover
    "handover.step-unknown": Message("移交步骤“{value_}”不在该业务类型的移交链中（可用：{known}）", "handover step '{value_}' is not in this type's chain ({known})"),
    "handover.incomplete": Message("档案已归档，但移交链未走完：缺少“{step}”", "the dossier is archived but the chain is incomplete: '{step}' is missing",
                                   "补记该步移交，或更正档案状态。", "record the step or correct the status"),
    "handover.chain": Message("“{step}”的移交人应为上一步的接收人 {expected}，实际为 {found}", "'{step}' must be handed over by the previous receiver {expected}, not {found}"),
    "handover.role": Message("“{step}”中的 {staff} 不具有{role}岗位", "in '{step}', {staff} does not hold the role {role}"),
    "handover.late": Message("“{step}”逾期：应在 {start} 后 {period}内（最迟 {deadline}（含））移交，实际 {handed}", "'{step}' is late: due within {period} of {start} (by {deadline}), handed over {handed}",
                             "如有特殊情况，须在 extensions 中记录经批准的延期。", "a late step needs an approved extension"),
    "handover.dates": Message("“{step}”的接收日期早于移交日期", "'{step}' was received before it was handed over"),
    "handover.unchecked": Message("“{step}”已接收，但未记录按清单核对（inventory_checked: true）", "'{step}' was received without recording the inventory check",
                                  "接收人逐项核对清单后填写 inventory_checked: true；缺少的资料开补充资料清单。", "check the inventory, then set inventory_checked: true"),
    "handover.order": Message("移交步骤“{step}”顺序不对", "handover step '{step}' is out of order"),
    "handover.receipt-late": Message("“{step}”接收登记晚了：{staff} 应在移交（{handed}）{within}登记接收，最迟 {deadline}（含），实际 {received}",
                                     "'{step}' was registered late: {staff} registers the receipt {within_en} the hand-over ({handed}), by {deadline} inclusive, not {received}",
                                     "接收人在接收当天登记并签字；晚登记的原因写在该步的 note 中。", "register the receipt on time; note the reason in the step's note"),
    "handover.total-late": Message("移交全程逾期：项目结束（{start}）后 {period}内须交到档案室，最迟 {deadline}（含），实际 {handed}",
                                   "the whole handover is late: due in the archive within {period} of the project end ({start}), by {deadline} inclusive, handed over {handed}",
                                   "各步虽各有时限，全程不得超过此限；特殊情况须在 extensions 中记录经批准、延至实际移交日的延期。",
                                   "the whole chain has its own limit; record an approved extension running to the day"),
    "inventory.part-missing": Message("册内资料清单缺少：{parts}（A角移交前须按 {expected} 整理齐全）", "the inventory lacks {parts}: before A hands it over it has {expected}",
                                      "按档案清单补齐缺少的部分再移交；确实没有的资料，在该部分列明并注明原因。", "add the missing parts before handing over"),
    "inventory.part-order": Message("清单部分“{part}”的位置不对：应依次为 {expected}", "inventory part '{part}' is out of order: the order is {expected}",
                                    "按档案清单的顺序排列各部分。", "order the parts as the list gives them"),
    "inventory.part-unexpected": Message("清单部分“{part}”不属于该业务类型的清单（应为 {expected}）", "inventory part '{part}' is not one of this type's parts ({expected})",
                                         "把资料移入该类型清单的部分中。", "move the items into one of the type's parts"),
    "inventory.seq": Message("清单序号不连续：此项应为第 {expected} 项，写的是 {found}", "inventory item numbers do not run on: this is item {expected}, numbered {found}",
                             "序号从 1 起贯穿整个清单，逐项加一。", "number the items 1, 2, 3 … through the whole list"),
    "inventory.signatures-incomplete": Message("资料“{title}”签字不完整，档案却已归档", "'{title}' lacks signatures, yet the dossier is archived",
                                               "B角应开补充资料清单要求A角补齐签字，补齐后改为 signatures_complete: true。", "supplement the signatures, then mark them complete"),
    "inventory.unsigned": Message("册内资料清单缺少 {staff} 的签字确认（A、B角和档案管理员三方签字）", "the inventory list lacks the signature of {staff} (A, B and the archivist sign it)",
                                  "在 inventory_signed 中记录签字人和签字日期。", "record the signature in inventory_signed"),
    "inventory.copies": Message("册内资料清单应一式 {expected} 份，记录为 {found}", "the inventory list is made in {expected} copies, recorded {found}",
                                "A、B角各执一份，档案中一份；在 inventory_copies 中记录份数。", "record the number of copies in inventory_copies"),
    "supplement.closed-by": Message("补充资料清单应由开具人 {sender} 确认关闭，不能由 {staff} 关闭", "the supplement request must be closed by its sender {sender}, not {staff}"),
    "supplement.dates": Message("补充资料清单的关闭日期早于开具日期", "the supplement request was closed before it was opened"),
    "supplement.open": Message("档案已归档，但补充资料清单仍未关闭：{items}", "the dossier is archived with an open supplement request: {items}"),
    "dossier.pages": Message("总页数 {total} 与清单各项页数之和 {counted} 不符", "total pages {total} differ from the inventory's sum {counted}",
                             "逐项核对页数后更正。", "recount and correct"),
    "approval.role": Message("审批人 {staff} 无权批准：须由{roles}批准", "{staff} may not approve this: it needs one of {roles}"),
    # rules: certificates
    "certificate.keeper": Message("权证应由{role}接收，{staff} 不是", "certificates are received by the {role}; {staff} is not one"),
    "certificate.location": Message("权证在柜，但未记录保险柜位置", "the certificate is in the safe but no location is recorded"),
    "certificate.unreceived": Message("权证未记录权证管理员的接收", "the certificate has no receipt by the keeper"),
    "certificate.listed-by": Message("权证移交清单应由该档案的项目经理A角 {expected} 列出，不是 {staff}", "the certificate list is drawn up by the dossier's A, {expected}, not {staff}"),
    "certificate.unchecked": Message("权证移交清单缺少 {staff} 的核对（名称、权证号、数量由A、B角和档案员三方核对）", "the certificate list lacks the check of {staff} (A, B and the archivist check name, number and quantity)",
                                     "在 checked 中记录核对人和日期。", "record the check in checked"),
    "certificate.unchecked-role": Message("权证移交清单缺少{roles}的核对", "the certificate list lacks the check of the {roles}",
                                          "在 checked 中记录档案员的核对和日期。", "record the archivist's check in checked"),
    "certificate.late": Message("权证未在第一时间交到权证管理员：项目结束（{end}）后最迟 {deadline}（含），实际 {received}", "the certificate reached the keeper late: due by {deadline} inclusive after the project end ({end}), received {received}",
                                "权证与档案分开，项目结束后立即移交权证管理员。", "hand certificates to the keeper at once, apart from the dossier"),
    "certificate.duplicate-number": Message("与 {other} 的权证号相同：同一档案的权证以各自的权证号区分", "the same certificate number as {other}: a dossier's certificates are told apart by their numbers",
                                            "核对权证原件上的证号。", "check the number on the original"),
    "certificate.status": Message("权证状态“{status}”与借阅记录不符{loan_note}", "certificate status '{status}' disagrees with the loans{loan_note_en}"),
    # rules: loans
    "loan.unapproved": Message("借阅人 {staff} 须经{roles}批准（出借单缺少批准）", "{staff} needs an approval by one of {roles}"),
    "loan.approved-late": Message("批准日期晚于出借日期", "approved after the files were lent"),
    "loan.dates": Message("日期顺序不对：应还或归还日期早于出借日期", "due or return date is before the lending date"),
    "loan.clerk": Message("出借应由{roles}办理，{staff} 不是", "lending is done by {roles}; {staff} is not one"),
    "loan.sealed": Message("“{item}”已封存或已销毁，借阅须经{roles}批准", "'{item}' is sealed or destroyed: lending needs {roles}'s approval"),
    "loan.return-checker": Message("归还应由{roles}核对，{staff} 不是", "returns are checked by {roles}; {staff} is not one"),
    "loan.missing-unlisted": Message("归还不完整，但未列出缺少的资料", "the return is incomplete but lists nothing missing",
                                     "在 missing 中逐项列出缺少的资料。", "list the missing items"),
    "loan.missing-contradiction": Message("归还标为完整，却列出了缺少的资料", "the return is marked complete yet lists missing items"),
    "loan.returned-late": Message("逾期归还：应还日期 {due}，{returned} 才归还，晚了 {days} 天", "returned late: due {due}, returned {returned}, {days} days late",
                                  "借阅人须在出借单规定的期限内归还；需要延长的，归还前重新办理出借单。", "return on time, or renew the slip before it is due"),
    "loan.lateness-returned": Message("逾期 {days} 天归还", "returned {days} days late"),
    "loan.lateness-open": Message("已逾期 {days} 天未还", "{days} days overdue"),
    "loan.double": Message("“{item}”在借阅单 {other} 归还前又被借出", "'{item}' was lent again before loan {other} returned it"),
    "dossier.on-loan": Message("档案被借阅单 {loan} 借出，状态却是“{status}”", "loan {loan} has the dossier out, yet its status is '{status}'",
                               "借出期间状态为 on_loan。", "set status on_loan while lent"),
    "dossier.not-on-loan": Message("档案状态为借出，但没有未归还的借阅单", "the dossier is marked on loan but no open loan names it"),
    # rules: disposal
    "disposal.unapproved": Message("销毁前须经{roles}批准", "destruction needs the approval of {roles}"),
    "disposal.supervisors": Message("监销人只有 {count} 人，至少需要 {minimum} 人", "{count} supervisors; at least {minimum} are required"),
    "disposal.retention": Message("档案 {dossier} 的保管期（{years} 年）到 {expiry} 才届满，不能提前销毁", "dossier {dossier} must be kept {years} years, until {expiry}"),
    "disposal.status": Message("已列入销毁清册 {disposal}，档案须标为 destroyed 并注明 disposal: {disposal}", "listed by disposal {disposal}: mark it destroyed with disposal: {disposal}"),
    "disposal.certificate": Message("档案 {dossier} 销毁前，其权证须先退还（销毁清册 {disposal}）", "the certificates of {dossier} must be released before disposal {disposal}"),
    "disposal.unlisted": Message("档案标为已销毁，但没有列入它所注明的销毁清册", "marked destroyed but not listed by the disposal it names"),
    "disposal.unverified": Message("档案 {dossier} 销毁前没有核实记录：须由{roles}逐卷核实完整后才能销毁",
                                   "dossier {dossier} was destroyed without being verified: {roles} verifies each dossier complete first",
                                   "在 verification 中记录核实人、核实日期和结论（complete: true）。",
                                   "record who verified it, when, and that it was complete (complete: true)"),
    "disposal.verifier-role": Message("核实人 {staff} 不是{roles}，无权作销毁前核实", "{staff} may not verify dossiers for destruction: it is for {roles}"),
    "disposal.verified-late": Message("档案 {dossier} 的核实晚于销毁日期：最迟 {executed}（含）核实", "dossier {dossier} was verified after its destruction on {executed}",
                                      "销毁前核实：核实日期不得晚于销毁日期。", "verify before destroying"),
    "disposal.verified-incomplete": Message("档案 {dossier} 核实为不完整，不能销毁", "dossier {dossier} was found incomplete: it may not be destroyed",
                                            "查明缺失资料并说明处理后重新核实（complete: true），或将该档案移出销毁清册。",
                                            "account for what is missing and verify it again, or take it off the list"),
    "disposal.verification-unlisted": Message("核实的档案 {dossier} 不在本销毁清册中", "verified dossier {dossier} is not on this list"),
    "disposal.executor-supervises": Message("执行销毁的 {staff} 不能兼任监销人", "{staff} carries out the destruction and cannot also supervise it",
                                            "另请一位员工监销。", "name another supervisor"),
    # the tool: the installed dangan against the range the archive was made for (checks/tool.py)
    "tool.too-new": Message("已安装的 dangan {installed} 比本档案库所需的版本新（{requires}，建库或最近一次升级用的是 {made_with}）：新版本的 schema 和规则可能与档案库自带的不同，检查结果以范围内的版本为准",
                            "the installed dangan {installed} is newer than this archive requires ({requires}; made or last upgraded with {made_with}): its schemas and rules may differ from the archive's, and a dangan in the range has the last word",
                            "运行 dangan upgrade 把档案库升级到 {installed}（经审批后提交）；或安装范围内的版本：pipx install --force \"dangan{requires}\"（或 python3 -m pip install \"dangan{requires}\"）。",
                            "run dangan upgrade to move the archive to {installed} (an approved commit), or install a version in the range: pipx install --force \"dangan{requires}\" (or python3 -m pip install \"dangan{requires}\")"),
    "tool.too-old": Message("已安装的 dangan {installed} 比本档案库所需的版本旧（{requires}，建库或最近一次升级用的是 {made_with}）：旧版本不认识档案库较新的 schema 和规则",
                            "the installed dangan {installed} is older than this archive requires ({requires}; made or last upgraded with {made_with}): it does not know the archive's newer schemas and rules",
                            "安装范围内的版本：pipx install --force \"dangan{requires}\"（或 python3 -m pip install \"dangan{requires}\"）。",
                            "install a version in the range: pipx install --force \"dangan{requires}\" (or python3 -m pip install \"dangan{requires}\")"),
    "tool.bad-range": Message("dangan.requires 不是有效的版本范围：“{requires}”", "dangan.requires is not a version range: \"{requires}\"",
                              "写成 PEP 440 的版本范围，如 \">=0.2,<0.3\"。", "write a PEP 440 range such as \">=0.2,<0.3\""),
    # rules: staff
    "staff.left-loan": Message("{staff} {left_zh}，仍有未归还（或离职后才归还）的借阅", "{staff} {left_en} but holds a loan"),
    "staff.left-step": Message("{staff} {left_zh}，却仍是该档案移交链中待办的人", "{staff} {left_en} but holds an open handover step",
                               "用 dangan reassign 把其档案和待办移交给他人。", "reassign the step to someone else"),
    "calendar.unknown-year": Message("{year} 年的法定节假日未知，该年的工作日按周一至周五计算", "holidays of {year} are unknown: working days counted Monday–Friday",
                                     "在 policy.yaml 的 calendar 中补充该年的放假和调休日期。", "add that year's holidays and make-up days to the policy's calendar"),
    # dangan due, acts and --set: refusals and notes that are not problems of a file
    "due.provisional": Message("暂定：按工作日计算的期限经过 {years} 年，该年的法定节假日和调休尚未知，工作日暂按周一至周五计算",
                               "provisional: counted in working days through {years}, whose official holidays and make-up days are not known yet (Monday–Friday assumed)",
                               "在 policy.yaml 的 calendar 中补充 {years} 年的放假日期（holidays）和调休上班日期（workdays）后即为确定日期。",
                               "add the holidays and make-up working days of {years} to the policy's calendar to make it final"),
    "due.provisional-mark": Message("暂定", "provisional"),
    "due.out-of-range": Message("{day} 超出 dangan due 能计算的范围（{first} 至 {last}）：节日问候要用到次年的农历日期，而农历只能算 {lunar_first}–{lunar_last} 年（lunardate）。"
                                "法定节假日和调休已知的年份为 {official}（{package}）{policy_years_zh}；其余年份的工作日按周一至周五计算，所得期限标为“暂定”",
                                "{day} is outside the days dangan due can compute ({first} to {last}): festival greetings need the next year's lunar dates, and lunardate knows {lunar_first}–{lunar_last} only. "
                                "Official holidays and make-up days are known for {official} ({package}){policy_years_en}; other years count Monday–Friday and their deadlines are marked provisional",
                                "换一个 --as-of 日期，或缩短 --within。", "choose another --as-of or a shorter --within"),
    "act.future": Message("动作日期 {date} 晚于可登记的最晚日期 {latest}（今天 {today}，制度允许提前 {days} 天）：尚未发生的动作不能预先登记",
                          "the act is dated {date}, after the latest date that may be recorded, {latest} (today {today}, {days} days ahead allowed): acts are not recorded before they happen",
                          "按实际发生的日期（--on）登记；公司允许提前登记的天数见 policy.yaml 的 limits.future_days。",
                          "record it with --on on the day it happens; limits.future_days in the policy sets how far ahead may be recorded"),
    "set.index": Message("“{path}”中的序号 [{index}] 超出列表“{field}”：它现有 {length} 项，序号只能是 0 至 {length}（{length} 即追加一项）",
                         "'{path}': index [{index}] is beyond the list '{field}', which has {length} items: use 0 to {length} ({length} appends one)",
                         "按顺序逐项添加，每次最多追加一项。", "add items in order, one at a time"),
    # why two customers are likely one (`customers.likely_same`)
    "same.credit-code": Message("统一社会信用代码相同", "the same credit code"),
    "same.id-number": Message("身份证号码相同", "the same ID number"),
    "same.mobile": Message("手机号码相同", "the same mobile"),
    "same.name": Message("客户名称相同", "the same name"),
    "set.malformed": Message("“{path}”写法不对：第 {at} 个字符处应是字段名或 [序号]（序号是从 0 起的整数）",
                             "'{path}' is malformed: a field name or an [index] (a whole number from 0) was expected at character {at}",
                             "字段路径的写法如 contacts[0].mobile。", "write paths like contacts[0].mobile"),
    "set.empty": Message("字段路径为空", "the field path is empty", "写成 字段=值，如 --set name=张三。", "write field=value, e.g. --set name=张三"),
    "set.not-list": Message("“{path}”写法不对：“{field}”不是列表，不能用序号 [{index}]", "'{path}': '{field}' is not a list, so [{index}] cannot index it",
                            "字段路径的写法如 contacts[0].mobile。", "write paths like contacts[0].mobile"),
    "set.not-mapping": Message("“{path}”写法不对：“{field}”不是“字段: 值”的映射，不能再写字段“{key}”", "'{path}': '{field}' is not a mapping, so it has no field '{key}'",
                               "字段路径的写法如 contacts[0].mobile。", "write paths like contacts[0].mobile"),
    # rules: customers
    "admission.incomplete": Message("客户为有效客户，但准入条件未满足：{missing}", "the customer is active but admission is incomplete: {missing}",
                                    "核实后在 admission.checked 中记录，或将状态改为 prospect。", "record the checks or set status prospect"),
    "admission.unapproved": Message("准入条件已满足，但没有准入批准", "admission has no approval"),
    "customer.profile-late": Message("{category}首次接触 {first} 后应在{period}建档（最迟 {deadline}（含））", "the profile was due {period} of the first contact ({first}; {category}), by {deadline} inclusive",
                                     "按实际建档日期登记；活动客户在活动当日填写顾客档案表。", "record the real date; an event's customer is profiled on the event day"),
    "customer.handover-late": Message("{category}的客户档案表应在建档（{made}）后{period}交至销售经理，最迟 {deadline}（含），实际交得晚了",
                                      "the customer form was due at the sales manager {period} of the profile ({made}), by {deadline} inclusive: handed over late ({category})",
                                      "填写完毕后最迟次日交给直接上级（销售经理）；按实际交表日期登记。", "hand the form to the superior by the next day; record the real date"),
    "customer.handover-to": Message("客户档案表应交至建档人的直接上级（销售经理：{expected}），而不是 {staff}", "the customer form goes to the creator's superior (the sales manager: {expected}), not {staff}"),
    "customer.owner-not-collector": Message("客户经理是 {staff}，但按“谁收集的档案归谁”应为{basis} {expected}", "the owner is {staff}, but by 'whoever collects the file owns it' it is {expected} ({basis})",
                                            "客户另行分配时，在 owner_transfers 中记录变更（日期、原客户经理、新客户经理、原因）。",
                                            "record a reassignment in owner_transfers (date, from, to, reason)"),
    "customer.profile-dates": Message("建档日期早于首次接触日期", "the profile was created before the first contact"),
    "customer.review-by": Message("客户档案应由建档人的直接上级审核（{expected}），而不是 {staff}", "the profile must be reviewed by the creator's superior ({expected}), not {staff}"),
    "customer.approval-missing": Message("客户档案应在建档后由{roles}审批确认，最迟 {deadline}（含），档案已记到 {through}，仍未审批",
                                         "the profile was due for approval by the {roles} by {deadline}; the archive has records up to {through} and no approval",
                                         "审批后在 profile_approval 中记录审批人和日期。", "record the approval in profile_approval"),
    "customer.approval-late": Message("客户档案审批确认晚了：建档（{made}）后最迟 {deadline}（含）",
                                      "the profile was approved late: due by {deadline} after its creation on {made}",
                                      "按实际日期登记；时限见 policy.yaml 的 customers.profile_approval_within。",
                                      "record the real date"),
    "customer.approval-dates": Message("档案审批日期早于建档日期 {made}", "the profile was approved before it was created on {made}"),
    "customer.profile-incomplete": Message("{status}的基本资料不完整：缺少“{field_label}”", "the basic profile of a customer with status {status} lacks {field_label}",
                                           "补充该项；潜在客户的资料可逐步收集。", "fill it in; only prospects may be incomplete"),
    "customer.update-late": Message("客户档案定期更新逾期：{category}每 {months} 个月更新一次，最迟 {deadline}（含）",
                                    "the periodic profile update was late: {category} every {months} months, by {deadline}"),
    "blacklist.business": Message("客户 {customer} 已于 {since} 列入黑名单（{scope}），此后不得再发生业务", "customer {customer} was blacklisted on {since} ({scope}): no new business after that"),
    "blacklist.no-department": Message("部门黑名单没有写明是哪个部门的", "a department blacklist names no department",
                                       "在 blacklist.department 中写明部门；全公司不得往来的，scope 写 company。",
                                       "name the department, or make the scope company"),
    "blacklist.department-by": Message("{department}的黑名单由该部门管理：应由该部门的{roles}决定，{staff} 不是",
                                       "the blacklist of {department} is the department's: its {roles} decides, not {staff}",
                                       "由该部门负责人决定并报营销事业部备案；须全公司不得往来的，由营销事业部列入公司黑名单。",
                                       "let the department head decide; the company list is the marketing division's"),
    "staff.left-owner": Message("{staff} {left_zh}，仍是该客户的客户经理", "{staff} {left_en} but still owns this customer",
                                "用 dangan reassign 把客户移交给在职员工。", "reassign the customer"),
    "tier.quota": Message("评审后 {tier} 客户 {count} 个，占部门客户 {total} 个的比例超过上限 {quota}", "after the review, {count} of {total} customers are {tier}: above the {quota} quota"),
    "tier.downgrade-late": Message("客户 {customer} 降级最迟应在 {deadline}（含）生效", "the downgrade of {customer} must take effect by {deadline}"),
    "tier.quota-change": Message("{since} 调为{tier}后，{department}当时的 {total} 个客户中{tier}有 {count} 个，超过上限 {quota}",
                                 "after the change to {tier} on {since}, {count} of the {total} customers {department} had then are {tier}: above the {quota} quota",
                                 "等级配额在每次调级时都须满足：先把其他客户调出该等级，或暂不调级。",
                                 "the quota holds at every change: move another customer out of the tier first, or do not raise this one"),
    "tier.product-quota": Message("{since} 调为{tier}后，{department}经营“{type}”的 {total} 个客户中{tier}有 {count} 个，超过该品种原则上的上限 {quota}",
                                  "after the change to {tier} on {since}, {count} of the {total} customers of {department} in {type} are {tier}: above the {quota} per-product quota",
                                  "单品种等级客户原则上不超过该比例；确有必要的，在该项 reason 中说明。",
                                  "keep each product within its quota, or explain the exception in the entry's reason"),
    "tier.arrears": Message("{tier}有欠款 {arrears} 元：该等级的客户须按期付款、当前无欠款",
                            "a customer of tier {tier} owes {arrears}: the tier requires no arrears",
                            "催收结清后把 credit.arrears 改为 0，或在下次阶段评审中降级（降级 5 日内生效）。",
                            "collect the arrears, or downgrade the customer at the next review"),
    "tier.default-before": Message("{since} 调为{tier}，但此前（{on}）有违约记录“{default_kind}”：该等级的客户须无滞期付款、逾期未提货等违约记录",
                                   "raised to {tier} on {since} despite a default ({default_kind}) on {on}: the tier requires a record without defaults",
                                   "有违约记录的客户只能定为合格类客户。", "a customer with a default stays qualified"),
    "tier.default-since": Message("{on} 有违约记录“{default_kind}”，客户仍为{tier}：下次阶段评审时须降级",
                                  "a default ({default_kind}) on {on}, yet the customer is still {tier}: downgrade at the next review",
                                  "阶段评审中降为优选类或合格类客户（降级 5 日内生效，policy.yaml 的 customers.downgrade_within）。",
                                  "downgrade the customer at the next half-year review"),
    "tier.not-applied": Message("评审 {review} 决定自 {on} 起为 {tier}，等级变更记录中没有体现", "review {review} set tier {tier} from {on}, but the tier history does not show it"),
    "complaint.late-reply": Message("答复逾期：应在受理后 {period}内（最迟 {deadline}（含））答复", "the reply was late: due within {period} (by {deadline})"),
    "complaint.closed-without-feedback": Message("客诉已结案，但没有记录客户的反馈意见", "closed without the customer's feedback",
                                                 "记录客户对处理结果的意见后再结案。", "record the feedback before closing"),
    "complaint.outcome-unapproved": Message("处理结果没有审批就答复了客户：须经{roles}审批后才能答复",
                                            "the outcome was replied without approval: the {roles} approves it first",
                                            "在 outcome_approval 中记录审批人和日期（不晚于答复日期）。",
                                            "record the approval in outcome_approval, dated no later than the reply"),
    "complaint.outcome-after-reply": Message("处理结果的审批晚于答复（{replied}）：须先审批，后答复客户",
                                             "the outcome was approved after the reply on {replied}: approve first, then reply",
                                             "按实际日期登记；审批前不得把处理结果反馈给客户。", "record the real dates"),
    "complaint.appeal-late": Message("申诉逾期：客户收到处理结果（{replied}）后 {period}内可以申诉，最迟 {deadline}（含）",
                                     "the appeal came late: within {period} of receiving the outcome ({replied}), by {deadline}",
                                     "逾期申诉不予受理；公司仍决定重新调查的，起因（cause）记为客户不满意（dissatisfied）。",
                                     "a late appeal is not accepted; if the company reinvestigates anyway, record the cause as dissatisfied"),
    "complaint.closed-dissatisfied": Message("客户反馈不满意（满意度 {satisfaction}，满意须不低于 {minimum}）却已结案：须重新调查处理直至客户满意",
                                             "closed although the customer is not satisfied ({satisfaction}; satisfied is {minimum} or more): reinvestigate until the customer is satisfied",
                                             "在 reinvestigations 中记录重新调查；确实无法令客户满意的，由有权岗位在 decision 中记录结案决定。",
                                             "record a reinvestigation, or a decision by the authorised role"),
    "complaint.closed-without-reply": Message("客诉已结案，但没有答复记录", "closed without a reply"),
    "complaint.archive-late": Message("客诉归档逾期：应在结案（{closed}）后 {period}内归档，最迟 {deadline}（含）",
                                      "archived late: due within {period} of closing on {closed}, by {deadline}"),
    "complaint.archived-before-closed": Message("归档日期早于结案日期 {closed}", "archived before it was closed on {closed}"),
    "complaint.archived-open": Message("客诉尚未结案，不能归档", "the complaint is archived but not closed",
                                       "先记录结案（closed），再归档。", "record the closing first"),
    "complaint.archive-number": Message("档案编号 {number} 已用于客诉 {other}", "archive number {number} is already used by {other}",
                                        "每份客诉档案一个编号。", "give each complaint file its own number"),
    "visit.late": Message("“{schedule}”（{basis}）应在 {due} 前回访，实际回访晚了", "'{schedule}' ({basis}) was due by {due}: this visit was late"),
    "visit.plan-missing": Message("{kind}须先有经批准的回访计划（plan.approved）", "a visit of kind {kind} needs an approved plan (plan.approved)",
                                  "在 plan 中记录回访计划的内容和批准（批准人、日期，不晚于回访日期）。", "record the plan and its approval, on or before the visit"),
    "visit.plan-late": Message("回访计划在回访（{visit_date}）之后才批准：计划须先批准后实施", "the plan was approved after the visit ({visit_date}): plans are approved before they are carried out",
                               "按实际批准日期登记；未经批准的回访须说明原因。", "record the real date; explain a visit made without approval"),
    "visit.plan-self": Message("{staff} 不能批准自己的回访计划", "{staff} may not approve their own visit plan",
                               "由部门负责人或公司领导批准（policy.yaml 的 approvals.visit_plan）。", "have it approved by a head or the management"),
    "visit.report-late": Message("回访报告应在回访（{visit_date}）后 {period}内填写，最迟 {deadline}（含），实际填得晚了", "the visit report was due within {period} of the visit ({visit_date}), by {deadline} inclusive: written late",
                                 "按实际填写日期登记。", "record the real date"),
    "visit.report-dates": Message("回访报告的填写日期早于回访日期 {visit_date}", "the report is dated before the visit ({visit_date})"),
    "visit.materials-late": Message("回访资料应在回访（{visit_date}）后{period}归还公司（或报客户服务主管批准留用），最迟 {deadline}（含），实际晚了",
                                    "the visit's materials were due back {period} of the visit ({visit_date}), or their keeping approved, by {deadline} inclusive: late",
                                    "按实际日期登记归还或批准留用。", "record the real date of the return or approval"),
    "visit.reviewer": Message("回访报告应由回访人的上级或{roles}审阅，{staff} 不是", "the report must be reviewed by the visitor's superior or {roles}; {staff} is neither"),
    "survey.follow-up": Message("跟进回访 {visit} 不是该客户在调查之后的回访", "follow-up visit {visit} is not a visit of this customer after the survey"),
    "contract.to-admin-late": Message("{event}（{start}）的合同资料应在 {months} 个月内交合同管理员，最迟 {deadline}（含），实际交得晚了",
                                      "the documents of the {event} ({start}) were due at the contract administrator within {months} month(s), by {deadline}",
                                      "按实际日期登记；月末对齐：1 月 31 日起一个月为 2 月的最后一天（policy.yaml 的 contracts.to_admin_within_months）。",
                                      "record the real date; months end at the month's end (contracts.to_admin_within_months)"),
    "contract.archive-late": Message("{event}的合同资料 {handed} 交合同管理员后应在 {months} 个月内移交档案室，最迟 {deadline}（含），实际晚了",
                                     "the documents of the {event}, with the administrator since {handed}, were due in the archive within {months} month(s), by {deadline}",
                                     "按实际日期登记（policy.yaml 的 contracts.to_archive_within_months）。", "record the real date (contracts.to_archive_within_months)"),
    "contract.documents-incomplete": Message("合同资料已于 {archived} 归档，但缺少 {count} 项资料且未说明原因：{missing}",
                                             "archived on {archived} with {count} checklist document(s) missing and no reason given: {missing}",
                                             "收齐后在 documents 中标为 true；确实没有的，在 documents_missing 中写明原因，例如 acceptance: 借款合同无标的验收。",
                                             "mark a document true in documents once it is there; else give the reason in documents_missing"),
    "contract.overpaid": Message("回款合计 {paid} 元，超过合同金额 {amount} 元", "payments total {paid}, more than the amount {amount}"),
    "report.missing": Message("{period} 的{report}应在 最迟 {deadline}（含）报送，档案已记到 {through}，仍无报送记录",
                              "the {report} for {period} was due by {deadline}; the archive has records up to {through} but no filing",
                              "报送后在 records/reports/ 登记一条报送记录（report、period、submitted）。",
                              "once filed, record it in records/reports/ (report, period, submitted)"),
    "report.late": Message("{period} 的{report}应在 最迟 {deadline}（含）报送，实际报送晚了", "the {report} for {period} was due by {deadline}: filed late",
                           "按实际报送日期登记。", "record the real date"),
    "report.missing-department": Message("{department} {period} 的{report}应在 最迟 {deadline}（含）报送；月报已登记到 {through}，此月仍无报送记录",
                                         "the {report} of {department} for {period} was due by {deadline}; reports are recorded up to {through}, but not this one",
                                         "报送后在 records/reports/ 登记一条报送记录（report、period、department、submitted）。",
                                         "once filed, record it in records/reports/ (report, period, department, submitted)"),
    "report.recipient": Message("市场信息月报应报送{department}", "the market report goes to {department}",
                                "报送对象写该部门（policy.yaml 的 customers.market_report.to）。", "name that department in to"),
    "report.unapproved": Message("{report}没有审批记录：须经{roles}审批后才能发放", "the {report} has no approval: the {roles} approves it before it is issued",
                                 "在 approved 中记录审批人和日期。", "record the approval in approved"),
    "report.approved-late": Message("{report}的审批晚于发放日期 {issued}：须先审批，后发放", "the {report} was approved after it was issued on {issued}",
                                    "按实际日期登记。", "record the real dates"),
    "credit.file-incomplete": Message("有授信额度的客户，信用档案缺少 {count} 项：{missing}", "a customer with a credit limit lacks {count} item(s) of the credit file: {missing}",
                                      "补齐 credit 下的这些内容（policy.yaml 的 credit.file_required）。", "add them under credit (credit.file_required)"),
    "credit.limit-unrecorded": Message("授信额度 {limit} 元与最近一次经审批的额度变更（{since}，{recorded} 元）不符",
                                       "the credit limit {limit} differs from the latest approved change ({since}: {recorded})",
                                       "额度的每次核定或调整都记入 credit.limit_history，并由有权岗位审批（policy.yaml 的 approvals.credit_limit）。",
                                       "record every limit set or changed in credit.limit_history with its approval"),
    "credit.review-interval": Message("上次信用评估 {reviewed}，下次评估应在 {months} 个月内，最迟 {deadline}（含）",
                                      "last credit review {reviewed}: the next one is due within {months} month(s), by {deadline}",
                                      "把 next_review 改为不晚于 {deadline}（policy.yaml 的 credit.review_every_months）。", "set next_review to {deadline} or earlier"),
    "credit.review-overdue": Message("信用评估最迟应在 {deadline}（含）更新，档案已记到 {through}，仍未重新评估",
                                     "the credit review was due by {deadline}; the archive has records up to {through} and no new review",
                                     "重新评估后更新 credit.reviewed_on 和 next_review（调整额度的同时记入 limit_history）。",
                                     "after the review update credit.reviewed_on and next_review"),
    "attribution.credit": Message("业绩归属与成单规则不符：按记录应归 {credited}，合同写的是 {staff}", "the credited rep contradicts the rules: the records credit {credited}, not {staff}",
                                  "运行 dangan attribution {contract} 查看依据。", "run dangan attribution {contract} for the reasons"),
    "attribution.claim-closed": Message("{staff} 于 {raised} 提出的对单不改变业绩：当月最后一天为月结，隔月对单无效，月底最后 {days} 天只能对当天的单，此单最迟 {deadline}（含）",
                                        "the claim of {staff} raised on {raised} changes nothing: claims close at the month's end, and in its last {days} days only that day's orders change; for this order by {deadline}",
                                        "月结后的争议由双方协商提成，不改经办人。", "after the close the two may share the commission; the credited rep stays"),
    "attribution.evidence": Message("对单依据 {visit} 无效：{defect_zh}", "the evidence {visit} is not valid: {defect_en}",
                                    "跟进表、预约表须写客户的姓和本人手机；预约须经总监或总经理签字。", "follow-ups and appointments carry the customer's surname and own mobile; appointments are signed"),
    "attribution.unregistered": Message("来访成单，但 {date} 没有该客户的来访登记：所有来访客户都要做来访登记",
                                        "a walk-in sale, but the customer was not registered on {date}: every visitor is registered",
                                        "在 records/registrations/ 补记当天的来访登记；没有登记的，跟进在先的顾问可对全单，不存在对单期。",
                                        "register visitors; an unregistered walk-in may be claimed in full at any time"),
    "attribution.follow-up-right": Message("{staff} 对得合同 {contract} 全单，获跟进权：客户经理应为 {staff}，现为 {owner}",
                                           "{staff} was credited with the whole of {contract} and gets the follow-up right: the owner must be {staff}, not {owner}",
                                           "把 owner 改为 {staff}，并在 owner_transfers 中记录变更（日期、原因、依据的合同或业绩更改单）。",
                                           "set owner to {staff} and record the transfer in owner_transfers"),
    "attribution.half-keeps-seller": Message("合同 {contract} 为半单，由办卡人 {staff} 跟进服务：客户经理应为 {staff}，现为 {owner}",
                                             "{contract} was split in half: the seller {staff} keeps serving the customer, so the owner must be {staff}, not {owner}",
                                             "半单不转跟进权。", "half an order carries no follow-up right"),
    "attribution.transfer-missing": Message("客户经理改为 {staff} 没有变更记录：owner_transfers 中应有一条转给 {staff}、写明原因并注明依据 {basis} 的记录",
                                            "the owner became {staff} without a recorded transfer citing {basis} in owner_transfers",
                                            "在 owner_transfers 中补记：date、from、to、reason，以及 contract 或 credit_change。",
                                            "add date, from, to, reason and the contract or credit change"),
    "credit-change.party": Message("{staff} 不是这张业绩更改单的当事人，只能由 {source} 和 {target} 签字同意",
                                   "{staff} is no party to this credit change: only {source} and {target} agree"),
    "credit-change.manager": Message("经理签字应由原经办人 {source} 的上级或部门负责人（{expected}）签，而不是 {staff}",
                                     "the manager's signature is by the superior or head of {source} ({expected}), not {staff}"),
    "credit-change.order": Message("签字顺序不对：{step}（{date}）早于应在其前的签字（{before}）",
                                   "signed out of order: {step} on {date} is before the signature it follows ({before})",
                                   "先双方同意，再对方经理签字，最后总监签字。", "both reps agree, then the manager signs, then the director"),
    "credit-change.closed": Message("业绩更改单于 {signed} 签齐，此单最迟 {deadline}（含）可改：当月最后一天为月结，月底最后 {days} 天只能更改当天的单；不改变业绩",
                                    "the credit change was signed off on {signed}, but this order could change only by {deadline}: it changes nothing"),
    "credit-change.not-held": Message("{staff} 没有合同 {contract} 的业绩，不能改出", "{staff} holds no credit of {contract} to give"),
    # why a contract is credited as it is (`dangan attribution`)
    "why.card-user": Message("为他人办卡：按使用人 {customer} 的跟进记录判定", "a card bought for someone else: judged by the records of its user {customer}"),
    "why.evidence": Message("{visit} 不是有效的对单依据：{defect_zh}", "{visit} is no valid evidence: {defect_en}"),
    "why.walk-in": Message("来访成单，当天有来访登记 {registration}：按对单期判定", "a walk-in sale, registered that day ({registration}): the claim windows apply"),
    "why.walk-in-unregistered": Message("来访成单，{date} 没有来访登记：跟进在先的顾问可对全单，不存在对单期",
                                        "a walk-in sale nobody registered on {date}: whoever followed up first may claim the whole order at any time"),
    "why.seller-record": Message("经办人 {staff} 的有效跟进/预约始于 {since}", "the seller {staff} has valid records since {since}"),
    "why.seller-none": Message("经办人 {staff} 没有有效的跟进或预约记录", "the seller {staff} has no valid follow-up or appointment"),
    "why.closed-month": Message("{staff} 于 {raised} 提出对单，已过月结（隔月对单无效，最迟 {deadline}（含））：不改变业绩",
                                "{staff} claimed on {raised}, after the month's close (by {deadline}): nothing changes"),
    "why.closed-month-end": Message("{staff} 于 {raised} 提出对单，月底最后几天只能对当天的单（最迟 {deadline}（含））：不改变业绩",
                                    "{staff} claimed on {raised}, in the month's last days, when only that day's orders change (by {deadline}): nothing changes"),
    "why.named": Message("客户入场前在来访登记 {registration} 中指明找 {staff}：此单整单归 {staff}", "the customer named {staff} on registration {registration}: the whole order is theirs"),
    "why.registered": Message("{staff} 当天做了来访登记 {registration}，成单后第 {late} 天发现：{share_zh}",
                              "{staff} registered the customer that day ({registration}), found {late} day(s) after the sale: {share_en}"),
    "why.no-evidence": Message("{staff} 对单无效：销售当天没有其有效的跟进表、预约或来访登记", "the claim of {staff} fails: no valid follow-up, appointment or registration of theirs"),
    "why.seller-first": Message("{staff} 对单不成立：经办人 {seller} 的跟进（{other}）早于 {staff} 的（{own}）",
                                "the claim of {staff} fails: the seller {seller} followed up first ({other}, before {own})"),
    "why.same-day-seller": Message("{staff} 与经办人 {seller} 同一天（{own}）跟进，按当天的预约经办人在先：业绩不变",
                                   "{staff} and the seller {seller} followed up on the same day ({own}); that day's appointments put the seller first"),
    "why.same-day-half": Message("{staff} 与经办人 {seller} 同一天（{own}）跟进，当天的预约不能区分先后：{share_zh}",
                                 "{staff} and the seller {seller} followed up on the same day ({own}); that day's appointments do not tell them apart: {share_en}"),
    "why.unregistered": Message("来访成单没有做来访登记，{staff} 跟进在先（{own}）：可对全单，不存在对单期",
                                "a walk-in sale nobody registered, and {staff} followed up first ({own}): the whole order, with no claim window"),
    "why.follow-up": Message("{staff} 的跟进（{own}）在先，成单后第 {late} 天提出对单：{share_zh}（{whole} 天内整单，{half} 天内各一半）",
                             "{staff} followed up first ({own}) and claimed {late} day(s) after the sale: {share_en} (whole within {whole} days, half within {half})"),
    "why.appointment": Message("{staff} 当天有预约 {visit}（没有跟进表），成单后第 {late} 天发现：{share_zh}",
                               "{staff} had an appointment that day ({visit}, no follow-up), found {late} day(s) after the sale: {share_en}"),
    "why.change-pending": Message("业绩更改单 {change} 尚未签齐（待 {waiting} 签字）：业绩不变", "credit change {change} is not fully signed (waiting for {waiting}): the credit stands"),
    "why.change-wrong": Message("业绩更改单 {change} 的签字不合规定（见 dangan check）：业绩不变", "credit change {change} is wrongly signed (see dangan check): the credit stands"),
    "why.change-closed-month": Message("业绩更改单 {change} 于 {signed} 签齐，已过月结（最迟 {deadline}（含））：不改变业绩",
                                       "credit change {change} was signed off on {signed}, after the close (by {deadline}): nothing changes"),
    "why.change-closed-month-end": Message("业绩更改单 {change} 于 {signed} 签齐，月底最后几天只能更改当天的单（最迟 {deadline}（含））：不改变业绩",
                                           "credit change {change} was signed off on {signed}, in the month's last days (by {deadline}): nothing changes"),
    "why.change-carries-out": Message("业绩更改单 {change} 于 {signed} 签齐，按对单结果把经办人改为 {target}",
                                      "credit change {change}, signed off on {signed}, records the claim's outcome: {target}"),
    "why.change-not-held": Message("业绩更改单 {change}：原经办人 {staff} 没有此单业绩，不予更改", "credit change {change}: {staff} holds no credit to give"),
    "why.change": Message("业绩更改单 {change} 于 {signed} 签齐：{source} 的{portion_zh}业绩改归 {target}",
                          "credit change {change}, signed off on {signed}: {portion_en} of the credit of {source} goes to {target}"),
    "why.renewal-kept": Message("续约 {renewal}：原顾问 {staff} 在职，业绩归原顾问", "renewal of {renewal}: the original rep {staff} is still employed and keeps it"),
    "why.renewal-left": Message("续约 {renewal}：原顾问 {staff} 已离职（{left}），谁跟进续约归谁：{seller}",
                                "renewal of {renewal}: the original rep {staff} left ({left}); it goes to whoever renews: {seller}"),
    # history and signatures
    "sig.forged": Message("签名不符：提交 {commit}（{date}）的作者是 {author}，而该动作的经手人是 {signer}", "forged: commit {commit} ({date}) is by {author}, but the act names {signer}",
                          "经手人须用自己的 git 账号提交自己的动作。", "each person commits their own acts"),
    "sig.reused": Message("提交 {commit} 同时记录了 {first} 和 {signer} 的动作；不同人的动作须分别提交", "commit {commit} records acts of {first} and {signer}: separate commits are required"),
    "sig.after-leave": Message("{signer} {left_zh}，却在 {date} 签署（提交 {commit}）", "{signer} {left_en} but signed on {date} (commit {commit})"),
    "history.deleted": Message("档案文件在提交 {commit}（{date}，{author}）中被删除；档案只能标记销毁，不能删除", "the record file was deleted in commit {commit} ({date}, {author}); records are marked destroyed, never deleted",
                               "用 git 恢复该文件（git checkout {commit}^ -- 该文件）。", "restore it from git"),
    "history.renamed": Message("档案编号被修改：由 {old} 改名而来（提交 {commit}）；编号一经确定不得更改", "the record's id changed: renamed from {old} (commit {commit})"),
    "history.archived-changed": Message("档案归档后，{fields} 在提交 {commit}（{date}，{author}）中被修改，却没有经批准的更正记录", "after archiving, {fields} changed in commit {commit} ({date}, {author}) without an approved amendment",
                                        "在 amendments 中记录更正原因并经有权审批人批准。", "record an approved amendment"),
    "history.rewritten": Message("封印 {tag}（{date}，{tagger}）封存的提交 {commit} 已不在当前历史中：封印之前的历史被改写或替换了", "seal {tag} ({date}, {tagger}) covers commit {commit}, which is no longer in the history: history before the seal was rewritten or replaced",
                                 "不要在改写后的历史上继续工作：从服务器或同事的克隆找回原来的历史（git fetch；git log {tag}），并在代码托管平台上禁止强制推送。", "do not build on the rewritten history: recover the original (git log {tag}) and forbid force pushes on the forge"),
    "history.vanished": Message("本机曾核对过的已发布提交 {commit}（{seen} 所见）已不在任何分支中：历史被改写或被强制推送覆盖", "the published commit {commit}, verified here on {seen}, is in no branch any more: history was rewritten or force-pushed",
                                "找回原来的历史（git reflog、服务器备份或同事的克隆）。如确系经批准的改写（如清除误提交的敏感信息），删除 .dangan-cache/ 后重新检查。", "recover the original history; after an approved rewrite, delete .dangan-cache/ and check again"),
    "history.replaced": Message("仓库中有 {what}：它们能让 git 显示与提交本身不同的内容或父提交；Dangan 不采用它们，历史仍按提交本身核对", "the repository has {what}: they make git show other content or parents than the commits hold; Dangan ignores them and checks the commits themselves",
                                "删除它们（git replace -d <id>；删除 .git/info/grafts），并查明是谁加上的。", "remove them (git replace -d; delete .git/info/grafts) and find out who added them"),
    "history.shallow": Message("这是浅克隆，只有 {depth} 之后的历史：更早的提交无法核对签名和改写", "this is a shallow clone: history before {depth} cannot be checked for signatures and rewrites",
                               "git fetch --unshallow 取回完整历史（CI 中设 fetch-depth: 0）。", "git fetch --unshallow (fetch-depth: 0 in CI)"),
    "seal.unsigned": Message("封印 {tag} 没有有效签名（git：{verdict}）", "seal {tag} has no good signature (git: {verdict})",
                             "封印须用 dangan seal 创建：一个由有权人员签名的附注标签。删除这个标签（git tag -d {tag}），再重新封印。", "seals are made by dangan seal (a signed annotated tag)"),
    "seal.unauthorised": Message("封印 {tag} 由 {tagger}（{who}）签名，但按封印时的制度只有 {roles} 可用本人登记的密钥封印", "seal {tag} is signed by {tagger} ({who}), but only {roles} may seal, with their own registered key",
                                 "删除这个标签（git tag -d {tag}），请 {roles} 运行 dangan seal。", "delete the tag and ask {roles} to run dangan seal"),
    "seal.removed": Message("本机曾见过的封印 {tag}（封存提交 {commit}）已被删除或改指别处", "seal {tag} (of commit {commit}), seen here before, was deleted or moved",
                            "从服务器或同事的克隆找回该标签（git fetch --tags），并在代码托管平台上保护 dangan-seal-* 标签。", "recover the tag (git fetch --tags) and protect dangan-seal-* tags on the forge"),
    # the working tree against the history (checks/worktree.py)
    "file.uncommitted": Message("文件{state_zh}，尚未提交：未提交的改动没有签名，也不在档案的历史中", "the file is {state}, not committed: uncommitted changes are unsigned and not in the archive's history",
                                "用 dangan 的动作或 git commit -S 提交它；若是被中断的动作留下的，运行 dangan recover；编辑时请用 dangan check --before-commit 检查。", "commit it, or run dangan recover if an interrupted act left it; while editing use dangan check --before-commit"),
    "act.interrupted": Message("动作 {act}（始于 {started}）被中断，留下了未完成的改动：{files}{detail}", "the act {act} (started {started}) was interrupted and left unfinished changes: {files}{detail}",
                               "运行 dangan recover 撤销它（下一个动作也会自动撤销）。", "run dangan recover to undo it (the next act does so too)"),
    # commits, each judged by the rules in force at its parent (audit)
    "commit.not-staff": Message("提交 {commit}（{date}，{author}）改动了档案，但按当时的员工名册作者不是员工{via_zh}", "commit {commit} ({date}, {author}) changes the archive but its author was not on the staff{via_en}",
                                "档案只能由员工用本人的 git 账号（员工记录中的邮箱）提交：撤销这次提交（git revert {commit}），由经手人本人重做。", "only staff commit, with the e-mail of their staff record: revert it and let the person redo it"),
    "commit.unsigned": Message("提交 {commit}（{date}，{staff}）改动了档案却没有签名：每个提交都须有本人的 SSH 签名{via_zh}", "commit {commit} ({date}, {staff}) changes the archive but is not signed{via_en}",
                               "配置 git 的 SSH 签名（gpg.format ssh、user.signingkey、commit.gpgsign true）；未推送的提交可用 git commit --amend -S 补签，已推送的须撤销后签名重做。", "configure SSH signing; amend unpushed commits with -S, revert and redo pushed ones"),
    "commit.bad-signature": Message("提交 {commit}（{date}，{staff}）的签名无效（git：{verdict}）：内容在签名后被改过，或签名已损坏{via_zh}", "commit {commit} ({date}, {staff}) has a bad signature (git: {verdict}): altered after signing, or damaged{via_en}",
                                    "不要采用这个提交：从未被改动的副本找回它，或撤销后重做。", "do not accept it: recover the original or revert and redo"),
    "commit.bad-key": Message("提交 {commit}（{date}）的作者是 {staff}，签名却用了{key_owner_zh}（{key}）{via_zh}", "commit {commit} ({date}) is by {staff} but signed with {key_owner_en} ({key}){via_en}",
                              "每人只能用本人员工记录 ssh_keys 中登记的密钥签名；新密钥须先由有权变更员工名册的人登记。", "sign only with a key registered in your own staff record"),
    "commit.not-employed": Message("提交 {commit} 的日期 {date} 在 {staff} {employment_zh}{via_zh}", "commit {commit} is dated {date}, {employment_en} of {staff}{via_en}",
                                   "离职人员不能再签署；其工作须移交他人后由接手人提交。", "people who left sign nothing; their successor commits"),
    "commit.unauthorised": Message("提交 {commit}（{date}，{staff}）改动了{what_zh}（{files}），按改动前的制度只有 {roles} 可以这样做{via_zh}", "commit {commit} ({date}, {staff}) changes {what_en} ({files}); under the rules before it only {roles} may{via_en}",
                                   "撤销这次提交（git revert {commit}），由 {roles} 签名提交这项改动。", "revert it and let {roles} commit the change, signed"),
    "commit.amended": Message("提交 {commit}（{date}，{staff}）改动了 {signer} 已签署的 {fields}：更改已签署的内容属于更正，须由 {roles} 签名提交{via_zh}", "commit {commit} ({date}, {staff}) changes {fields}, already signed by {signer}: an amendment, which {roles} must commit{via_en}",
                              "撤销这次改动（git revert {commit}）；确需更正时由 {roles} 签名提交，已归档的档案还须在 amendments 中记录更正。", "revert it; a needed correction is committed by {roles} (and recorded in amendments once archived)"),
    "site.unmasked": Message("公开网站的文件中有 {count} 个不该公开的值：未脱敏的个人信息（证件号码、电话、邮箱、微信号、住址……）或封存记录的名字", "{count} values that must not be public in a public site file: unmasked personal information or the names of sealed records",
                             "公开版须用默认（脱敏）方式生成；内部版只输出到 public-internal/。", "build the public site masked"),
    "secret.private-key": Message("提交的文件中有私钥", "a private key is committed", "删除该文件并更换密钥。", "remove it and rotate the key"),
    "attachment.missing": Message("扫描件 {file} 不存在", "scanned file {file} is missing"),
    "attachment.hash": Message("扫描件 {file} 的 SHA-256 与记录不符：文件已被改动", "scanned file {file} does not match its SHA-256: it was altered"),
    "attachment.outside": Message("扫描件路径 {file} 不在 attachments/ 中", "scanned file {file} is outside attachments/"),
    "attachment.unreferenced": Message("attachments/ 中的文件没有任何档案引用", "no record references this file in attachments/"),
    # secrets in the policy, and `dangan notify` (issue 21)
    "policy.secret": Message("policy.yaml 中似乎写入了密钥：{secret_zh}。提交进 git 的密钥人人可见，且永远留在历史中",
                             "the policy seems to hold a secret: {secret_en}. A secret committed to git is visible to everyone, for ever",
                             "这里只写环境变量的名字（如 DANGAN_WECOM_WEBHOOK），值放到 CI 的 secrets 或变量中（见 README「提醒」）；已提交的密钥视为泄露，请到企业微信、钉钉或邮箱后台重新生成。",
                             "write only the name of an environment variable here (e.g. DANGAN_WECOM_WEBHOOK) and set its value as a CI secret; regenerate the leaked key"),
    "notify.no-channels": Message("policy.yaml 的 notify 没有提醒渠道", "the policy's notify section names no channel",
                                  "在 policy.yaml 的 notify.channels 中加上企业微信、钉钉或电子邮件渠道（见 README「提醒」）。",
                                  "add wecom, dingtalk or email channels to notify.channels"),
    "notify.broken": Message("policy.yaml 的 notify 部分不符合 schema，无法发送提醒", "the policy's notify section fails its schema; nothing is sent",
                             "运行 dangan check 查看并改正。", "run dangan check and correct it"),
    "notify.no-channel": Message("{owner} 所在的部门 {department} 没有提醒渠道", "no channel serves {owner}'s department {department}",
                                 "在 policy.yaml 的 notify.channels 中让某个渠道服务该部门。", "let a channel of notify.channels serve the department"),
    "notify.no-owner": Message("没有负责人", "nobody is responsible", "在记录中写明负责人。", "name the person responsible in the record"),
    "notify.unknown-owner": Message("负责人 {owner} 不在员工名册中", "the person responsible, {owner}, is not on the staff list"),
    "notify.departed": Message("负责人 {owner} 已于 {left} 离职", "the person responsible, {owner}, left on {left}",
                               "把其事项交给在职的同事（dangan reassign）。", "reassign the items (dangan reassign)"),
    "notify.env-missing": Message("环境变量 {names} 没有设置", "the environment variables {names} are not set",
                                  "在 CI 的 secrets（GitHub）或 CI/CD 变量（GitLab）中设置它们，见 README「提醒」。",
                                  "set them as CI secrets or variables (README, Reminders)"),
    "notify.follows": Message("未发送：它要 @ 的人所看的那条提醒没有发出", "not sent: the reminder it @-mentions people for did not go out",
                              "重新运行 dangan notify 时两条一起补发。", "both go out when dangan notify runs again"),
    "notify.http": Message("HTTP {status}：{detail}", "HTTP {status}: {detail}"),
    "notify.rate-limited": Message("被限流（{detail}）", "rate limited ({detail})",
                                   "两种群机器人都限每分钟 20 条；稍后重新运行，已发送的不会重发。",
                                   "both robots allow 20 messages a minute; run again later, nothing is sent twice"),
    "notify.errcode": Message("机器人返回 errcode {errcode}：{errmsg}", "the robot answered errcode {errcode}: {errmsg}",
                              "核对 webhook 地址和加签密钥（环境变量）是否与机器人设置一致。", "check the webhook URL and the signing secret"),
    "notify.bad-answer": Message("机器人的回答不是 JSON：{detail}", "the robot's answer is not JSON: {detail}"),
    "notify.timeout": Message("{seconds} 秒内没有回应", "no answer within {seconds} seconds"),
    "notify.unreachable": Message("无法连接：{detail}", "cannot connect: {detail}",
                                  "检查网络和服务器地址（环境变量）。", "check the network and the server's address"),
    "notify.smtp": Message("邮件服务器拒绝：{detail}", "the mail server refused: {detail}",
                           "核对发件人、收件人地址和 SMTP 登录信息。", "check the sender, the recipient and the SMTP login"),
    "notify.state-unwritable": Message("无法写入发送记录 {path}：{detail}", "cannot write the record of sends {path}: {detail}",
                                       "让运行 dangan 的用户可以写入该目录，或用 --state 指定别处；未发送任何提醒。",
                                       "make it writable or pass --state; nothing was sent"),
}


# a commit's or an act's signature, in one word (`audit` verdicts; the site adds pending and imported)
VERDICTS = {
    "valid": ("签名有效", "signed"), "unsigned": ("未签名", "unsigned"), "forged": ("伪签", "forged"),
    "unknown-key": ("未登记的密钥", "unregistered key"), "bad": ("签名无效", "bad signature"),
    "not-staff": ("非员工提交", "not by staff"), "unchecked": ("未核对（制度未要求）", "not checked (not required)"),
    "merge": ("合并（无自带改动）", "merge (nothing of its own)"), "pending": ("尚未提交", "not committed yet"),
    "imported": ("纸质档案导入", "imported from paper"),
}


def verdict(name: str, lang: str = "zh") -> str:
    found = VERDICTS.get(name)
    return (found[1] if lang == "en" else found[0]) if found else name


def render(problem: Problem, lang: str = "zh") -> tuple[str, str]:
    """(message, hint) for a problem in the given language."""
    entry = CATALOGUE.get(problem.code)
    if entry is None:
        return problem.code, ""
    args = _Args(problem.args)
    key = problem.args.get("policy_key")
    if lang == "en":
        args = _Args({k: getattr(v, "en", v) for k, v in problem.args.items()})
        cite = f" (policy: {key})" if key else ""
        cite += (f" (acknowledged by {args['acknowledged_by']} on {args['acknowledged_on']} in commit "
                 f"{args['acknowledged']})") if "acknowledged" in args else ""
        return entry.en.format_map(args) + cite, entry.hint_en.format_map(args)
    cite = f"（依据 policy.yaml 的 {key}）" if key else ""
    cite += (f"（已由 {args['acknowledged_by']} 于 {args['acknowledged_on']} 在提交 {args['acknowledged']} 中确认处理）"
             if "acknowledged" in args else "")
    return _tight(entry.zh.format_map(args) + cite), _tight(entry.hint_zh.format_map(args))


# a space the templates keep around an id (S004) is no space in Chinese once the id is a name (李娜（S004）)
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff08-\uff09]) (?=[\u3000-\u303f\u4e00-\u9fff\uff08-\uff09])")


def _tight(text: str) -> str:
    return _CJK_SPACE.sub("", text)


def say(code: str, lang: str = "zh", **args) -> tuple[str, str]:
    """(message, hint) of an entry that is no problem of a file: a refusal, a usage error, a note."""
    return render(Problem(code, "", args=args), lang)


def bilingual(problem: Problem) -> str:
    """One line for a refusal or a usage error: the Chinese message and hint, then the English message."""
    zh, hint = render(problem, "zh")
    return f"{zh}。{hint} ({render(problem, 'en')[0]})" if hint else f"{zh} ({render(problem, 'en')[0]})"


_WHAT = {"policy": ("制度、schema 或网站配置", "the policy, the schemas or the site configuration"),
         "staff": ("员工名册（岗位、邮箱、密钥）", "the staff records (roles, e-mails, keys)")}


def _key_owner(args: dict, lang: int) -> str:
    if args.get("owner"):
        return (f" {args['owner']} 的密钥", f"the key of {args['owner']}")[lang]
    if args.get("ever"):
        return (f"曾登记给 {args['ever']}、但当时不在其员工记录中的密钥（已撤销或尚未登记）",
                f"a key of {args['ever']} that was not in their staff record then (revoked or not yet registered)")[lang]
    return ("未在任何员工记录中登记的密钥", "a key registered to nobody")[lang]


def _future(day: object) -> bool:
    """Whether an ISO date lies after today (a leave date recorded ahead of time)."""
    try:
        return _dt.date.fromisoformat(str(day)) > _dt.date.today()
    except ValueError:
        return False


def _employment(args: dict, lang: int) -> str:
    if args.get("joined"):
        return (f"入职（{args['joined']}）之前", f"before the joining ({args['joined']})")[lang]
    return (f"离职（{args.get('left')}）之后", f"after the leaving ({args.get('left')})")[lang]


_DERIVED = {
    "via_zh": lambda a: f"（由合并提交 {a['via']} 带入：合并时的制度要求签名）" if a.get("via") else "",
    "via_en": lambda a: f" (brought in by merge {a['via']}, where signatures were required)" if a.get("via") else "",
    "what_zh": lambda a: _WHAT.get(a.get("what"), ("", ""))[0],
    "what_en": lambda a: _WHAT.get(a.get("what"), ("", ""))[1],
    "state_zh": lambda a: {"modified": "已修改", "added": "是新增的", "deleted": "已删除", "renamed": "已改名",
                           "copied": "是复制的", "untracked": "未纳入 git", "unmerged": "有未解决的合并冲突"}.get(
        a.get("state"), "已修改") + ("（已暂存）" if a.get("staged") else ""),
    "key_owner_zh": lambda a: _key_owner(a, 0),
    "key_owner_en": lambda a: _key_owner(a, 1),
    "left_zh": lambda a: f"{'将于' if _future(a.get('left')) else '已于'} {a.get('left')} 离职",
    "left_en": lambda a: f"{'leaves' if _future(a.get('left')) else 'left'} on {a.get('left')}",
    "employment_zh": lambda a: _employment(a, 0),
    "employment_en": lambda a: _employment(a, 1),
    "policy_years_zh": lambda a: f"、{a['policy_years']}（policy.yaml 的 calendar）" if a.get("policy_years") else "",
    "policy_years_en": lambda a: f" and {a['policy_years']} (the policy's calendar)" if a.get("policy_years") else "",
    "defect_zh": lambda a: _DEFECTS.get(a.get("defect"), ("", ""))[0],
    "defect_en": lambda a: _DEFECTS.get(a.get("defect"), ("", ""))[1],
    "share_zh": lambda a: _SHARES.get(a.get("share"), ("", ""))[0],
    "share_en": lambda a: _SHARES.get(a.get("share"), ("", ""))[1],
    "portion_zh": lambda a: {"whole": "整单", "half": "一半"}.get(a.get("portion"), ""),
    "portion_en": lambda a: {"whole": "all", "half": "half"}.get(a.get("portion"), ""),
    "secret_zh": lambda a: _SECRETS.get(a.get("kind"), ("", ""))[0],
    "secret_en": lambda a: _SECRETS.get(a.get("kind"), ("", ""))[1],
    "type_zh": lambda a: _FILE_TYPES.get(a.get("type"), ("其他特殊文件", ""))[0],
    "type_en": lambda a: _FILE_TYPES.get(a.get("type"), ("", "another special file"))[1],
}

# why a follow-up or an appointment is no evidence in a sales-credit dispute (`attribution.defect`)
_DEFECTS = {"no-contact": ("缺少客户的姓或本人手机（有效号码为「姓+本人手机」）", "the customer's surname or own mobile is missing"),
            "wrong-contact": ("姓或手机与客户档案不符（须是客户本人的手机）", "the surname or mobile is not the customer's"),
            "masked": ("手机中间四位未写，而该顾问没有这位客户的跟进表", "the mobile hides its middle digits without a follow-up record of the rep"),
            "unsigned": ("预约没有总监或总经理签字", "the appointment is not signed by the director or the GM"),
            "wrong-kind": ("不是跟进或预约记录", "not a follow-up or an appointment"),
            "other-customer": ("不是这位客户的记录", "a record of another customer"),
            "expired": ("成单当天已不在有效期内（跟进表一个月，预约当天）", "no longer valid on the day of the sale"),
            "other-staff": ("不是申请人本人的记录", "not a record of the claimant")}
# what a rule gives the claimant (`attribution._window`)
_SHARES = {"whole": ("整单归其所有", "the whole order"), "half": ("每人各一半", "half each"),
           "none": ("已过期限，不予调整", "too late: nothing changes")}

# what a secret in the policy looks like (`checks.secrets`)
_SECRETS = {"url": ("带 key、access_token 等参数的 webhook 地址", "a webhook URL with a key, access_token or similar parameter"),
            "dingtalk": ("钉钉机器人的加签密钥（SEC…）", "a DingTalk signing secret (SEC…)"),
            "env": ("应写环境变量的名字（大写字母、数字、下划线），这里却是一个值", "a value where the name of an environment variable belongs"),
            "password": ("密码或令牌", "a password or a token")}

# what a non-regular file is (`loader.special_type`)
_FILE_TYPES = {"fifo": ("命名管道", "a named pipe"), "socket": ("套接字", "a socket"),
               "char-device": ("字符设备", "a character device"), "block-device": ("块设备", "a block device"),
               "directory": ("目录", "a folder")}


class _Args(dict):
    """Template arguments; derived names for encodings, unknown names render empty."""

    def __missing__(self, key: str) -> str:
        if key == "encoding_zh":
            enc = self.get("encoding")
            return f"（看起来是 {enc} 编码）" if enc else ""
        if key == "loan_note":
            return f"（借阅单 {self['loan']} 未归还）" if self.get("loan") else "（没有未归还的借阅单）"
        if key == "loan_note_en":
            return f" (loan {self['loan']} is open)" if self.get("loan") else " (no open loan)"
        if key == "resolve":
            return " --resolve" if self.get("merge") else ""
        if key in _DERIVED:
            return _DERIVED[key](self)
        if key == "encoding_en":
            enc = self.get("encoding")
            return f" (it looks like {enc})" if enc else ""
        return ""
