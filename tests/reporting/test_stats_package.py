"""The statistics engine: the real 2022 first-half bulletin reproduced cell by cell, the expression
language, exact decimals, aggregation, package checking and the table command."""

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.models import Indicator, IndicatorValue, StatsTable
from reporting.selectors.stats import table_compute
from reporting.services.stats import PackageError, package_load
from reporting.stats.expressions import ExpressionError, parse
from reporting.stats.tables import format_value, rank_sentence

PACKAGE = Path(__file__).parent / "fixtures" / "bulletin-2022s1"
TABLES = ["annex1", "annex2_cities", "annex2_counties", "annex3"]
pytestmark = pytest.mark.django_db


def expected(code):
    return json.loads((PACKAGE / "expected" / f"{code}.json").read_text("utf-8"))


@pytest.fixture
def loaded():
    return package_load(PACKAGE, origin="bulletin-2022s1")


def test_the_bulletin_loads_and_reproduces_every_cell_and_ranking(loaded):
    assert (loaded.indicators, loaded.values, sorted(loaded.tables)) == (12, 259, TABLES)
    assert loaded.mismatches == []
    for code in TABLES:
        table, want = table_compute(code=code), expected(code)
        assert table["columns"] == want["columns"]
        cells = {row["region"]: row["cells"] for row in table["rows"]}
        assert cells == want["cells"], code
        assert table["rank"] == want.get("rank", []), code


def test_rows_come_in_customary_order_with_the_total_last(loaded):
    annex2 = table_compute(code="annex2_cities")
    labels = [row["label"] for row in annex2["rows"]]
    assert labels[:3] == ["南昌", "九江", "景德镇"] and labels[-2:] == ["赣江新区", "江西"]
    assert annex2["rows"][-2]["cells"] == ["/", "565"]  # the zone has no cumulative figure: missing


def test_rank_sentences_read_as_the_bulletin(loaded):
    layout = StatsTable.objects.get(code="annex1").layout
    table = table_compute(code="annex1")
    assert rank_sentence(layout["rank"][0], table["rank"][0]) == (
        "通过两化融合管理体系贯标评定企业数量位列前三位的为宜春（192家）、新余（44家）和九江（40家）。"
    )
    assert rank_sentence(layout["rank"][1], table["rank"][1]).endswith(
        "景德镇（200.00%）、吉安（85.71%）和九江（53.85%）。"
    )


def test_a_tie_keeps_the_order_the_department_listed(loaded):
    # 上饶 and 宜春 both grew 3.89 points; the bulletin (and its package) lists 上饶 first
    assert table_compute(code="annex3")["rank"][1][:2] == [["上饶", "3.89%"], ["宜春", "3.89%"]]


def test_the_json_command_prints_the_contract(loaded, capsysbinary):
    call_command("stats_table", "annex1", "--format", "json")
    data = json.loads(capsysbinary.readouterr().out.decode())
    assert set(data) == {"code", "title", "period", "columns", "rows", "rank"}
    assert data["period"] == "2022S1" and data["rows"][-1] == {
        "region": "360000", "label": "江西",
        "cells": ["468", "236(230/6/0)", "261", "301", "406", "34.88%", "27(21/6)"],
    }  # fmt: skip


def test_the_xlsx_command_writes_the_cells_as_printed(loaded, tmp_path):
    out = tmp_path / "annex3.xlsx"
    call_command("stats_table", "annex3", "--format", "xlsx", "--out", str(out), stdout=io.StringIO())
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("360100", "南昌", "14.92%") and rows[-1][1] == "江西"


def test_the_command_reports_a_missing_table():
    with pytest.raises(CommandError, match="no table"):
        call_command("stats_table", "nope")


# --- the expression language ---------------------------------------------------------------------


def run(text, values=None, region="r", total=None):
    values = {k: Decimal(v) for k, v in (values or {}).items()}
    return parse(text).evaluate(lambda code, where, base: values.get((code, where, base)), region, total)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("1 + 2 * 3", "7"), ("(1 + 2) * 3", "9"), ("10 - 4 - 3", "3"), ("8 / 4 / 2", "1"), ("-2 * -3", "6"),
        ("2 - -1", "3"), ("0.1 + 0.2", "0.3"), ("7 / 2", "3.5"), ("+5", "5"),
    ],
)  # fmt: skip
def test_precedence_and_associativity(text, result):
    assert run(text) == Decimal(result)


