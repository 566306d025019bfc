"""The home page (工作台): the registry, each role's panels and to-dos, scope, and constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import home as registry
from core.home import INFO, WARN, Figure, Panel, Todo, home_for
from diagnosis.models import Engagement, Visit
from providers.models import Provider, Solution
from tests.conftest import ALL_ROLES
from tests.factories import EnterpriseFactory, engage, region
from tests.providers.test_pool_support import (
    make_solution,
    pool_fixture,  # noqa: F401 (registers the fixture)
)

TODAY = timezone.localdate()


# ---------- the registry ----------


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(registry, "_panels", [])
    monkeypatch.setattr(registry, "_todos", [])


def test_registry_orders_and_drops_empty_todos(clean_registry):
    @registry.register_todos
    def first(actor):
        return [Todo("a", "a", 2, tone=INFO, order=1), Todo("zero", "nothing", 0, tone=WARN)]

    @registry.register_todos
    def second(actor):
        return [Todo("b", "b", 1, tone=WARN, order=5)]

    @registry.register_panel
    def panels(actor):
        return [Panel("late", "late", order=50), Panel("early", "early", order=1)]

    @registry.register_panel
    def nothing(actor):
        return None

    home = home_for(object())
    assert [t.key for t in home.todos] == ["b", "a"]  # urgent first, empty dropped
    assert [p.key for p in home.panels] == ["early", "late"]


def test_registering_twice_keeps_one(clean_registry):
    def contribution(actor):
        return Panel("p", "p", figures=(Figure("n", 1),))

    registry.register_panel(contribution)
    registry.register_panel(contribution)
    assert len(home_for(object()).panels) == 1


def test_apps_register_their_contributions():
    panels, todos = registry.registered()
    modules = {fn.__module__ for fn in (*panels, *todos)}
    assert {"diagnosis.home", "providers.home"} <= modules


# ---------- the page ----------


@pytest.fixture
def casework(pool):
    """The pool world plus visits (overdue, due soon, later, done) for 东湖's commissioner."""
    world = pool.world
    commissioner = world.users["commissioner"]
    day = datetime.timedelta(days=1)
    for due, done in [
        (TODAY - 3 * day, None),
        (TODAY + 2 * day, None),
        (TODAY + 30 * day, None),
        (TODAY - 9 * day, TODAY),
    ]:
        Visit.objects.create(
            enterprise=world.ent_donghu, commissioner=commissioner, visited_on=TODAY - 10 * day,
            summary="走访", follow_up_due=due, followed_up_on=done,
        )  # fmt: skip
    # out of 东湖's scope: an overdue follow-up in 九江
    Visit.objects.create(
        enterprise=world.ent_jiujiang, commissioner=world.users["other_commissioner"], visited_on=TODAY - 10 * day,
        summary="走访", follow_up_due=TODAY - 1 * day,
    )  # fmt: skip
    commissioner.phone = "13800000000"
    commissioner.save()
    return pool


def get_home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def todo_keys(response) -> dict:
    return {t.key: t for t in response.context["home"].todos}


def panel_keys(response) -> list:
    return [p.key for p in response.context["home"].panels]


