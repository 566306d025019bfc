"""The departments' API downloads: values and computed tables as CSV and XLSX, scoped by region
like the JSON (a city officer's files hold their city and its counties only), exact decimals."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from reporting.services.stats import package_load

PACKAGE = Path(__file__).parent / "fixtures" / "bulletin-2022s1"
pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_values_as_xlsx_hold_only_the_city_and_exact_decimals(world):
    package_load(PACKAGE)
    city = _client(world.users["city_officer"])
    response = city.get("/api/v1/stats/values/", {"indicator": "iip_rate", "download": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = _sheet_rows(response)
    assert rows[0] == ("indicator", "region", "period", "value", "source")
    regions = {row[1] for row in rows[1:]}
    assert regions and all(code.startswith("3601") for code in regions)
    assert ("iip_rate", "360100", "2022S1", "0.1492", "imported") in rows


@pytest.mark.parametrize("download", ["csv", "xlsx"])
def test_a_computed_table_downloads_as_the_json_shows_it(world, download):
    package_load(PACKAGE)
    city = _client(world.users["city_officer"])
    url = "/api/v1/stats/tables/annex2_counties/"
    shown = city.get(url).json()
    response = city.get(url, {"download": download})
    assert response.status_code == 200
    if download == "xlsx":
        rows = [tuple("" if c is None else str(c) for c in row) for row in _sheet_rows(response)]
    else:
        import csv

        rows = [tuple(r) for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert rows[0] == ("region", "label", *shown["columns"])
    assert rows[1:] == [(r["region"], r["label"], *r["cells"]) for r in shown["rows"]]
    assert all(row[0].startswith("3601") for row in rows[1:])
