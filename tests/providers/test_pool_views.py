"""Pages of the provider pool: the public application form, the queue, list filters, the detail
page's actions and flags, transitions through the page, the profile and qualification pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider, ServiceCategory
from tests.factories import region

from .test_pool_support import (
    make_provider,
    new_code,
    pool_fixture,  # noqa: F401 (registers the fixture)
)

S = Provider.Status


# ---------- the public application form ----------


def form_data(**overrides) -> dict:
    categories = ServiceCategory.objects.filter(active=True).order_by("sort_order")
    data = {
        "name": "赣江智能制造服务有限公司",
        "credit_code": new_code("360102"),
        "home_region": str(region("360102").pk),
        "categories": [str(categories[0].pk), str(categories[1].pk)],
        "regions_served": [str(region("360100").pk)],
        "description": "为园区企业提供设备联网",
        "website": "",
        "contact_person": "陈工",
        "contact_phone": "0791-12345678",
        "contact_email": "chen@example.invalid",
        "homepage": "",
        "consent": "on",
        "qual-TOTAL_FORMS": "3",
        "qual-INITIAL_FORMS": "0",
        "qual-MIN_NUM_FORMS": "0",
        "qual-MAX_NUM_FORMS": "10",
        "qual-0-name": "ISO 9001 质量管理体系认证",
        "qual-0-number": "Q-2024-001",
        "qual-0-issuer": "中国质量认证中心",
        "qual-0-valid_until": (timezone.localdate() + timedelta(days=400)).isoformat(),
    }
    data.update(overrides)
    return data


def test_application_form_needs_no_sign_in(client, db):
    response = client.get(reverse("directory:apply"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "服务商入库申请" in html
    assert 'name="homepage"' in html  # the honeypot is there for bots


def test_application_creates_an_applied_provider_and_thanks_with_a_number(client, db):
    data = form_data()
    response = client.post(reverse("directory:apply"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:apply_done")
    provider = Provider.objects.get(organisation__credit_code=data["credit_code"])
    assert provider.status == S.APPLIED
    assert provider.qualifications.count() == 1
    thanks = client.get(reverse("directory:apply_done"))
    assert thanks.status_code == 200
    assert provider.applications.get().number in thanks.content.decode()


def test_bad_credit_code_keeps_everything_typed_and_says_why(client, db):
    code = new_code("360102")
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.post(reverse("directory:apply"), form_data(credit_code=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "统一社会信用代码校验位错误" in html
    assert 'value="赣江智能制造服务有限公司"' in html
    assert bad in html
    assert "ISO 9001 质量管理体系认证" in html
    assert "为园区企业提供设备联网" in html
    assert not Provider.objects.exists()


def test_missing_qualification_and_consent_are_reported(client, db):
    data = form_data(
        **{"qual-0-name": "", "qual-0-number": "", "qual-0-issuer": "", "qual-0-valid_until": ""}
    )
    data.pop("consent")
    response = client.post(reverse("directory:apply"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "请至少填写一项资质" in html
    assert "请阅读并勾选承诺后再提交" in html
    assert not Provider.objects.exists()


def test_duplicate_code_gets_the_same_answer_as_a_new_one(client, db):
    # Used to answer "该统一社会信用代码已申请或已入库" — telling anyone that a (possibly non-public)
    # record exists. Now the submission is accepted with a number and held for the province.
    existing = make_provider("已入库服务商", home="360102")
    response = client.post(reverse("directory:apply"), form_data(credit_code=existing.credit_code))
    assert response.status_code == 302 and response["Location"] == reverse("directory:apply_done")
    thanks = client.get(reverse("directory:apply_done")).content.decode()
    assert "已入库服务商" not in thanks and "已申请或已入库" not in thanks
    assert existing.applications.get().number in thanks
    assert Provider.objects.count() == 1


def test_honeypot_submission_is_dropped(client, db):
    response = client.post(reverse("directory:apply"), form_data(homepage="http://spam.invalid"))
    assert response.status_code == 302
    assert not Provider.objects.exists()


def test_thanks_page_without_an_application_goes_to_the_form(client, db):
    response = client.get(reverse("directory:apply_done"))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:apply")


# ---------- the queue ----------


@pytest.mark.parametrize("role", ["admin", "province_officer"])
def test_queue_lists_applications_oldest_first(client, pool, role):
    newer = make_provider("后申请", home="360102", status=S.APPLIED)
    older = pool.providers["jj_applied"]
    Provider.objects.filter(pk=older.pk).update(applied_at=timezone.now() - timedelta(days=3))
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:applications"))
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == [older.pk, newer.pk]


@pytest.mark.parametrize(
    "role", ["city_officer", "county_officer", "commissioner", "provider_staff", "enterprise_user", "no_role"]
)
def test_queue_is_the_province_s_only(client, pool, role):
    client.force_login(pool.users[role])
    assert client.get(reverse("providers:applications")).status_code == 404
    assert client.get(reverse("providers:solution_reviews")).status_code == 404


# ---------- the list ----------


def _listed(client, **params) -> set[int]:
    response = client.get(reverse("providers:provider_list"), params)
    assert response.status_code == 200
    return {p.pk for p in response.context["page"].object_list}


def test_list_filters(client, pool):
    client.force_login(pool.users["province_officer"])
    p = pool.providers
    assert _listed(client, status="applied") == {p["jj_applied"].pk}
    assert _listed(client, q=p["xihu"].credit_code.lower()) == {p["xihu"].pk}
    assert _listed(client, q="九江智造") == {p["jj"].pk}
    # 南昌市: based there (own, xihu) or serving it or a county of it (jj, jj_applied serve 东湖区)
    assert _listed(client, region="360100") == {p["own"].pk, p["xihu"].pk, p["jj"].pk, p["jj_applied"].pk}
    # 西湖区: based there, or serving 南昌市 above it
    assert _listed(client, region="360103") == {p["xihu"].pk, p["own"].pk}
    category = ServiceCategory.objects.order_by("sort_order")[3]
    p["xihu"].categories.add(category)
    assert _listed(client, category=category.code) == {p["xihu"].pk}
    Provider.objects.filter(pk=p["jj"].pk).update(flagged_for_review=True)
    assert _listed(client, flagged="true") == {p["jj"].pk}


def test_list_flags_expired_qualifications(client, pool):
    stale = make_provider("资质过期服务商", home="360102", expired=True)
    client.force_login(pool.users["province_officer"])
    response = client.get(reverse("providers:provider_list"))
    html = response.content.decode()
    assert html.count('data-testid="expired-flag"') == 1
    assert stale.name in html


def test_list_query_count_is_constant(client, pool, django_assert_max_num_queries):
    client.force_login(pool.users["province_officer"])
    with django_assert_max_num_queries(12):
        client.get(reverse("providers:provider_list"))
    for i in range(15):
        make_provider(f"批量服务商{i}", home="360102", serves=("360100",), expired=i % 2 == 0)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("providers:provider_list"))
    assert len(response.context["page"].object_list) == 20


# ---------- the detail page ----------


def test_detail_shows_profile_staff_history_and_flags_expired_in_red(client, pool):
    provider = make_provider("过期资质详情", home="360102", expired=True)
    client.force_login(pool.users["province_officer"])
    response = client.get(reverse("providers:provider_detail", args=[provider.pk]))
    html = response.content.decode()
    assert 'class="is-expired"' in html
    assert "已过期" in html
    own = client.get(reverse("providers:provider_detail", args=[pool.providers["own"].pk])).content.decode()
    assert "prov_staff" in own  # the staff account of the provider
    assert "云MES轻量版" in own  # its solutions


@pytest.mark.parametrize(
    ("role", "key", "buttons"),
    [
        ("province_officer", "jj_applied", {"admitted", "rejected"}),
        ("province_officer", "own", {"suspended", "removed"}),
        ("city_officer", "own", {"suspended"}),
        ("city_officer", "jj", set()),
        ("county_officer", "own", set()),
        ("provider_staff", "own", set()),
    ],
)
def test_detail_offers_only_the_allowed_moves(client, pool, role, key, buttons):
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:provider_detail", args=[pool.providers[key].pk]))
    assert {status for status, _label in response.context["actions"]} == buttons


def test_transition_through_the_page_records_history(client, pool):
    provider = pool.providers["jj_applied"]
    client.force_login(pool.users["province_officer"])
    response = client.post(
        reverse("providers:provider_transition", args=[provider.pk]),
        {"to_status": "admitted", "reason": "材料齐全"},
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.status == S.ADMITTED
    page = client.get(reverse("providers:provider_detail", args=[provider.pk])).content.decode()
    assert "材料齐全" in page


def test_transition_without_reason_re_renders_with_the_error(client, pool):
    provider = pool.providers["own"]
    client.force_login(pool.users["province_officer"])
    response = client.post(
        reverse("providers:provider_transition", args=[provider.pk]),
        {"to_status": "suspended", "reason": " "},
    )
    assert response.status_code == 400
    assert "请填写变更理由" in response.content.decode()
    provider.refresh_from_db()
    assert provider.status == S.ADMITTED


def test_invalid_transition_through_the_page(client, pool):
    provider = pool.providers["own"]
    client.force_login(pool.users["province_officer"])
    response = client.post(
        reverse("providers:provider_transition", args=[provider.pk]), {"to_status": "rejected", "reason": "x"}
    )
    assert response.status_code == 400
    assert "不能从“已入库”直接变为“未通过”" in response.content.decode()


def test_transition_needs_post(client, pool):
    client.force_login(pool.users["province_officer"])
    response = client.get(reverse("providers:provider_transition", args=[pool.providers["own"].pk]))
    assert response.status_code == 405


# ---------- profile and qualifications ----------


def test_staff_edit_their_profile(client, pool):
    provider = pool.providers["own"]
    client.force_login(pool.users["provider_staff"])
    page = client.get(reverse("providers:provider_edit", args=[provider.pk]))
    assert page.status_code == 200
    category = ServiceCategory.objects.order_by("sort_order")[4]
    response = client.post(
        reverse("providers:provider_edit", args=[provider.pk]),
        {
            "categories": [str(category.pk)],
            "regions_served": [str(region("360400").pk)],
            "description": "新简介",
            "website": "",
            "contact_person": "赵工",
            "contact_phone": "13900000000",
            "contact_email": "",
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.contact_person == "赵工"
    assert list(provider.categories.all()) == [category]
    assert provider.status == S.ADMITTED


def test_profile_error_keeps_input(client, pool):
    client.force_login(pool.users["provider_staff"])
    response = client.post(
        reverse("providers:provider_edit", args=[pool.providers["own"].pk]),
        {"categories": [], "description": "保留我", "contact_person": "赵工", "contact_phone": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请至少选择一个服务类别" in html
    assert "保留我" in html


@pytest.mark.parametrize("role", ["province_officer", "city_officer"])
def test_officers_may_not_edit_a_profile(client, pool, role):
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:provider_edit", args=[pool.providers["own"].pk]))
    assert response.status_code == 403


def test_staff_cannot_reach_another_provider(client, pool):
    client.force_login(pool.users["provider_staff"])
    other = pool.providers["xihu"]
    assert client.get(reverse("providers:provider_edit", args=[other.pk])).status_code == 404
    q = other.qualifications.get()
    assert client.post(reverse("providers:qualification_delete", args=[other.pk, q.pk])).status_code == 404


def test_staff_manage_qualifications_through_pages(client, pool):
    provider = pool.providers["own"]
    client.force_login(pool.users["provider_staff"])
    response = client.post(
        reverse("providers:qualification_create", args=[provider.pk]),
        {
            "name": "CMMI 3级",
            "number": "C-3",
            "issuer": "CMMI协会",
            "valid_from": "",
            "valid_until": "2027-06-30",
        },
    )
    assert response.status_code == 302
    added = provider.qualifications.get(name="CMMI 3级")
    response = client.post(
        reverse("providers:qualification_edit", args=[provider.pk, added.pk]),
        {
            "name": "CMMI 5级",
            "number": "C-5",
            "issuer": "CMMI协会",
            "valid_from": "2027-01-01",
            "valid_until": "2026-01-01",
        },
    )
    assert response.status_code == 200  # valid_until before valid_from: kept on the page with the reason
    assert "有效期至不能早于生效日期" in response.content.decode()
    response = client.post(reverse("providers:qualification_delete", args=[provider.pk, added.pk]))
    assert response.status_code == 302
    assert not provider.qualifications.filter(pk=added.pk).exists()


def test_my_provider_redirects_staff(client, pool):
    client.force_login(pool.users["provider_staff"])
    response = client.get(reverse("providers:my_provider"))
    assert response["Location"] == reverse("providers:provider_detail", args=[pool.providers["own"].pk])
