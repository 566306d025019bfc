"""Hostile input to the API answers 400/404 with a reason, never 500 (issue 6 item 8).

Ids out of the database's range used to crash the query (SQLite ``OverflowError``, PostgreSQL
``NumericValueOutOfRange``); deeply nested JSON crashed the parser with ``RecursionError``.
"""

import pytest
from django.urls import include, path
from rest_framework.test import APIClient

from config.urls import urlpatterns as root_urlpatterns
from diagnosis.models import Assignment, Visit

# diagnosis.api.assignment may not be wired into the root URLconf yet (see test_assignment_api.py).
urlpatterns = [path("api/v1/", include("diagnosis.api.assignment")), *root_urlpatterns]
pytestmark = pytest.mark.urls(__name__)

BIG = "99999999999999999999"
BAD_IDS = [BIG, str(2**63), "-1", "0", "1e5", "１２", "abc"]


@pytest.fixture
def admin(world) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users["admin"])
    return client


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/solutions/", "provider"),
        ("/api/v1/visits/", "enterprise"),
        ("/api/v1/visits/", "commissioner"),
        ("/api/v1/enterprises/", "commissioner"),
        ("/api/v1/providers/", "category"),
        ("/api/v1/directory/providers/", "category"),
        ("/api/v1/clinics/", "operator"),
    ],
)
@pytest.mark.parametrize("value", BAD_IDS)
def test_id_filters_answer_400(admin, url, param, value):
    response = admin.get(url, {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()


@pytest.mark.parametrize("url", ["/api/v1/solutions/", "/api/v1/visits/"])
def test_empty_id_filter_means_no_filter(admin, url):
    assert admin.get(url, {"provider": "", "enterprise": ""}).status_code == 200


def test_id_filter_still_filters(admin, world):
    Visit.objects.create(
        enterprise=world.ent_donghu,
        commissioner=world.users["commissioner"],
        visited_on="2025-01-02",
        summary="s",
    )
    response = admin.get("/api/v1/visits/", {"enterprise": str(world.ent_donghu.pk)})
    assert response.status_code == 200 and response.json()["count"] == 1
    assert admin.get("/api/v1/visits/", {"enterprise": str(world.ent_xihu.pk)}).json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/enterprises/{}/",
        "/api/v1/enterprises/{}/history/",
        "/api/v1/visits/{}/",
        "/api/v1/providers/{}/",
        "/api/v1/solutions/{}/",
        "/api/v1/directory/providers/{}/",
        "/api/v1/directory/solutions/{}/",
        "/api/v1/clinics/{}/",
        "/api/v1/commissioners/{}/",
        "/api/v1/evaluations/{}/",
    ],
)
@pytest.mark.parametrize("value", [BIG, str(2**63), "-1", "１２"])
def test_huge_or_odd_ids_in_api_urls_are_404(admin, url, value):
    assert admin.get(url.format(value)).status_code == 404


@pytest.mark.parametrize("value", [BIG, 2**63, 10**30, -1, 0, "1e5", "１２", "abc", "", None, True, 1.5])
def test_bulk_assignment_with_bad_enterprise_ids_is_400(admin, world, value):
    body = {"enterprise_ids": [world.ent_donghu.pk, value], "commissioner": world.users["commissioner"].pk}
    response = admin.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 400, response.content
    assert "enterprise_ids" in response.json()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("value", [BIG, 2**63, -1, "1e5", "１２", "abc", True])
def test_bulk_assignment_with_a_bad_commissioner_is_400(admin, world, value):
    body = {"enterprise_ids": [world.ent_donghu.pk], "commissioner": value}
    response = admin.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 400, response.content
    assert "commissioner" in response.json()


@pytest.mark.parametrize("value", [BIG, 2**63, -1, "1e5", "１２", "abc"])
def test_visit_for_a_bad_enterprise_id_is_400(world, value):
    client = APIClient()
    client.force_authenticate(world.users["commissioner"])
    body = {"enterprise": value, "visited_on": "2025-01-02", "summary": "走访"}
    response = client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400, response.content
    assert "enterprise" in response.json()


@pytest.mark.parametrize("value", [BIG, 2**63, -1, "abc"])
def test_clinic_with_a_bad_operator_is_400(admin, value):
    body = {"name": "新诊所", "kind": "clinic", "region": "360102", "operator": value, "industries": ["39"]}
    response = admin.post("/api/v1/clinics/", body, format="json")
    assert response.status_code == 400, response.content
    assert "operator" in response.json()


# ---------- JSON bodies ----------


@pytest.mark.parametrize(
    "body", ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000]
)
def test_deeply_nested_json_is_400_with_a_reason(admin, body):
    response = admin.post("/api/v1/assignments/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"] or "JSON" in response.json()["detail"]


def test_nesting_just_over_the_limit_is_refused_and_under_it_parsed(admin, world):
    from config.parsers import MAX_DEPTH

    too_deep = '{"enterprise_ids": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    response = admin.post("/api/v1/assignments/", too_deep, content_type="application/json")
    assert response.status_code == 400 and "嵌套" in response.json()["detail"]
    fine = '{"enterprise_ids": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    response = admin.post("/api/v1/assignments/", fine, content_type="application/json")
    assert response.status_code == 400 and "enterprise_ids" in response.json()  # parsed, then judged


@pytest.mark.parametrize("body", ["{", "NaN", '{"a": Infinity}', "\x00", '{"a": "\\ud800"'])
def test_malformed_json_is_400(admin, body):
    response = admin.post("/api/v1/assignments/", body, content_type="application/json")
    assert response.status_code == 400


def test_body_not_in_its_charset_is_400(admin):
    response = admin.post(
        "/api/v1/assignments/", '{"a": "中"}'.encode("gbk"), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 400


def test_body_over_the_size_limit_is_400(admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = '{"reason": "' + "x" * 2_000 + '"}'
    response = admin.post("/api/v1/assignments/", body, content_type="application/json")
    assert response.status_code == 400
