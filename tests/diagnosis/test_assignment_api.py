"""``POST /api/v1/assignments/``: role × enterprise (404 outside the scope, 403 without the right)."""

import pytest
from django.urls import include, path
from rest_framework.test import APIClient

from accounts.models import Role
from config.urls import urlpatterns as root_urlpatterns
from diagnosis.models import Assignment, EnterpriseChange
from tests.factories import make_role_user
from tests.roles import ALL_ROLES, ENTERPRISES, OFFICERS

# Until the lead wires diagnosis.api.assignment into diagnosis/api/urls.py, mount it here.
urlpatterns = [path("api/v1/", include("diagnosis.api.assignment")), *root_urlpatterns]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def covering(world):
    """For each enterprise, a commissioner covering its county whom every officer who sees it may pick."""
    nc = make_role_user(Role.COMMISSIONER, username="nc_comm", region_code="360100")
    return {
        "ent_donghu": world.users["commissioner"],
        "ent_xihu": nc,
        "ent_jiujiang": world.users["other_commissioner"],
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_assign_scope(world, covering, role, which):
    enterprise = getattr(world, which)
    client = APIClient()
    client.force_authenticate(world.users[role])
    body = {"enterprise_ids": [enterprise.pk], "commissioner": covering[which].pk}
    response = client.post("/api/v1/assignments/", body, format="json")
    if enterprise.pk not in world.visible_ids(role):
        assert response.status_code == 404
    elif role not in OFFICERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        already = enterprise.commissioner_id == covering[which].pk
        assert response.json() == {"changed": 0 if already else 1, "unchanged": 1 if already else 0}


def test_assign_records_api_source_and_refuses_uncovered(world, covering):
    client = APIClient()
    client.force_authenticate(world.users["province_officer"])
    body = {
        "enterprise_ids": [world.ent_xihu.pk, world.ent_jiujiang.pk],
        "commissioner": covering["ent_xihu"].pk,
    }
    response = client.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 400 and "commissioner" in response.json()
    response = client.post(
        "/api/v1/assignments/",
        {"enterprise_ids": [world.ent_xihu.pk], "commissioner": covering["ent_xihu"].pk},
        format="json",
    )
    assert response.json() == {"changed": 1, "unchanged": 0}
    assert Assignment.objects.get().commissioner == covering["ent_xihu"]
    assert world.ent_xihu.changes.get(action="update").source == EnterpriseChange.Source.API


def test_commissioner_outside_choices_reads_as_unknown(world, covering):
    client = APIClient()
    client.force_authenticate(world.users["county_officer"])
    body = {"enterprise_ids": [world.ent_donghu.pk], "commissioner": world.users["other_commissioner"].pk}
    response = client.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 400 and "commissioner" in response.json()
