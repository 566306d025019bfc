"""Signing in to the API (session or token), anonymous refusal, and ``/me``."""

import pytest
from rest_framework.test import APIClient

from tests.roles import ALL_ROLES, OFFICERS

PROTECTED = ["/api/v1/enterprises/", "/api/v1/me/", "/api/v1/regions/"]


@pytest.mark.parametrize("url", PROTECTED)
def test_anonymous_is_refused(world, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "results" not in response.data


def test_anonymous_cannot_write_or_read_detail(world):
    client = APIClient()
    pk = world.ent_donghu.pk
    assert client.get(f"/api/v1/enterprises/{pk}/").status_code == 401
    assert client.get(f"/api/v1/enterprises/{pk}/history/").status_code == 401
    assert client.patch(f"/api/v1/enterprises/{pk}/", {"address": "x"}, format="json").status_code == 401
    assert client.post("/api/v1/enterprises/", {}, format="json").status_code == 401


def test_token_auth_end_to_end(world):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "nc_city", "password": "pass12345"}, format="json"
    )
    assert response.status_code == 200
    token = response.data["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.data["username"] == "nc_city"
    listed = client.get("/api/v1/enterprises/")
    assert {row["id"] for row in listed.data["results"]} == world.visible_ids("city_officer")
    # Token auth needs no CSRF token for writes.
    patched = client.patch(
        f"/api/v1/enterprises/{world.ent_xihu.pk}/", {"address": "西湖区1号"}, format="json"
    )
    assert patched.status_code == 200


def test_wrong_password_gets_no_token(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "nc_city", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.data


def test_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token deadbeef")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "令牌" in response.data["detail"]


def test_session_auth_works(world):
    client = APIClient()
    assert client.login(username="dh_county", password="pass12345")
    response = client.get("/api/v1/enterprises/")
    assert {row["id"] for row in response.data["results"]} == world.visible_ids("county_officer")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_me_states_identity_and_capabilities(world, client_for, role):
    user = world.users[role]
    data = client_for(role).get("/api/v1/me/").data
    assert data["username"] == user.username
    assert data["display_name"] == str(user)
    assert data["role"] == user.role
    assert data["can_create_enterprise"] is (role in OFFICERS)
    assert data["can_import"] is (role in OFFICERS)
    assert data["can_edit_enterprises"] is (
        role in OFFICERS or role in {"commissioner", "other_commissioner"}
    )
    if user.region_id:
        assert data["region"] == {
            "code": user.region.code,
            "name": user.region.name,
            "level": user.region.level,
        }
    else:
        assert data["region"] is None
    if user.organisation_id:
        assert data["organisation"]["name"] == user.organisation.name
    else:
        assert data["organisation"] is None


def test_me_labels_are_chinese(world, client_for):
    data = client_for("clinic_staff").get("/api/v1/me/").data
    assert data["role_label"] == "诊所人员"
    assert data["organisation"]["kind_label"] == "数字化诊所"
