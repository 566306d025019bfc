"""The archive pages' behaviour: filters, search, pagination, forms, history, language."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.services.enterprises import enterprise_update
from regions.codes import make_credit_code
from tests.factories import EnterpriseFactory, make_role_user, region

LIST = reverse("diagnosis:enterprise_list")
CREATE = reverse("diagnosis:enterprise_create")


def listed(response) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


def signed_in(client, user):
    client.force_login(user)
    return client


def valid_code(serial: int, county: str = "360102") -> str:
    return make_credit_code(county, 9_100_000 + serial)


# ---------- list: filters, search, pagination ----------


@pytest.fixture
def officer(client, world):
    return signed_in(client, world.users["province_officer"])


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"region": "360100"}, {"ent_donghu", "ent_xihu"}),
        ({"region": "360400"}, {"ent_jiujiang"}),
        ({"county": "360103"}, {"ent_xihu"}),
        ({"commissioner": "<commissioner>"}, {"ent_donghu"}),
        ({"unassigned": "true"}, {"ent_xihu"}),
        ({"unassigned": "false"}, {"ent_donghu", "ent_jiujiang"}),
        ({"above_designated_size": "false"}, {"ent_jiujiang"}),
        ({"size_class": "medium"}, {"ent_xihu"}),
        ({"industry": "26"}, {"ent_jiujiang"}),
        ({"industry": "39", "region": "360100"}, {"ent_donghu", "ent_xihu"}),
    ],
)
def test_filters(officer, world, params, expected):
    Enterprise.objects.filter(pk=world.ent_jiujiang.pk).update(
        industry_code="2614", above_designated_size=False
    )
    Enterprise.objects.filter(pk=world.ent_xihu.pk).update(size_class="medium")
    params = {k: (world.users["commissioner"].pk if v == "<commissioner>" else v) for k, v in params.items()}
    response = officer.get(LIST, params)
    assert response.status_code == 200
    assert listed(response) == {getattr(world, name).pk for name in expected}


@pytest.mark.parametrize(
    "query",
    [
        "西湖",  # part of the name
        " 西湖机械 ",  # surrounding spaces
    ],
)
def test_search_by_name(officer, world, query):
    assert listed(officer.get(LIST, {"q": query})) == {world.ent_xihu.pk}


def test_search_by_credit_code_fragment(officer, world):
    code = world.ent_jiujiang.credit_code
    fragment = code[4:12]  # part of the division code and the serial
    assert listed(officer.get(LIST, {"q": fragment})) == {world.ent_jiujiang.pk}
    # lower case and full-width characters, as typed on a phone with a Chinese keyboard
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in fragment.lower())
    assert listed(officer.get(LIST, {"q": full_width})) == {world.ent_jiujiang.pk}


def test_invalid_filter_value_shows_the_error_and_no_rows(officer, world):
    response = officer.get(LIST, {"county": "999999"})
    assert response.status_code == 200
    assert listed(response) == set()
    assert "筛选条件有误" in response.content.decode()


def test_count_is_shown(officer, world):
    html = officer.get(LIST).content.decode()
    assert "共 3 家企业" in html


def test_pagination_keeps_filters(officer, world):
    for _ in range(30):
        EnterpriseFactory(county=region("360102"))
    response = officer.get(LIST, {"county": "360102", "q": "有限公司"})
    html = response.content.decode()
    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?county=360102&amp;q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8&amp;page=2"' in html
    page2 = officer.get(LIST, {"county": "360102", "q": "有限公司", "page": 2})
    assert page2.context["page"].number == 2
    assert all(e.county.code == "360102" for e in page2.context["page"].object_list)


def _list_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["province_officer", "city_officer", "commissioner"])
def test_list_query_count_is_constant(client, world, role, django_assert_max_num_queries):
    user = world.users[role]
    signed_in(client, user)
    params = {"region": "360100"} if role == "province_officer" else {}
    params["size_class"] = "small"
    client.get(LIST, params)  # the division tree's choice lists are cached per process: fill them
    few = _list_queries(client, params)
    for i in range(40):
        EnterpriseFactory(
            county=region("360102" if i % 2 else "360103"),
            commissioner=world.users["commissioner"] if i % 3 else None,
        )
    many = _list_queries(client, params)
    assert many == few
    # session, user, user's region, the chosen region, count, rows, and one per option list
    # (regions, counties, commissioners) at most
    with django_assert_max_num_queries(9):
        client.get(LIST, params)


def test_filter_options_fit_the_user(client, world):
    def fields(role):
        signed_in(client, world.users[role])
        return set(client.get(LIST).context["filter"].form.fields)

    assert {"region", "county", "commissioner", "unassigned"} <= fields("province_officer")
    city = fields("city_officer")
    assert "county" in city and "region" not in city
    county = fields("county_officer")
    assert not {"region", "county"} & county and "commissioner" in county
    assert not {"region", "county", "commissioner", "unassigned"} & fields("commissioner")
    assert fields("enterprise_user") == {"q"}


def test_city_officer_sees_only_own_counties_and_commissioners(client, world):
    signed_in(client, world.users["city_officer"])
    form = client.get(LIST).context["filter"].form
    county_codes = {code for code, _ in _flat(form.fields["county"].widget.choices) if code}
    assert "360102" in county_codes and "360403" not in county_codes
    commissioners = set(form.fields["commissioner"].queryset)
    assert world.users["commissioner"] in commissioners
    assert world.users["other_commissioner"] not in commissioners


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


# ---------- detail ----------


def test_detail_shows_exact_amounts_and_labels(officer, world):
    Enterprise.objects.filter(pk=world.ent_donghu.pk).update(
        revenue=Decimal("12345678.9012"),
        output_value=Decimal("1200.0000"),
        size_class="medium",
        cloud_adopted=True,
        cloud_depth="platform",
        uses_5g=None,
    )
    html = officer.get(reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk])).content.decode()
    assert "12,345,678.9012" in html
    assert re.search(r'data-field="output_value">.*?<dd>1,200</dd>', html, re.S)
    assert "C3911 计算机、通信和其他电子设备制造业" in html
    assert "中型" in html and "平台系统上云" in html
    assert re.search(r'data-field="uses_5g">.*?<dd>未填报</dd>', html, re.S)
    assert "南昌市 东湖区" in html
    for section in ("基本信息", "经营情况", "数字化情况", "对接服务"):
        assert section in html
    assert str(world.users["commissioner"]) in html
    assert "东湖数字化诊所" in html


def test_history_shows_before_and_after_with_labels(officer, world):
    enterprise_update(
        actor=world.users["province_officer"],
        enterprise=world.ent_donghu,
        data={"size_class": "medium", "revenue": Decimal("2500.5"), "cloud_adopted": True},
    )
    html = officer.get(reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk])).content.decode()
    history = html[html.index("变更记录") :]
    assert re.search(r"企业规模</th><td class=\"before\">小型</td><td class=\"after\">中型</td>", history)
    assert re.search(
        r"营业收入（万元）</th><td class=\"before\">—</td><td class=\"after\">2,500.5</td>", history
    )
    assert re.search(r"已上云</th><td class=\"before\">—</td><td class=\"after\">是</td>", history)
    assert "修改" in history and str(world.users["province_officer"]) in history
    assert "来源：网页" in history
    assert ">small<" not in history


# ---------- create and edit ----------


def create_payload(**overrides):
    data = {
        "name": "赣江精密制造有限公司",
        "credit_code": valid_code(1),
        "county": region("360102").pk,
        "address": "南昌市东湖区八一大道1号",
        "industry_code": "C3911",
        "above_designated_size": "on",
        "size_class": "small",
        "employees": "120",
        "revenue": "1,234.5",
        "output_value": "",
        "contact_person": "张三",
        "contact_phone": "0791-88888888",
        "commissioner": "",
        "cloud_adopted": "unknown",
        "cloud_depth": "",
        "integration_certified": "unknown",
        "integration_level": "",
        "iip_platform_used": "unknown",
        "identifier_resolution": "unknown",
        "uses_5g": "unknown",
    }
    data.update(overrides)
    return data


def test_create_normalises_the_credit_code_and_redirects_with_a_message(client, world):
    signed_in(client, world.users["county_officer"])
    code = valid_code(2)
    typed = " ".join([code[:6], code[6:12], code[12:]]).lower()
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in typed)  # full-width
    response = client.post(CREATE, create_payload(credit_code=typed), follow=True)
    enterprise = Enterprise.objects.get(credit_code=code)
    assert response.redirect_chain[-1][0] == reverse("diagnosis:enterprise_detail", args=[enterprise.pk])
    assert "已建立企业档案" in response.content.decode()
    assert enterprise.revenue == Decimal("1234.5")
    assert enterprise.industry_code == "3911"
    change = enterprise.changes.get()
    assert change.action == EnterpriseChange.Action.CREATE and change.source == EnterpriseChange.Source.WEB
    assert "output_value" not in change.changes  # left empty, so not in the history


def test_form_keeps_typed_input_and_shows_errors_next_to_fields(client, world):
    signed_in(client, world.users["city_officer"])
    bad_code = valid_code(3)[:17] + ("0" if valid_code(3)[17] != "0" else "1")
    response = client.post(
        CREATE, create_payload(credit_code=bad_code, revenue="12ab", integration_level="AA")
    )
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert set(form.errors) >= {"credit_code", "revenue", "integration_level"}
    assert "统一社会信用代码校验位错误" in html
    # each error sits inside its own field's block
    for name, message in (("credit_code", "校验位错误"), ("integration_level", "两化融合管理体系评定")):
        start = html.index(f'id="field-{name}"')
        end = html.index('<div class="field', start + 1)
        assert message in html[start:end]
    # everything typed is kept
    for value in (
        "赣江精密制造有限公司",
        "南昌市东湖区八一大道1号",
        "12ab",
        "张三",
        "0791-88888888",
        bad_code,
    ):
        assert f'value="{value}"' in html
    assert "有 3 处需要修改" in html
    assert not Enterprise.objects.filter(name="赣江精密制造有限公司").exists()


def test_duplicate_credit_code_is_an_error_on_the_field(client, world):
    signed_in(client, world.users["province_officer"])
    response = client.post(CREATE, create_payload(credit_code=world.ent_xihu.credit_code))
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "该统一社会信用代码已建立企业档案，不能重复建档。请核对代码；如需修改该企业的信息，请联系其所在地的工信部门。"
    ]
    assert world.ent_xihu.name not in response.content.decode()  # nothing about the other archive


def test_create_county_choices_are_limited_to_the_region(client, world):
    signed_in(client, world.users["county_officer"])
    form = client.get(CREATE).context["form"]
    assert list(form.fields["county"].queryset) == [region("360102")]
    assert form.initial["county"] == region("360102").pk
    response = client.post(CREATE, create_payload(county=region("360403").pk, credit_code=valid_code(4)))
    assert "county" in response.context["form"].errors
    assert not Enterprise.objects.filter(credit_code=valid_code(4)).exists()


def test_service_validation_error_is_mapped_onto_the_form(client, world, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError(
            {"address": "地址不完整。", "county": "不在管辖范围内。", "__all__": "总体错误。"}
        )

    monkeypatch.setattr("diagnosis.views.enterprises.enterprise_update", refuse)
    user = world.users["commissioner"]
    signed_in(client, user)
    url = reverse("diagnosis:enterprise_edit", args=[world.ent_donghu.pk])
    response = client.post(url, {"address": "新地址", "employees": "8", "cloud_adopted": "true"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["address"] == ["地址不完整。"]
    assert "县（市、区）：不在管辖范围内。" in form.non_field_errors()
    assert "总体错误。" in form.non_field_errors()
    assert 'value="新地址"' in response.content.decode()


def test_officer_edit_records_changes(client, world):
    xihu_commissioner = make_role_user(Role.COMMISSIONER, username="xh_comm", region_code="360103")
    signed_in(client, world.users["city_officer"])
    url = reverse("diagnosis:enterprise_edit", args=[world.ent_xihu.pk])
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            value = "unknown" if "NullBoolean" in type(field).__name__ else ""
        data[name] = value
    data.update(revenue="98,765.4321", commissioner=xihu_commissioner.pk, above_designated_size="on")
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, response.context["form"].errors
    assert "已保存修改（2 项）" in response.content.decode()
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.revenue == Decimal("98765.4321")
    assert world.ent_xihu.commissioner == xihu_commissioner
    assert "98,765.4321" in response.content.decode()


def test_edit_without_changes_says_so(client, world):
    signed_in(client, world.users["commissioner"])
    url = reverse("diagnosis:enterprise_edit", args=[world.ent_donghu.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("unknown" if v is None and k not in ("employees",) else (v or "")) for k, v in data.items()}
    response = client.post(url, data, follow=True)
    assert "没有修改任何内容" in response.content.decode()
    assert not world.ent_donghu.changes.filter(action="update").exists()


def test_commissioner_edits_only_the_visit_fields(client, world):
    signed_in(client, world.users["commissioner"])
    url = reverse("diagnosis:enterprise_edit", args=[world.ent_donghu.pk])
    page = client.get(url)
    from diagnosis.services.enterprises import COMMISSIONER_FIELDS

    assert set(page.context["form"].fields) == COMMISSIONER_FIELDS
    assert 'name="credit_code"' not in page.content.decode()
    response = client.post(
        url,
        {
            "name": "改名企图",
            "address": "东湖区新址88号",
            "employees": "55",
            "uses_5g": "true",
            "cloud_adopted": "unknown",
        },
    )
    assert response.status_code == 302
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.name == "东湖电子有限公司"
    assert world.ent_donghu.address == "东湖区新址88号"
    assert world.ent_donghu.employees == 55 and world.ent_donghu.uses_5g is True


def test_edit_commissioner_choices_are_limited(client, world):
    city_tier = make_role_user(Role.COMMISSIONER, username="nc_comm", region_code="360100")
    signed_in(client, world.users["city_officer"])
    form = client.get(reverse("diagnosis:enterprise_edit", args=[world.ent_xihu.pk])).context["form"]
    choices = set(form.fields["commissioner"].queryset)
    assert city_tier in choices  # filed at the city: covers 西湖区
    assert world.users["commissioner"] not in choices  # 东湖区 does not cover 西湖区
    assert world.users["other_commissioner"] not in choices  # outside the officer's city


def test_service_rule_on_the_commissioner_shows_on_the_field(client, world):
    """The service refuses a commissioner who does not cover the county; the form says so in place."""
    signed_in(client, world.users["city_officer"])
    response = client.post(
        CREATE,
        create_payload(
            county=region("360103").pk, commissioner=world.users["commissioner"].pk, credit_code=valid_code(5)
        ),
    )
    assert response.status_code == 200
    assert "commissioner" in response.context["form"].errors
    html = response.content.decode()
    start = html.index('id="field-commissioner"')
    assert "所选数字专员不负责" in html[start:]
    assert 'value="赣江精密制造有限公司"' in html
    assert not Enterprise.objects.filter(credit_code=valid_code(5)).exists()


# ---------- layout, sign-in, language ----------


def test_sign_in_failure_keeps_the_username_and_explains(client, world):
    response = client.post(reverse("accounts:login"), {"username": "dh_comm", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="dh_comm"' in html
    assert "请输入一个正确的用户名和密码" in html
    assert 'role="alert"' in html


def test_sign_in_succeeds_and_lands_on_the_home_page(client, world):
    """Since issue 6 everyone lands on their 工作台 (home), not on the list; the list is one click away."""
    response = client.post(
        reverse("accounts:login"), {"username": "dh_comm", "password": "pass12345"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "工作台" in response.content.decode()
    assert "东湖电子有限公司" in client.get(LIST).content.decode()


def test_layout_shows_user_role_region_and_officer_links(client, world):
    signed_in(client, world.users["county_officer"])
    html = client.get(LIST).content.decode()
    assert "数字化转型诊断服务平台" in html
    assert "县工信局" in html and "东湖区" in html
    assert reverse("api-docs") in html
    assert f'action="{reverse("accounts:logout")}"' in html
    try:
        import_url = reverse("diagnosis:import_upload")
    except Exception:  # the import pages are built separately
        import_url = None
    if import_url:
        assert import_url in html
    signed_in(client, world.users["commissioner"])
    html = client.get(LIST).content.decode()
    assert reverse("api-docs") not in html
    assert "导入企业名录" not in html


def test_pages_reference_no_external_urls(client, world):
    signed_in(client, world.users["province_officer"])
    pages = [
        LIST,
        CREATE,
        reverse("diagnosis:enterprise_detail", args=[world.ent_donghu.pk]),
        reverse("diagnosis:enterprise_edit", args=[world.ent_donghu.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", html), url
    client.logout()
    assert not re.search(r"https?://", client.get(reverse("accounts:login")).content.decode())


def test_language_switch_changes_html_lang(client, world):
    signed_in(client, world.users["province_officer"])
    assert '<html lang="zh-hans"' in client.get(LIST).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST}, follow=True)
    assert '<html lang="zh-hans"' in response.content.decode()


def test_error_pages_are_friendly_and_chinese(world, client):
    client.force_login(world.users["enterprise_user"])
    response = client.get(f"/enterprises/{world.ent_donghu.pk}/edit/")
    assert response.status_code == 403
    assert "没有修改权限" in response.content.decode()
    response = client.get(f"/enterprises/{world.ent_xihu.pk}/")
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()
