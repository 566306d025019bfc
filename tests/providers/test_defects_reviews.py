"""A solution's review history is internal (issue 6 item 8): reviewer names and return reasons
are shown to the provider's own staff and the province only — on the page and in the API —
never to the other roles who may read the published solution."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from providers.models import Solution, SolutionReview
from tests.conftest import ALL_ROLES
from tests.factories import make_role_user

from .test_pool_support import pool_fixture  # noqa: F401 (registers the fixture)

REVIEWER = "省厅审核员甲"
REASON = "内部意见：报价偏高，案例材料不全"
MAY_SEE = {"admin", "province_officer", "provider_staff"}


@pytest.fixture
def reviewed(pool):
    """``own_published`` returned once with a reason, then resubmitted and published."""
    solution = pool.solutions["own_published"]
    reviewer = make_role_user(Role.PROVINCE_OFFICER, username="reviewer", region_code="360000")
    reviewer.display_name = REVIEWER
    reviewer.save()
    S = Solution.Status
    for from_status, to_status, reason in [
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.RETURNED, REASON),
        (S.RETURNED, S.SUBMITTED, ""),
        (S.SUBMITTED, S.PUBLISHED, ""),
    ]:
        SolutionReview.objects.create(
            solution=solution, from_status=from_status, to_status=to_status, reason=reason, actor=reviewer
        )
    return solution


@pytest.mark.parametrize("role", ALL_ROLES)
def test_solution_page_shows_reviews_only_to_own_staff_and_province(client, pool, reviewed, role):
    client.force_login(pool.users[role])
    response = client.get(reverse("providers:solution_detail", args=[reviewed.pk]))
    if role not in pool.SOLUTION_SCOPE or "own_published" not in pool.SOLUTION_SCOPE[role]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert (REASON in html) == (role in MAY_SEE)
    assert (REVIEWER in html) == (role in MAY_SEE)
    assert ('data-testid="review-entry"' in html) == (role in MAY_SEE)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_solution_api_gives_reviews_only_to_own_staff_and_province(pool, reviewed, role):
    client = APIClient()
    client.force_authenticate(pool.users[role])
    response = client.get(f"/api/v1/solutions/{reviewed.pk}/")
    if "own_published" not in pool.SOLUTION_SCOPE[role]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    reviews = response.json()["reviews"]
    assert (len(reviews) == 4) == (role in MAY_SEE)
    assert (REASON in response.content.decode()) == (role in MAY_SEE)
    if role not in MAY_SEE:
        assert reviews == []
