"""The solutions catalogue: services (moves, roles, admitted-only rules, re-review on edit),
pages (create, edit, act, queue) and the API (create, update, actions)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from providers.models import BusinessScenario, Provider, Solution, SolutionReview
from providers.services.solutions import (
    solution_create,
    solution_publish,
    solution_return,
    solution_return_,
    solution_submit,
    solution_update,
    solution_withdraw,
)

from .test_pool_support import (
    make_solution,
    pool_fixture,  # noqa: F401 (registers the fixture)
)

S = Solution.Status


def data(**overrides) -> dict:
    values = {
        "title": "排产小助手",
        "summary": "面向离散制造的轻量排产",
        "scenarios": list(BusinessScenario.objects.order_by("sort_order")[:1]),
        "industries": ["39", "34"],
        "price_min": Decimal("3"),
        "price_max": Decimal("8.5"),
        "deployment": Solution.Deployment.SAAS,
        "reference_customers": "某电子厂",
    }
    values.update(overrides)
    return values


def test_full_lifecycle_with_history(pool):
    staff, officer = pool.users["provider_staff"], pool.users["province_officer"]
    solution = solution_create(actor=staff, provider=pool.providers["own"], data=data())
    assert solution.status == S.DRAFT
    assert solution.industries == ["34", "39"]
    solution_submit(actor=staff, solution=solution)
    solution_return(actor=officer, solution=solution, reason="请补充典型客户")
    solution_submit(actor=staff, solution=solution)
    solution_publish(actor=officer, solution=solution)
    assert solution.status == S.PUBLISHED and solution.published_at is not None
    solution_withdraw(actor=staff, solution=solution, reason="产品升级")
    steps = list(solution.reviews.order_by("at", "id").values_list("from_status", "to_status", "reason"))
    assert steps == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "请补充典型客户"),
        ("returned", "submitted", ""),
        ("submitted", "published", ""),
        ("published", "withdrawn", "产品升级"),
    ]
    assert solution_return_ is solution_return


ACTIONS = {
    "submit": (solution_submit, "provider_staff", S.SUBMITTED),
    "publish": (solution_publish, "province_officer", S.PUBLISHED),
    "return": (solution_return, "province_officer", S.RETURNED),
    "withdraw": (solution_withdraw, "provider_staff", S.WITHDRAWN),
}
VALID_FROM = {
    "submit": {S.DRAFT, S.RETURNED, S.WITHDRAWN},
    "publish": {S.SUBMITTED},
    "return": {S.SUBMITTED},
    "withdraw": {S.PUBLISHED},
}


@pytest.mark.parametrize("from_status", list(S.values))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_move_matrix(pool, from_status, action):
    fn, role, target = ACTIONS[action]
    solution = make_solution(pool.providers["own"], "矩阵方案", status=from_status)
    kwargs = {} if action == "submit" else {"reason": "意见"}
    if from_status in VALID_FROM[action]:
        fn(actor=pool.users[role], solution=solution, **kwargs)
        solution.refresh_from_db()
        assert solution.status == target
        assert SolutionReview.objects.filter(
            solution=solution, from_status=from_status, to_status=target
        ).exists()
    else:
        with pytest.raises(ValidationError) as exc:
            fn(actor=pool.users[role], solution=solution, **kwargs)
        assert "不能从" in " ".join(exc.value.messages)
        solution.refresh_from_db()
        assert solution.status == from_status


@pytest.mark.parametrize(
    ("action", "role"),
    [
        ("submit", "province_officer"),
        ("submit", "city_officer"),
        ("publish", "provider_staff"),
        ("publish", "city_officer"),
        ("return", "provider_staff"),
        ("withdraw", "city_officer"),
        ("withdraw", "enterprise_user"),
    ],
)
def test_wrong_role_is_403(pool, action, role):
    fn, _who, _target = ACTIONS[action]
    start = {"submit": S.DRAFT, "publish": S.SUBMITTED, "return": S.SUBMITTED, "withdraw": S.PUBLISHED}[
        action
    ]
    solution = make_solution(pool.providers["own"], "权限方案", status=start)
    kwargs = {} if action == "submit" else {"reason": "意见"}
    with pytest.raises(PermissionDenied):
        fn(actor=pool.users[role], solution=solution, **kwargs)


def test_province_may_withdraw_a_published_solution(pool):
    solution = pool.solutions["own_published"]
    solution_withdraw(actor=pool.users["province_officer"], solution=solution, reason="投诉核实")
    assert solution.status == S.WITHDRAWN


def test_return_needs_a_reason(pool):
    solution = pool.solutions["xihu_submitted"]
    with pytest.raises(ValidationError):
        solution_return(actor=pool.users["province_officer"], solution=solution, reason="  ")


@pytest.mark.parametrize(
    "provider_status", [Provider.Status.SUSPENDED, Provider.Status.APPLIED, Provider.Status.REMOVED]
)
def test_provider_not_admitted_cannot_submit_or_be_published(pool, provider_status):
    provider = pool.providers["own"]
    draft = pool.solutions["own_draft"]
    submitted = make_solution(provider, "待审", status=S.SUBMITTED)
    Provider.objects.filter(pk=provider.pk).update(status=provider_status)
    draft.refresh_from_db()
    submitted.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        solution_submit(actor=pool.users["provider_staff"], solution=draft)
    assert "恢复入库后方可操作" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        solution_publish(actor=pool.users["province_officer"], solution=submitted)
    assert Solution.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_editing_a_published_solution_sends_it_back_to_review(pool):
    solution = pool.solutions["own_published"]
    solution_update(actor=pool.users["provider_staff"], solution=solution, data={"title": "云MES轻量版 2.0"})
    solution.refresh_from_db()
    assert solution.status == S.SUBMITTED
    assert solution.reviews.get().to_status == S.SUBMITTED
    assert solution not in Solution.objects.published()


def test_editing_a_draft_keeps_it_a_draft(pool):
    solution = pool.solutions["own_draft"]
    solution_update(actor=pool.users["provider_staff"], solution=solution, data={"summary": "新的简介"})
    solution.refresh_from_db()
    assert solution.status == S.DRAFT and not solution.reviews.exists()


def test_price_and_industries_are_checked(pool):
    staff = pool.users["provider_staff"]
    with pytest.raises(ValidationError) as exc:
        solution_create(
            actor=staff,
            provider=pool.providers["own"],
            data=data(price_min=Decimal("9"), price_max=Decimal("1")),
        )
    assert "price_max" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        solution_create(actor=staff, provider=pool.providers["own"], data=data(industries=["01"]))
    assert "industries" in exc.value.message_dict
    with pytest.raises(ValidationError):
        solution_create(actor=staff, provider=pool.providers["own"], data=data(scenarios=[]))


@pytest.mark.parametrize("role", ["province_officer", "city_officer", "clinic_staff"])
def test_only_provider_staff_create_or_edit(pool, role):
    with pytest.raises(PermissionDenied):
        solution_create(actor=pool.users[role], provider=pool.providers["own"], data=data())
    with pytest.raises(PermissionDenied):
        solution_update(actor=pool.users[role], solution=pool.solutions["own_draft"], data={"title": "x"})


# ---------- pages ----------


def page_form(**overrides) -> dict:
    scenario = BusinessScenario.objects.order_by("sort_order").first()
    values = {
        "title": "能耗监测",
        "summary": "电表数据上云",
        "scenarios": [str(scenario.pk)],
        "industries": ["30"],
        "price_min": "１,000.5",
        "price_max": "2000",
        "deployment": "hybrid",
        "reference_customers": "",
    }
    values.update(overrides)
    return values


def test_staff_create_submit_and_officer_publish_through_pages(client, pool):
    client.force_login(pool.users["provider_staff"])
    assert client.get(reverse("providers:solution_create")).status_code == 200
    response = client.post(reverse("providers:solution_create"), page_form())
    assert response.status_code == 302
    solution = Solution.objects.get(title="能耗监测")
    assert solution.price_min == Decimal("1000.5")
    assert client.post(reverse("providers:solution_action", args=[solution.pk, "submit"])).status_code == 302
    client.force_login(pool.users["province_officer"])
    queue = client.get(reverse("providers:solution_reviews"))
    assert solution in queue.context["page"].object_list
    response = client.post(reverse("providers:solution_action", args=[solution.pk, "return"]), {"reason": ""})
    assert response.status_code == 400
    assert "退回时请填写退回意见" in response.content.decode()
    response = client.post(
        reverse("providers:solution_action", args=[solution.pk, "publish"]), {"reason": ""}
    )
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == S.PUBLISHED
    detail = client.get(reverse("providers:solution_detail", args=[solution.pk])).content.decode()
    assert "1000.5 – 2000 万元" in detail


def test_solution_form_keeps_input_on_error(client, pool):
    client.force_login(pool.users["provider_staff"])
    response = client.post(reverse("providers:solution_create"), page_form(price_min="50", price_max="10"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "最高价格不能低于最低价格" in html
    assert "电表数据上云" in html


def test_unknown_action_is_404_and_officer_cannot_create(client, pool):
    client.force_login(pool.users["province_officer"])
    solution = pool.solutions["xihu_submitted"]
    assert client.post(reverse("providers:solution_action", args=[solution.pk, "explode"])).status_code == 404
    assert client.get(reverse("providers:solution_create")).status_code == 403
    assert client.get(reverse("providers:solution_edit", args=[solution.pk])).status_code == 403


def test_staff_edit_published_through_page_goes_to_review(client, pool):
    solution = pool.solutions["own_published"]
    client.force_login(pool.users["provider_staff"])
    response = client.post(
        reverse("providers:solution_edit", args=[solution.pk]), page_form(title="云MES 3.0")
    )
    assert response.status_code == 302
    solution.refresh_from_db()
    assert (solution.title, solution.status) == ("云MES 3.0", S.SUBMITTED)


def test_solution_list_query_count_is_constant(client, pool, django_assert_max_num_queries):
    client.force_login(pool.users["province_officer"])
    for i in range(12):
        make_solution(pool.providers["xihu"], f"批量方案{i}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("providers:solution_list"))
    assert len(response.context["page"].object_list) == 16


# ---------- API ----------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_body(**overrides) -> dict:
    body = {
        "title": "视觉质检",
        "summary": "AI 视觉检测",
        "scenarios": [BusinessScenario.objects.order_by("sort_order").first().code],
        "industries": ["39"],
        "price_min": "10.25",
        "price_max": "30",
        "deployment": "private",
    }
    body.update(overrides)
    return body


def test_api_create_update_and_actions(pool):
    staff = api(pool.users["provider_staff"])
    response = staff.post("/api/v1/solutions/", api_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["price_min"] == "10.2500"
    pk = body["id"]
    assert (
        staff.patch(f"/api/v1/solutions/{pk}/", {"title": "视觉质检 Pro"}, format="json").status_code == 200
    )
    assert staff.post(f"/api/v1/solutions/{pk}/submit/", {}, format="json").json()["status"] == "submitted"
    assert staff.post(f"/api/v1/solutions/{pk}/publish/", {}, format="json").status_code == 403
    officer = api(pool.users["province_officer"])
    response = officer.post(f"/api/v1/solutions/{pk}/return/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = officer.post(f"/api/v1/solutions/{pk}/publish/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert [r["to_status"] for r in response.json()["reviews"]] == ["published", "submitted"]
    assert (
        staff.post(f"/api/v1/solutions/{pk}/publish/", {}, format="json").status_code == 400
    )  # already published
    assert staff.post(f"/api/v1/solutions/{pk}/withdraw/", {}, format="json").json()["status"] == "withdrawn"


def test_api_price_order_and_roles(pool):
    staff = api(pool.users["provider_staff"])
    response = staff.post("/api/v1/solutions/", api_body(price_min="30", price_max="10"), format="json")
    assert response.status_code == 400 and "price_max" in response.json()
    response = api(pool.users["province_officer"]).post("/api/v1/solutions/", api_body(), format="json")
    assert response.status_code == 403
    draft = pool.solutions["own_draft"]
    response = api(pool.users["city_officer"]).patch(
        f"/api/v1/solutions/{draft.pk}/", {"title": "x"}, format="json"
    )
    assert response.status_code == 404  # a draft is not visible to a city officer


def test_api_suspended_provider_cannot_submit(pool):
    Provider.objects.filter(pk=pool.providers["own"].pk).update(status=Provider.Status.SUSPENDED)
    draft = pool.solutions["own_draft"]
    response = api(pool.users["provider_staff"]).post(
        f"/api/v1/solutions/{draft.pk}/submit/", {}, format="json"
    )
    assert response.status_code == 400
    assert "恢复入库后方可操作" in str(response.json())
