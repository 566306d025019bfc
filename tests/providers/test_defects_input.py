"""Hostile ids typed into pages answer a form error or 404, never 500 (issue 6 item 8).

Before the fix a ``ModelMultipleChoiceField`` looked the ids up with ``pk__in``, which Django does
not guard against values outside the column's range: an anonymous POST of the public application
form with ``categories=99999999999999999999`` crashed with ``OverflowError`` on SQLite.
"""

import pytest
from django.urls import reverse

from providers.models import Provider, Solution

from .test_pool_support import pool_fixture  # noqa: F401 (registers the fixture)
from .test_pool_views import form_data
from .test_solutions import page_form

BIG = "99999999999999999999"
BAD_IDS = [BIG, str(2**63), "-1", "1e5", "１２", "abc"]


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("field", ["categories", "regions_served"])
def test_public_application_with_bad_choice_ids_is_a_form_error(client, db, field, value):
    response = client.post(reverse("directory:apply"), form_data(**{field: [value]}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "赣江智能制造服务有限公司" in response.content.decode()  # what was typed is kept
    assert not Provider.objects.exists()


@pytest.mark.parametrize("value", BAD_IDS)
def test_public_application_with_a_bad_home_region_is_a_form_error(client, db, value):
    response = client.post(reverse("directory:apply"), form_data(home_region=value))
    assert response.status_code == 200
    assert "home_region" in response.context["form"].errors
    assert not Provider.objects.exists()


@pytest.mark.parametrize("value", BAD_IDS)
def test_solution_page_with_bad_scenario_ids_is_a_form_error(client, pool, value):
    client.force_login(pool.users["provider_staff"])
    before = Solution.objects.count()
    response = client.post(reverse("providers:solution_create"), page_form(scenarios=[value]))
    assert response.status_code == 200
    assert "scenarios" in response.context["form"].errors
    assert Solution.objects.count() == before


@pytest.mark.parametrize("value", BAD_IDS)
def test_profile_page_with_bad_ids_is_a_form_error(client, pool, value):
    client.force_login(pool.users["provider_staff"])
    own = pool.providers["own"]
    response = client.post(
        reverse("providers:provider_edit", args=[own.pk]),
        {"categories": [value], "regions_served": [value], "contact_person": "王", "contact_phone": "1"},
    )
    assert response.status_code == 200
    assert {"categories", "regions_served"} <= set(response.context["form"].errors)


@pytest.mark.parametrize("value", BAD_IDS)
def test_clinic_and_commissioner_pages_with_bad_ids_are_form_errors(client, world, value):
    client.force_login(world.users["city_officer"])
    response = client.post(
        reverse("providers:clinic_create"),
        {"name": "新诊所", "kind": "clinic", "region": value, "operator": value, "monthly_capacity": "1"},
    )
    assert response.status_code == 200
    assert {"region", "operator"} <= set(response.context["form"].errors)
    response = client.post(
        reverse("providers:commissioner_register"),
        {"display_name": "钱专员", "phone": "13512345678", "tier": "county", "region": value},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors


@pytest.mark.parametrize("value", BAD_IDS)
def test_enterprise_pages_with_bad_ids_are_form_errors(client, world, value):
    client.force_login(world.users["city_officer"])
    enterprise = world.ent_donghu
    response = client.post(
        reverse("diagnosis:engage", args=[enterprise.pk]), {"purpose": "project", "organisation": value}
    )
    assert response.status_code in (200, 400)
    assert "organisation" in response.context["form"].errors
    response = client.post(reverse("diagnosis:assign_one", args=[enterprise.pk]), {"commissioner": value})
    assert response.status_code in (200, 400)
    response = client.post(
        reverse("diagnosis:enterprise_edit", args=[enterprise.pk]),
        {
            "credit_code": enterprise.credit_code,
            "name": enterprise.name,
            "county": value,
            "commissioner": value,
        },
    )
    assert response.status_code == 200
    assert "county" in response.context["form"].errors


@pytest.mark.parametrize("value", BAD_IDS)
def test_filters_with_bad_ids_show_nothing_instead_of_crashing(client, world, value):
    client.force_login(world.users["admin"])
    for url, param in [
        (reverse("diagnosis:enterprise_list"), "commissioner"),
        (reverse("diagnosis:assign"), "commissioner"),
        (reverse("providers:solution_list"), "provider"),
        (reverse("providers:clinic_list"), "operator"),
    ]:
        response = client.get(url, {param: value})
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize(
    "name",
    [
        "diagnosis:enterprise_detail",
        "diagnosis:visit_list",
        "providers:provider_detail",
        "providers:solution_detail",
        "providers:clinic_detail",
        "providers:commissioner_detail",
        "directory:provider",
        "directory:solution",
    ],
)
@pytest.mark.parametrize("value", [BIG, 2**63, 2**64 * 10])
def test_huge_ids_in_page_urls_are_404(client, world, name, value):
    client.force_login(world.users["admin"])
    url = reverse(name, args=[1]).replace("/1/", f"/{value}/")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)
