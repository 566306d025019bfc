"""The dashboard in Chromium: the vendored ECharts draws every chart (the map from the vendored
GeoJSON) with nothing fetched from outside the site and no script error, on a desktop and on a
phone; without JavaScript the same charts show as the server's SVG; a visit logged and derived
shows in the headline."""

from decimal import Decimal

import pytest
from django.utils import timezone

from diagnosis.models import Visit
from reporting.models import DerivationRun, Indicator, IndicatorValue
from reporting.services import derive
from tests.factories import region

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figures() -> None:
    month = timezone.localdate().strftime("%Y%m")
    for code, region_code, period, value in (
        ("ent_diagnosed", "360102", month[:4], "12"),
        ("ent_diagnosed", "360403", month[:4], "30"),
        ("diagnoses_issued", "360102", month, "4"),
        ("level_1", "360102", month, "9"),
        ("level_2", "360102", month, "28"),
    ):
        indicator, _created = Indicator.objects.get_or_create(code=code, defaults={"name": code})
        IndicatorValue.objects.create(
            indicator=indicator, region=region(region_code), period=period, value=Decimal(value)
        )
    DerivationRun.objects.create(period=month, status="done", finished_at=timezone.now())


def test_echarts_draws_every_chart_offline_on_desktop(desktop_page, live_server, world, shot):
    _figures()
    page = desktop_page
    sign_in(page, live_server, world.users["province_officer"].username)
    page.goto(f"{live_server.url}/reporting/dashboard/")
    figures = page.locator("figure.chart")
    assert figures.count() == 4
    page.wait_for_function("document.querySelectorAll('figure.chart[data-echarts=ready]').length === 4")
    # ECharts drew in SVG: the map's cities are there, named as in the GeoJSON
    assert page.locator("[data-chart=diagnosed_map] .chart-canvas svg path").count() >= 11
    assert "南昌市" in page.locator("[data-chart=diagnosed_map]").inner_text()
    shot(page, "dashboard-desktop")


def test_the_dashboard_fits_a_phone_and_drills_down(phone_page, live_server, world, shot):
    _figures()
    page = phone_page
    sign_in(page, live_server, world.users["city_officer"].username)
    page.goto(f"{live_server.url}/reporting/dashboard/")
    page.wait_for_function("document.querySelectorAll('figure.chart[data-echarts=ready]').length === 3")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    page.select_option("#id_region", "360102")
    with page.expect_navigation():
        page.click("[data-testid=dashboard-pick] button")
    assert "/reporting/dashboard/360102/?month=" in page.url
    assert page.locator("[data-testid=dashboard-region]").inner_text() == "东湖区"
    shot(page, "dashboard-phone")


def test_without_javascript_the_server_svg_shows(browser, live_server, world):
    _figures()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, world.users["province_officer"].username)
        page.goto(f"{live_server.url}/reporting/dashboard/")
        assert page.locator("figure.chart .chart-body > svg").count() == 4
        assert page.locator("[data-chart=diagnosed_map] svg path[data-region]").count() == 11
    finally:
        context.close()


def test_a_visit_logged_and_derived_shows_in_the_headline(desktop_page, live_server, world):
    page = desktop_page
    Visit.objects.create(
        enterprise=world.ent_donghu, commissioner=world.users["commissioner"],
        visited_on=timezone.localdate(), summary="看板走访",
    )  # fmt: skip
    derive.derivation_run(period=timezone.localdate().strftime("%Y%m"))
    sign_in(page, live_server, world.users["county_officer"].username)
    page.goto(f"{live_server.url}/reporting/dashboard/")
    assert page.locator("[data-headline=visits] [data-testid=value]").inner_text() == "1"
    assert "数据截至" in page.locator("[data-testid=data-as-of]").inner_text()
