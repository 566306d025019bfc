"""Assignment, reassignment, handover: service rules, history, the assign pages' scope matrix."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from diagnosis.models import Assignment, Enterprise, EnterpriseChange, Visit
from diagnosis.services.assignment import commissioner_deactivate, enterprise_assign, enterprise_unassign
from providers.models import CommissionerProfile
from tests.factories import EnterpriseFactory, make_role_user, region
from tests.roles import ALL_ROLES, ENTERPRISES, OFFICERS


@pytest.fixture
def extra(world):
    """A second 东湖 commissioner, a 南昌 city-tier one (covers 东湖 and 西湖), with registry entries."""
    dh2 = make_role_user(Role.COMMISSIONER, username="dh_comm2", region_code="360102")
    nc = make_role_user(Role.COMMISSIONER, username="nc_comm", region_code="360100")
    CommissionerProfile.objects.create(user=world.users["commissioner"], tier="county")
    CommissionerProfile.objects.create(user=dh2, tier="county")
    CommissionerProfile.objects.create(user=nc, tier="city")
    return {"dh2": dh2, "nc": nc}


def test_assign_opens_row_sets_commissioner_and_records_history(world, extra):
    officer = world.users["city_officer"]
    changed = enterprise_assign(
        actor=officer, enterprises=[world.ent_xihu], commissioner=extra["nc"], reason="首次分配"
    )
    assert changed == 1
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.commissioner == extra["nc"]
    row = Assignment.objects.get(enterprise=world.ent_xihu)
    assert row.ended_at is None and row.assigned_by == officer and row.reason == "首次分配"
    change = world.ent_xihu.changes.filter(action="update").get()
    assert change.changes == {"commissioner": [None, "nc_comm"]} and change.actor == officer
    # idempotent
    assert enterprise_assign(actor=officer, enterprises=[world.ent_xihu], commissioner=extra["nc"]) == 0
    assert Assignment.objects.filter(enterprise=world.ent_xihu).count() == 1


def test_reassignment_keeps_history_and_visits(world, extra):
    officer = world.users["county_officer"]
    enterprise_assign(actor=officer, enterprises=[world.ent_donghu], commissioner=extra["dh2"])
    Visit.objects.create(
        enterprise=world.ent_donghu, commissioner=extra["dh2"], visited_on="2024-03-01", summary="s"
    )
    enterprise_assign(actor=officer, enterprises=[world.ent_donghu], commissioner=world.users["commissioner"])
    rows = list(Assignment.objects.filter(enterprise=world.ent_donghu).order_by("id"))
    assert [r.commissioner for r in rows] == [extra["dh2"], world.users["commissioner"]]
    assert rows[0].ended_at is not None and rows[1].ended_at is None
    assert Visit.objects.get().commissioner == extra["dh2"]
    assert world.ent_donghu.changes.filter(action="update").count() == 2


def test_assign_out_of_scope_refused_and_nothing_changes(world, extra):
    with pytest.raises(ValidationError) as exc:
        enterprise_assign(
            actor=world.users["county_officer"],
            enterprises=[world.ent_donghu, world.ent_xihu],
            commissioner=world.users["commissioner"],
        )
    assert "enterprises" in exc.value.message_dict
    assert not Assignment.objects.exists()


def test_commissioner_must_cover_every_county(world, extra):
    with pytest.raises(ValidationError) as exc:
        enterprise_assign(
            actor=world.users["city_officer"],
            enterprises=[world.ent_donghu, world.ent_xihu],
            commissioner=extra["dh2"],
        )
    assert "1 家" in exc.value.message_dict["commissioner"][0]
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.commissioner == world.users["commissioner"]


def test_commissioner_outside_actors_choices_refused(world, extra):
    with pytest.raises(ValidationError):
        enterprise_assign(
            actor=world.users["county_officer"], enterprises=[world.ent_donghu], commissioner=extra["nc"]
        )  # filed at the city: not among a county officer's choices


@pytest.mark.parametrize(
    "role", ["commissioner", "clinic_staff", "provider_staff", "enterprise_user", "no_role"]
)
def test_non_officers_cannot_assign(world, extra, role):
    with pytest.raises(PermissionDenied):
        enterprise_assign(actor=world.users[role], enterprises=[world.ent_donghu], commissioner=extra["dh2"])


def test_bulk_by_county_and_industry_in_constant_queries(world, extra, django_assert_max_num_queries):
    for i in range(25):
        EnterpriseFactory(county=region("360103"), industry_code="3911" if i % 2 else "1310")
    officer = world.users["city_officer"]
    qs = Enterprise.objects.visible_to(officer).filter(county__code="360103", industry_code__startswith="39")
    with django_assert_max_num_queries(14):
        changed = enterprise_assign(actor=officer, enterprises=qs, commissioner=extra["nc"])
    assert changed == 13  # 12 new + 西湖机械 (3911 by default)
    assert EnterpriseChange.objects.filter(action="update", changes__has_key="commissioner").count() == 13


def test_unassign_closes_row(world, extra):
    officer = world.users["county_officer"]
    enterprise_assign(actor=officer, enterprises=[world.ent_donghu], commissioner=extra["dh2"])
    assert enterprise_unassign(actor=officer, enterprises=[world.ent_donghu]) == 1
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.commissioner is None
    assert not Assignment.objects.filter(ended_at__isnull=True).exists()


# --- deactivation and handover ------------------------------------------------------------------


def test_deactivation_without_handover_refused(world, extra):
    with pytest.raises(ValidationError) as exc:
        commissioner_deactivate(actor=world.users["county_officer"], commissioner=world.users["commissioner"])
    assert "1 家企业" in exc.value.message_dict["handover_to"][0]
    world.users["commissioner"].refresh_from_db()
    assert world.users["commissioner"].is_active


def test_handover_to_non_covering_commissioner_refused(world, extra):
    enterprise_assign(
        actor=world.users["city_officer"], enterprises=[world.ent_xihu], commissioner=extra["nc"]
    )
    with pytest.raises(ValidationError) as exc:
        commissioner_deactivate(
            actor=world.users["city_officer"], commissioner=extra["nc"], handover_to=extra["dh2"]
        )
    assert "handover_to" in exc.value.message_dict
    extra["nc"].refresh_from_db()
    assert extra["nc"].is_active


def test_handover_then_deactivate(world, extra):
    commissioner = world.users["commissioner"]
    moved = commissioner_deactivate(
        actor=world.users["county_officer"], commissioner=commissioner, handover_to=extra["dh2"]
    )
    assert moved == 1
    commissioner.refresh_from_db()
    profile = CommissionerProfile.objects.get(user=commissioner)
    assert not commissioner.is_active and not profile.active and profile.deactivated_on is not None
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.commissioner == extra["dh2"]
    with pytest.raises(ValidationError):  # a deactivated commissioner cannot be given enterprises
        enterprise_assign(
            actor=world.users["admin"], enterprises=[world.ent_donghu], commissioner=commissioner
        )


def test_deactivate_out_of_region_forbidden(world, extra):
    with pytest.raises(PermissionDenied):
        commissioner_deactivate(
            actor=world.users["city_officer"], commissioner=world.users["other_commissioner"]
        )


def test_deactivate_with_empty_caseload_needs_no_handover(world, extra):
    assert commissioner_deactivate(actor=world.users["city_officer"], commissioner=extra["nc"]) == 0
    extra["nc"].refresh_from_db()
    assert not extra["nc"].is_active


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_assign_page_only_for_officers(client, world, extra, role):
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:assign"), {"county": "360102"})
    assert response.status_code == (200 if role in OFFICERS else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_assign_one_page_404_outside_403_without_right(client, world, extra, role, which):
    enterprise = getattr(world, which)
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:assign_one", args=[enterprise.pk]))
    if enterprise.pk not in world.visible_ids(role):
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if role in OFFICERS else 403)


def test_assign_page_takes_the_list_query_string(client, world, extra):
    for _ in range(3):
        EnterpriseFactory(county=region("360103"))
    client.force_login(world.users["city_officer"])
    url = reverse("diagnosis:assign") + "?county=360103"
    response = client.get(url)
    assert response.context["count"] == 4
    response = client.post(url, {"commissioner": extra["nc"].pk, "expected": 3})  # list changed meanwhile
    assert response.status_code == 200 and "请核对" in response.content.decode()
    assert not Assignment.objects.exists()
    response = client.post(url, {"commissioner": extra["dh2"].pk, "expected": 4})  # does not cover 西湖
    assert response.status_code == 200 and "不负责" in response.content.decode()
    # the first step only asks again, with the number that would change hands
    response = client.post(url, {"commissioner": extra["nc"].pk, "expected": 4})
    assert response.status_code == 200 and response.context["preview"]["change"] == 4
    assert not Assignment.objects.exists()
    preview = response.context["preview"]
    response = client.post(
        url,
        {
            "commissioner": extra["nc"].pk,
            "expected": 4,
            "confirm_count": 4,
            "fingerprint": preview["fingerprint"],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?county=360103")
    assert Enterprise.objects.filter(county__code="360103", commissioner=extra["nc"]).count() == 4


def _step(client, url, commissioner, expected, **confirm):
    return client.post(url, {"commissioner": commissioner.pk, "expected": expected, **confirm})


def test_bulk_assign_asks_again_with_the_exact_numbers(client, world, extra):
    """Unassigned, taken from another commissioner, already theirs: each is counted before anything moves."""
    for _ in range(2):
        EnterpriseFactory(county=region("360102"))  # unassigned
    EnterpriseFactory(county=region("360102"), commissioner=extra["dh2"])  # already dh2's
    client.force_login(world.users["county_officer"])
    url = reverse("diagnosis:assign") + "?county=360102"
    response = _step(client, url, extra["dh2"], 4)
    preview = response.context["preview"]
    assert (preview["total"], preview["change"], preview["unassigned"], preview["from_others"], preview["unchanged"]) == (
        4, 3, 2, 1, 1,
    )  # fmt: skip
    html = response.content.decode()
    assert "将有 <strong>3</strong> 家企业改由" in html and 'name="confirm_count" value="3"' in html
    assert "确认分配 3 家企业" in html
    assert Enterprise.objects.filter(commissioner=extra["dh2"]).count() == 1  # nothing moved yet

    # a confirmation with another number than the one shown is refused
    response = _step(client, url, extra["dh2"], 4, confirm_count=4, fingerprint=preview["fingerprint"])
    assert response.status_code == 200 and "没有分配任何企业" in response.content.decode()
    # so is a confirmation without the set's fingerprint
    response = _step(client, url, extra["dh2"], 4, confirm_count=3, fingerprint="0" * 32)
    assert response.status_code == 200 and Enterprise.objects.filter(commissioner=extra["dh2"]).count() == 1

    # the set changes after the numbers were shown (same size: someone reassigned one): refused
    world.ent_donghu.commissioner = None
    world.ent_donghu.save()
    response = _step(client, url, extra["dh2"], 4, confirm_count=3, fingerprint=preview["fingerprint"])
    assert response.status_code == 200 and "没有分配任何企业" in response.content.decode()
    assert Enterprise.objects.filter(commissioner=extra["dh2"]).count() == 1
    fresh = response.context["preview"]
    assert fresh["fingerprint"] != preview["fingerprint"] and fresh["unassigned"] == 3

    # confirming the numbers shown now assigns exactly those
    response = _step(
        client, url, extra["dh2"], 4, confirm_count=fresh["change"], fingerprint=fresh["fingerprint"]
    )
    assert response.status_code == 302
    assert Enterprise.objects.filter(county__code="360102", commissioner=extra["dh2"]).count() == 4


@pytest.mark.parametrize(
    "bad", [{"confirm_count": "abc"}, {"confirm_count": "-1"}, {"fingerprint": "x" * 200}]
)
def test_bulk_assign_odd_confirmations_are_form_errors(client, world, extra, bad):
    client.force_login(world.users["county_officer"])
    url = reverse("diagnosis:assign") + "?county=360102"
    response = _step(client, url, extra["dh2"], 1, **bad)
    assert response.status_code == 200
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.commissioner == world.users["commissioner"]


def test_deactivate_page(client, world, extra):
    commissioner = world.users["commissioner"]
    url = reverse("diagnosis:commissioner_deactivate", args=[commissioner.pk])
    client.force_login(world.users["city_officer"])
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200 and "1 家企业" in response.content.decode()
    response = client.post(url, {"confirm": "on", "handover_to": extra["dh2"].pk})
    assert response.status_code == 302
    commissioner.refresh_from_db()
    assert not commissioner.is_active


@pytest.mark.parametrize("role", ALL_ROLES)
def test_deactivate_page_scope(client, world, extra, role):
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:commissioner_deactivate", args=[world.users["commissioner"].pk]))
    if role in OFFICERS:
        assert response.status_code == 200
    elif role == "commissioner":
        assert response.status_code == 403  # sees themself, may not take themself off duty
    else:
        assert response.status_code == 404


def test_assign_one_page_reassign_and_unassign(client, world, extra):
    client.force_login(world.users["county_officer"])
    url = reverse("diagnosis:assign_one", args=[world.ent_donghu.pk])
    assert client.post(url, {"commissioner": extra["dh2"].pk, "expected": 1}).status_code == 302
    response = client.get(url)
    assert len(response.context["history"]) == 1
    assert client.post(url, {"unassign": "1", "reason": "调整"}).status_code == 302
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.commissioner is None
