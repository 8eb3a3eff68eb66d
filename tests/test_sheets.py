"""Excel and CSV in and out (issue 8 points 4-6): spreadsheets as people really make them,
written here with openpyxl, imported row by row with a report, in one commit; exports that
import back without a change."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from conftest import REPO, Archive, customer, dossier, plain_policy
from dangan.cli import cli
from dangan.demo.records import demo_records
from dangan.demo.write import write_records
from dangan.identifiers import check_credit_code, check_id_number, id_check_char, make_credit_code, make_id_number
from dangan.schemas import load_schemas
from dangan.sheets import clean
from dangan.sheets.convert import enum_value
from dangan.sheets.mapping import default_mapping
from dangan.sheets.read import read_table
from dangan.sheets.report import REASON, ROW
from gitarchive import GitArchive

CODE_A = make_credit_code("91", "150100", "MA0Q7K3B5")
CODE_B = make_credit_code("91", "150200", "MA0R2X8C1")
ID_GOOD = make_id_number("150102", dt.date(1985, 4, 12), 13)
ID_X = make_id_number("150102", dt.date(1990, 7, 1), 1)  # ends in X
ID_OTHER = make_id_number("150103", dt.date(1978, 11, 3), 25)
FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def serial(day: dt.date) -> int:
    """The number Excel stores for a date."""
    return (day - clean.EXCEL_EPOCH).days


def workbook(path: Path, rows: list[list], merged: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row or [None])
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def records(archive: Archive, kind: str) -> dict[str, dict]:
    folder = archive.path(kind, "x").parent
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))}


HEADER = ["客户名称", "客户类型", "统一社会信用代码", "法定代表人", "成立日期", "身份证号码", "联系电话", "邮编",
          "客户经理", "首次接触日期", "备用列", "地址"]


def messy_customers(path: Path) -> Path:
    """A customer list as it comes from a sales department, with every usual problem."""
    return workbook(path, [
        ["鸿远小贷 2024 年客户名录"],  # a title row merged over the columns
        ["制表：业务一部", None, None, None, None, None, None, None, None, None, None, "单位：元"],
        HEADER,
        # 4: stray and full-width spaces, a full-width code, a mobile stored as a number, a date serial
        ["  呼和浩特市青城商贸有限公司 ", "企业", CODE_A.translate(FULLWIDTH), "张　伟", serial(dt.date(2009, 4, 17)),
         None, 13904710001, "010050", "李娜", "2024年3月13日", "x", "新华大街 1 号"],
        [],  # 5: blank
        ["王小明", "个人", None, None, None, ID_GOOD, " 139 0471 0002 ", None, "S004", "2024/3/13"],  # 6
        ["赵丽", "个人", None, None, None, int(ID_X[:17]), 13904710003, None, "李娜", "2024.03.13"],  # 7: a number
        ["包头市恒达机械有限公司", "企业", CODE_B, None, dt.datetime(2006, 9, 8), None, 13904710004, 14010,
         "李娜", dt.datetime(2024, 3, 13), None, "青年路 2 号"],  # 8: a postcode that lost its leading zero
        ["孙强", "个人", None, None, None, float(ID_OTHER[:17] + "0"), 13904710005, None, "李娜",
         "2024-3-13"],  # 9: an ID stored as a number: Excel kept 15 digits
        ["钱芳", "个人", None, None, None, ID_X[:17], "13904710006", None, "李娜", "2024-03-13"],  # 10: X lost
        [None, None, None, None, None, None, None, None, None, None, None, None],
    ], merged=("A1:L1",))


def test_a_messy_sheet_is_reported_row_by_row_and_nothing_is_written(archive, tmp_path):
    result = archive.run("import", "customer", str(messy_customers(tmp_path / "客户.xlsx")), "--as", "S004")
    assert result.exit_code == 1, result.output
    out = result.output
    assert "表头在第 3 行" in out and "6 行数据" in out and "未识别的列，已忽略 (ignored)：备用列" in out
    assert "第 7 行 [身份证号码] “15010219900701000”：以数字保存" in out and "末位 X 也已丢失" in out
    assert "第 10 行 [身份证号码] “15010219900701001”：只有 17 位：末位 X 可能" in out
    assert "第 8 行 [邮编] “14010”：以数字保存，开头的 0 已丢失" in out
    assert "第 9 行 [身份证号码]" in out and "超过 Excel 的 15 位有效数字" in out
    assert "第 4 行" not in out and "第 6 行" not in out
    assert "未写入任何文件" in out and not archive.path("customer", "KH0001").parent.exists()


def test_skip_bad_writes_the_good_rows_normalised(archive, tmp_path):
    sheet = messy_customers(tmp_path / "客户.xlsx")
    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "新建 2 条" in result.output and "跳过 4 行" in result.output
    found = records(archive, "customer")
    assert sorted(found) == ["KH0001", "KH0002"]
    qc, wang = found["KH0001"], found["KH0002"]
    assert qc["name"] == "呼和浩特市青城商贸有限公司" and qc["type"] == "enterprise"
    assert qc["enterprise"] == {"credit_code": CODE_A, "legal_representative": "张伟", "founded_on": "2009-04-17"}
    assert qc["contacts"] == [{"name": "张伟", "mobile": "13904710001"}]
    assert qc["addresses"] == [{"type": "mailing", "detail": "新华大街 1 号", "postcode": "010050"}]
    assert qc["owner"] == "S004" and qc["department"] == "yw1" and qc["status"] == "prospect"
    assert qc["first_contact_on"] == "2024-03-13" and qc["created"]["by"] == "S004"
    assert wang["individual"] == {"id_number": ID_GOOD} and wang["contacts"][0]["mobile"] == "13904710002"
    text = archive.path("customer", "KH0001").read_text(encoding="utf-8")
    assert "mobile: '13904710001'" in text and "postcode: '010050'" in text  # quoted: stays text in every tool
    assert archive.check() == (0, [])


def test_rejected_rows_go_to_an_xlsx_with_the_reason(archive, tmp_path):
    out = tmp_path / "未导入.xlsx"
    result = archive.run("import", "customer", str(messy_customers(tmp_path / "客户.xlsx")), "--as", "S004",
                         "--report", str(out))
    assert result.exit_code == 1 and out.exists()
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER, REASON, ROW]
    assert [r[-1] for r in rows[1:]] == [7, 8, 9, 10]
    assert rows[4][0] == "钱芳" and "末位 X" in rows[4][-2] and rows[4][-2].startswith("身份证号码：")
    assert "开头的 0 已丢失" in rows[2][-2] and sheet.freeze_panes == "A2"


def test_dates_in_every_form(archive, tmp_path):
    for text in ("2023年3月13日", "2023/3/13", "2023.03.13", "2023-3-13", "20230313", "２０２３年３月１３日",
                 serial(dt.date(2023, 3, 13)), dt.datetime(2023, 3, 13, 9, 30), "2023-03-13 00:00:00"):
        assert clean.iso_date(text) == "2023-03-13", text
    for bad in ("2023-02-30", "3/13/2023", "2023年3月", "明天"):
        with pytest.raises(clean.Unclean):
            clean.iso_date(bad)


def test_gbk_csv_complaints_with_names_and_labels(archive, tmp_path):
    archive.add("customer", customer())
    path = tmp_path / "客诉.csv"
    path.write_bytes("客户名称,投诉日期,投诉渠道,投诉类别,是否紧急,投诉内容\r\n"
                     "王小明,2024年3月13日,电话,服务态度,是,放款延迟未告知。\r\n"
                     ",,,,,\r\n"
                     "王小明 ,2024/3/20,微信,process,否,  资料退回两次　\r\n".encode("gbk"))
    result = archive.run("import", "complaint", str(path), "--as", "S011")
    assert result.exit_code == 0, result.output
    assert "gbk 编码" in result.output and "新建 2 条" in result.output
    found = records(archive, "complaint")
    assert list(found) == ["KS2024-001", "KS2024-002"]
    first, second = found.values()
    assert first["customer"] == "KH0001" and first["received"] == {"by": "S011", "date": "2024-03-13"}
    assert (first["channel"], first["category"], first["urgent"]) == ("phone", "service", True)
    assert (second["channel"], second["category"], second["urgent"], second["description"]) == \
        ("wechat", "process", False, "资料退回两次")


def test_a_plain_list_of_people_in_utf8_without_bom(archive, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(f"序号,姓名,身份证号,手机号,地址\n1,王小明,{ID_GOOD},+86 139-0471-0001,新华大街 1 号\n",
                    encoding="utf-8")
    result = archive.run("import", "customer", str(path), "--as", "S004")
    assert result.exit_code == 0 and "未识别的列，已忽略 (ignored)：序号" in result.output, result.output
    found = records(archive, "customer")["KH0001"]
    assert (found["name"], found["type"], found["individual"]) == ("王小明", "individual", {"id_number": ID_GOOD})
    assert found["contacts"] == [{"name": "王小明", "mobile": "13904710001"}]
    assert found["addresses"] == [{"type": "mailing", "detail": "新华大街 1 号"}]


def test_utf8_csv_with_bom_and_a_map_file(archive, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("单位,电话号,身份证\n王小明,13904710001,".encode("utf-8-sig") + ID_GOOD.encode() + b"\n")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("单位: name\n电话号: contacts[0].mobile\n身份证: individual.id_number\n", encoding="utf-8")
    result = archive.run("import", "customer", str(path), "--map", str(mapping), "--as", "S004")
    assert result.exit_code == 0, result.output
    found = records(archive, "customer")["KH0001"]
    assert (found["name"], found["type"], found["individual"]["id_number"]) == ("王小明", "individual", ID_GOOD)
    bad = tmp_path / "bad.yaml"
    bad.write_text("单位: nosuchfield\n", encoding="utf-8")
    refused = archive.run("import", "customer", str(path), "--map", str(bad), "--as", "S004")
    assert refused.exit_code == 2 and "nosuchfield" in refused.output


def test_a_phone_column_holding_landlines(archive, tmp_path):
    sheet = workbook(tmp_path / "phones.xlsx", [
        ["客户名称", "身份证号码", "联系电话"],
        ["王小明", ID_GOOD, "0471-6868849"],  # a landline in the 联系电话 column: kept as the contact's phone
        ["李四", ID_OTHER, 4716868849],  # a landline stored as a number: its area code lost the 0
    ])
    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--skip-bad")
    assert result.exit_code == 0 and "第 3 行 [联系电话] “4716868849”：以数字保存，区号开头的 0 已丢失" in result.output
    assert records(archive, "customer")["KH0001"]["contacts"] == [{"name": "王小明", "phone": "0471-6868849"}]


def test_duplicates_within_the_file_and_against_the_archive(archive, tmp_path):
    archive.add("customer", customer())  # KH0001 王小明, ID_GOOD, 13904710001
    sheet = workbook(tmp_path / "dup.xlsx", [
        ["客户名称", "统一社会信用代码", "身份证号码", "手机"],
        ["王晓明", None, ID_GOOD, "13904710009"],  # 2: same ID number as KH0001
        ["呼和浩特市青城商贸有限公司", CODE_A, None, "13904710011"],  # 3
        ["青城商贸", CODE_A, None, "13904710012"],  # 4: same credit code as row 3
        ["李四", None, ID_OTHER, "13904710011"],  # 5: same mobile as row 3
    ])
    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--dry-run")
    out = result.output
    assert result.exit_code == 1
    assert "第 2 行：疑似与已有客户重复：KH0001 王小明：身份证号码相同" in out
    assert "第 4 行 [统一社会信用代码] “" + CODE_A + "”：与第 3 行重复" in out
    assert "第 5 行 [手机] “13904710011”：与第 3 行重复" in out
    assert "  第 3 行" not in out and "试运行" in out and len(records(archive, "customer")) == 1


def test_update_changes_only_the_fields_in_the_sheet(archive, tmp_path):
    archive.add("customer", customer(region="内蒙古自治区呼和浩特市"))
    before = archive.path("customer", "KH0001").read_text(encoding="utf-8")
    sheet = workbook(tmp_path / "upd.xlsx", [
        ["身份证号码", "工作单位", "客户来源", "客户名称"],
        [ID_GOOD, "青城商贸公司", "转介绍", "王小明"],  # matches KH0001 by ID number
        [ID_OTHER, None, "上门", "李四"],  # new
        [ID_X, None, "上门", "王小明"],  # a namesake with another ID number: someone else, new
    ])
    plain = archive.run("import", "customer", str(sheet), "--as", "S004")
    assert plain.exit_code == 1 and "疑似与已有客户重复：KH0001" in plain.output
    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--update")
    assert result.exit_code == 0, result.output
    assert "新建 2 条，更新 1 条" in result.output
    expected = yaml.safe_load(before)
    expected["individual"]["employer"] = "青城商贸公司"
    expected["source"] = "referral"
    assert records(archive, "customer")["KH0001"] == expected
    assert records(archive, "customer")["KH0002"]["source"] == "walk_in"
    written = archive.path("customer", "KH0001").read_bytes()
    again = archive.run("import", "customer", str(sheet), "--as", "S004", "--update")
    assert "没有需要写入的变化" in again.output and "无变化 3 条" in again.output
    assert records(archive, "customer")["KH0003"]["individual"]["id_number"] == ID_X
    assert archive.path("customer", "KH0001").read_bytes() == written


def test_visits_and_contracts(archive, tmp_path):
    archive.add("customer", customer())
    visits = workbook(tmp_path / "visits.xlsx", [
        ["客户", "回访人", "回访日期", "回访方式", "回访类型", "回访结果"],
        ["王小明", "李娜", dt.datetime(2024, 3, 20), "电话", "跟进", "客户有续贷意向"],
        ["KH0001", "S004", "2024年4月2日", "onsite", "routine", None],
    ])
    assert archive.run("import", "visit", str(visits), "--as", "S004").exit_code == 0
    found = records(archive, "visit")
    assert list(found) == ["HF2024-0001", "HF2024-0002"]
    assert found["HF2024-0001"] == {"id": "HF2024-0001", "customer": "KH0001", "staff": "S004",
                                         "date": "2024-03-20", "method": "phone", "kind": "follow_up",
                                         "outcome": "客户有续贷意向"}
    contracts = workbook(tmp_path / "contracts.xlsx", [
        ["部门", "客户", "合同类型", "合同名称", "合同金额（元）", "签订日期", "经办人", "状态"],
        ["业务一部", "王小明", "借款合同", "流动资金借款合同", "1,200,000.00", "2024/3/15", "李娜", "履行中"],
        ["业务一部", "王小明", "loan", "展期协议", "一百万", "2024/3/15", "李娜", "active"],
    ])
    result = archive.run("import", "contract", str(contracts), "--as", "S004", "--skip-bad")
    assert result.exit_code == 0 and "第 3 行 [合同金额（元）] “一百万”：“一百万”不是数字" in result.output
    contract = records(archive, "contract")["HT2024-001"]
    assert (contract["number"], contract["department"], contract["amount"], contract["signed_on"]) == \
        ("业一合字2024第001号", "yw1", 1200000, "2024-03-15")


def test_a_dossier_inventory_is_appended(archive, tmp_path):
    archive.add("customer", customer())
    two_parts = dossier()["inventory"][:2]  # A has listed the first two parts (6 pages) so far
    archive.add("dossier", dossier(status="preparing", handover=[], inventory=two_parts, total_pages=6))
    sheet = workbook(tmp_path / "清单.xlsx", [
        ["王小明经营性贷款 档案清单"],
        ["部分", "资料名称", "页数", "原件/复印件"],
        ["项目调查资料", "贷前调查报告", 12, "原件"],
        ["customer", "身份证复印件", "1", "复印件"],
        ["立项审批资料", "借款申请书", 2, "原件"],  # already listed
    ], merged=("A1:D1",))
    result = archive.run("import", "dossier", str(sheet), "--dossier", "2024鸿借字第001号", "--as", "S004")
    assert result.exit_code == 1 and "第 5 行 [资料名称] “借款申请书”：清单的这一部分已有" in result.output
    result = archive.run("import", "dossier", str(sheet), "--dossier", "2024鸿借字第001号", "--as", "S004",
                         "--skip-bad")
    assert result.exit_code == 0, result.output
    data = records(archive, "dossier")["2024鸿借字第001号"]
    assert data["inventory"][2:] == [
        {"part": "investigation", "items": [{"title": "贷前调查报告", "pages": 12, "form": "original"}]},
        {"part": "customer", "items": [{"title": "身份证复印件", "pages": 1, "form": "copy"}]}]
    assert data["total_pages"] == 6 + 13 and archive.check() == (0, [])


def act(repo: GitArchive, sid: str, *args: str):
    """Run dangan as staff member `sid`: git user and signing key set as they would be."""
    for key, value in (("user.name", sid), ("user.email", repo.email(sid)), ("gpg.format", "ssh"),
                       ("user.signingkey", str(repo.keys / sid))):
        repo.git("config", key, value)
    return CliRunner().invoke(cli, [*args, "--root", str(repo.root)], catch_exceptions=False)


@pytest.fixture
def repo(tmp_path) -> GitArchive:
    return GitArchive(tmp_path / "archive", tmp_path / "keys")


def test_an_import_is_one_signed_commit_that_git_revert_undoes(repo, tmp_path):
    before = repo.git("rev-parse", "HEAD").stdout.strip()
    result = act(repo, "S004", "import", "customer", str(messy_customers(tmp_path / "客户.xlsx")), "--skip-bad")
    assert result.exit_code == 0, result.output
    assert repo.git("rev-list", "--count", f"{before}..HEAD").stdout.strip() == "1"
    log = repo.git("log", "-1", "--format=%ae%n%B").stdout
    assert log.startswith("s004@hongyuan.example") and "Dangan-Act: import customer" in log
    assert "Dangan-Record: customer/KH0001" in log and "Dangan-Record: customer/KH0002" in log
    assert repo.git("status", "--porcelain").stdout == "" and repo.check() == (0, [])
    repo.git("-c", "commit.gpgsign=false", "revert", "--no-edit", "HEAD")
    assert not list(repo.path("customer", "x").parent.glob("*.yaml"))


def test_nothing_is_committed_when_a_row_is_bad(repo, tmp_path):
    before = repo.git("rev-parse", "HEAD").stdout.strip()
    assert act(repo, "S004", "import", "customer", str(messy_customers(tmp_path / "c.xlsx"))).exit_code == 1
    assert repo.git("rev-parse", "HEAD").stdout.strip() == before and repo.git("status", "--porcelain").stdout == ""


def test_an_act_of_someone_else_is_not_imported_under_my_signature(repo, tmp_path):
    repo.add("customer", customer())
    repo.commit("S004", "新建客户")
    sheet = workbook(tmp_path / "ks.xlsx", [["客户", "受理人", "受理日期", "投诉渠道", "投诉类别", "投诉内容"],
                                            ["KH0001", "S003", "2024-03-13", "电话", "服务态度", "放款延迟"]])
    result = act(repo, "S004", "import", "complaint", str(sheet))
    assert result.exit_code == 1 and "第 2 行 [受理人] “S003”：S003 的签署须由本人提交" in result.output


@pytest.fixture
def demo(tmp_path) -> Path:
    """The demo archive in a git repository of its own, committed as S004 (李建军), its values written plain
    (the repository's copy is encrypted: a spreadsheet round trip of plain values is what is tested here)."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "schemas", root / "schemas")
    (root / "records").mkdir()
    shutil.copy(REPO / "records" / "policy.yaml", root / "records" / "policy.yaml")
    plain_policy(root)
    write_records(root, demo_records())
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    for args in (("init", "-q", "-b", "main"), ("config", "user.name", "李建军"),
                 ("config", "user.email", "lijianjun@hongyuan.example"), ("config", "commit.gpgsign", "false"),
                 ("add", "-A"), ("commit", "-q", "-m", "demo")):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


@pytest.mark.parametrize("kind", ["customer", "visit", "complaint", "contract"])
def test_export_then_import_changes_nothing(demo, tmp_path, kind):
    out = tmp_path / f"{kind}.xlsx"
    run = CliRunner().invoke
    assert run(cli, ["export", kind, "--format", "xlsx", "-o", str(out), "--root", str(demo)]).exit_code == 0
    dry = run(cli, ["import", kind, str(out), "--update", "--dry-run", "--root", str(demo)])
    assert dry.exit_code == 0 and "将新建 0 条，更新 0 条" in dry.output and "有问题" not in dry.output, dry.output
    real = run(cli, ["import", kind, str(out), "--update", "--root", str(demo)])
    assert real.exit_code == 0 and "没有需要写入的变化" in real.output
    status = subprocess.run(["git", "-C", str(demo), "status", "--porcelain"], capture_output=True, text=True)
    commits = subprocess.run(["git", "-C", str(demo), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    assert status.stdout == "" and commits.stdout.strip() == "1"


def test_the_exported_workbook_is_made_for_excel(demo, tmp_path):
    out = tmp_path / "customers.xlsx"
    CliRunner().invoke(cli, ["export", "customer", "-o", str(out), "--root", str(demo)])
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["客户编号", "客户名称", "客户类型"]
    assert "统一社会信用代码" in header and "联系人手机" in header
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width > 20
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["首次接触日期"].is_date and first["首次接触日期"].number_format == "yyyy-mm-dd"
    assert first["统一社会信用代码"].number_format == "@" and first["联系人手机"].data_type == "s"
    assert first["客户类型"].value in ("企业", "个人")
    as_csv = CliRunner().invoke(cli, ["export", "customer", "--format", "csv", "--root", str(demo)]).output
    assert as_csv.splitlines()[0].startswith("客户编号,客户名称")
    csv_file = tmp_path / "c.csv"
    CliRunner().invoke(cli, ["export", "customer", "--format", "csv", "-o", str(csv_file), "--root", str(demo)])
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    again = CliRunner().invoke(cli, ["import", "customer", str(csv_file), "--update", "--dry-run", "--root", str(demo)])
    assert again.exit_code == 0 and "无变化 46 条" in again.output


def test_a_contacts_sheet_adds_contacts_to_existing_customers(archive, tmp_path):
    archive.add("customer", customer())
    path = archive.path("customer", "KH0001")
    path.write_text(path.read_text(encoding="utf-8").replace("contacts:\n", "# 联系人按重要程度排列\ncontacts:\n"),
                    encoding="utf-8")
    sheet = workbook(tmp_path / "contacts.xlsx", [
        ["客户联系人名单"], [],
        ["客户名称", "联系人", "职务", "手机"],
        ["王小明", "王小红", "财务", 13904710002],
        ["王小明", "赵大勇", "出纳", "139 0471 0003"],
        ["王小明", "王小明", None, "13904710001"],  # already listed: unchanged
    ], merged=("A1:D1",))
    result = archive.run("import", "contact", str(sheet), "--as", "S004")
    assert result.exit_code == 0, result.output
    contacts = records(archive, "customer")["KH0001"]["contacts"]
    assert [(c["name"], c.get("title"), c["mobile"]) for c in contacts] == [
        ("王小明", None, "13904710001"), ("王小红", "财务", "13904710002"), ("赵大勇", "出纳", "13904710003")]
    assert "# 联系人按重要程度排列" in path.read_text(encoding="utf-8")
    before = path.read_bytes()
    unknown = workbook(tmp_path / "unknown.xlsx", [["客户名称", "联系人", "手机"],
                                                   ["不存在的公司", "钱七", "13904710009"],
                                                   ["王小明", "孙八", "13904710010"]])
    refused = archive.run("import", "contact", str(unknown), "--as", "S004")
    assert refused.exit_code == 1 and "找不到这一行所属的客户" in refused.output
    assert path.read_bytes() == before  # one bad row: nothing written


# A 客户台账 as kept by hand: one column for either number, short tier labels, a footer.
EITHER = "统一社会信用代码/身份证号"
LEDGER = ["序号", "客户名称", "客户类型", EITHER, "客户等级", "客户状态", "联系电话", "客户经理", "首次接触日期"]
ID_BAD_CHECK = ID_GOOD[:17] + ("1" if ID_GOOD[17] != "1" else "2")
ID_AND_CODE = ("110101198001010299", "110101198001010387")  # valid as ID numbers and as credit codes alike


def customer_ledger(path: Path) -> Path:
    return workbook(path, [
        ["鸿远小贷客户台账（2024 年）"],  # 1: a title merged over the columns
        ["单位：业务一部", None, None, None, None, None, None, "制表日期：2024-03-31"],  # 2
        LEDGER,  # 3
        # 4: a full-width credit code padded with spaces; 优选 and 潜在 for 优选类客户 and 潜在客户
        [1, "呼和浩特市青城商贸有限公司", "企业", f" {CODE_A.translate(FULLWIDTH)} ", "优选", "潜在", 13904710001,
         "李娜", "2024-03-13"],
        # 5: no customer type: the ID number says it; spaces inside the number
        [2, "王小明", None, f"{ID_GOOD[:6]} {ID_GOOD[6:14]} {ID_GOOD[14:]}", "合格", None, "13904710002", "李娜",
         "2024年3月13日"],
        [],  # 6
        [3, "赵丽", "个人", ID_X.lower(), "VIP", "潜在客户", "13904710003", "S004", "2024/3/13"],  # 7: a lower-case x
        [4, "包头市恒达机械有限公司", None, CODE_B, "贵宾", None, "13904710004", "李娜",
         dt.datetime(2024, 3, 13)],  # 8: no type: the credit code says it
        [5, "孙强", None, ID_BAD_CHECK, "合格类", None, "13904710005", "李娜", "2024-03-13"],  # 9: a bad check digit
        ["合计", None, None, "共 5 户"],  # 10: merged A10:C10
        ["制表人：李娜", None, None, None, "审核人：孙建国"],  # 11
    ], merged=("A1:I1", "A10:C10"))


def imported(rid: str, name: str, kind: str, number: dict, tier: str, mobile: str) -> dict:
    return {"id": rid, "type": kind, "name": name, kind: number, "contacts": [{"name": name, "mobile": mobile}],
            "owner": "S004", "department": "yw1", "first_contact_on": "2024-03-13",
            "created": {"by": "S004", "date": "2024-03-13", "note": "由 台账.xlsx 导入 (imported)"},
            "tier": tier, "status": "prospect"}


def test_a_ledger_with_one_column_for_either_number(archive, tmp_path):
    sheet = customer_ledger(tmp_path / "台账.xlsx")
    refused = archive.run("import", "customer", str(sheet), "--as", "S004")
    out = refused.output
    assert refused.exit_code == 1, out
    assert "表头在第 3 行）：5 行数据" in out and "未识别的列，已忽略 (ignored)：序号\n" in out
    assert (f"  第 9 行 [{EITHER}] “{ID_BAD_CHECK}”：不是有效的身份证号码：校验位不对（GB 11643）；"
            "不是有效的统一社会信用代码：校验位不对（GB 32100）（核对证件原件") in out
    assert "1 行有问题" in out and "客户类型" not in out.split("第 9 行", 1)[1]  # the type it would have said
    assert not any(f"第 {n} 行" in out for n in (4, 5, 7, 8, 10, 11))
    assert not archive.path("customer", "KH0001").parent.exists()
    schemas = load_schemas(REPO / "schemas", REPO)
    table = read_table(sheet, default_mapping(schemas, "customer").known)
    assert [n for n, _ in table.rows] == [4, 5, 7, 8, 9] and table.footer == [10, 11]  # 合计, 制表人：…

    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--skip-bad")
    assert result.exit_code == 0 and "新建 4 条" in result.output and "跳过 1 行" in result.output, result.output
    assert records(archive, "customer") == {
        "KH0001": imported("KH0001", "呼和浩特市青城商贸有限公司", "enterprise", {"credit_code": CODE_A}, "preferred",
                           "13904710001"),
        "KH0002": imported("KH0002", "王小明", "individual", {"id_number": ID_GOOD}, "qualified", "13904710002"),
        "KH0003": imported("KH0003", "赵丽", "individual", {"id_number": ID_X}, "vip", "13904710003"),
        "KH0004": imported("KH0004", "包头市恒达机械有限公司", "enterprise", {"credit_code": CODE_B}, "vip",
                           "13904710004"),
    }
    assert archive.check() == (0, [])


@pytest.mark.parametrize("header", [EITHER, "证件号码", "身份证号/统一社会信用代码", "统一社会信用代码或身份证号",
                                    "信用代码／身份证号码", "证件号码（身份证号、信用代码）"])
def test_the_headers_of_a_column_for_either_number(archive, tmp_path, header):
    sheet = workbook(tmp_path / "c.xlsx", [["客户名称", header], ["王小明", ID_GOOD], ["青城商贸", CODE_A]])
    result = archive.run("import", "customer", str(sheet), "--as", "S004")
    assert result.exit_code == 0 and "已忽略" not in result.output, result.output
    found = records(archive, "customer")
    assert (found["KH0001"]["type"], found["KH0001"]["individual"]) == ("individual", {"id_number": ID_GOOD})
    assert (found["KH0002"]["type"], found["KH0002"]["enterprise"]) == ("enterprise", {"credit_code": CODE_A})


def test_why_a_number_is_neither(archive, tmp_path):
    feb30 = "15010219990230001"
    feb30 += id_check_char(feb30)
    wrong_code = CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1")
    assert all(check_id_number(n) is None and check_credit_code(n) is None for n in ID_AND_CODE)
    sheet = workbook(tmp_path / "numbers.xlsx", [
        ["客户名称", "客户类型", "证件号码", "身份证号码"],
        ["甲公司", "企业", ID_GOOD],  # 2
        ["乙", None, ID_AND_CODE[0]],  # 3
        ["丙", None, CODE_A[:17]],  # 4
        ["丁", None, "150102850412013"],  # 5
        ["戊", None, CODE_A[:16] + "O" + CODE_A[17]],  # 6
        ["己", None, feb30],  # 7
        ["庚", None, wrong_code],  # 8
        ["辛", None, ID_X[:17]],  # 9
        ["壬", None, ID_GOOD, ID_OTHER],  # 10
        ["癸", "个人", ID_AND_CODE[0]],  # 11: the type says which
        ["子", "企业", ID_AND_CODE[1]],  # 12
    ])
    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--dry-run")
    lines = {int(line.split()[1]): line for line in result.output.splitlines() if line.startswith("  第 ")}
    assert result.exit_code == 1 and sorted(lines) == list(range(2, 11)), result.output
    assert f"第 2 行 [证件号码] “{ID_GOOD}”：客户类型是“企业”，但这是身份证号码" in lines[2]
    assert "既是有效的身份证号码，也是有效的统一社会信用代码，无法判断（请在“客户类型”列写明企业或个人。）" in lines[3]
    assert "：有 17 位：统一社会信用代码和身份证号码都是 18 位" in lines[4]
    assert "：15 位的是第一代身份证号码或旧的工商注册号" in lines[5]
    assert "：含有统一社会信用代码和身份证号码都不用的字符：O（" in lines[6]
    assert f"“{feb30}”：不是有效的身份证号码：出生日期 1999-02-30 不存在或不合理；" in lines[7]
    assert f"“{wrong_code}”：不是有效的统一社会信用代码：校验位不对（GB 32100）（" in lines[8]
    assert "身份证号码" not in lines[8].split("：", 1)[1]
    assert "只有 17 位：末位 X 可能在保存为数字时丢失" in lines[9]
    assert f"第 10 行 [证件号码] “{ID_GOOD}”：与“身份证号码”列的“{ID_OTHER}”不一致" in lines[10]
    assert all("(" in line and line.endswith(")") for line in lines.values())  # and in English
    result = archive.run("import", "customer", str(sheet), "--as", "S004", "--skip-bad")
    assert result.exit_code == 0 and "新建 2 条" in result.output, result.output
    found = records(archive, "customer")
    assert (found["KH0001"]["name"], found["KH0001"]["type"], found["KH0001"]["individual"]) == \
        ("癸", "individual", {"id_number": ID_AND_CODE[0]})
    assert (found["KH0002"]["name"], found["KH0002"]["type"], found["KH0002"]["enterprise"]) == \
        ("子", "enterprise", {"credit_code": ID_AND_CODE[1]})


@pytest.mark.parametrize(("path", "cells", "code"), [
    (("tier",), ["优选", "优选类", "优选客户", "优选类客户", "preferred", "Preferred", " 优 选 "], "preferred"),
    (("tier",), ["合格", "合格类", "合格级", "合格类客户", "QUALIFIED"], "qualified"),
    (("tier",), ["VIP", "vip", "Vip客户", "VIP 客户", "ＶＩＰ", "vip级", "贵宾", "贵宾客户"], "vip"),
    (("status",), ["潜在", "潜在客户", "prospect"], "prospect"),
    (("status",), ["休眠", "休眠客户"], "dormant"),
    (("credit", "rating"), ["AAA级", "aaa", "A级", "a"], None),
])
def test_enum_cells_take_the_labels_short_forms(path, cells, code):
    schema = load_schemas(REPO / "schemas", REPO).field_info("customer", path).schema
    for cell in cells:
        expected = code or clean.code(cell).removesuffix("级").upper()
        assert enum_value(schema, cell) == expected, cell
    for wrong in ("优秀", "客户", "合格优选"):
        with pytest.raises(clean.Unclean, match="不是可选的值"):
            enum_value(schema, wrong)