def test_base_total_and_missing_operands():
    values = {("a", "r", False): "12", ("a", "r", True): "8", ("a", "p", False): "100"}
    assert run("(a - a@base) / a@base", values) == Decimal("0.5")
    assert run("a / total(a)", values, total="p") == Decimal("0.12")
    assert run("a + b", values) is None  # b has no value: the cell is missing
    assert run("a / (a@base - 8)", values) is None  # division by zero: missing, not an error
    assert run("total(a)", values) is None  # no total region


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("a +", 4, "ends too early"), ("a + * b", 5, "'*'"), ("a $ b", 3, "'$'"), ("a@bas", 3, "only @base"),
        ("(a", 3, "ends too early"), ("a)", 2, "')'"), ("Ab", 1, "'A'"), ("sum(a)", 1, "unknown function"),
        ("total", 1, "total("), ("", 1, "empty"), ("1..2", 2, "'.'"), ("__import__('os')", 1, "'_'"),
    ],
)  # fmt: skip
def test_syntax_errors_say_where(text, position, words):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.position == position and words in caught.value.message


def test_names_are_collected_and_totals_is_a_name():
    expression = parse("total(a) + totals@base")
    assert expression.codes == {"a", "totals"} and expression.uses_total


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        ("0.166", "decimal", "0.166"), ("31670.8060", "decimal", "31670.806"), ("0E-10", "decimal", "0"),
        ("2.5", "int", "3"), ("3.5", "int", "4"), ("-2.5", "int", "-3"), ("0.30612244", "percent:2", "30.61%"),
        ("0.000049", "percent:2", "0.00%"), ("0.000050", "percent:2", "0.01%"), ("1", "percent:0", "100%"),
    ],
)  # fmt: skip
def test_formats_round_half_up(value, fmt, text):
    assert format_value(Decimal(value), fmt) == text


# --- packages: exactness, aggregation, checking ---------------------------------------------------


def make_package(tmp_path, indicators, values, tables=None):
    root = tmp_path / "pkg"
    (root / "tables").mkdir(parents=True)
    (root / "indicators.csv").write_text("code,name,unit,aggregation\n" + indicators, "utf-8")
    (root / "values.csv").write_text("indicator,region,period,value\n" + values, "utf-8")
    for code, layout in (tables or {}).items():
        (root / "tables" / f"{code}.json").write_text(json.dumps(layout, ensure_ascii=False), "utf-8")
    return root


def layout(code, expr, fmt="decimal", rows="level:city", **extra):
    return {"code": code, "title": code, "period": "2022S1", "rows": rows, "total": "360000",
            "columns": [{"label": "x", "expr": expr, "format": fmt}], **extra}  # fmt: skip


def test_sums_are_exact(tmp_path):
    # 0.1 + 0.2 and friends: binary floats would print 31670.806000000004 or similar
    root = make_package(
        tmp_path, "output,产值,亿元,sum\n",
        "output,360100,2022S1,10000.1\noutput,360400,2022S1,21670.6\noutput,360200,2022S1,0.106\n",
        {"t": layout("t", "output")},
    )  # fmt: skip
    package_load(root)
    cells = {row["region"]: row["cells"][0] for row in table_compute(code="t")["rows"]}
    assert cells["360000"] == "31670.806" and cells["360300"] == "/"
    assert IndicatorValue.objects.get(region__code="360200").value == Decimal("0.106")


