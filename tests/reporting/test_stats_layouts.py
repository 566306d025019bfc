"""Table layouts written in the browser (``reporting.services.layouts``, ``reporting.views.layouts``):
the province creates and edits layouts, previews them without saving, every package layout
survives the form unchanged, other officers get 404, and no input answers 500."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import IndicatorValue, StatsTable
from reporting.services.layouts import layout_fields_of, layout_save
from reporting.services.stats import package_load

PACKAGE = Path(__file__).parent / "fixtures" / "bulletin-2022s1"
TABLES = sorted(path.stem for path in (PACKAGE / "tables").glob("*.json"))
pytestmark = pytest.mark.django_db

CREATE = reverse("reporting:stats_layout_create")


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def loaded():
    return package_load(PACKAGE, origin="bulletin-2022s1")


@pytest.fixture
def province(world):
    return client(world.users["province_officer"])


def form(**changes) -> dict:
    data = {
        "code": "annex4",
        "title": "全省企业上云情况（地市）",
        "period": "2022S1",
        "base_period": "",
        "rows": "level:city",
        "total": "360000",
        "missing": "/",
        "columns": "累计上云总数（家） | cloud_total | int\n上半年新增上云数（家） | cloud_new | int",
        "rank": "2 | 3 | 上半年新增上云企业数 | 家",
    }
    data.update(changes)
    return data


def expected_cells(code: str) -> dict:
    return json.loads((PACKAGE / "expected" / f"{code}.json").read_text("utf-8"))["cells"]


def test_the_province_creates_a_layout_and_reads_its_computed_table(loaded, province):
    listing = province.get(reverse("reporting:stats_tables")).content.decode()
    assert f'href="{CREATE}"' in listing
    assert province.get(CREATE).status_code == 200
    response = province.post(CREATE, form())
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:stats_table", args=["annex4"])
    table = StatsTable.objects.get(code="annex4")
    assert table.expected is None and table.title == "全省企业上云情况（地市）"
    assert table.layout == {
        "code": "annex4",
        "title": "全省企业上云情况（地市）",
        "period": "2022S1",
        "rows": "level:city",
        "total": "360000",
        "columns": [
            {"label": "累计上云总数（家）", "expr": "cloud_total", "format": "int"},
            {"label": "上半年新增上云数（家）", "expr": "cloud_new", "format": "int"},
        ],
        "rank": [{"column": 1, "top": 3, "phrase": "上半年新增上云企业数", "unit": "家"}],
    }
    page = province.get(response["Location"]).content.decode()
    assert "已保存表样 annex4。" in page
    assert reverse("reporting:stats_layout_edit", args=["annex4"]) in page
    want = expected_cells("annex2_cities")
    for region in ("360100", "361100", "360000"):
        row = page.split(f'data-region="{region}"', 1)[1].split("</tr>", 1)[0]
        assert all(f'<td class="num">{cell}</td>' in row for cell in want[region]), region
    assert 'data-region="GJXQ"' not in page  # level:city has no zone row
    assert "上半年新增上云企业数位列前三位的为上饶（6770家）、南昌（6002家）和赣州（5521家）。" in page


def test_a_syntax_error_keeps_what_was_typed_and_names_the_column_and_position(loaded, province):
    columns = "累计上云总数 | cloud_total | int\n新增 | cloud_new + * 2 | int"
    response = province.post(CREATE, form(columns=columns, title="<b>标题</b>"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "第2列：第13个字符处：unexpected &#x27;*&#x27;" in text
    assert ">\n累计上云总数 | cloud_total | int\n新增 | cloud_new + * 2 | int</textarea>" in text
    assert 'value="&lt;b&gt;标题&lt;/b&gt;"' in text and 'value="annex4"' in text
    assert "2 | 3 | 上半年新增上云企业数 | 家</textarea>" in text
    assert not StatsTable.objects.filter(code="annex4").exists()


def test_the_column_number_and_the_line_are_both_named_when_blank_lines_differ(loaded, province):
    response = province.post(CREATE, form(columns="\n甲 | cloud_total | int\n\n乙 | (cloud_new | int"))
    assert response.status_code == 400
    assert "第2列（第4行）：第11个字符处：the expression ends too early" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"columns": "甲 | cloud_totl | int"}, "第1列：没有指标代码 cloud_totl"),
        (
            {"columns": "甲 | cloud_total | int | cloud_new; nope | {0}({1}/{2})"},
            "第1列组成部分2：没有指标代码 nope",
        ),
        ({"columns": "甲 | cloud_total@base | int", "rank": ""}, "第1列：用了 @base，请先填写基期。"),
        ({"columns": "甲 | total(cloud_new) | int", "total": "", "rank": ""}, "用了 total(…)"),
        ({"columns": "甲 | cloud_total | percent"}, "格式“percent”无效"),
        ({"columns": "甲 | cloud_total | int | cloud_new"}, "有组成部分时还需要模板"),
        ({"columns": "甲 | cloud_total | int | cloud_new | {0}({2})"}, "只能用 {0}"),
        ({"columns": ""}, "请至少填写一列。"),
        ({"period": "2022H1"}, "统计期格式不正确"),
        ({"base_period": "去年"}, "统计期格式不正确"),
        ({"rows": "level:street"}, "请选择表的行。"),
        ({"total": "999999"}, "没有区划代码为 999999 的地区。"),
        ({"title": ""}, "请填写标题。"),
    ],
)
def test_bad_layouts_are_refused_with_a_reason(loaded, province, changes, message):
    response = province.post(CREATE, form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StatsTable.objects.filter(code="annex4").exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("annex1", "已有代码为 annex1 的统计表"),
        ("new", "“new”是保留字"),
        ("Annex4", "代码只能由小写字母"),
        ("4annex", "代码只能由小写字母"),
        ("a" * 61, "代码只能由小写字母"),
        ("", "请填写代码。"),
    ],
)
def test_duplicate_reserved_and_bad_codes_are_refused(loaded, province, code, message):
    title = StatsTable.objects.get(code="annex1").title
    response = province.post(CREATE, form(code=code))
    assert response.status_code == 400 and message in response.content.decode()
    assert StatsTable.objects.count() == 4
    assert StatsTable.objects.get(code="annex1").title == title


class FormValues(HTMLParser):
    """What a browser submits from the page's layout form: inputs, textareas (without the newline
    that follows the opening tag), the selected option."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._in_form = False
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("data-testid") == "layout-form":
            self._in_form = True
        elif not self._in_form:
            return
        elif tag == "input" and attrs.get("type") != "submit":
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and "selected" in attrs:
            self.values[self._select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = self.values[self._textarea]
            self.values[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def submitted(page) -> dict[str, str]:
    parser = FormValues()
    parser.feed(page.content.decode())
    return parser.values


@pytest.mark.parametrize("code", TABLES)
def test_every_package_layout_survives_the_edit_form_unchanged(loaded, province, code):
    before = StatsTable.objects.get(code=code)
    url = reverse("reporting:stats_layout_edit", args=[code])
    page = province.get(url)
    assert page.status_code == 200
    assert 'data-testid="layout-code">' + code in page.content.decode()
    data = submitted(page)
    assert {key: data[key] for key in layout_fields_of(before.layout)} == layout_fields_of(before.layout)
    response = province.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = StatsTable.objects.get(code=code)
    assert after.layout == before.layout
    assert after.expected == before.expected and after.origin == before.origin
    assert after.title == before.title


def test_the_edit_form_shows_the_stored_fields(loaded, province):
    text = province.get(reverse("reporting:stats_layout_edit", args=["annex1"])).content.decode()
    assert (
        "累积签发的升级版评定证书数量【总数（A/AA/AAA级数量）】 | ii_cert_a + ii_cert_aa + ii_cert_aaa | int"
        " | ii_cert_a; ii_cert_aa; ii_cert_aaa | {0}({1}/{2}/{3})"
    ) in text
    assert "5 | 3 | 通过两化融合管理体系贯标评定企业数量 | 家\n6 | 3 | 通过评定企业增幅</textarea>" in text
    assert 'value="2021"' in text and 'value="360000"' in text
    assert '<option value="level:city" selected>' in text


def test_an_edit_changes_the_layout_keeps_the_code_and_the_expected_cells(loaded, province):
    url = reverse("reporting:stats_layout_edit", args=["annex2_cities"])
    fields = layout_fields_of(StatsTable.objects.get(code="annex2_cities").layout)
    response = province.post(url, {"code": "hijack", "title": "新标题", **fields, "missing": "—", "rank": ""})
    assert response.status_code == 302
    table = StatsTable.objects.get(code="annex2_cities")
    assert not StatsTable.objects.filter(code="hijack").exists()
    assert table.title == table.layout["title"] == "新标题" and table.layout["code"] == "annex2_cities"
    assert table.layout["missing"] == "—" and "rank" not in table.layout
    assert table.expected is not None
    page = province.get(response["Location"]).content.decode()
    row = page.split('data-region="GJXQ"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">—</td>' in row


def test_an_unknown_table_has_no_edit_page(loaded, province):
    assert province.get(reverse("reporting:stats_layout_edit", args=["nope"])).status_code == 404
    assert province.post(reverse("reporting:stats_layout_edit", args=["nope"]), form()).status_code == 404


def test_preview_computes_the_table_without_saving(loaded, province):
    response = province.post(CREATE, {**form(), "preview": "1"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="layout-preview"' in text
    row = text.split('data-region="360100"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">27208</td>' in row and '<td class="num">6002</td>' in row
    assert "上饶（6770家）" in text
    assert "累计上云总数（家） | cloud_total | int" in text  # the form is still there, as typed
    assert not StatsTable.objects.filter(code="annex4").exists()
    edit = reverse("reporting:stats_layout_edit", args=["annex3"])
    before = StatsTable.objects.get(code="annex3")
    fields = layout_fields_of(before.layout)
    response = province.post(edit, {"title": "预览标题", **fields, "period": "2021", "preview": "1"})
    assert response.status_code == 200 and "预览标题" in response.content.decode()
    after = StatsTable.objects.get(code="annex3")
    assert (after.title, after.layout, after.updated_at) == (before.title, before.layout, before.updated_at)


def test_a_preview_with_errors_answers_400_and_shows_no_table(loaded, province):
    response = province.post(CREATE, {**form(columns="甲 | cloud_total + | int"), "preview": "1"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-testid="layout-preview"' not in text and "第1列：" in text


@pytest.mark.parametrize("role", ["city_officer", "county_officer", "commissioner", "provider_staff"])
def test_only_the_province_writes_layouts(loaded, world, role):
    other = client(world.users[role])
    edit = reverse("reporting:stats_layout_edit", args=["annex1"])
    before = StatsTable.objects.get(code="annex1").layout
    assert other.get(CREATE).status_code == 404
    assert other.post(CREATE, form()).status_code == 404
    assert other.post(CREATE, {**form(), "preview": "1"}).status_code == 404
    assert other.get(edit).status_code == 404
    assert other.post(edit, {"title": "x", **layout_fields_of(before)}).status_code == 404
    assert not StatsTable.objects.filter(code="annex4").exists()
    assert StatsTable.objects.get(code="annex1").layout == before


def test_other_officers_see_no_layout_links(loaded, world):
    city = client(world.users["city_officer"])
    assert "layout-create-link" not in city.get(reverse("reporting:stats_tables")).content.decode()
    table = city.get(reverse("reporting:stats_table", args=["annex2_counties"])).content.decode()
    assert "layout-edit-link" not in table


def test_an_administrator_may_write_layouts(loaded, world):
    response = client(world.users["admin"]).post(CREATE, form(code="annex5"))
    assert response.status_code == 302 and StatsTable.objects.filter(code="annex5").exists()


def test_the_service_refuses_other_actors(loaded, world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        layout_save(actor=world.users["city_officer"], code="annex4", title="x", layout_fields=form())


@pytest.mark.parametrize(
    "changes",
    [
        {"columns": "甲 | " + "cloud_total + " * 3000 + "1 | int"},
        {"columns": "甲 | " + "-" * 190 + "cloud_total | int"},
        {"columns": "甲 | " + "-" * 199 + "x | int"},
        {"columns": "甲 | " + "(" * 100 + "cloud_total" + ")" * 99 + " | int"},
        {"columns": "甲" * 5000 + " | cloud_total | int"},
        {"columns": "甲\x00 | cloud_total | int"},
        {"title": "标题\x00"},
        {"code": "annex\x00"},
        {"period": "2022S1\x00"},
        {"columns": "甲 | cloud_total | int\n" * 5000},
        {"columns": "甲 | cloud_total | int\n" * 41},
        {"rank": "1 | 3 | 短语\n" * 11},
        {"columns": "| | |"},
        {"columns": "| |"},
        {"columns": "|"},
        {"columns": "甲 | cloud_total | int | ; | {0}"},
        {"columns": "甲 | cloud_total | int | | {99999999999999999999}"},
        {"columns": "甲 | cloud_total | percent:99"},
        {"rank": "| | |"},
        {"rank": "二 | 3 | 短语"},
        {"rank": "２ | 3 | 短语"},
        {"rank": "² | 3 | 短语"},
        {"rank": "9" * 5000 + " | 3 | 短语"},
        {"rank": "3 | 3 | 短语"},
        {"rank": "0 | 3 | 短语"},
        {"rank": "-1 | 3 | 短语"},
        {"rank": "1 | 前零 | 短语"},
        {"rank": "1 | 0 | 短语"},
        {"rank": "1 | 3 | 短语 | 家 | 多余"},
        {"rank": "1 | 3"},
        {"rank": "1 | 3 | "},
        {"total": "3" * 5000},
        {"missing": "/" * 21},
        {"title": "标" * 301},
    ],
)
def test_hostile_input_is_refused_with_messages_never_500(loaded, province, changes):
    for extra in ({}, {"preview": "1"}):
        response = province.post(CREATE, {**form(), **changes, **extra})
        assert response.status_code == 400, response.content.decode()[:1000]
        assert 'class="field-error"' in response.content.decode()
    assert not StatsTable.objects.filter(code="annex4").exists()


@pytest.mark.parametrize(
    "expr",
    [
        "-" * 189 + "cloud_total",  # the longest expressions allowed, nested as deep as they go
        "+".join(["cloud_new"] * 20),
        "(" * 94 + "cloud_total" + ")" * 94,
        "cloud_total" + "*1" * 94,
    ],
)
def test_the_deepest_expressions_allowed_compute(loaded, province, expr):
    assert len(expr) <= 200
    data = form(columns=f"甲 | {expr[:200]} | decimal", rank="")
    assert province.post(CREATE, {**data, "preview": "1"}).status_code == 200
    response = province.post(CREATE, data)
    assert response.status_code == 302
    assert province.get(response["Location"]).status_code == 200


def test_a_cell_past_28_digits_is_computed_and_printed_exactly(loaded, province):
    data = form(columns="甲 | 99999999999999999999999999999 * cloud_total | int", rank="")
    response = province.post(CREATE, {**data, "preview": "1"})
    assert response.status_code == 200
    total = IndicatorValue.objects.get(indicator__code="cloud_total", region__code="360000").value
    assert str(int("9" * 29) * int(total)) in response.content.decode()


def test_a_pasted_page_of_garbage_gets_a_bounded_number_of_messages(loaded, province):
    columns = "\n".join(f"列{n} | x{n} + | int" for n in range(40))
    response = province.post(CREATE, form(columns=columns, rank=""))
    assert response.status_code == 400
    text = response.content.decode()
    assert text.count('class="field-error"') == 11 and "还有更多问题" in text


def test_missing_fields_in_the_post_are_refused_not_500(loaded, province):
    response = province.post(CREATE, {})
    assert response.status_code == 400
    assert "请填写代码。" in response.content.decode()


def test_every_layout_change_is_in_the_tables_history(loaded, province, world):
    from reporting.models import StatsTableChange

    table = StatsTable.objects.get(code="annex1")
    assert [c.action for c in table.changes.all()] == [StatsTableChange.Action.LOAD]
    package_load(PACKAGE)  # the same package again: nothing changed, nothing recorded
    assert table.changes.count() == 1
    fields = layout_fields_of(table.layout)
    saved = layout_save(actor=world.users["province_officer"], code="annex1", title="改过的标题",
                        layout_fields=fields, table=table)  # fmt: skip
    change = saved.changes.first()
    assert change.action == StatsTableChange.Action.UPDATE and change.actor == world.users["province_officer"]
    assert change.changes == {"title": [table.title, "改过的标题"], "layout": [table.layout, saved.layout]}
    page = province.get(reverse("reporting:stats_table", args=["annex1"])).content.decode()
    assert 'data-testid="layout-history"' in page and "改过的标题" in page


def test_a_new_layout_starts_its_history(loaded, world):
    from reporting.models import StatsTableChange

    fields = layout_fields_of(StatsTable.objects.get(code="annex1").layout)
    table = layout_save(
        actor=world.users["province_officer"], code="annex9", title="新表", layout_fields=fields
    )
    (change,) = table.changes.all()
    assert change.action == StatsTableChange.Action.CREATE and change.changes["title"] == [None, "新表"]
