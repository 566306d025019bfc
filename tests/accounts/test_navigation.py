"""The menu offers each role exactly its areas, and every entry opens for that role."""

import pytest
from django.urls import reverse

from providers.models import Provider
from tests.factories import region
from tests.roles import ALL_ROLES

EXPECTED = {
    "admin": {
        "diagnoses",
        "projects",
        "vouchers",
        "providers",
        "solutions",
        "clinics",
        "commissioners",
        "league",
        "targets",
        "stats",
        "directory",
    },
    "province_officer": {
        "diagnoses",
        "projects",
        "vouchers",
        "providers",
        "solutions",
        "clinics",
        "commissioners",
        "league",
        "targets",
        "stats",
        "directory",
    },
    "city_officer": {
        "diagnoses",
        "projects",
        "vouchers",
        "providers",
        "solutions",
        "clinics",
        "commissioners",
        "targets",
        "stats",
        "directory",
    },
    "county_officer": {
        "diagnoses",
        "projects",
        "vouchers",
        "providers",
        "solutions",
        "clinics",
        "commissioners",
        "targets",
        "stats",
        "directory",
    },
    "commissioner": {"diagnoses", "projects", "vouchers", "caseload", "directory"},
    "other_commissioner": {"diagnoses", "projects", "vouchers", "caseload", "directory"},
    "clinic_staff": {"diagnoses", "projects", "clinics", "directory"},
    "provider_staff": {
        "diagnoses",
        "projects",
        "my_provider",
        "solutions",
        "clinics",
        "my_evaluation",
        "directory",
    },
    "enterprise_user": {"portal", "diagnoses", "projects", "vouchers", "directory"},
    "no_role": {"directory"},
    "unanchored_officer": {"directory"},
}


@pytest.fixture
def nav_world(world):
    Provider.objects.create(
        organisation=world.provider,
        home_region=region("360100"),
        contact_person="联系人",
        contact_phone="0791-1",
    )
    return world


@pytest.mark.parametrize("role", ALL_ROLES)
def test_menu_entries_per_role_all_open(client, nav_world, role):
    client.force_login(nav_world.users[role])
    response = client.get(reverse("diagnosis:enterprise_list"))
    items = response.context["nav"]["items"]
    assert {item["key"] for item in items} == EXPECTED[role]
    for item in items:
        page = client.get(item["url"], follow=True)
        assert page.status_code == 200, (role, item["key"], item["url"])


def test_current_entry_is_marked(client, nav_world):
    client.force_login(nav_world.users["province_officer"])
    response = client.get(reverse("providers:clinic_list"))
    current = [item["key"] for item in response.context["nav"]["items"] if item["current"]]
    assert current == ["clinics"]
    assert 'aria-current="page"' in response.content.decode()


def test_caseload_marks_only_its_own_entry(client, nav_world):
    client.force_login(nav_world.users["commissioner"])
    response = client.get(reverse("diagnosis:caseload"))
    nav = response.context["nav"]
    assert nav["active"] == ""
    assert [item["key"] for item in nav["items"] if item["current"]] == ["caseload"]


def test_provider_staff_on_their_provider_page_marks_their_own_entry(client, nav_world):
    client.force_login(nav_world.users["provider_staff"])
    response = client.get(reverse("providers:my_provider"), follow=True)
    assert response.resolver_match.url_name == "provider_detail"
    nav = response.context["nav"]
    assert [item["key"] for item in nav["items"] if item["current"]] == ["my_provider"]
    html = response.content.decode()
    assert f'<a href="{reverse("providers:my_provider")}" aria-current="page">本机构</a>' in html
    assert 'aria-current="page">服务商</a>' not in html


def test_home_entry_comes_first_and_is_current_on_home(client, nav_world):
    client.force_login(nav_world.users["commissioner"])
    response = client.get(reverse("home"))
    nav = response.context["nav"]
    assert nav["active"] == "home" and not any(item["current"] for item in nav["items"])
    assert nav["home_url"] == reverse("home")
