"""The caseload pages: figures computed in the database, scope, constant query count."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from diagnosis.models import Visit
from diagnosis.selectors.assignment import caseload_summary
from tests.factories import EnterpriseFactory, region
from tests.roles import ALL_ROLES

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def caseload(world):
    commissioner = world.users["commissioner"]
    extra = [EnterpriseFactory(county=region("360102"), commissioner=commissioner) for _ in range(2)]
    e1 = world.ent_donghu
    month_start = TODAY.replace(day=1)
    Visit.objects.create(enterprise=e1, commissioner=commissioner, visited_on=TODAY, summary="a")
    Visit.objects.create(enterprise=extra[0], commissioner=commissioner, visited_on=month_start, summary="b")
    # last month, overdue follow-up
    Visit.objects.create(
        enterprise=extra[1], commissioner=commissioner, visited_on=month_start - datetime.timedelta(days=3),
        summary="c", follow_up_due=days(1),
    )  # fmt: skip
    # followed up: not overdue
    Visit.objects.create(
        enterprise=e1, commissioner=commissioner, visited_on=month_start - datetime.timedelta(days=40),
        summary="d", follow_up_due=month_start - datetime.timedelta(days=30), followed_up_on=days(0),
    )  # fmt: skip
    # due later: not overdue
    Visit.objects.create(
        enterprise=e1, commissioner=commissioner, visited_on=month_start - datetime.timedelta(days=1),
        summary="e", follow_up_due=TODAY + datetime.timedelta(days=3),
    )  # fmt: skip
    # another commissioner's visit does not count
    Visit.objects.create(
        enterprise=world.ent_jiujiang,
        commissioner=world.users["other_commissioner"],
        visited_on=TODAY,
        summary="f",
    )
    return extra


def test_figures(world, caseload):
    summary = caseload_summary(actor=world.users["commissioner"], commissioner=world.users["commissioner"])
    assert summary["assigned"] == 3
    assert summary["visits_this_month"] == 2
    assert summary["overdue"] == 1
    assert [v.summary for v in summary["overdue_visits"]] == ["c"]
    by_pk = {e.pk: e for e in summary["enterprises"]}
    assert by_pk[world.ent_donghu.pk].last_visit == TODAY
    assert by_pk[world.ent_donghu.pk].open_follow_ups == 1
    officer_view = caseload_summary(
        actor=world.users["city_officer"], commissioner=world.users["commissioner"]
    )
    assert (officer_view["assigned"], officer_view["visits_this_month"], officer_view["overdue"]) == (3, 2, 1)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_own_caseload_only_for_commissioners(client, world, caseload, role):
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:caseload"))
    assert response.status_code == (200 if role in {"commissioner", "other_commissioner"} else 404)
    if role == "commissioner":
        assert response.context["summary"]["assigned"] == 3


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("whose", ["commissioner", "other_commissioner"])
def test_caseload_of_scope(client, world, caseload, role, whose):
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:caseload_of", args=[world.users[whose].pk]))
    allowed = {
        "commissioner": {"admin", "province_officer", "city_officer", "county_officer", "commissioner"},
        "other_commissioner": {"admin", "province_officer", "other_commissioner"},
    }[whose]
    assert response.status_code == (200 if role in allowed else 404)


def test_caseload_query_count_is_constant(client, world, caseload, django_assert_max_num_queries):
    commissioner = world.users["commissioner"]
    for i in range(30):
        e = EnterpriseFactory(county=region("360102"), commissioner=commissioner)
        Visit.objects.create(
            enterprise=e,
            commissioner=commissioner,
            visited_on=days(i % 5),
            summary="x",
            follow_up_due=days(1),
        )
    client.force_login(commissioner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("diagnosis:caseload"))
    assert response.context["summary"]["assigned"] == 33
    client.force_login(world.users["city_officer"])
    with django_assert_max_num_queries(13):
        assert client.get(reverse("diagnosis:caseload_of", args=[commissioner.pk])).status_code == 200


# ---------- search, sort, pagination, follow-up states ----------


def _names(response) -> list[str]:
    return [e.name for e in response.context["page"].object_list]


@pytest.fixture
def named_caseload(world):
    """Three enterprises with distinct names, visits and follow-ups for 东湖's commissioner."""
    commissioner = world.users["commissioner"]
    a = EnterpriseFactory(county=region("360102"), commissioner=commissioner, name="甲乙精密机械有限公司")
    b = EnterpriseFactory(county=region("360102"), commissioner=commissioner, name="丙丁电子有限公司")
    c = EnterpriseFactory(county=region("360102"), commissioner=commissioner, name="戊己化工有限公司")
    # a: visited long ago, follow-up overdue; b: visited recently, follow-up not yet due; c: never visited
    Visit.objects.create(
        enterprise=a, commissioner=commissioner, visited_on=days(60), summary="a", follow_up_due=days(5)
    )
    Visit.objects.create(
        enterprise=b, commissioner=commissioner, visited_on=days(2), summary="b",
        follow_up_due=TODAY + datetime.timedelta(days=10),
    )  # fmt: skip
    return {"a": a, "b": b, "c": c}


