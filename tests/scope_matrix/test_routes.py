"""The route matrix: every registry entry × every role × (the in-scope object, the out-of-scope one).

Expectations come from ``registry.expected`` and the visibility table of ``world.VISIBLE``, both
written as tables, not derived from the views. On top of the status code:
- a list, export or download (``rows``) holds the in/out object's marker (the API: its id)
  exactly when the role may see that object;
- a 404 never carries the object's marker; a 200 on an object's page does;
- a write that is refused (any 4xx) changes nothing: the object's row and the row counts of every
  table of the project's apps are the same after it.

Cases are grouped for pytest-xdist by area (``--dist loadgroup`` keeps a group on one worker, so
the module-scoped world is built once per group and worker).
"""

import json
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.roles import ANONYMOUS, MATRIX_ROLES

from .registry import LOGIN, ROUTES, expected
from .world import visible

PROJECT_APPS = ("accounts", "regions", "providers", "diagnosis", "reporting")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _group(route) -> str:
    if route.api:
        return "matrix-api"
    return "matrix-" + (route.name.split(":")[0] if ":" in route.name else "root")


def _cases() -> list:
    cases, seen = [], {}
    for route in ROUTES:
        label = f"{route.method} {route.name}"
        if route.query:
            label += "?" + urlencode(route.query)
        for which in ("in", "out") if route.kind else (None,):
            for role in MATRIX_ROLES:
                case_id = f"{label} {role}" + (f" {which}" if which else "")
                seen[case_id] = seen.get(case_id, 0) + 1
                if seen[case_id] > 1:
                    case_id += f" #{seen[case_id]}"
                cases.append(
                    pytest.param(route, role, which, id=case_id, marks=pytest.mark.xdist_group(_group(route)))
                )
    return cases


CASES = _cases()


def client_for(route, user):
    client = APIClient() if route.api else Client()
    if user is not None:
        client.force_login(user)
    return client


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig", errors="replace")
    return response.content.decode("utf-8-sig", errors="replace")


def send(client, route, url, obj):
    method = route.method.lower()
    if route.method == "GET":
        return client.get(url)
    data = route.body(obj) or {}
    if route.api:
        return getattr(client, method)(url, data, format="json")
    return getattr(client, method)(url, data)


def fingerprint(obj) -> tuple:
    """The object's stored row and the row count of every table of the project's apps."""
    row = type(obj).objects.filter(pk=obj.pk).values().first() if obj is not None else None
    counts = tuple(
        (model._meta.label, model._default_manager.count())
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models()
    )
    return row, counts


def listed_ids(payload) -> set:
    rows = payload["results"] if isinstance(payload, dict) else payload
    return {row["id"] for row in rows}


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "which"), CASES)
def test_route(scope_world, route, role, which):
    obj = scope_world.obj(route.kind, which, role) if route.kind else None
    url = reverse(route.name, kwargs=route.url_kwargs(obj))
    if route.query:
        url += "?" + urlencode(route.query)
    want = expected(route, role, which, visible)
    client = client_for(route, scope_world.user_for(role))

    guard = route.method in WRITES and want != LOGIN and want >= 400
    before = fingerprint(obj) if guard else None
    response = send(client, route, url, obj)
    text = body_of(response)

    if want == LOGIN:
        assert response.status_code == 302, text[:500]
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
        return
    assert response.status_code == want, f"{route.method} {url} as {role}: {text[:800]}"
    if guard:
        assert fingerprint(obj) == before, "a refused write changed the database"
    if not route.kind:
        return
    marker = scope_world.marker(route.kind, which, role)
    if route.rows and response.status_code == 200:
        seen = visible(route.kind, which, role)
        if route.api:
            assert (obj.pk in listed_ids(json.loads(text))) == seen
        else:
            assert (marker in text) == seen, f"{marker!r} {'missing from' if seen else 'leaks into'} {url}"
    elif want == 404 and not route.rows:  # a denied list is about the area (the nav may name the own org)
        assert marker not in text
    elif (
        route.method == "GET"
        and response.status_code == 200
        and response["Content-Type"].startswith("text/html")
    ):
        assert marker in text, f"{url} answered 200 without showing {marker!r}"


# --- the methods a route does not take ----------------------------------------------------------


def _unregistered_methods() -> list:
    """(name, method, a route of that name) for each method a route must refuse with 405:
    GET on the POST-only pages, and every HTTP verb the registry does not list for an API route."""
    by_name: dict = {}
    for route in ROUTES:
        by_name.setdefault(route.name, []).append(route)
    cases = []
    for name, routes in by_name.items():
        methods = {r.method for r in routes}
        if routes[0].api:
            candidates = {"GET", "POST", "PUT", "PATCH", "DELETE"} - methods
        elif "GET" not in methods:
            candidates = {"GET"}
        else:
            candidates = set()
        cases += [pytest.param(name, m, routes[0], id=f"{m} {name}") for m in sorted(candidates)]
    return cases


#: POST-only routes that answer a GET on purpose: Django's set_language redirects without changing anything.
GET_TOLERATED = {"set_language": 302}


@pytest.mark.django_db
@pytest.mark.xdist_group("matrix-405")
@pytest.mark.parametrize(("name", "method", "route"), _unregistered_methods())
def test_other_methods_are_405(scope_world, name, method, route):
    role = "admin"
    obj = scope_world.obj(route.kind, "in", role) if route.kind else None
    url = reverse(name, kwargs=route.url_kwargs(obj))
    client = client_for(route, scope_world.user_for(role))
    before = fingerprint(obj)
    response = getattr(client, method.lower())(url)
    assert response.status_code == GET_TOLERATED.get(name, 405)
    assert fingerprint(obj) == before


# --- the admin site: staff only -------------------------------------------------------------------


def _admin_pages() -> list:
    pages = [pytest.param("admin:index", id="admin:index")]
    for model in admin.site._registry:
        for suffix in ("changelist", "add"):
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}"
            pages.append(pytest.param(name, id=name))
    return pages


@pytest.mark.django_db
@pytest.mark.xdist_group("matrix-admin")
@pytest.mark.parametrize("name", _admin_pages())
@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_admin_is_staff_only(scope_world, name, role):
    client = Client()
    user = scope_world.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name))
    if role == "admin":
        assert response.status_code in (200, 403)  # 403: a model the admin shows but lets nobody add
        return
    assert role == ANONYMOUS or not user.is_staff
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
