"""Statistics pages and API: loading a zipped package in the browser (all or nothing, only one's own
region), tables and downloads scoped to the officer's region, the API's table and values."""

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import IndicatorValue, StatsTable
from reporting.services.stats import package_load

PACKAGE = Path(__file__).parent / "fixtures" / "bulletin-2022s1"
pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def zipped(root: Path = PACKAGE, top: str = "bulletin-2022s1", extra: dict | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{path.relative_to(root)}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    buffer.seek(0)
    buffer.name = "bulletin.zip"
    return buffer


def test_the_province_loads_a_zipped_package_in_the_browser(world):
    officer = client(world.users["province_officer"])
    response = officer.post(reverse("reporting:stats_load"), {"package": zipped()})
    assert response.status_code == 302
    assert StatsTable.objects.count() == 4 and IndicatorValue.objects.count() == 259
    page = officer.get(response["Location"]).content.decode()
    assert "已导入 12 个指标、259 个数值、4 张表。" in page and "公布为" not in page


def test_a_county_officer_may_not_load_other_regions_figures(world):
    response = client(world.users["county_officer"]).post(
        reverse("reporting:stats_load"), {"package": zipped()}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "values.csv, line 2, column 2: region 360900 is outside your jurisdiction" in text
    assert not IndicatorValue.objects.exists() and not StatsTable.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [b"not a zip", None],
)
def test_bad_uploads_are_refused_with_a_reason(world, payload):
    data = {} if payload is None else {"package": io.BytesIO(payload)}
    if payload is not None:
        data["package"].name = "x.zip"
    response = client(world.users["province_officer"]).post(reverse("reporting:stats_load"), data)
    assert response.status_code == 400 and 'data-testid="package-problems"' in response.content.decode()


def test_unsafe_zip_paths_are_refused(world):
    response = client(world.users["province_officer"]).post(
        reverse("reporting:stats_load"), {"package": zipped(extra={"../evil.csv": "x"})}
    )
    assert response.status_code == 400 and "outside its folder" in response.content.decode()


def test_a_city_officer_sees_and_downloads_only_their_city(world):
    package_load(PACKAGE)
    officer = client(world.users["city_officer"])
    url = reverse("reporting:stats_table", args=["annex2_counties"])
    page = officer.get(url).content.decode()
    assert 'data-region="360102"' in page and 'data-region="360403"' not in page
    csv = officer.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "360102" in csv and "360403" not in csv
    xlsx = officer.get(url, {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} <= {f"3601{n:02d}" for n in range(100)} and len(rows) > 2
    province = client(world.users["province_officer"]).get(reverse("reporting:stats_table", args=["annex1"]))
    text = province.content.decode()
    assert "位列前三位的为宜春（192家）、新余（44家）和九江（40家）。" in text


def test_an_odd_period_falls_back_to_the_layouts(world):
    package_load(PACKAGE)
    response = client(world.users["province_officer"]).get(
        reverse("reporting:stats_table", args=["annex3"]), {"period": "<script>"}
    )
    assert response.status_code == 200 and "2022S1" in response.content.decode()


def test_the_api_serves_tables_and_values_by_region(world):
    package_load(PACKAGE)
    city = Client()
    city.force_login(world.users["city_officer"])
    table = city.get("/api/v1/stats/tables/annex2_counties/").json()
    assert set(table) == {"code", "title", "period", "columns", "rows", "rank"}
    assert all(row["region"].startswith("3601") for row in table["rows"])
    values = city.get("/api/v1/stats/values/", {"indicator": "cloud_new", "period": "2022S1"}).json()
    regions = {row["region"] for row in values["results"]}
    assert "360102" in regions and "360403" not in regions and "360000" not in regions
    assert city.get("/api/v1/stats/values/", {"period": "2022X"}).status_code == 400
    province = Client()
    province.force_login(world.users["province_officer"])
    total = [
        r for r in province.get("/api/v1/stats/tables/annex1/").json()["rows"] if r["region"] == "360000"
    ]
    assert total[0]["cells"][1] == "236(230/6/0)"
    csv = province.get("/api/v1/stats/values/", {"indicator": "iip_rate", "download": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "iip_rate,360100,2022S1,0.1492" in csv and json.dumps(csv)
