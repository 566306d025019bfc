"""The caseload pages: figures computed in the database, scope, constant query count."""

import datetime

import pytest
from django.urls import reverse

from diagnosis.models import Visit
from diagnosis.selectors.assignment import caseload_summary
from tests.factories import EnterpriseFactory, region
from tests.roles import ALL_ROLES

TODAY = datetime.date.today()


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
