"""The commissioner registry: registering (tier ↔ region, officer's region), trainings, scope matrix, API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role, User
from providers.models import CommissionerProfile, TrainingRecord
from providers.services.commissioners import commissioner_register, training_record_add
from tests.factories import UserFactory, region
from tests.roles import ALL_ROLES, OFFICERS


@pytest.fixture
def profiles(world):
    dh = CommissionerProfile.objects.create(
        user=world.users["commissioner"], tier="county", employer="东湖区工信局"
    )
    jj = CommissionerProfile.objects.create(user=world.users["other_commissioner"], tier="county")
    return {"dh": dh, "jj": jj}


def visible_profiles(role: str) -> set[str]:
    return {
        "admin": {"dh", "jj"},
        "province_officer": {"dh", "jj"},
        "city_officer": {"dh"},
        "county_officer": {"dh"},
        "commissioner": {"dh"},
        "other_commissioner": {"jj"},
    }.get(role, set())


# --- services -------------------------------------------------------------------------------------


def test_register_creates_account_and_profile(world):
    profile, password = commissioner_register(
        actor=world.users["city_officer"],
        display_name="赵专员",
        phone="13800000001",
        region=region("360100"),
        tier="city",
    )
    user = profile.user
    assert user.username == "13800000001" and user.role == Role.COMMISSIONER and user.region.code == "360100"
    assert user.check_password(password)
    assert profile.tier == "city" and profile.active and profile.registered_on == datetime.date.today()


@pytest.mark.parametrize(
    ("tier", "code"),
    [
        ("county", "360100"),
        ("city", "360102"),
        ("province", "360100"),
        ("city", "360000"),
        ("county", "360000"),
    ],
)
def test_tier_must_match_region_level(world, tier, code):
    with pytest.raises(ValidationError) as exc:
        commissioner_register(
            actor=world.users["province_officer"],
            display_name="x",
            phone="13900000000",
            region=region(code),
            tier=tier,
        )
    assert "tier" in exc.value.message_dict
    assert not User.objects.filter(username="13900000000").exists()  # nothing half-saved


def test_zone_is_a_city_tier_region(world):
    zone = region("360000").children.filter(level="zone").first()
    if zone is None:
        pytest.skip("no zone in the region table")
    profile, _ = commissioner_register(
        actor=world.users["province_officer"],
        display_name="新区专员",
        phone="13700000000",
        region=zone,
        tier="city",
    )
    assert profile.user.region == zone


def test_register_only_within_officers_region(world):
    with pytest.raises(ValidationError) as exc:
        commissioner_register(
            actor=world.users["city_officer"],
            display_name="x",
            phone="1",
            region=region("360403"),
            tier="county",
        )
    assert "region" in exc.value.message_dict
    with pytest.raises(ValidationError):
        commissioner_register(
            actor=world.users["county_officer"],
            display_name="x",
            phone="2",
            region=region("360100"),
            tier="city",
        )


@pytest.mark.parametrize(
    "role", ["commissioner", "clinic_staff", "provider_staff", "enterprise_user", "no_role"]
)
def test_register_by_non_officer_forbidden(world, role):
    with pytest.raises(PermissionDenied):
        commissioner_register(
            actor=world.users[role], display_name="x", phone="3", region=region("360102"), tier="county"
        )


def test_username_taken_and_missing(world):
    UserFactory(username="13600000000")
    officer = world.users["province_officer"]
    with pytest.raises(ValidationError) as exc:
        commissioner_register(
            actor=officer, display_name="x", phone="13600000000", region=region("360102"), tier="county"
        )
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        commissioner_register(actor=officer, display_name="x", region=region("360102"), tier="county")
    assert "username" in exc.value.message_dict


def test_training_records(world, profiles):
    record = training_record_add(
        actor=world.users["county_officer"],
        profile=profiles["dh"],
        title="数字化诊断实务",
        held_on=datetime.date(2024, 5, 10),
        hours=Decimal("16.5"),
    )
    assert record.hours == Decimal("16.5")
    with pytest.raises(PermissionDenied):
        training_record_add(
            actor=world.users["city_officer"],
            profile=profiles["jj"],
            title="t",
            held_on=datetime.date(2024, 1, 1),
            hours=1,
        )
    with pytest.raises(ValidationError):
        training_record_add(
            actor=world.users["admin"],
            profile=profiles["jj"],
            title="t",
            held_on=datetime.date.today() + datetime.timedelta(days=3),
            hours=1,
        )


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_holds_exactly_the_visible_entries(client, world, profiles, role):
    client.force_login(world.users[role])
    response = client.get(reverse("providers:commissioner_list"))
    assert response.status_code == 200
    assert {p.pk for p in response.context["page"].object_list} == {
        profiles[k].pk for k in visible_profiles(role)
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ["dh", "jj"])
def test_detail_200_inside_404_outside(client, world, profiles, role, which):
    client.force_login(world.users[role])
    response = client.get(reverse("providers:commissioner_detail", args=[profiles[which].pk]))
    assert response.status_code == (200 if which in visible_profiles(role) else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_register_page_only_for_officers(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("providers:commissioner_register")).status_code == (
        200 if role in OFFICERS else 403
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_training_page_404_outside_403_without_right(client, world, profiles, role):
    client.force_login(world.users[role])
    response = client.get(reverse("providers:commissioner_training_add", args=[profiles["dh"].pk]))
    if "dh" not in visible_profiles(role):
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if role in OFFICERS else 403)


def test_register_page_flow(client, world):
    client.force_login(world.users["city_officer"])
    url = reverse("providers:commissioner_register")
    data = {"display_name": "钱专员", "phone": "13512345678", "tier": "county", "region": region("360100").pk}
    response = client.post(url, data)
    assert (
        response.status_code == 200
        and "层级" in response.content.decode()
        and "钱专员" in response.content.decode()
    )
    response = client.post(url, {**data, "region": region("360103").pk})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    user = User.objects.get(username="13512345678")
    assert user.check_password(response.context["password"])


def test_list_filters_and_search(client, world, profiles):
    client.force_login(world.users["province_officer"])
    url = reverse("providers:commissioner_list")
    ids = lambda r: {p.pk for p in r.context["page"].object_list}  # noqa: E731
    assert ids(client.get(url, {"region": "360400"})) == {profiles["jj"].pk}
    assert ids(client.get(url, {"q": "dh_"})) == {profiles["dh"].pk}
    assert ids(client.get(url, {"tier": "city"})) == set()
    CommissionerProfile.objects.filter(pk=profiles["jj"].pk).update(active=False)
    assert ids(client.get(url, {"active": "false"})) == {profiles["jj"].pk}


def test_detail_links_to_caseload_and_handover(client, world, profiles):
    client.force_login(world.users["county_officer"])
    html = client.get(reverse("providers:commissioner_detail", args=[profiles["dh"].pk])).content.decode()
    assert reverse("diagnosis:caseload_of", args=[profiles["dh"].user_id]) in html
    assert reverse("diagnosis:commissioner_deactivate", args=[profiles["dh"].user_id]) in html


def test_list_query_count_is_constant(client, world, profiles, django_assert_max_num_queries):
    for i in range(30):
        profile, _ = commissioner_register(
            actor=world.users["admin"],
            display_name=f"专员{i}",
            phone=f"1330000{i:04d}",
            region=region("360102"),
            tier="county",
        )
        TrainingRecord.objects.create(
            commissioner=profile, title="t", held_on=datetime.date(2024, 1, 1), hours=2
        )
    client.force_login(world.users["province_officer"])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("providers:commissioner_list")).status_code == 200


# --- API ----------------------------------------------------------------------------------------


def api(world, role):
    client = APIClient()
    client.force_authenticate(world.users[role])
    return client


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_list_and_detail_scope(world, profiles, role):
    client = api(world, role)
    response = client.get("/api/v1/commissioners/")
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {profiles[k].pk for k in visible_profiles(role)}
    for which in ("dh", "jj"):
        response = client.get(f"/api/v1/commissioners/{profiles[which].pk}/")
        assert response.status_code == (200 if which in visible_profiles(role) else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_register(world, role):
    body = {
        "display_name": "孙专员",
        "phone": f"188{abs(hash(role)) % 10**8:08d}",
        "tier": "county",
        "region": "360102",
    }
    response = api(world, role).post("/api/v1/commissioners/", body, format="json")
    if role in OFFICERS:
        assert response.status_code == 201
        user = User.objects.get(pk=response.json()["user_id"])
        assert user.check_password(response.json()["initial_password"])
    else:
        assert response.status_code == 403


def test_api_register_tier_mismatch_is_400(world):
    body = {"display_name": "x", "phone": "1", "tier": "city", "region": "360102"}
    response = api(world, "province_officer").post("/api/v1/commissioners/", body, format="json")
    assert response.status_code == 400 and "tier" in response.json()