def test_caseload_search_by_name_and_credit_code(client, world, named_caseload):
    client.force_login(world.users["commissioner"])
    url = reverse("diagnosis:caseload")
    assert _names(client.get(url, {"q": "丙丁"})) == ["丙丁电子有限公司"]
    code = named_caseload["c"].credit_code
    assert _names(client.get(url, {"q": code[-8:].lower()})) == ["戊己化工有限公司"]
    response = client.get(url, {"q": "不存在的企业"})
    assert _names(response) == [] and "没有符合条件的企业" in response.content.decode()
    # the figures still count the whole caseload
    assert response.context["summary"]["assigned"] == 4


def test_caseload_sorts(client, world, named_caseload):
    client.force_login(world.users["commissioner"])
    url = reverse("diagnosis:caseload")
    by_follow_up = _names(client.get(url, {"sort": "follow_up"}))
    assert by_follow_up[:2] == ["甲乙精密机械有限公司", "丙丁电子有限公司"]  # overdue first, then due
    by_last_visit = _names(client.get(url, {"sort": "last_visit"}))
    assert by_last_visit[0] in {"戊己化工有限公司", "东湖电子有限公司"}  # never visited first
    assert by_last_visit.index("甲乙精密机械有限公司") < by_last_visit.index("丙丁电子有限公司")
    by_name = _names(client.get(url, {"sort": "name"}))
    assert by_name == sorted(by_name)
    # the default is by follow-up; an unknown sort falls back to it (never a 500)
    assert _names(client.get(url)) == by_follow_up == _names(client.get(url, {"sort": "nonsense';--"}))


def test_overdue_and_not_yet_due_follow_ups_look_different(client, world, named_caseload):
    client.force_login(world.users["commissioner"])
    html = client.get(reverse("diagnosis:caseload")).content.decode()
    assert 'class="badge badge-overdue" data-follow-up="overdue">已逾期' in html
    assert 'class="badge badge-due" data-follow-up="due">未到期' in html
    # the enterprise's visit list marks them the same way
    html = client.get(reverse("diagnosis:visit_list", args=[named_caseload["b"].pk])).content.decode()
    assert "badge-due" in html and "badge-overdue" not in html
    html = client.get(reverse("diagnosis:visit_list", args=[named_caseload["a"].pk])).content.decode()
    assert "badge-overdue" in html and "badge-due" not in html


def test_caseload_is_paginated_and_keeps_search_and_sort(client, world, named_caseload):
    commissioner = world.users["commissioner"]
    for i in range(20):
        EnterpriseFactory(county=region("360102"), commissioner=commissioner, name=f"分页测试企业{i:02d}")
    client.force_login(commissioner)
    url = reverse("diagnosis:caseload")
    first = client.get(url, {"q": "分页测试", "sort": "name"})
    page = first.context["page"]
    assert page.paginator.count == 20 and len(page.object_list) < 20 and page.has_next()
    assert "q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(url, {"q": "分页测试", "sort": "name", "page": 2})
    assert set(_names(first)).isdisjoint(_names(second))
    assert len(_names(first)) + len(_names(second)) == 20
    assert client.get(url, {"page": "abc"}).status_code == 200  # a bad page number is the first page
    assert client.get(url, {"page": "999"}).status_code == 200


@pytest.fixture
def default_language_after():
    """A request in English leaves English active in this thread: put the default back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_caseload_in_both_languages(client, world, named_caseload, language, default_language_after):
    client.cookies["django_language"] = language
    client.force_login(world.users["commissioner"])
    html = client.get(reverse("diagnosis:caseload")).content.decode()
    assert f'<html lang="{language}"' in html
    if language == "en":
        assert "Overdue" in html and "Not yet due" in html and "已逾期" not in html
