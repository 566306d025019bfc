"""Reading register files: encodings, XLSX cells, headers and their aliases, whole-file errors."""

import io
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.services.register import (
    COLUMNS,
    ImportFileError,
    column_map,
    enterprise_register_import,
    read_table,
    template_bytes,
    xlsx_cell_text,
)
from tests.diagnosis.test_import_support import (
    HEADERS,
    code,
    csv_bytes,
    digit_only_code,
    good_row,
    run_import,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("encoding", "expected_label", "name"),
    [
        ("utf-8", "utf-8", "南昌㐀电子有限公司"),
        ("utf-8-sig", "utf-8-sig", "南昌㐀电子有限公司"),
        ("gbk", "gbk", "赣州稀土新材料有限公司"),
        # 㐀 (U+3400, CJK Extension A) exists in GB18030 but not in GBK.
        ("gb18030", "gb18030", "南昌㐀电子有限公司"),
    ],
)
def test_csv_encodings_are_detected(tmp_path, encoding, expected_label, name):
    path = write_csv(tmp_path / "名录.csv", [good_row(1, 企业名称=name)], encoding=encoding)
    result = run_import(path)
    assert result.encoding == expected_label
    assert (result.created, result.rejected) == (1, 0)
    assert Enterprise.objects.get(credit_code=code(1)).name == name


def test_gb18030_only_character_cannot_be_gbk():
    with pytest.raises(UnicodeEncodeError):
        "㐀".encode("gbk")


def test_tab_separated_csv(tmp_path):
    path = tmp_path / "名录.csv"
    rows = ["\t".join(HEADERS[:3]), "\t".join([code(1), "制表符分隔企业", "东湖区"])]
    path.write_text("\n".join(rows), encoding="utf-8")
    assert run_import(path).created == 1


def test_xlsx_with_numeric_cells(tmp_path):
    digits = digit_only_code()
    rows = [
        good_row(1, 从业人员数=120, **{"营业收入（万元）": 1234.5, "联系电话": 13800138000}),
        # A digit-only credit code in a text cell stays exact (a number cell cannot hold 18 digits).
        good_row(2, 从业人员数=35.0, **{"营业收入（万元）": 2000.0, "统一社会信用代码": digits}),
    ]
    result = run_import(write_xlsx(tmp_path / "名录.xlsx", rows))
    assert (result.file_format, result.created, result.rejected) == ("xlsx", 2, 0)
    first = Enterprise.objects.get(credit_code=code(1))
    assert first.employees == 120
    assert first.revenue == Decimal("1234.5")
    assert first.contact_phone == "13800138000"
    second = Enterprise.objects.get(credit_code=digits)
    assert (second.employees, second.revenue) == (35, Decimal("2000"))


def test_xlsx_float_credit_code_never_becomes_exponent(tmp_path):
    # Excel keeps 15 significant digits: an 18-digit code typed as a number is already damaged.
    path = write_xlsx(tmp_path / "名录.xlsx", [good_row(1, 统一社会信用代码=1.23e17)])
    result = run_import(path)
    assert result.rejected == 1
    assert "123000000000000000" in result.rejects[0].cells
    assert "E+" not in result.rejects[0].reason and "校验位" in result.rejects[0].reason


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (120, "120"), (120.0, "120"), (1234.5, "1234.5"), (1e-05, "0.00001"),
     (1.23e17, "123000000000000000"), (True, "TRUE"), ("  东湖区 ", "  东湖区 ")],
)  # fmt: skip
def test_xlsx_cell_text(value, text):
    assert xlsx_cell_text(value) == text


def test_xlsx_title_row_above_header_keeps_spreadsheet_row_numbers(tmp_path):
    rows = [good_row(1), good_row(2, 企业规模="巨型")]
    result = run_import(write_xlsx(tmp_path / "名录.xlsx", rows, title="2024年规上工业企业名录"))
    assert result.created == 1
    assert [r.number for r in result.rejects] == [4]  # title 1, header 2, data 3–4


def test_header_aliases_any_order_and_extra_columns(tmp_path):
    headers = [
        "序号", "所属县区", "企业名称 ", "信用代码", "备注", "设区市", "营业收入(万元)",
        "工业总产值（万元）", "地址", "是否规上企业", "从业人员", "联系方式",
    ]  # fmt: skip
    row = {
        "序号": "1", "所属县区": "东湖", "企业名称 ": "别名表头企业", "信用代码": code(1), "备注": "无",
        "设区市": "南昌市", "营业收入(万元)": "10", "工业总产值（万元）": "8.5", "地址": "八一大道1号",
        "是否规上企业": "否", "从业人员": "9", "联系方式": "13900000000",
    }  # fmt: skip
    result = run_import(write_csv(tmp_path / "名录.csv", [row], headers=headers))
    assert (result.created, result.rejected) == (1, 0)
    assert result.ignored_columns == ["序号", "备注"]
    ent = Enterprise.objects.get(credit_code=code(1))
    assert ent.county.code == "360102"
    assert (ent.revenue, ent.output_value, ent.employees) == (Decimal("10"), Decimal("8.5"), 9)
    assert ent.above_designated_size is False
    assert (ent.address, ent.contact_phone) == ("八一大道1号", "13900000000")


