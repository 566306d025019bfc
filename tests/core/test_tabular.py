"""core.tabular: reading (formats, encodings, headers, limits) and formula-safe writing."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from core.tabular import (
    MAX_CELL_CHARS,
    Columns,
    TabularFileError,
    cell_text,
    read_table,
    safe_cell,
    write_csv,
    write_xlsx,
)

COLUMNS = Columns(
    aliases={"code": ("代码", "编码"), "name": ("名称", "企业名称"), "note": ("备注",)}, required=("code",)
)


def xlsx(rows) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_detected_and_rows_keyed_by_field(encoding):
    text = "编码,企业名称,其他\nA1,江西示例有限公司,x\n"
    if encoding == "gb18030":
        text += "A2,𠀀字企业,\n"  # a character outside GBK
    table = read_table(io.BytesIO(text.encode(encoding)), "x.csv", columns=COLUMNS)
    assert table.encoding == encoding
    assert table.columns == {"code": 0, "name": 1} and table.ignored == ["其他"]
    assert table.values(table.rows[0]) == {"code": "A1", "name": "江西示例有限公司"}
    assert table.rows[0].number == 2


def test_xlsx_read_with_title_row_blank_rows_and_numbers():
    source = xlsx([["2024年名录"], [], ["* 代码（必填）", "名称"], ["A1", 120.0], [], [1234.5, True]])
    table = read_table(source, "名录.XLSX", columns=COLUMNS)
    assert (table.file_format, table.header_row) == ("xlsx", 3)
    assert [(r.number, r.cells) for r in table.rows] == [(4, ["A1", "120"]), (6, ["1234.5", "TRUE"])]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.xls", b"whatever", ".xls"),
        ("x.pdf", b"%PDF", ".pdf"),
        ("x.csv", b"", "空的"),
        ("x.csv", b"PK\x03\x04rest", "扩展名改为 .xlsx"),
        ("x.xlsx", b"code,name\n", "不是有效的 Excel"),
        ("x.xlsx", b"PK\x03\x04 broken zip", "已损坏"),
        ("x.csv", "名称\n甲\n".encode(), "缺少必需的列：代码"),
        ("x.csv", "代码,编码\n1,2\n".encode(), "两列都表示“代码”"),
        ("x.csv", "代码\n".encode(), "只有表头"),
    ],
)
def test_whole_file_problems(name, content, message):
    with pytest.raises(TabularFileError) as exc:
        read_table(io.BytesIO(content), name, columns=COLUMNS)
    assert message in str(exc.value)


def test_row_limit_refuses_the_file():
    content = "代码\n" + "".join(f"A{i}\n" for i in range(11))
    with pytest.raises(TabularFileError, match="超过 10 行"):
        read_table(io.BytesIO(content.encode()), "x.csv", columns=COLUMNS, max_rows=10)
    assert len(read_table(io.BytesIO(content.encode()), "x.csv", columns=COLUMNS, max_rows=11).rows) == 11


def test_over_long_cell_is_cut_and_its_row_carries_the_problem():
    huge = "长" * (5 * 1024 * 1024)  # the 5 MB cell of the bug report
    source = xlsx([["代码", "名称"], ["A1", huge], ["A2", "正常"]])
    table = read_table(source, "x.xlsx", columns=COLUMNS)
    first, second = table.rows
    assert len(first.cells[1]) == MAX_CELL_CHARS + 1 and first.cells[1].endswith("…")
    assert first.problems == [f"第2行“名称”列内容过长（超过{MAX_CELL_CHARS}字）"]
    assert second.problems == [] and second.cells == ["A2", "正常"]


def test_small_cell_limit_applies_to_csv_too():
    table = read_table(
        io.BytesIO("代码,名称\nA1,abcdef\n".encode()), "x.csv", columns=COLUMNS, max_cell_chars=5
    )
    assert table.rows[0].cells == ["A1", "abcde…"] and "超过5字" in table.rows[0].problems[0]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (120, "120"), (120.0, "120"), (1234.5, "1234.5"), (1e-05, "0.00001"),
     (1.23e17, "123000000000000000"), (True, "TRUE"), ("  东湖区 ", "  东湖区 ")],
)  # fmt: skip
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+86 791", "'+86 791"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), (Decimal("-5.10"), Decimal("-5.10")), (-3, -3),
     (None, "")],
)  # fmt: skip
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_write_csv_has_bom_neutralises_formulas_and_keeps_numbers():
    data = write_csv([['=HYPERLINK("http://x")', Decimal("-12.50"), -3, "江西"]], ["a", "b", "c", "d"])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["a", "b", "c", "d"], ['\'=HYPERLINK("http://x")', "-12.50", "-3", "江西"]]


def test_write_xlsx_never_writes_a_formula_and_keeps_numbers():
    data = write_xlsx([["=1+1", "-5", Decimal("-5"), 7]], ["h1", "h2", "h3", "h4"], title="导出")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "导出"
    cells = [(c.value, c.data_type) for c in sheet[2]]
    assert cells == [("'=1+1", "s"), ("'-5", "s"), (-5, "n"), (7, "n")]


def test_written_file_reads_back_unchanged():
    rows = [["=1+1", "+86 791 8600"], ["普通", "-3"]]
    for name, data in [
        ("x.csv", write_csv(rows, ["代码", "名称"])),
        ("x.xlsx", write_xlsx(rows, ["代码", "名称"])),
    ]:
        table = read_table(io.BytesIO(data), name, columns=COLUMNS)
        assert [r.cells for r in table.rows] == rows, name