def test_anonymous_is_asked_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_sign_in_lands_on_home(client, world):
    response = client.post(reverse("accounts:login"), {"username": "dh_comm", "password": "pass12345"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_province_sees_reviews_waiting(client, casework):
    response = get_home(client, casework.users["province_officer"])
    todos = todo_keys(response)
    applied = Provider.objects.filter(status=Provider.Status.APPLIED).count()
    submitted = Solution.objects.filter(status=Solution.Status.SUBMITTED).count()
    assert applied and submitted
    assert todos["applications"].count == applied and todos["applications"].url == reverse(
        "providers:applications"
    )
    assert todos["solution_reviews"].count == submitted
    assert todos["region_overdue"].count == 2  # 东湖 and 九江
    assert panel_keys(response) == ["region", "statistics", "network"]
    html = response.content.decode()
    assert f"{applied} 份服务商入库申请待审核" in html and 'aria-current="page"' in html


def test_county_officer_sees_own_region_only(client, casework):
    response = get_home(client, casework.users["county_officer"])
    todos = todo_keys(response)
    assert "applications" not in todos and "solution_reviews" not in todos  # the province decides
    assert todos["region_overdue"].count == 1  # 东湖 only, not 九江
    region = response.context["home"].panels[0]
    assert region.key == "region" and "东湖区" in region.title
    assert {f.label: f.value for f in region.figures}["企业档案"] == 1


def test_commissioner_sees_follow_ups_due_and_overdue_apart(client, casework):
    response = get_home(client, casework.users["commissioner"])
    todos = todo_keys(response)
    assert todos["overdue"].count == 1 and todos["overdue"].tone == WARN
    assert todos["due_soon"].count == 1 and todos["due_soon"].tone == INFO
    assert "never_visited" not in todos  # 东湖电子 has visits
    figures = {f.label: f.value for f in response.context["home"].panels[0].figures}
    assert figures == {"负责企业": 1, "本月走访": figures["本月走访"], "待跟进（未到期）": 2, "逾期未跟进": 1}
    assert list(todo_keys(response)) == ["overdue", "due_soon"]


def test_clinic_staff_sees_engaged_enterprises(client, casework):
    response = get_home(client, casework.users["clinic_staff"])
    (panel,) = response.context["home"].panels
    assert panel.key == "engaged" and [r.value for r in panel.rows] == ["东湖电子有限公司"]
    assert "西湖机械有限公司" not in response.content.decode()


def test_provider_staff_sees_engagements_and_own_solutions(client, casework):
    make_solution(casework.providers["own"], "退回的方案", status=Solution.Status.RETURNED)
    response = get_home(client, casework.users["provider_staff"])
    assert panel_keys(response) == ["engaged", "provider"]
    assert todo_keys(response)["returned"].count == 1


def test_enterprise_user_sees_archive_and_commissioner_contact(client, casework):
    response = get_home(client, casework.users["enterprise_user"])
    archive, contact = response.context["home"].panels
    assert archive.rows[0].value == "东湖电子有限公司"
    assert ("手机", "13800000000") in [(r.label, r.value) for r in contact.rows]
    assert 'href="tel:13800000000"' in response.content.decode()


def test_enterprise_user_without_commissioner_is_told_whom_to_ask(client, casework):
    ent = casework.world.ent_donghu
    ent.commissioner = None
    ent.save()
    response = get_home(client, casework.users["enterprise_user"])
    assert "尚未为本企业分配数字专员" in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_gets_a_page_in_both_languages(client, casework, role):
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        response = get_home(client, casework.users[role])
        assert f'<html lang="{language}"' in response.content.decode()


def _grow(casework, n: int) -> None:
    """More of everything each role's home counts (enterprises, visits, engagements, applications)."""
    world = casework.world
    for i in range(n):
        ent = EnterpriseFactory(county=region("360102"), commissioner=world.users["commissioner"])
        Visit.objects.create(
            enterprise=ent, commissioner=world.users["commissioner"], visited_on=TODAY,
            summary="s", follow_up_due=TODAY - datetime.timedelta(days=i + 1),
        )  # fmt: skip
        engage(ent, world.clinic)
        Engagement.objects.create(
            enterprise=ent, organisation=world.provider, purpose=Engagement.Purpose.PROJECT
        )
        make_solution(casework.providers["xihu"], f"方案{n}-{i}", status=Solution.Status.SUBMITTED)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_query_count_is_constant_per_role(
    client, casework, role, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = casework.users[role]
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    _grow(casework, 6)
    after = count()
    assert after == before, f"{role}: {before} queries, then {after} with more data"
    # the budget: every app's panels and to-dos; the statistics panel reads its figures in 5
    with django_assert_max_num_queries(24):
        client.get(reverse("home"))