@pytest.mark.parametrize(
    "header",
    ["县（市、区）", "县(市、区)", " 县 （市、区） ", "*县（市、区）", "县（市、区）（必填）", "区县"],
)
def test_header_spellings(header):
    columns, ignored = column_map(["统一社会信用代码", "企业名称", header])
    assert columns["county"] == 2 and ignored == []


def test_full_width_input_is_normalised(tmp_path):
    lower_full_width = code(1).lower().translate({i: i + 0xFEE0 for i in range(0x21, 0x7F)})
    row = good_row(
        1,
        统一社会信用代码=f"　{lower_full_width} ",
        企业名称="　江西全角（测试）有限公司 ",
        **{"县（市、区）": "３６０１０２", "行业代码": "ｃ３９１１", "从业人员数": "１２０",
           "营业收入（万元）": "１，２３４．５", "规上企业": " 是 "},
    )  # fmt: skip
    result = run_import(write_csv(tmp_path / "名录.csv", [row]))
    assert result.rejected == 0, result.rejects and result.rejects[0].reason
    ent = Enterprise.objects.get(credit_code=code(1))
    assert ent.name == "江西全角(测试)有限公司"
    assert (ent.county.code, ent.industry_code, ent.employees) == ("360102", "3911", 120)
    assert ent.revenue == Decimal("1234.5")


def test_template_downloads_read_back_with_the_documented_headers(tmp_path):
    expected = [c.header for c in COLUMNS]
    for file_format in ("xlsx", "csv"):
        table = read_table(io.BytesIO(template_bytes(file_format)), f"模板.{file_format}")
        assert table.headers == expected
        assert len(table.rows) == 1
        path = tmp_path / f"模板.{file_format}"
        path.write_bytes(template_bytes(file_format))
        result = run_import(path, dry_run=True)
        assert (result.created, result.rejected) == (1, 0), result.rejects and result.rejects[0].reason


# --- whole-file problems: one clear error, nothing imported ------------------------------------


def _whole_file_error(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as exc:
        run_import(path)
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()
    assert not EnterpriseChange.objects.filter(source="import").exists()
    return str(exc.value)


def test_missing_required_header(tmp_path):
    content = csv_bytes([good_row(1)], headers=["统一社会信用代码", "企业名称", "行业代码"])
    message = _whole_file_error(tmp_path, "名录.csv", content)
    assert "缺少必需的列" in message and "县（市、区）" in message


def test_two_columns_for_one_field(tmp_path):
    content = csv_bytes([good_row(1)], headers=[*HEADERS, "信用代码"])
    assert "只保留一列" in _whole_file_error(tmp_path, "名录.csv", content)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \r\n,,,\r\n"])
def test_empty_file(tmp_path, content):
    assert "空" in _whole_file_error(tmp_path, "名录.csv", content)


def test_header_only(tmp_path):
    assert "没有数据行" in _whole_file_error(tmp_path, "名录.csv", csv_bytes([]))


def test_garbage_binary_csv(tmp_path):
    garbage = random.Random(4754).randbytes(4096)
    assert "CSV" in _whole_file_error(tmp_path, "名录.csv", garbage)


def test_garbage_xlsx(tmp_path):
    assert "Excel" in _whole_file_error(tmp_path, "名录.xlsx", b"PK\x03\x04 not really a zip file")
    assert "Excel" in _whole_file_error(tmp_path, "名录2.xlsx", csv_bytes([good_row(1)]))


def test_csv_that_is_a_workbook(tmp_path):
    from tests.diagnosis.test_import_support import xlsx_bytes

    assert ".xlsx" in _whole_file_error(tmp_path, "名录.csv", xlsx_bytes([good_row(1)]))


@pytest.mark.parametrize(("name", "needle"), [("名录.txt", ".txt"), ("名录.xls", ".xls"), ("名录", "扩展名")])
def test_unsupported_extensions(tmp_path, name, needle):
    assert needle in _whole_file_error(tmp_path, name, csv_bytes([good_row(1)]))


def test_command_reports_whole_file_error(tmp_path):
    path = tmp_path / "名录.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="空"):
        call_command("import_enterprises", str(path), "--json")
    assert not Enterprise.objects.exists()


def test_read_table_accepts_file_objects():
    table = read_table(io.BytesIO(csv_bytes([good_row(1)], encoding="gbk")), "x.csv")
    assert (table.encoding, table.file_format, table.header_row) == ("gbk", "csv", 1)
    assert table.rows[0].number == 2 and table.rows[0].cells[0] == code(1)


def test_service_is_keyword_only():
    with pytest.raises(TypeError):
        enterprise_register_import(None, "x.csv", "x.csv")  # type: ignore[misc]
