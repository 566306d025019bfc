"""Review and locking: county submits → city approves (or returns with a reason) → province
publishes → locked, reopened by the province with a reason; every step audited; locked figures
refused by package loading and kept by the derivation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from reporting.models import IndicatorValue, StatsReview, StatsReviewEvent
from reporting.services import derive
from reporting.services import review as svc
from reporting.services.stats import PackageError, package_load
from tests.factories import region

pytestmark = pytest.mark.django_db
PERIOD = "2025S1"


def test_the_whole_path_with_an_audit_trail(world):
    donghu = region("360102")
    county, city, province = (world.users[r] for r in ("county_officer", "city_officer", "province_officer"))
    svc.review_submit(actor=county, region=donghu, period=PERIOD)
    with pytest.raises(ValidationError, match="请说明退回的原因"):
        svc.review_return(actor=city, region=donghu, period=PERIOD, reason=" ")
    svc.review_return(actor=city, region=donghu, period=PERIOD, reason="走访数偏低，请核实")
    assert StatsReview.objects.get().status == "draft"
    svc.review_submit(actor=county, region=donghu, period=PERIOD)
    svc.review_approve(actor=city, region=donghu, period=PERIOD)
    svc.review_publish(actor=province, region=donghu, period=PERIOD)
    with pytest.raises(ValidationError, match="已发布"):
        svc.review_submit(actor=county, region=donghu, period=PERIOD)
    svc.review_reopen(actor=province, region=donghu, period=PERIOD, reason="更正上云企业数")
    events = list(StatsReviewEvent.objects.values_list("action", "actor__username", "reason"))
    assert [e[0] for e in events] == ["submit", "return", "submit", "approve", "publish", "reopen"]
    assert events[1][2] == "走访数偏低，请核实" and events[-1][2] == "更正上云企业数"


@pytest.mark.parametrize(
    ("role", "step"),
    [
        ("city_officer", "submit"), ("province_officer", "submit"), ("commissioner", "submit"),
        ("county_officer", "approve"), ("province_officer", "approve"), ("city_officer", "publish"),
        ("county_officer", "reopen"),
    ],
)  # fmt: skip
def test_each_step_is_for_its_level_only(world, role, step):
    donghu = region("360102")
    if step != "submit":
        svc.review_submit(actor=world.users["county_officer"], region=donghu, period=PERIOD)
    before = StatsReviewEvent.objects.count()
    with pytest.raises(PermissionDenied):
        getattr(svc, f"review_{step}")(
            actor=world.users[role],
            region=donghu,
            period=PERIOD,
            **({"reason": "x"} if step == "reopen" else {}),
        )
    assert StatsReviewEvent.objects.count() == before


def test_locked_figures_are_refused_by_a_package_and_kept_by_the_derivation(world, tmp_path):
    donghu = region("360102")
    svc.review_submit(actor=world.users["county_officer"], region=donghu, period=PERIOD)
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "indicators.csv").write_text("code,name,unit,aggregation\nn,数,家,sum\n", "utf-8")
    (root / "values.csv").write_text(
        "indicator,region,period,value\nn,360102,2025S1,5\nn,360103,2025S1,6\n", "utf-8"
    )
    with pytest.raises(
        PackageError, match="values.csv, line 2: the figures of 360102 for 2025S1 are submitted and locked"
    ):
        package_load(root)
    assert not IndicatorValue.objects.exists()
    with pytest.raises(ValidationError, match="已锁定"):
        svc.check_unlocked(donghu, PERIOD)
    # the derivation: figures derived before the lock stay as they were after it
    from django.utils import timezone

    month = timezone.localdate().strftime("%Y%m")
    derive.derive_period(month)
    before = dict(
        IndicatorValue.objects.filter(region=donghu, period=month).values_list("indicator__code", "value")
    )
    assert before["ent_total"] >= 1 and "ent_cloud" in before
    svc.review_submit(actor=world.users["county_officer"], region=donghu, period=month)
    world.ent_donghu.cloud_adopted = not world.ent_donghu.cloud_adopted
    world.ent_donghu.save()
    world.ent_xihu.cloud_adopted = True
    world.ent_xihu.save()
    derive.derive_period(month)
    after = dict(
        IndicatorValue.objects.filter(region=donghu, period=month).values_list("indicator__code", "value")
    )
    assert after == before
    assert (
        IndicatorValue.objects.get(region__code="360103", period=month, indicator__code="ent_cloud").value
        >= 1
    )


def test_the_review_board(world):
    county = Client()
    county.force_login(world.users["county_officer"])
    page = county.get(reverse("reporting:stats_reviews"), {"period": PERIOD}).content.decode()
    assert 'data-region="360102"' in page and 'data-region="360103"' not in page and 'value="submit"' in page
    response = county.post(
        reverse("reporting:stats_review_step"), {"region": "360102", "period": PERIOD, "action": "submit"}
    )
    assert response.status_code == 302 and StatsReview.objects.get().status == "submitted"
    again = county.post(
        reverse("reporting:stats_review_step"), {"region": "360102", "period": PERIOD, "action": "submit"}
    )
    assert again.status_code == 400 and "不能上报" in again.content.decode()
    city = Client()
    city.force_login(world.users["city_officer"])
    page = city.get(reverse("reporting:stats_reviews"), {"period": PERIOD}).content.decode()
    assert 'value="approve"' in page and 'data-region="360403"' not in page
    odd = city.post(
        reverse("reporting:stats_review_step"), {"region": "360403", "period": PERIOD, "action": "approve"}
    )
    assert odd.status_code == 404
