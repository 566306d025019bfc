"""The officers' dashboard (统计看板): headline figures from the derived store with exact
month-on-month and year-on-year changes, targets progress, charts drawn server-side and by the
vendored ECharts, the home page's panel, scope (another region is 404) and fixed query counts."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.home import home_for
from diagnosis.models import Diagnosis, Enterprise, Visit
from reporting.models import DerivationRun, Indicator, IndicatorValue, ProgrammeTarget
from reporting.selectors.dashboard import dashboard, month_shift
from reporting.services import derive
from tests.diagnosis.test_selectors_benchmark import issued
from tests.factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db


def this_month() -> str:
    return timezone.localdate().strftime("%Y%m")


def put(code: str, region_code: str, period: str, value) -> None:
    indicator, _created = Indicator.objects.get_or_create(code=code, defaults={"name": code})
    IndicatorValue.objects.update_or_create(
        indicator=indicator, region=region(region_code), period=period, defaults={"value": Decimal(value)}
    )


def headline(board, key):
    return next(h for h in board.headlines if h.key == key)


def test_headlines_agree_with_direct_counts_after_deriving(world):
    today = timezone.localdate()
    EnterpriseFactory(county=region("360403"), above_designated_size=True, iip_platform_used=True)
    for enterprise in (world.ent_donghu, world.ent_xihu):
        Visit.objects.create(
            enterprise=enterprise, commissioner=world.users["commissioner"], visited_on=today, summary="走访"
        )
    done = issued(world.ent_donghu, world.clinic, "55.5", days_ago=0)
    Diagnosis.objects.filter(pk=done.pk).update(level=2)
    derive.derive_month(this_month())
    board = dashboard(world.users["province_officer"])
    assert board.region.code == "360000"
    visits = Visit.objects.filter(visited_on__year=today.year, visited_on__month=today.month).count()
    assert headline(board, "visits").value == str(visits)
    assert headline(board, "ent_total").value == str(Enterprise.objects.count())
    above = Enterprise.objects.filter(above_designated_size=True).count()
    assert headline(board, "ent_above").value == str(above)
    diagnosed_above = (
        Enterprise.objects.filter(above_designated_size=True, diagnoses__status__in=Diagnosis.ISSUED_STATES)
        .distinct()
        .count()
    )
    coverage = (Decimal(diagnosed_above) * 100 / above).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    assert headline(board, "diagnosis_coverage").value == f"{coverage}%"
    assert headline(board, "average_score").value == "55.50"
    city = dashboard(world.users["city_officer"])
    city_visits = Visit.objects.filter(
        enterprise__county__parent__code="360100", visited_on__year=today.year, visited_on__month=today.month
    ).count()
    assert city.region.code == "360100" and headline(city, "visits").value == str(city_visits)


def test_changes_are_exact_and_half_up(world):
    month = this_month()
    put("visits", "360102", month, "45")
    put("visits", "360102", month_shift(month, -1), "40")
    put("visits", "360102", month_shift(month, -12), "54")
    put("visits", "360102", month[:4], "300")
    board = dashboard(world.users["county_officer"])
    visits = headline(board, "visits")
    assert (visits.value, visits.previous, visits.year_ago) == ("45", "40", "54")
    assert visits.mom == "+12.5%"  # 5 / 40
    assert visits.yoy == "-16.7%"  # -9 / 54 = -16.666…
    assert visits.year_to_date == "300"
    # nothing to compare against: a dash, never a division by zero
    put("diagnoses_issued", "360102", month, "3")
    put("diagnoses_issued", "360102", month_shift(month, -1), "0")
    issued_now = headline(dashboard(world.users["county_officer"]), "diagnoses_issued")
    assert (issued_now.mom, issued_now.yoy) == ("—", "—")


def test_a_month_in_the_past_reads_that_month(world):
    put("visits", "360102", "202501", "7")
    put("visits", "360102", "202412", "14")
    visits = headline(dashboard(world.users["county_officer"], month="202501"), "visits")
    assert (visits.value, visits.mom) == ("7", "-50.0%")


def test_targets_progress_and_the_latest_earlier_year(world):
    month = this_month()
    year = int(month[:4])
    put("ent_above", "360102", month, "40")
    put("ent_above_diagnosed", "360102", month, "30")
    put("ent_transforming", "360102", month, "2500")
    province = region("360000")
    ProgrammeTarget.objects.update_or_create(
        indicator="diagnosis_coverage", year=year, region=province, defaults={"target": Decimal("100")}
    )
    ProgrammeTarget.objects.filter(indicator="ent_transforming", region=province).delete()
    ProgrammeTarget.objects.create(indicator="ent_transforming", year=year - 3, region=province, target=10000)
    board = dashboard(world.users["province_officer"])
    targets = {t.indicator: t for t in board.targets}
    coverage = targets["diagnosis_coverage"]
    assert (coverage.actual, coverage.target, coverage.percent) == ("75.0%", "100%", "75.0%")
    transforming = targets["ent_transforming"]
    assert (transforming.actual, transforming.target, transforming.percent) == ("2500", "10000", "25.0%")
    assert transforming.year == year - 3  # no target for this year: the latest earlier one
    assert {"clinics_active", "commissioners_active", "providers_admitted"} <= set(targets)
    # a county without targets of its own shows none rather than the province's
    county = {t.indicator: t for t in dashboard(world.users["county_officer"]).targets}
    assert county["ent_transforming"].target == "—" and county["ent_transforming"].percent == "—"


def test_scope_another_region_is_none_and_the_page_404(world):
    city, county = world.users["city_officer"], world.users["county_officer"]
    assert dashboard(city, "360102").region.code == "360102"  # a county of their city
    assert dashboard(city, "360403") is None  # 浔阳, in 九江
    assert dashboard(county, "360100") is None  # their own city is above them
    assert dashboard(world.users["commissioner"]) is None
    client = Client()
    client.force_login(county)
    assert client.get(reverse("reporting:dashboard_region", kwargs={"region": "360403"})).status_code == 404
    assert client.get(reverse("reporting:dashboard_region", kwargs={"region": "360102"})).status_code == 200
    enterprise = Client()
    enterprise.force_login(world.users["enterprise_user"])
    assert enterprise.get(reverse("reporting:dashboard")).status_code == 404


def test_values_outside_the_officers_region_are_never_read(world):
    month = this_month()
    put("visits", "360102", month, "5")
    put("visits", "360403", month, "700")
    assert headline(dashboard(world.users["province_officer"]), "visits").value == "705"
    assert headline(dashboard(world.users["city_officer"]), "visits").value == "5"


@pytest.mark.parametrize(
    "query",
    [
        {"month": "abc"},
        {"month": "209912"},
        {"month": "2026-13"},
        {"month": "\x00"},
        {"region": "<script>"},
        {"region": "36" * 50},
        {"region": "东湖"},
    ],
)
def test_hostile_queries_never_500(world, query):
    client = Client()
    client.force_login(world.users["province_officer"])
    response = client.get(reverse("reporting:dashboard"), query, follow=True)
    assert response.status_code in (200, 404)
    if "month" in query:
        assert response.status_code == 200  # an unusable month falls back to this one
        assert f'value="{this_month()[:4]}-{this_month()[4:]}"' in response.content.decode()


def test_the_picker_redirects_to_the_regions_page(world):
    client = Client()
    client.force_login(world.users["province_officer"])
    response = client.get(reverse("reporting:dashboard"), {"region": "360100", "month": "2025-06"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("reporting:dashboard_region", kwargs={"region": "360100"}) + "?month=202506"
    )


def test_the_page_draws_every_chart_as_svg_and_loads_the_local_echarts(world):
    month = this_month()
    put("ent_diagnosed", "360102", month[:4], "12")
    put("diagnoses_issued", "360102", month, "4")
    for n, count in enumerate(["3", "9", "28", "5", "0"]):
        put(f"level_{n}", "360102", month, count)
    DerivationRun.objects.create(period=month, status="done", finished_at=timezone.now())
    client = Client()
    client.force_login(world.users["province_officer"])
    html = client.get(reverse("reporting:dashboard")).content.decode()
    for key in ("diagnosed_by_region", "diagnoses_by_month", "levels", "diagnosed_map"):
        assert re.search(
            rf'data-chart="{key}"[^>]*>\s*<figcaption>[^<]*</figcaption>\s*<div class="chart-body"><svg', html
        )
    assert "数据截至" in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any(s.endswith("vendor/echarts/echarts.min.js") for s in scripts)
    assert all(s.startswith("/") and not s.startswith("//") for s in scripts)  # no CDN
    data = json.loads(
        re.search(r'id="dashboard-charts" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    bar = next(c for c in data if c["key"] == "diagnosed_by_region")
    assert ["南昌", "12"] in bar["items"]
    levels = next(c for c in data if c["key"] == "levels")
    assert levels["series"][-1][1] == ["3", "9", "28", "5", "0"]
    trend = next(c for c in data if c["key"] == "diagnoses_by_month")
    assert trend["points"][-1] == [f"{month[:4]}-{month[4:]}", "4"]


def test_the_vendored_assets_are_there_with_their_licence():
    vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts"
    assert (vendor / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (vendor / "LICENSE").read_text()
    geo = json.loads((vendor / "map" / "jiangxi.json").read_text())
    assert sorted(f["id"] for f in geo["features"]) == [f"36{n:02d}00" for n in range(1, 12)]


def test_query_count_does_not_grow_with_regions_or_values(world):
    month = this_month()
    put("visits", "360102", month, "1")
    actor = world.users["province_officer"]
    with CaptureQueriesContext(connection) as few:
        dashboard(actor)
    for code in ("360103", "360104", "360403", "360402", "360902"):
        for back in range(14):
            put("visits", code, month_shift(month, -back), str(back))
            put("ent_diagnosed", code, month[:4], "3")
    EnterpriseFactory.create_batch(5, county=region("360403"))
    with CaptureQueriesContext(connection) as many:
        dashboard(actor)
    assert len(many.captured_queries) == len(few.captured_queries) <= 14


def test_the_home_page_panel_for_officers_only(world):
    put("diagnoses_issued", "360102", this_month(), "6")
    panel = next(p for p in home_for(world.users["county_officer"]).panels if p.key == "statistics")
    figure = next(f for f in panel.figures if f.value == "6")
    assert figure.label == "本月出具诊断书（环比 —）"
    assert panel.more_url == reverse("reporting:dashboard")
    assert panel.rows[0].value == "尚未计算"
    for role in ("commissioner", "enterprise_user", "clinic_staff"):
        assert not any(p.key == "statistics" for p in home_for(world.users[role]).panels)


def test_a_visit_logged_shows_after_the_next_derivation(world, monkeypatch):
    """The month under way is derived again when the casework changed (the sweep's catch-up);
    the dashboard then reads the new figure. (Inside a test transaction nothing commits, so the
    data version that a commit would replace is replaced by hand; the real worker's test is
    tests/integration/test_stats_freshness.py.)"""
    month = this_month()
    derive.derivation_run(period=month)
    before = headline(dashboard(world.users["county_officer"]), "visits").value
    Visit.objects.create(
        enterprise=world.ent_donghu, commissioner=world.users["commissioner"],
        visited_on=timezone.localdate(), summary="新走访",
    )  # fmt: skip
    monkeypatch.setattr("core.freshness.token", lambda: "after the visit")
    later = timezone.now() + datetime.timedelta(seconds=settings.STATS_REFRESH_SECONDS + 1)
    for run in derive.derivation_catch_up(later):
        derive.derivation_run(period=run.period)
    after = headline(dashboard(world.users["county_officer"]), "visits").value
    assert int(after) == (0 if before == "—" else int(before)) + 1
