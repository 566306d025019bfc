"""Officers' list of their region's overdue follow-ups, and its CSV export (formula-safe)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import Visit
from tests.factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def visit(enterprise, commissioner, *, due_days, summary, done=False):
    return Visit.objects.create(
        enterprise=enterprise,
        commissioner=commissioner,
        visited_on=TODAY - datetime.timedelta(days=30),
        summary=summary,
        needs='=HYPERLINK("http://x")',
        follow_up_due=TODAY + datetime.timedelta(days=due_days),
        followed_up_on=TODAY if done else None,
    )


def test_the_region_s_overdue_follow_ups_longest_first(client, world):
    commissioner = world.users["commissioner"]
    visit(world.ent_donghu, commissioner, due_days=-3, summary="逾期三天")
    visit(world.ent_donghu, commissioner, due_days=-20, summary="逾期二十天")
    visit(world.ent_donghu, commissioner, due_days=5, summary="未到期")
    visit(world.ent_donghu, commissioner, due_days=-9, summary="已跟进", done=True)
    far = EnterpriseFactory(county=region("360403"))
    visit(far, world.users["other_commissioner"], due_days=-1, summary="九江逾期")
    client.force_login(world.users["county_officer"])
    page = client.get(reverse("diagnosis:overdue_follow_ups")).content.decode()
    assert page.index("逾期二十天") < page.index("逾期三天")
    assert "未到期" not in page and "已跟进" not in page and "九江逾期" not in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("diagnosis:overdue_follow_ups") in home

    export = client.get(reverse("diagnosis:overdue_follow_ups") + "?format=csv")
    assert export["Content-Disposition"].startswith("attachment")
    text = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    lines = text.strip().splitlines()
    assert len(lines) == 3 and "逾期二十天" in lines[1] and ",20," in lines[1]
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text  # neutralised


@pytest.mark.parametrize("role", ["commissioner", "clinic_staff", "enterprise_user"])
def test_only_officers(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("diagnosis:overdue_follow_ups")).status_code == 404
