"""Scope matrix: every role × {provider list, provider detail, transition, solution list, solution
detail, API provider list/detail, API solution list/detail} × every provider/solution of ``pool``.

Expectations come from the tables in ``Pool`` (test_pool_support), not from the code: lists hold
exactly the visible rows; a detail inside the scope answers 200, outside it 404 (like a missing
id); a transition outside the scope answers 404, inside it 403 without the right, else 302.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from providers.models import Provider
from tests.roles import ALL_ROLES

from .test_pool_support import (
    Pool,
    pool_fixture,  # noqa: F401 (registers the fixture)
)

PROVIDERS = ["own", "xihu", "jj", "jj_other", "jj_applied"]
SOLUTIONS = sorted(Pool.ALL_SOLUTIONS)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ALL_ROLES)
def test_provider_list_page(client, pool, role):
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:provider_list"))
    assert response.status_code == 200
    listed = {p.pk for p in response.context["page"].object_list}
    assert listed == {pool.providers[k].pk for k in Pool.PROVIDER_SCOPE[role]}
    html = response.content.decode()
    for key in PROVIDERS:
        assert (pool.providers[key].name in html) == (key in Pool.PROVIDER_SCOPE[role])


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("key", PROVIDERS)
def test_provider_detail_page(client, pool, role, key):
    provider = pool.providers[key]
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:provider_detail", args=[provider.pk]))
    if key in Pool.PROVIDER_SCOPE[role]:
        assert response.status_code == 200
        assert provider.credit_code in response.content.decode()
    else:
        assert response.status_code == 404
        assert provider.credit_code not in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("key", ["own", "xihu", "jj", "jj_other"])
def test_transition_suspend(client, pool, role, key):
    provider = pool.providers[key]
    client.force_login(pool.users[role])
    response = client.post(
        reverse("providers:provider_transition", args=[provider.pk]),
        {"to_status": "suspended", "reason": "核查"},
    )
    provider.refresh_from_db()
    if key not in Pool.PROVIDER_SCOPE[role]:
        assert response.status_code == 404
    elif key in Pool.MAY_SUSPEND.get(role, set()):
        assert response.status_code == 302
        assert provider.status == Provider.Status.SUSPENDED
        return
    else:
        assert response.status_code == 403
    assert provider.status == Provider.Status.ADMITTED


@pytest.mark.parametrize("role", ALL_ROLES)
def test_solution_list_page(client, pool, role):
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:solution_list"))
    assert response.status_code == 200
    listed = {s.pk for s in response.context["page"].object_list}
    assert listed == {pool.solutions[k].pk for k in Pool.SOLUTION_SCOPE[role]}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("key", SOLUTIONS)
def test_solution_detail_page(client, pool, role, key):
    solution = pool.solutions[key]
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:solution_detail", args=[solution.pk]))
    assert response.status_code == (200 if key in Pool.SOLUTION_SCOPE[role] else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_provider_list(pool, role):
    response = _api(pool.users[role]).get("/api/v1/providers/", {"page_size": 100})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        pool.providers[k].pk for k in Pool.PROVIDER_SCOPE[role]
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("key", PROVIDERS)
def test_api_provider_detail(pool, role, key):
    provider = pool.providers[key]
    response = _api(pool.users[role]).get(f"/api/v1/providers/{provider.pk}/")
    if key in Pool.PROVIDER_SCOPE[role]:
        assert response.status_code == 200
        assert response.json()["credit_code"] == provider.credit_code
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("key", ["own", "jj_other"])
def test_api_transition(pool, role, key):
    provider = pool.providers[key]
    response = _api(pool.users[role]).post(
        f"/api/v1/providers/{provider.pk}/transition/",
        {"to_status": "suspended", "reason": "核查"},
        format="json",
    )
    if key not in Pool.PROVIDER_SCOPE[role]:
        assert response.status_code == 404
    elif key in Pool.MAY_SUSPEND.get(role, set()):
        assert response.status_code == 200
        assert response.json()["status"] == "suspended"
    else:
        assert response.status_code == 403
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_solution_list(pool, role):
    response = _api(pool.users[role]).get("/api/v1/solutions/", {"page_size": 100})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        pool.solutions[k].pk for k in Pool.SOLUTION_SCOPE[role]
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("key", SOLUTIONS)
def test_api_solution_detail(pool, role, key):
    solution = pool.solutions[key]
    response = _api(pool.users[role]).get(f"/api/v1/solutions/{solution.pk}/")
    assert response.status_code == (200 if key in Pool.SOLUTION_SCOPE[role] else 404)


def test_anonymous_is_sent_to_sign_in_and_api_says_401(client, pool):
    provider = pool.providers["own"]
    for url in [
        reverse("providers:provider_list"),
        reverse("providers:provider_detail", args=[provider.pk]),
        reverse("providers:solution_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert APIClient().get("/api/v1/providers/").status_code == 401
    assert APIClient().get("/api/v1/solutions/").status_code == 401
