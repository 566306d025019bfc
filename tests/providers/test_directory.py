"""The public directory, pages and API: nothing unpublished, no sign-in, filters, constant queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from providers.models import BusinessScenario, Provider, ServiceCategory, Solution
from providers.selectors.directory import public_provider_list, public_solution_list

from .test_pool_support import (
    make_provider,
    make_solution,
    pool_fixture,  # noqa: F401 (registers the fixture)
)

PS = Provider.Status
SS = Solution.Status
HIDDEN_PROVIDER_STATUSES = [PS.APPLIED, PS.SUSPENDED, PS.REMOVED, PS.REJECTED]
HIDDEN_SOLUTION_STATUSES = [SS.DRAFT, SS.SUBMITTED, SS.RETURNED, SS.WITHDRAWN]


@pytest.fixture
def anon():
    return Client()


def test_pages_need_no_sign_in(anon, pool):
    provider = pool.providers["own"]
    solution = pool.solutions["own_published"]
    for url in [
        reverse("directory:index"),
        reverse("directory:index") + "?tab=solutions",
        reverse("directory:provider", args=[provider.pk]),
        reverse("directory:solution", args=[solution.pk]),
        reverse("directory:apply"),
    ]:
        assert anon.get(url).status_code == 200, url
    for url in ["/api/v1/directory/providers/", "/api/v1/directory/solutions/"]:
        assert APIClient().get(url).status_code == 200


def test_index_links_to_the_application_form(anon, pool):
    html = anon.get(reverse("directory:index")).content.decode()
    assert reverse("directory:apply") in html


@pytest.mark.parametrize("status", HIDDEN_PROVIDER_STATUSES)
def test_hidden_provider_absent_everywhere(anon, db, status):
    provider = make_provider("不应公开的服务商", home="360102", status=status)
    solution = make_solution(provider, "不应公开的方案", status=SS.PUBLISHED)
    index = anon.get(reverse("directory:index")).content.decode()
    solutions_tab = anon.get(reverse("directory:index"), {"tab": "solutions"}).content.decode()
    assert "不应公开的服务商" not in index
    assert "不应公开的方案" not in solutions_tab
    assert anon.get(reverse("directory:provider", args=[provider.pk])).status_code == 404
    assert anon.get(reverse("directory:solution", args=[solution.pk])).status_code == 404
    api = APIClient()
    assert provider.pk not in {r["id"] for r in api.get("/api/v1/directory/providers/").json()["results"]}
    assert solution.pk not in {r["id"] for r in api.get("/api/v1/directory/solutions/").json()["results"]}
    assert api.get(f"/api/v1/directory/providers/{provider.pk}/").status_code == 404
    assert api.get(f"/api/v1/directory/solutions/{solution.pk}/").status_code == 404
    assert provider not in public_provider_list({"q": "不应公开"})
    assert solution not in public_solution_list({"q": "不应公开"})


@pytest.mark.parametrize("status", HIDDEN_SOLUTION_STATUSES)
def test_unpublished_solution_absent_everywhere(anon, pool, status):
    solution = make_solution(pool.providers["own"], "未发布的方案", status=status)
    solutions_tab = anon.get(reverse("directory:index"), {"tab": "solutions"}).content.decode()
    assert "未发布的方案" not in solutions_tab
    profile = anon.get(reverse("directory:provider", args=[pool.providers["own"].pk])).content.decode()
    assert "未发布的方案" not in profile
    assert "云MES轻量版" in profile  # its published one is there
    assert anon.get(reverse("directory:solution", args=[solution.pk])).status_code == 404
    api = APIClient()
    assert solution.pk not in {r["id"] for r in api.get("/api/v1/directory/solutions/").json()["results"]}
    assert api.get(f"/api/v1/directory/solutions/{solution.pk}/").status_code == 404


def test_public_profile_shows_no_internal_data(anon, pool):
    provider = pool.providers["own"]
    html = anon.get(reverse("directory:provider", args=[provider.pk])).content.decode()
    assert provider.name in html and provider.contact_phone in html
    assert provider.credit_code not in html  # not part of the public profile
    assert "prov_staff" not in html
    assert provider.qualifications.get().number not in html
    body = APIClient().get(f"/api/v1/directory/providers/{provider.pk}/").json()
    assert set(body) == {
        "id", "name", "home_region", "regions_served", "categories", "description", "website",
        "contact_person", "contact_phone", "contact_email", "published_count",
    }  # fmt: skip
    assert body["published_count"] == 1


def _providers(anon, **params) -> set[int]:
    return {p.pk for p in anon.get(reverse("directory:index"), params).context["page"].object_list}


def _solutions(anon, **params) -> set[int]:
    return {
        s.pk
        for s in anon.get(reverse("directory:index"), {"tab": "solutions", **params})
        .context["page"]
        .object_list
    }


def test_filters(anon, pool):
    p, s = pool.providers, pool.solutions
    admitted = {p[k].pk for k in ("own", "xihu", "jj", "jj_other")}
    assert _providers(anon) == admitted
    # city → based in it or serving it or one of its counties (jj serves 东湖区); applied jj_applied never
    assert _providers(anon, region="360100") == {p["own"].pk, p["xihu"].pk, p["jj"].pk}
    # county → based there, serving it, or serving the city above it
    assert _providers(anon, region="360102") == {p["own"].pk, p["jj"].pk}
    assert _providers(anon, region="360403") == {p["jj"].pk, p["jj_other"].pk}
    # industry/scenario on providers: those with a published solution for it
    assert _providers(anon, industry="38") == {p["jj_other"].pk}
    assert _providers(anon, industry="39") == {p["own"].pk}  # xihu's 39 solution is only submitted
    scenario = BusinessScenario.objects.order_by("sort_order").first()
    assert _providers(anon, scenario=scenario.code) == {p["own"].pk, p["jj_other"].pk}
    category = ServiceCategory.objects.filter(active=True).order_by("sort_order")[5]
    p["jj"].categories.add(category)
    assert _providers(anon, category=category.code) == {p["jj"].pk}
    assert _providers(anon, q="九江智造") == {p["jj"].pk}
    # solutions
    assert _solutions(anon) == {s["own_published"].pk, s["jj_other_published"].pk}
    assert _solutions(anon, industry="38") == {s["jj_other_published"].pk}
    assert _solutions(anon, region="360100") == {s["own_published"].pk}
    assert _solutions(anon, q="5G") == {s["jj_other_published"].pk}
    api = APIClient().get("/api/v1/directory/solutions/", {"industry": "38"}).json()
    assert [r["id"] for r in api["results"]] == [s["jj_other_published"].pk]
    api = APIClient().get("/api/v1/directory/providers/", {"region": "360100"}).json()
    assert {r["id"] for r in api["results"]} == {p["own"].pk, p["xihu"].pk, p["jj"].pk}


def test_bad_filter_value_shows_nothing_and_says_so(anon, pool):
    response = anon.get(reverse("directory:index"), {"region": "999999"})
    assert response.status_code == 200
    assert not response.context["page"].object_list
    assert "筛选条件有误" in response.content.decode()


@pytest.mark.parametrize("tab", ["providers", "solutions"])
def test_index_query_count_is_constant(anon, pool, django_assert_max_num_queries, tab):
    params = {"tab": tab, "region": "360100"}
    with CaptureQueriesContext(connection) as few:
        anon.get(reverse("directory:index"), params)
    for i in range(15):
        provider = make_provider(f"公开服务商{i}", home="360102", serves=("360100", "360400"))
        make_solution(provider, f"公开方案{i}", status=SS.PUBLISHED)
    with django_assert_max_num_queries(len(few)):
        response = anon.get(reverse("directory:index"), params)
    assert len(response.context["page"].object_list) == (18 if tab == "providers" else 16)
    assert len(few) <= 10


def test_api_lists_have_constant_queries(pool, django_assert_max_num_queries):
    for i in range(10):
        provider = make_provider(f"接口服务商{i}", home="360102", serves=("360100",))
        make_solution(provider, f"接口方案{i}", status=SS.PUBLISHED)
    api = APIClient()
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/directory/providers/").status_code == 200
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/directory/solutions/").status_code == 200


def test_solution_page_shows_exact_price(anon, pool):
    solution = pool.solutions["own_published"]
    html = anon.get(reverse("directory:solution", args=[solution.pk])).content.decode()
    assert "5 – 20.5 万元" in html
    assert "C39" in html
