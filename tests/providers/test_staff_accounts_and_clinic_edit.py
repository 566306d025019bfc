"""Staff accounts for providers and clinics (one service), and editing a clinic after creation."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Organisation, Role
from providers.models import Clinic, Provider
from providers.services.clinics import clinic_create, clinic_update
from providers.services.pool import provider_staff_create
from tests.factories import OrganisationFactory, region
from tests.roles import ALL_ROLES


@pytest.fixture
def provider(world):
    return Provider.objects.create(
        organisation=world.provider,
        home_region=region("360100"),
        contact_person="联系人",
        contact_phone="0791-1",
        status=Provider.Status.ADMITTED,
    )


@pytest.fixture
def clinic(world):
    operator = OrganisationFactory(name="东湖园区", kind=Organisation.Kind.PARK, region=region("360102"))
    return clinic_create(
        actor=world.users["county_officer"],
        name="东湖诊所二号",
        kind=Clinic.Kind.CLINIC,
        region=region("360102"),
        operator=operator,
        monthly_capacity=10,
    )


@pytest.mark.parametrize("role", ["province_officer", "admin", "provider_staff"])
def test_province_and_own_staff_create_provider_accounts(world, provider, role):
    user, password = provider_staff_create(
        actor=world.users[role], provider=provider, username=f"new_{role}", display_name="新同事"
    )
    assert user.role == Role.PROVIDER_STAFF and user.organisation == provider.organisation
    assert authenticate(username=f"new_{role}", password=password) == user
    assert len(password) == 12


@pytest.mark.parametrize(
    "role", ["city_officer", "county_officer", "commissioner", "clinic_staff", "enterprise_user"]
)
def test_others_cannot_create_provider_accounts(world, provider, role):
    with pytest.raises(PermissionDenied):
        provider_staff_create(actor=world.users[role], provider=provider, username="x1", display_name="x")


def test_removed_provider_gets_no_new_accounts(world, provider):
    provider.status = Provider.Status.REMOVED
    provider.save()
    with pytest.raises(ValidationError):
        provider_staff_create(
            actor=world.users["province_officer"], provider=provider, username="x2", display_name="x"
        )


def test_taken_login_name_is_refused_case_insensitively(world, provider):
    with pytest.raises(ValidationError) as exc:
        provider_staff_create(
            actor=world.users["province_officer"], provider=provider, username="PROV", display_name="x"
        )
    assert "username" in exc.value.message_dict


@pytest.mark.parametrize("role", ALL_ROLES)
def test_provider_staff_page_scope(client, world, provider, role):
    client.force_login(world.users[role])
    url = reverse("providers:provider_staff_create", args=[provider.pk])
    response = client.post(url, {"username": f"p_{role}", "display_name": "新同事"})
    expected = {"province_officer": 200, "admin": 200, "provider_staff": 200}.get(role)
    if expected:
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert 'data-testid="initial-password"' in response.content.decode()
    else:
        # Out of scope: 404; in scope (e.g. the 南昌 city officer sees the provider) but not allowed: 403.
        visible = Provider.objects.visible_to(world.users[role]).filter(pk=provider.pk).exists()
        assert response.status_code == (403 if visible else 404)
        assert visible == (role == "city_officer")
    assert (response.status_code == 200) == provider.organisation.staff.filter(username=f"p_{role}").exists()


def test_clinic_update_changes_only_editable_fields(world, clinic):
    updated = clinic_update(
        actor=world.users["city_officer"],
        clinic=clinic,
        data={
            "name": "东湖数字化诊所（新）",
            "address": "东湖区1号",
            "industries": ["39", "38"],
            "monthly_capacity": 25,
        },
    )
    assert updated.name == "东湖数字化诊所（新）" and updated.address == "东湖区1号"
    assert updated.industries == ["38", "39"] and updated.monthly_capacity == 25
    with pytest.raises(ValidationError):
        clinic_update(actor=world.users["city_officer"], clinic=clinic, data={"region": region("360103")})
    with pytest.raises(ValidationError):
        clinic_update(actor=world.users["city_officer"], clinic=clinic, data={"industries": ["99"]})


@pytest.mark.parametrize("role", ["commissioner", "clinic_staff", "provider_staff", "enterprise_user"])
def test_only_officers_edit_clinics(world, clinic, role):
    with pytest.raises(PermissionDenied):
        clinic_update(actor=world.users[role], clinic=clinic, data={"monthly_capacity": 1})


@pytest.mark.parametrize("role", ALL_ROLES)
def test_clinic_edit_page_scope(client, world, clinic, role):
    client.force_login(world.users[role])
    url = reverse("providers:clinic_edit", args=[clinic.pk])
    response = client.post(url, {"name": "改名诊所", "address": "", "monthly_capacity": "30"})
    clinic.refresh_from_db()
    if role in ("admin", "province_officer", "city_officer", "county_officer"):
        assert response.status_code == 302 and clinic.monthly_capacity == 30
    else:
        assert response.status_code in (403, 404) and clinic.monthly_capacity == 10
        # Who can see the clinic but not manage it gets 403; everyone else 404.
        visible = Clinic.objects.visible_to(world.users[role]).filter(pk=clinic.pk).exists()
        assert response.status_code == (403 if visible else 404)


def test_clinic_edit_form_keeps_input_on_error(client, world, clinic):
    client.force_login(world.users["county_officer"])
    response = client.post(
        reverse("providers:clinic_edit", args=[clinic.pk]),
        {"name": "", "address": "新地址", "monthly_capacity": "-1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "新地址" in html
    clinic.refresh_from_db()
    assert clinic.address == ""
