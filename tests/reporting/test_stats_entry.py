"""The data-entry grid: exact values as typed, one's own region only, locked periods refused,
derived indicators not enterable, every change audited, a bad cell keeps what was typed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from reporting.models import Indicator, IndicatorValue, IndicatorValueChange
from reporting.services import review
from reporting.services.derive import ensure_indicators
from reporting.services.entry import value_enter
from tests.factories import region

pytestmark = pytest.mark.django_db
PERIOD = "2025S1"


@pytest.fixture
def indicator():
    return Indicator.objects.create(code="new_cloud", name="新增上云企业数", unit="家")


def enter(world, indicator, text, role="county_officer", code="360102"):
    return value_enter(
        actor=world.users[role], indicator=indicator, region=region(code), period=PERIOD, text=text
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("31670.806", "31670.806"), ("１，２３４.５", "1234.5"), (" 0.1492 ", "0.1492"), ("0", "0")],
)
def test_values_are_stored_exactly_as_typed(world, indicator, text, value):
    assert enter(world, indicator, text) == Decimal(value)
    stored = IndicatorValue.objects.get()
    assert (
        stored.value == Decimal(value)
        and stored.source == "entered"
        and stored.entered_by == world.users["county_officer"]
    )


@pytest.mark.parametrize("text", ["1e3", "NaN", "12,5x", "1/2", "0.12345678901", "=1+1", "-"])
def test_odd_text_is_refused_with_the_reason(world, indicator, text):
    with pytest.raises(ValidationError, match="不是有效的数值"):
        enter(world, indicator, text)
    assert not IndicatorValue.objects.exists() and not IndicatorValueChange.objects.exists()


def test_changes_are_audited_and_an_empty_cell_removes_the_value(world, indicator):
    enter(world, indicator, "5")
    enter(world, indicator, "5")  # the same value: nothing written
    enter(world, indicator, "7")
    enter(world, indicator, "")
    changes = list(IndicatorValueChange.objects.values_list("before", "after"))
    assert changes == [(None, Decimal("5")), (Decimal("5"), Decimal("7")), (Decimal("7"), None)]
    assert not IndicatorValue.objects.exists()


def test_only_ones_own_region_and_never_a_derived_indicator(world, indicator):
    with pytest.raises(PermissionDenied):
        enter(world, indicator, "1", code="360103")  # 西湖 is not 东湖
    with pytest.raises(PermissionDenied):
        enter(world, indicator, "1", role="commissioner")
    assert enter(world, indicator, "2", role="city_officer", code="360103") == 2
    with pytest.raises(ValidationError, match="由系统根据业务数据计算"):
        enter(world, ensure_indicators()["visits"], "9")


def test_a_locked_period_is_refused_with_a_clear_message(world, indicator):
    review.review_submit(actor=world.users["county_officer"], region=region("360102"), period=PERIOD)
    with pytest.raises(ValidationError, match="已锁定，不能修改"):
        enter(world, indicator, "3")


def test_the_grid_saves_good_cells_and_keeps_a_bad_one_as_typed(world, indicator):
    other = Indicator.objects.create(code="iiot", name="项目数", unit="个")
    c = Client()
    c.force_login(world.users["county_officer"])
    url = reverse("reporting:stats_entry")
    page = c.get(url, {"period": PERIOD}).content.decode()
    donghu = region("360102")
    good, bad = f"v-{indicator.pk}-{donghu.pk}", f"v-{other.pk}-{donghu.pk}"
    assert f'name="{good}"' in page and 'data-region="360103"' not in page
    response = c.post(url, {"period": PERIOD, good: "12", bad: "十二", "v-999-1": "5", "noise": "x"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="十二"' in text and "不是有效的数值" in text
    assert IndicatorValue.objects.get().value == 12
    cell = c.post(reverse("reporting:stats_entry_cell"), {"name": bad, "period": PERIOD, "value": "3"})
    assert cell.status_code == 200 and cell.json() == {"value": "3"}
    refused = c.post(reverse("reporting:stats_entry_cell"), {"name": bad, "period": PERIOD, "value": "abc"})
    assert refused.status_code == 400 and "不是有效的数值" in refused.json()["error"]
    far = c.post(
        reverse("reporting:stats_entry_cell"),
        {"name": f"v-{other.pk}-{region('360403').pk}", "period": PERIOD, "value": "1"},
    )
    assert far.status_code == 404
