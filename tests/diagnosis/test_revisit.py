"""Enterprises not visited within their region's interval: the commissioner's worklist."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import RevisitInterval, Visit
from diagnosis.selectors.visits import revisit_days_by_county, revisit_due
from tests.factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def visited(enterprise, commissioner, days_ago):
    Visit.objects.create(
        enterprise=enterprise,
        commissioner=commissioner,
        visited_on=TODAY - datetime.timedelta(days=days_ago),
        summary="走访",
    )


def test_the_nearest_region_with_an_interval_decides(world, settings):
    settings.REVISIT_DAYS = 90
    RevisitInterval.objects.create(region=region("360100"), days=30)  # 南昌市
    RevisitInterval.objects.create(region=region("360102"), days=14)  # 东湖区 itself
    days = revisit_days_by_county()
    assert days[region("360102").pk] == 14
    assert days[region("360103").pk] == 30  # 西湖区: from its city
    assert days[region("360403").pk] == 90  # 浔阳区: the default


def test_never_visited_first_then_the_longest_unvisited(world):
    commissioner = world.users["commissioner"]
    RevisitInterval.objects.create(region=region("360102"), days=30)
    recent, old, older = (
        EnterpriseFactory(commissioner=commissioner, name=n) for n in ("近期走访", "较久未访", "最久未访")
    )
    visited(recent, commissioner, 5)
    visited(old, commissioner, 40)
    visited(older, commissioner, 100)
    visited(older, commissioner, 80)  # the last visit counts
    due = revisit_due(actor=commissioner, commissioner=commissioner)
    names = [row["enterprise"].name for row in due["rows"]]
    assert names == [world.ent_donghu.name, "最久未访", "较久未访"]  # the world's one was never visited
    assert due["count"] == 3
    assert due["rows"][0]["last_visit"] is None and due["rows"][1][
        "last_visit"
    ] == TODAY - datetime.timedelta(days=80)
    assert all(row["days"] == 30 for row in due["rows"])


def test_the_home_page_lists_them(client, world, django_assert_max_num_queries):
    commissioner = world.users["commissioner"]
    old = EnterpriseFactory(commissioner=commissioner, name="久未走访测试企业")
    visited(old, commissioner, 200)
    client.force_login(commissioner)
    page = client.get(reverse("home")).content.decode()
    assert (
        "久未走访（2 家）" in page and "久未走访测试企业" in page and "从未走访" in page and "未诊断" in page
    )
    for _ in range(10):
        EnterpriseFactory(commissioner=commissioner)
    with django_assert_max_num_queries(40):
        client.get(reverse("home"))


def test_interval_bounds(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        RevisitInterval(region=region("360102"), days=3).full_clean()
