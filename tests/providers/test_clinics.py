"""Clinics and promotion centres: services' rules, the scope matrix over pages and API, query pins."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, User
from providers.models import Clinic, ClinicStatusChange, Provider
from providers.services.clinics import clinic_create, clinic_set_status, clinic_staff_create
from tests.factories import OrganisationFactory, region
from tests.roles import ALL_ROLES, OFFICERS


def make_provider(org, status=Provider.Status.ADMITTED):
    return Provider.objects.create(
        organisation=org,
        home_region=region("360100"),
        contact_person="张三",
        contact_phone="0791-1",
        status=status,
    )


@pytest.fixture
def clinics(world):
    """``dh``: 东湖 clinic (world.clinic's organisation) run by a park; ``jj``: 九江 centre run by the provider."""
    make_provider(world.provider)
    park = OrganisationFactory(name="东湖园区", kind=Organisation.Kind.PARK, region=region("360102"))
    dh = Clinic.objects.create(
        organisation=world.clinic, operator=park, region=region("360102"), industries=["39"]
    )
    jj_org = OrganisationFactory(name="九江促进中心", kind=Organisation.Kind.CENTRE, region=region("360403"))
    jj = Clinic.objects.create(
        organisation=jj_org, kind=Clinic.Kind.CENTRE, operator=world.provider, region=region("360403")
    )
    return {"dh": dh, "jj": jj, "park": park}


def visible_clinics(role: str) -> set[str]:
    return {
        "admin": {"dh", "jj"},
        "province_officer": {"dh", "jj"},
        "city_officer": {"dh"},
        "county_officer": {"dh"},
        "commissioner": {"dh"},
        "other_commissioner": {"jj"},
        "clinic_staff": {"dh"},
        "provider_staff": {"jj"},
        "enterprise_user": set(),
        "no_role": set(),
        "unanchored_officer": set(),
    }[role]


# --- services -------------------------------------------------------------------------------------


def test_create_with_inline_operator_records_history(world):
    officer = world.users["city_officer"]
    clinic = clinic_create(
        actor=officer,
        name="西湖数字化诊所",
        kind="clinic",
        region=region("360103"),
        new_operator_name="西湖产业园",
        industries=["38", "39", "38"],
        monthly_capacity=12,
    )
    assert clinic.operator.kind == Organisation.Kind.PARK and clinic.operator.name == "西湖产业园"
    assert clinic.organisation.kind == "clinic" and clinic.industries == ["38", "39"]
    assert clinic.status_changes.get().to_status == "open"


def test_create_outside_region_refused(world, clinics):
    with pytest.raises(ValidationError) as exc:
        clinic_create(
            actor=world.users["county_officer"],
            name="x",
            kind="clinic",
            region=region("360103"),
            operator=clinics["park"],
        )
    assert "region" in exc.value.message_dict
    assert not Clinic.objects.filter(organisation__name="x").exists()


@pytest.mark.parametrize(
    "role", ["commissioner", "clinic_staff", "provider_staff", "enterprise_user", "no_role"]
)
def test_create_by_non_officer_forbidden(world, clinics, role):
    with pytest.raises(PermissionDenied):
        clinic_create(
            actor=world.users[role],
            name="x",
            kind="clinic",
            region=region("360102"),
            operator=clinics["park"],
        )


def test_operator_rules(world, clinics):
    officer = world.users["province_officer"]
    kwargs = {"actor": officer, "name": "n", "kind": "clinic", "region": region("360102")}
    with pytest.raises(ValidationError, match="二选一"):
        clinic_create(**kwargs)
    with pytest.raises(ValidationError, match="二选一"):
        clinic_create(**kwargs, operator=clinics["park"], new_operator_name="又一个")
    with pytest.raises(ValidationError, match="运营主体须为"):
        clinic_create(**kwargs, operator=world.clinic)  # a clinic cannot operate a clinic
    Provider.objects.filter(organisation=world.provider).update(status=Provider.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="已入库"):
        clinic_create(**kwargs, operator=world.provider)
    with pytest.raises(ValidationError):
        clinic_create(**kwargs, operator=clinics["park"], industries=["12", "39"])


def test_close_needs_reason_and_history_is_kept(world, clinics):
    clinic, officer = clinics["dh"], world.users["county_officer"]
    with pytest.raises(ValidationError) as exc:
        clinic_set_status(actor=officer, clinic=clinic, to_status="closed", reason=" ")
    assert "reason" in exc.value.message_dict
    clinic_set_status(actor=officer, clinic=clinic, to_status="closed", reason="场地到期")
    assert clinic.status == "closed"
    with pytest.raises(ValidationError):
        clinic_set_status(actor=officer, clinic=clinic, to_status="closed", reason="再关")
    clinic_set_status(actor=officer, clinic=clinic, to_status="open")
    steps = list(
        ClinicStatusChange.objects.filter(clinic=clinic)
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    assert steps == [("open", "closed"), ("closed", "open")]


def test_status_outside_region_refused(world, clinics):
    with pytest.raises(ValidationError):
        clinic_set_status(
            actor=world.users["city_officer"], clinic=clinics["jj"], to_status="closed", reason="r"
        )
    with pytest.raises(PermissionDenied):
        clinic_set_status(
            actor=world.users["commissioner"], clinic=clinics["dh"], to_status="closed", reason="r"
        )


def test_staff_account_gets_a_one_time_password(world, clinics):
    user, password = clinic_staff_create(
        actor=world.users["county_officer"], clinic=clinics["dh"], username="dh_doctor", display_name="李医生"
    )
    assert user.role == Role.CLINIC_STAFF and user.organisation_id == world.clinic.pk
    assert user.check_password(password) and password not in user.password
    with pytest.raises(ValidationError):
        clinic_staff_create(
            actor=world.users["county_officer"], clinic=clinics["dh"], username="DH_doctor", display_name="x"
        )


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_holds_exactly_the_visible_clinics(client, world, clinics, role):
    client.force_login(world.users[role])
    response = client.get(reverse("providers:clinic_list"))
    assert response.status_code == 200
    listed = {c.pk for c in response.context["page"].object_list}
    assert listed == {clinics[k].pk for k in visible_clinics(role)}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ["dh", "jj"])
def test_detail_200_inside_404_outside(client, world, clinics, role, which):
    client.force_login(world.users[role])
    response = client.get(reverse("providers:clinic_detail", args=[clinics[which].pk]))
    assert response.status_code == (200 if which in visible_clinics(role) else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_status_page_404_outside_403_without_right(client, world, clinics, role):
    client.force_login(world.users[role])
    response = client.post(
        reverse("providers:clinic_status", args=[clinics["dh"].pk]), {"to_status": "closed", "reason": "r"}
    )
    if "dh" not in visible_clinics(role):
        assert response.status_code == 404
    elif role in OFFICERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_page_only_for_officers(client, world, clinics, role):
    client.force_login(world.users[role])
    response = client.get(reverse("providers:clinic_create"))
    assert response.status_code == (200 if role in OFFICERS else 403)


def test_create_page_keeps_input_on_error_and_creates(client, world, clinics):
    client.force_login(world.users["county_officer"])
    url = reverse("providers:clinic_create")
    data = {
        "name": "东湖二号诊所",
        "kind": "clinic",
        "region": region("360102").pk,
        "monthly_capacity": 5,
        "industries": ["39"],
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "二选一" in response.content.decode()
    assert "东湖二号诊所" in response.content.decode()
    response = client.post(url, {**data, "operator": clinics["park"].pk})
    clinic = Clinic.objects.get(organisation__name="东湖二号诊所")
    assert response.status_code == 302 and response["Location"] == reverse(
        "providers:clinic_detail", args=[clinic.pk]
    )


def test_staff_page_shows_password_once(client, world, clinics):
    client.force_login(world.users["city_officer"])
    response = client.post(
        reverse("providers:clinic_staff_create", args=[clinics["dh"].pk]),
        {"username": "dh_nurse", "display_name": "王"},
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert User.objects.get(username="dh_nurse").check_password(password)
    detail = client.get(reverse("providers:clinic_detail", args=[clinics["dh"].pk]))
    assert "dh_nurse" in detail.content.decode() and password not in detail.content.decode()


def test_list_counts_open_against_plan_and_filters(client, world, clinics):
    clinic_set_status(actor=world.users["admin"], clinic=clinics["jj"], to_status="closed", reason="撤并")
    client.force_login(world.users["province_officer"])
    response = client.get(reverse("providers:clinic_list"))
    assert response.context["counts"] == {"total": 2, "open": 1, "closed": 1, "planned": 100}
    response = client.get(reverse("providers:clinic_list"), {"status": "closed"})
    assert [c.pk for c in response.context["page"].object_list] == [clinics["jj"].pk]
    response = client.get(reverse("providers:clinic_list"), {"region": "360100"})
    assert [c.pk for c in response.context["page"].object_list] == [clinics["dh"].pk]
    response = client.get(reverse("providers:clinic_list"), {"kind": "centre", "operator": world.provider.pk})
    assert [c.pk for c in response.context["page"].object_list] == [clinics["jj"].pk]


def test_list_query_count_is_constant(client, world, clinics, django_assert_max_num_queries):
    for _i in range(30):
        org = OrganisationFactory(kind="clinic", region=region("360102"))
        Clinic.objects.create(
            organisation=org, operator=clinics["park"], region=region("360102"), industries=["13"]
        )
    client.force_login(world.users["province_officer"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("providers:clinic_list"))
    assert response.status_code == 200


# --- API ----------------------------------------------------------------------------------------


def api(world, role):
    client = APIClient()
    client.force_authenticate(world.users[role])
    return client


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_list_and_detail_scope(world, clinics, role):
    client = api(world, role)
    response = client.get("/api/v1/clinics/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {clinics[k].pk for k in visible_clinics(role)}
    for which in ("dh", "jj"):
        response = client.get(f"/api/v1/clinics/{clinics[which].pk}/")
        assert response.status_code == (200 if which in visible_clinics(role) else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_create_and_status(world, clinics, role):
    client = api(world, role)
    body = {
        "name": f"{role}诊所",
        "kind": "clinic",
        "region": "360102",
        "new_operator_name": "新园区",
        "industries": ["39"],
    }
    response = client.post("/api/v1/clinics/", body, format="json")
    allowed = role in {"admin", "province_officer", "city_officer", "county_officer"}
    assert response.status_code == (201 if allowed else 403)
    response = client.post(
        f"/api/v1/clinics/{clinics['jj'].pk}/status/", {"to_status": "closed"}, format="json"
    )
    if "jj" not in visible_clinics(role):
        assert response.status_code == 404
    elif role in {"admin", "province_officer"}:
        assert response.status_code == 400 and "reason" in response.json()
    else:
        assert response.status_code == 403


def test_api_create_outside_region_is_400(world, clinics):
    response = api(world, "county_officer").post(
        "/api/v1/clinics/",
        {"name": "x", "kind": "clinic", "region": "360403", "operator": clinics["park"].pk},
        format="json",
    )
    assert response.status_code == 400 and "region" in response.json()


def test_form_pages_render(client, world, clinics):
    client.force_login(world.users["county_officer"])
    assert client.get(reverse("providers:clinic_status", args=[clinics["dh"].pk])).status_code == 200
    assert client.get(reverse("providers:clinic_staff_create", args=[clinics["dh"].pk])).status_code == 200
