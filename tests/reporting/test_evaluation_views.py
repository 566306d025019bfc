"""Evaluation pages, CSV and API: the scope matrix over every role, content and query counts."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reporting.models import EvaluationRun, ProviderEvaluation
from reporting.services.evaluation import evaluation_run, last_complete_period
from tests.reporting.conftest import make_provider
from tests.roles import ALL_ROLES, PROVINCE_ROLES

JAN = "202501"
LEAGUE_ROLES = PROVINCE_ROLES  # tests/roles.py


@pytest.fixture
def evaluated(world, world_provider, activity):
    """The world's provider (flagged) and another provider, both evaluated for 202501."""
    other = make_provider("江西其他数字科技有限公司", categories=("consulting", "cloud"))
    activity.ratings(world_provider, [4, 5, 4])
    activity.ratings(other, [1])
    world_provider.flagged_for_review = True
    world_provider.save()
    evaluation_run(period=JAN)
    return world_provider, other


def page(client, user, url, method="get", **data):
    client.force_login(user)
    return getattr(client, method)(url, data)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_league_table_and_csv_scope(client, world, evaluated, role):
    url = reverse("reporting:provider_league")
    csv_url = reverse("reporting:provider_league_csv")
    response = page(client, world.users[role], url, period=JAN)
    csv_response = client.get(csv_url, {"period": JAN})
    if role in LEAGUE_ROLES:
        assert response.status_code == 200
        body = response.content.decode()
        assert "赣云科技服务商" in body and "江西其他数字科技有限公司" in body
        assert "待暂停审查" in body
        assert "重新计算" in body
        assert csv_response.status_code == 200
        text = csv_response.content.decode("utf-8-sig")
        assert "赣云科技服务商" in text and "86.67" in text
    else:
        assert response.status_code == 404
        assert csv_response.status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_recompute_scope(client, world, evaluated, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = page(
            client, world.users[role], reverse("reporting:evaluation_recompute"), "post", period=JAN
        )
    if role in LEAGUE_ROLES:
        assert response.status_code == 302
        assert EvaluationRun.objects.get(period=JAN).status == EvaluationRun.Status.DONE
    else:
        assert response.status_code == 404


def test_recompute_of_the_current_month_says_why(client, world, evaluated):
    period = date.today().strftime("%Y%m")
    response = page(
        client,
        world.users["province_officer"],
        reverse("reporting:evaluation_recompute"),
        "post",
        period=period,
    )
    follow = client.get(response["Location"])
    assert "只能计算已结束的月份" in follow.content.decode()


def test_league_filters_by_category_and_ranks(client, world, evaluated):
    response = page(
        client,
        world.users["province_officer"],
        reverse("reporting:provider_league"),
        period=JAN,
        category="cloud",
    )
    rows = response.context["rows"]
    assert [r["provider"].name for r in rows] == ["江西其他数字科技有限公司"]
    assert rows[0]["rank"] == 1
    response = client.get(reverse("reporting:provider_league"), {"period": JAN})
    assert [r["rank"] for r in response.context["rows"]] == [1, 2]


def test_league_query_count_is_constant(client, world, evaluated, activity, django_assert_max_num_queries):
    client.force_login(world.users["province_officer"])
    url = reverse("reporting:provider_league")
    with django_assert_max_num_queries(12):
        client.get(url, {"period": JAN})
    for i in range(8):
        p = make_provider(f"江西新增{i}数字科技有限公司", categories=("consulting", "cloud"))
        activity.ratings(p, [3])
    evaluation_run(period="202502")  # another month; recompute JAN via a fresh run row
    EvaluationRun.objects.filter(period=JAN).update(status="pending")
    evaluation_run(period=JAN)
    with django_assert_max_num_queries(12):
        response = client.get(url, {"period": JAN})
    assert len(response.context["rows"]) == 10


@pytest.mark.parametrize("role", ALL_ROLES)
def test_my_evaluation_scope(client, world, evaluated, role):
    response = page(client, world.users[role], reverse("reporting:my_evaluation"))
    if role == "provider_staff":
        assert response.status_code == 200
        body = response.content.decode()
        assert "3 家企业评价，平均 4.33 分 → 86.67 分" in body
        assert "江西其他数字科技有限公司" not in body
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_provider_evaluation_scope(client, world, evaluated, role, whose):
    own, other = evaluated
    target = own if whose == "own" else other
    response = page(client, world.users[role], reverse("reporting:provider_evaluation", args=[target.pk]))
    allowed = role in LEAGUE_ROLES or (role == "provider_staff" and whose == "own")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert target.name in response.content.decode()


def test_missing_provider_is_404(client, world, evaluated):
    response = page(
        client, world.users["province_officer"], reverse("reporting:provider_evaluation", args=[99999])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_scope(world, evaluated, role):
    own, other = evaluated
    client = APIClient()
    client.force_authenticate(world.users[role])
    response = client.get("/api/v1/evaluations/", {"period": JAN})
    assert response.status_code == 200
    names = {row["provider_name"] for row in response.json()["results"]}
    expected = {
        "admin": {own.name, other.name},
        "province_officer": {own.name, other.name},
        "provider_staff": {own.name},
    }.get(role, set())
    assert names == expected
    other_id = ProviderEvaluation.objects.get(provider=other, period=JAN).pk
    detail = client.get(f"/api/v1/evaluations/{other_id}/")
    assert detail.status_code == (200 if role in LEAGUE_ROLES else 404)
    if role in LEAGUE_ROLES:
        assert detail.json()["score"] == "20.00"


def test_api_requires_authentication(world, evaluated):
    assert APIClient().get("/api/v1/evaluations/").status_code == 401


def test_default_period_is_latest_evaluated(client, world, evaluated):
    response = page(client, world.users["admin"], reverse("reporting:provider_league"))
    assert response.context["period"] == JAN
    assert last_complete_period() in response.context["periods"]
