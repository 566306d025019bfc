"""Row validation: every reason a row is rejected, good rows kept beside bad ones, the rejects file."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest

from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.services.register import rejects_bytes
from regions.codes import make_credit_code
from regions.models import Region
from tests.diagnosis.test_import_support import (
    HEADERS,
    code,
    good_row,
    read_csv_rows,
    run_import,
    write_csv,
    write_xlsx,
)
from tests.factories import region


@pytest.fixture
def twin_county(db):
    """A second county with the short name 东湖 (in 九江), so that “东湖” alone is ambiguous."""
    jiujiang = region("360400")
    return Region.objects.create(
        code="360499", name="东湖县", short_name="东湖", level=Region.Level.COUNTY, depth=2,
        parent=jiujiang, sort_order=99, path=f"{jiujiang.path}360499/",
    )  # fmt: skip


BAD_ROWS = {
    "missing credit code": ({"统一社会信用代码": ""}, "缺少统一社会信用代码"),
    "missing name": ({"企业名称": "  "}, "缺少企业名称"),
    "missing county": ({"县（市、区）": ""}, "缺少县（市、区）"),
    "credit code length": ({"统一社会信用代码": "91360102MA35"}, "应为18位，实际为12位"),
    "credit code charset": ({"统一社会信用代码": "91360102MA35IOZS0V"}, "不允许的字符：IOSVZ"),
    "credit code check digit": (
        {"统一社会信用代码": code(0)[:17] + ("1" if code(0)[17] != "1" else "2")},
        "校验位错误",
    ),
    "unknown county": ({"县（市、区）": "火星区"}, "县（市、区）“火星区”不存在"),
    "bad industry code": ({"行业代码": "C12345"}, "行业代码应为国民经济行业分类代码"),
    "industry section letter": ({"行业代码": "A3911"}, "门类字母“A”与大类“39”不符"),
    "bad yes/no": ({"规上企业": "可能"}, "“规上企业”应填“是”或“否”，实际为“可能”"),
    "bad size class": ({"企业规模": "巨型"}, "“企业规模”应为大型、中型、小型或微型，实际为“巨型”"),
    "employees fraction": ({"从业人员数": "12.5"}, "“从业人员数”应为不小于0的整数，实际为“12.5”"),
    "employees negative": ({"从业人员数": "-3"}, "“从业人员数”应为不小于0的整数"),
    "employees text": ({"从业人员数": "约100人"}, "“从业人员数”应为不小于0的整数"),
    "money negative": ({"营业收入（万元）": "-1"}, "“营业收入（万元）”不能为负数"),
    "money text": ({"营业收入（万元）": "12万"}, "“营业收入（万元）”应为不小于0的数字，实际为“12万”"),
    "money bad separators": ({"营业收入（万元）": "12,34"}, "应为不小于0的数字"),
    "money five decimals": ({"营业收入（万元）": "1.23456"}, "“营业收入（万元）”最多保留4位小数"),
    "money not a number": ({"营业收入（万元）": "NaN"}, "应为不小于0的数字"),
    "money too large": ({"营业收入（万元）": "123456789012345"}, "数值过大"),
    "name too long": ({"企业名称": "长" * 201}, "“企业名称”超过200个字"),
    "phone too long": ({"联系电话": "1" * 31}, "“联系电话”超过30个字"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_each_rejection_reason(world, tmp_path, case):
    overrides, reason = BAD_ROWS[case]
    rows = [good_row(1), good_row(2, **overrides), good_row(3)]
    result = run_import(write_csv(tmp_path / "名录.csv", rows))
    assert (result.created, result.rejected) == (2, 1)
    [rejected] = result.rejects
    assert rejected.number == 3  # header is row 1
    assert reason in rejected.reason
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(3)]).count() == 2


def test_ambiguous_county_and_the_city_that_resolves_it(world, tmp_path, twin_county):
    rows = [
        good_row(1, **{"县（市、区）": "东湖"}),
        good_row(2, **{"县（市、区）": "东湖", "设区市": "九江市"}),
        good_row(3, **{"县（市、区）": "东湖", "设区市": "南昌"}),
    ]
    result = run_import(write_csv(tmp_path / "名录.csv", rows, headers=[*HEADERS, "设区市"]))
    assert [r.number for r in result.rejects] == [2]
    assert "“东湖”有重名" in result.rejects[0].reason and "设区市" in result.rejects[0].reason
    assert Enterprise.objects.get(credit_code=code(2)).county == twin_county
    assert Enterprise.objects.get(credit_code=code(3)).county.code == "360102"


def test_county_outside_the_importers_region(world, tmp_path):
    officer = world.users["city_officer"]  # 南昌 360100
    rows = [good_row(1), good_row(2, **{"县（市、区）": "浔阳区"}), good_row(3, **{"县（市、区）": "360403"})]
    result = run_import(write_csv(tmp_path / "名录.csv", rows), actor=officer)
    assert [r.number for r in result.rejects] == [3, 4]
    assert "县（市、区）“浔阳区”不在您的管辖范围内" in result.rejects[0].reason
    assert "管辖范围" in result.rejects[1].reason
    assert result.created == 1
    assert EnterpriseChange.objects.get(enterprise__credit_code=code(1)).actor == officer


def test_existing_enterprise_outside_the_importers_scope(world, tmp_path):
    officer = world.users["city_officer"]
    foreign = world.ent_jiujiang  # in 九江, outside 南昌
    rows = [good_row(1), good_row(2, 统一社会信用代码=foreign.credit_code, 企业名称="改到南昌")]
    result = run_import(write_csv(tmp_path / "名录.csv", rows), actor=officer)
    assert [r.number for r in result.rejects] == [3]
    reason = result.rejects[0].reason
    # Says neither where the archive is nor that it lies outside the importer's region.
    assert reason == "该统一社会信用代码无法由您导入，请联系上级主管部门"
    assert "浔阳" not in reason and "管辖范围以外" not in reason and "建档" not in reason
    foreign.refresh_from_db()
    assert (foreign.name, foreign.county.code) == ("浔阳化工有限公司", "360403")


def test_duplicate_credit_code_names_the_first_row(world, tmp_path):
    rows = [good_row(1), good_row(2), good_row(1, 企业名称="重复的一行"), good_row(1, 企业名称="又一行")]
    result = run_import(write_csv(tmp_path / "名录.csv", rows))
    assert [r.number for r in result.rejects] == [4, 5]
    assert all("与第2行重复" in r.reason for r in result.rejects)
    assert Enterprise.objects.get(credit_code=code(1)).name == "江西导入测试企业1有限公司"


def test_all_problems_of_a_row_are_listed(world, tmp_path):
    row = good_row(1, 企业名称="", 规上企业="也许", **{"营业收入（万元）": "-5", "县（市、区）": "火星区"})
    result = run_import(write_csv(tmp_path / "名录.csv", [row]))
    reasons = result.rejects[0].reason.split("；")
    assert len(reasons) == 4
    assert {"缺少企业名称"} <= set(reasons)


def test_lower_case_credit_code_is_accepted(world, tmp_path):
    result = run_import(write_csv(tmp_path / "名录.csv", [good_row(1, 统一社会信用代码=code(1).lower())]))
    assert result.created == 1 and Enterprise.objects.filter(credit_code=code(1)).exists()


def test_county_by_code_full_name_short_name_and_12_digit_code(world, tmp_path):
    rows = [
        good_row(1, **{"县（市、区）": "360103"}),
        good_row(2, **{"县（市、区）": "西湖区"}),
        good_row(3, **{"县（市、区）": "西湖"}),
        good_row(4, **{"县（市、区）": "360103000000"}),
    ]
    result = run_import(write_csv(tmp_path / "名录.csv", rows))
    assert result.created == 4
    assert set(
        Enterprise.objects.filter(name__startswith="江西导入").values_list("county__code", flat=True)
    ) == {"360103"}


def test_thousands_separators_and_yes_no_spellings(world, tmp_path):
    rows = [
        good_row(1, 规上企业="Y", 从业人员数="1,200", **{"营业收入（万元）": "1,234,567.1234"}),
        good_row(2, 规上企业="否", 企业规模="微", 从业人员数="0", **{"营业收入（万元）": "0"}),
    ]
    result = run_import(write_csv(tmp_path / "名录.csv", rows))
    assert result.rejected == 0
    first, second = (Enterprise.objects.get(credit_code=code(n)) for n in (1, 2))
    assert (first.above_designated_size, first.employees, str(first.revenue)) == (True, 1200, "1234567.1234")
    assert (second.above_designated_size, second.size_class, second.employees) == (False, "micro", 0)


# --- the rejects file ----------------------------------------------------------------------------


def test_rejects_file_csv_has_original_columns_row_number_and_reason(world, tmp_path):
    headers = [*HEADERS, "备注"]
    rows = [
        good_row(1, 备注="a"),
        good_row(2, 备注="b", 企业规模="巨型"),
        good_row(3, 备注="c", 统一社会信用代码="X"),
    ]
    result = run_import(write_csv(tmp_path / "名录.csv", rows, headers=headers, encoding="gbk"))
    table = read_csv_rows(rejects_bytes(result))
    assert table[0] == [*headers, "行号", "错误原因"]
    assert [line[-2] for line in table[1:]] == ["3", "4"]
    assert table[1][:-2] == [str(rows[1][h]) for h in headers]  # the original cells, unchanged
    assert "企业规模" in table[1][-1] and "18位" in table[2][-1]


def test_rejects_file_xlsx_keeps_text_cells(world, tmp_path):
    rows = [good_row(1), good_row(2, 企业规模="巨型", 联系电话="013800138000")]
    result = run_import(write_xlsx(tmp_path / "名录.xlsx", rows))
    sheet = openpyxl.load_workbook(io.BytesIO(rejects_bytes(result)), read_only=True).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == [*HEADERS, "行号", "错误原因"]
    assert table[1][0] == code(2) and table[1][9] == "013800138000"
    assert table[1][-2] == 3 and "企业规模" in table[1][-1]


def test_rejects_written_by_command_next_to_input(world, tmp_path):
    import json

    from django.core.management import call_command

    path = write_xlsx(tmp_path / "名录.xlsx", [good_row(1), good_row(2, 企业规模="巨型")])
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rejects_file"] == str(tmp_path / "名录-被拒绝行.xlsx")
    assert openpyxl.load_workbook(summary["rejects_file"]).worksheets[0].max_row == 2


def test_rows_are_matched_on_credit_code_from_other_divisions(world, tmp_path):
    # The registering authority in the code need not be the county the enterprise reports in.
    other = make_credit_code("360702", 42)
    result = run_import(write_csv(tmp_path / "名录.csv", [good_row(1, 统一社会信用代码=other)]))
    assert result.created == 1 and Enterprise.objects.get(credit_code=other).county.code == "360102"


def test_limits_come_from_the_model_and_good_rows_are_kept(world, tmp_path):
    """Money with more integer digits than ``Enterprise.revenue`` stores (max_digits − decimal_places)
    and employees beyond the database's integer range are rejected rows, not a failed file."""
    from diagnosis.services.register import decimal_limits

    integer_digits, places = decimal_limits("revenue")
    field = Enterprise._meta.get_field("revenue")
    assert (integer_digits, places) == (field.max_digits - field.decimal_places, field.decimal_places)
    largest = "9" * integer_digits + "." + "9" * places
    rows = [
        good_row(1, **{"营业收入（万元）": largest}),
        good_row(2, **{"营业收入（万元）": "1" + "0" * integer_digits}),  # one digit too many
        good_row(3, **{"工业总产值（万元）": "1" + "0" * (integer_digits + 2)}),
        good_row(4, 从业人员数="2147483648"),
        good_row(5),
    ]
    headers = [*HEADERS, "工业总产值（万元）"]
    result = run_import(write_csv(tmp_path / "名录.csv", rows, headers=headers))
    assert [r.number for r in result.rejects] == [3, 4, 5]
    assert f"整数部分最多{integer_digits}位" in result.rejects[0].reason
    assert "工业总产值" in result.rejects[1].reason and "数值过大" in result.rejects[2].reason
    assert result.created == 2
    assert Enterprise.objects.get(credit_code=code(1)).revenue == Decimal(largest)
    assert Enterprise.objects.filter(credit_code=code(5)).exists()


def test_over_long_cells_are_rejected_never_stored_or_echoed(world, tmp_path):
    """A 12 KB workbook with two 5 MB cells once produced a 10 MB preview page."""
    from core.tabular import MAX_CELL_CHARS
    from diagnosis.services.register import rejects_bytes

    huge = "长" * (5 * 1024 * 1024)
    rows = [good_row(1, 企业名称=huge), good_row(2, 联系人=huge), good_row(3)]
    result = run_import(write_xlsx(tmp_path / "名录.xlsx", rows))
    assert result.created == 1 and [r.number for r in result.rejects] == [2, 3]
    assert result.rejects[0].reason == f"第2行“企业名称”列内容过长（超过{MAX_CELL_CHARS}字）"
    assert "第3行“联系人”列内容过长" in result.rejects[1].reason
    assert len(json.dumps(result.error_list(), ensure_ascii=False)) < 2_000
    assert len(rejects_bytes(result)) < 50_000
    assert not Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).exists()
