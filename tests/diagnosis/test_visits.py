"""Visits: who may log them, dates, follow-ups; the visit form's and the visits API's scope matrix."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import include, path, reverse
from rest_framework.test import APIClient

from config.urls import urlpatterns as root_urlpatterns
from diagnosis.models import Visit
from diagnosis.services.visits import visit_follow_up_done, visit_log
from tests.roles import ALL_ROLES, ENTERPRISES, OFFICERS

# Until the lead wires diagnosis.api.assignment into diagnosis/api/urls.py, mount it here.
urlpatterns = [path("api/v1/", include("diagnosis.api.assignment")), *root_urlpatterns]
pytestmark = pytest.mark.urls(__name__)

TODAY = datetime.date.today()


def may_log(world, role, which) -> bool:
    """Visible, and (officer, or the enterprise's assigned commissioner)."""
    enterprise = getattr(world, which)
    if enterprise.pk not in world.visible_ids(role):
        return False
    return role in OFFICERS or enterprise.commissioner_id == world.users[role].pk


def test_commissioner_logs_own_visit(world):
    visit = visit_log(
        actor=world.users["commissioner"], enterprise=world.ent_donghu, visited_on=TODAY, summary="了解MES需求",
        needs="排产", follow_up_due=TODAY + datetime.timedelta(days=14),
    )  # fmt: skip
    assert visit.commissioner == world.users["commissioner"]


def test_officer_logs_on_behalf_of_the_assigned_commissioner(world):
    visit = visit_log(
        actor=world.users["county_officer"], enterprise=world.ent_donghu, visited_on=TODAY, summary="s"
    )
    assert visit.commissioner == world.users["commissioner"]
    visit = visit_log(
        actor=world.users["city_officer"], enterprise=world.ent_xihu, visited_on=TODAY, summary="s"
    )
    assert visit.commissioner == world.users["city_officer"]  # nobody assigned: in the officer's name


@pytest.mark.parametrize(
    ("role", "which"),
    [("other_commissioner", "ent_donghu"), ("commissioner", "ent_xihu"), ("clinic_staff", "ent_donghu"),
     ("provider_staff", "ent_donghu"), ("enterprise_user", "ent_donghu"), ("county_officer", "ent_jiujiang")],
)  # fmt: skip
def test_visit_by_someone_else_refused(world, role, which):
    with pytest.raises(PermissionDenied):
        visit_log(actor=world.users[role], enterprise=getattr(world, which), visited_on=TODAY, summary="s")


def test_dates(world):
    actor = world.users["commissioner"]
    with pytest.raises(ValidationError) as exc:
        visit_log(
            actor=actor,
            enterprise=world.ent_donghu,
            visited_on=TODAY + datetime.timedelta(days=1),
            summary="s",
        )
    assert "visited_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        visit_log(
            actor=actor, enterprise=world.ent_donghu, visited_on=TODAY,
            summary="s", follow_up_due=TODAY - datetime.timedelta(days=1),
        )  # fmt: skip
    assert "follow_up_due" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        visit_log(actor=actor, enterprise=world.ent_donghu, visited_on=TODAY, summary="  ")
    assert "summary" in exc.value.message_dict


def test_follow_up_done(world):
    actor = world.users["commissioner"]
    visit = visit_log(
        actor=actor, enterprise=world.ent_donghu, visited_on=TODAY - datetime.timedelta(days=20),
        summary="s", follow_up_due=TODAY - datetime.timedelta(days=5),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        visit_follow_up_done(actor=world.users["clinic_staff"], visit=visit)
    visit_follow_up_done(actor=actor, visit=visit)
    assert Visit.objects.get().followed_up_on == TODAY


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_visit_form_scope(client, world, role, which):
    enterprise = getattr(world, which)
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:visit_log", args=[enterprise.pk]))
    if enterprise.pk not in world.visible_ids(role):
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if may_log(world, role, which) else 403)


def test_visit_form_flow_keeps_input_on_error(client, world):
    client.force_login(world.users["commissioner"])
    url = reverse("diagnosis:visit_log", args=[world.ent_donghu.pk])
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    response = client.post(url, {"visited_on": future, "summary": "走访了车间"})
    assert response.status_code == 200 and "走访了车间" in response.content.decode()
    response = client.post(url, {"visited_on": TODAY.isoformat(), "summary": "走访了车间"})
    assert response.status_code == 302 and Visit.objects.count() == 1
    assert client.get(reverse("diagnosis:visit_list", args=[world.ent_donghu.pk])).status_code == 200


# --- API ----------------------------------------------------------------------------------------


def api(world, role):
    client = APIClient()
    client.force_authenticate(world.users[role])
    return client


@pytest.fixture
def visits(world):
    made = {}
    for which in ENTERPRISES:
        enterprise = getattr(world, which)
        made[which] = Visit.objects.create(
            enterprise=enterprise,
            commissioner=enterprise.commissioner or world.users["admin"],
            visited_on=TODAY,
            summary="s",
        )
    return made


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_visit_list_and_detail_scope(world, visits, role):
    client = api(world, role)
    response = client.get("/api/v1/visits/")
    assert response.status_code == 200
    expected = {v.pk for v in visits.values() if v.enterprise_id in world.visible_ids(role)}
    assert {r["id"] for r in response.json()["results"]} == expected
    for visit in visits.values():
        response = client.get(f"/api/v1/visits/{visit.pk}/")
        assert response.status_code == (200 if visit.pk in expected else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_api_visit_log_scope(world, role, which):
    enterprise = getattr(world, which)
    body = {"enterprise": enterprise.pk, "visited_on": TODAY.isoformat(), "summary": "走访"}
    response = api(world, role).post("/api/v1/visits/", body, format="json")
    if enterprise.pk not in world.visible_ids(role):
        assert response.status_code == 404
    else:
        assert response.status_code == (201 if may_log(world, role, which) else 403)


def test_api_future_visit_is_400(world):
    body = {
        "enterprise": world.ent_donghu.pk,
        "visited_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
        "summary": "s",
    }
    response = api(world, "commissioner").post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400 and "visited_on" in response.json()


def test_follow_up_from_the_caseload_page(client, world):
    visit = Visit.objects.create(
        enterprise=world.ent_donghu, commissioner=world.users["commissioner"],
        visited_on=TODAY - datetime.timedelta(days=9), summary="s", follow_up_due=TODAY - datetime.timedelta(days=2),
    )  # fmt: skip
    client.force_login(world.users["commissioner"])
    caseload = reverse("diagnosis:caseload")
    assert "已跟进" in client.get(caseload).content.decode()
    response = client.post(
        reverse("diagnosis:visit_follow_up_done", args=[world.ent_donghu.pk, visit.pk]), {"next": caseload}
    )
    assert response.status_code == 302 and response["Location"] == caseload
    visit.refresh_from_db()
    assert visit.followed_up_on == TODAY