def test_own_values_win_and_rates_are_never_summed(tmp_path):
    root = make_package(
        tmp_path, "n,数量,家,sum\nrate,比率,%,none\n",
        "n,360102,2022S1,5\nn,360103,2022S1,7\nn,360400,2022S1,100\nn,360000,2022S1,999\n"
        "rate,360102,2022S1,0.5\n",
        {"c": layout("c", "n", "int"), "k": layout("k", "n", "int", rows="level:county"),
         "r": layout("r", "rate", "percent:1", rows="level:county")},
    )  # fmt: skip
    package_load(root)
    cities = {row["region"]: row["cells"][0] for row in table_compute(code="c")["rows"]}
    assert cities["360100"] == "12" and cities["360400"] == "100" and cities["360000"] == "999"
    rates = {row["region"]: row["cells"][0] for row in table_compute(code="r")["rows"]}
    assert rates["360102"] == "50.0%" and rates["360103"] == "/" and "360100" not in rates
    assert rates["360000"] == "/"  # a rate of the province is only what was entered for it


def test_a_package_with_problems_stores_nothing_and_names_file_line_and_column(tmp_path):
    root = make_package(
        tmp_path, "good,好,家,sum\nBad-Code,坏,家,sum\nr2,比率,%,average\n",
        "good,360100,2022S1,1e3\ngood,999999,2022S1,1\nghost,360100,2022S1,1\ngood,360100,2022H1,1\n"
        "good,360400,2022S1,NaN\ngood,360400,2022S1,12\ngood,360400,2022S1,13\n",
        {"t": layout("t", "good + ghost * (", "int"), "u": layout("u", "good@base")},
    )  # fmt: skip
    (root / "tables" / "v.json").write_text('{"code": "v",', "utf-8")
    with pytest.raises(PackageError) as caught:
        package_load(root)
    problems = "\n".join(caught.value.problems)
    for text in [
        "indicators.csv, line 3, column 1: bad code 'Bad-Code'",
        "indicators.csv, line 4, column 4: aggregation must be sum or none",
        "values.csv, line 2, column 4: '1e3' is not an exact decimal",
        "values.csv, line 3, column 2: unknown region '999999'",
        "values.csv, line 4, column 1: unknown indicator 'ghost'",
        "values.csv, line 5, column 3: bad period '2022H1'",
        "values.csv, line 6, column 4: 'NaN' is not an exact decimal",
        "values.csv, line 8: the same indicator, region and period as line 6",
        "tables/t.json, columns[0].expr: the expression ends too early at position 17",
        "tables/u.json, columns[0].expr: uses @base but the layout has no base_period",
        "tables/v.json, line 1, column 14:",
    ]:
        assert text in problems, (text, problems)
    assert (
        not Indicator.objects.exists()
        and not IndicatorValue.objects.exists()
        and not StatsTable.objects.exists()
    )


def test_unknown_codes_in_a_layout_are_refused(tmp_path):
    root = make_package(tmp_path, "a,甲,家,sum\n", "a,360100,2022S1,1\n", {"t": layout("t", "a + b")})
    with pytest.raises(PackageError, match=r"tables/t.json, columns\[0\].expr: unknown indicator b"):
        package_load(root)


def test_stats_load_command_prints_problems_and_exits_1(tmp_path):
    root = make_package(tmp_path, "a,甲,家,sum\n", "a,360100,2022S1,x\n")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("stats_load", str(root), stderr=err)
    assert caught.value.returncode == 1 and "values.csv, line 2, column 4" in err.getvalue()
    good = tmp_path / "good"
    shutil.copytree(PACKAGE, good)
    out = io.StringIO()
    call_command("stats_load", str(good), "--json", stdout=out)
    assert json.loads(out.getvalue())["mismatches"] == []


def test_a_changed_published_cell_is_reported(tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(PACKAGE, changed)
    data = json.loads((changed / "expected" / "annex1.json").read_text("utf-8"))
    data["cells"]["360900"][0] = "253"
    (changed / "expected" / "annex1.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = package_load(changed)
    assert result.mismatches == [("annex1", "360900", 0, "252", "253")]


def test_a_city_officer_reads_only_their_city(loaded, world):
    counties = table_compute(code="annex2_counties", actor=world.users["city_officer"])
    codes = {row["region"] for row in counties["rows"]}
    assert codes and all(code.startswith("3601") for code in codes)
    cities = table_compute(code="annex2_cities", actor=world.users["city_officer"])
    assert [row["region"] for row in cities["rows"]] == ["360100"]
    assert table_compute(code="annex2_cities", actor=world.users["commissioner"])["rows"] == []
