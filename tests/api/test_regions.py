"""``/api/v1/regions/``: the whole division tree in customary order, for any signed-in user."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from tests.roles import ALL_ROLES

URL = "/api/v1/regions/"
CSV = Path(settings.BASE_DIR) / "regions" / "data" / "jiangxi_regions.csv"


def customary_order_from_csv() -> list[str]:
    """The order provincial documents use, derived from the source file independently of the code.

    Province first; then cities and the zone by ``sort_order``; then counties grouped by their
    city in the cities' order, each group by ``sort_order``.
    """
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    by_code = {r["code"]: r for r in rows}
    depth = {"province": 0, "city": 1, "zone": 1, "county": 2}

    def key(r):
        parent = by_code.get(r["parent_code"])
        return (
            depth[r["level"]],
            int(parent["sort_order"]) if parent else -1,
            int(r["sort_order"]),
            r["code"],
        )

    return [r["code"] for r in sorted(rows, key=key)]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_signed_in_user_gets_all_113_in_customary_order(world, client_for, role):
    response = client_for(role).get(URL)
    assert response.status_code == 200
    assert len(response.data) == 113
    assert [r["code"] for r in response.data] == customary_order_from_csv()


def test_region_fields(world, client_for):
    data = client_for("enterprise_user").get(URL).data
    province, first_city = data[0], data[1]
    assert province == {
        "code": "360000", "name": "江西省", "short_name": "江西", "level": "province",
        "level_label": "省", "parent": None, "sort_order": 0,
    }  # fmt: skip
    assert (first_city["code"], first_city["name"], first_city["parent"]) == ("360100", "南昌市", "360000")
    zone = next(r for r in data if r["level"] == "zone")
    assert (zone["code"], zone["name"]) == ("GJXQ", "赣江新区")


def test_filter_by_level_and_parent(world, client_for):
    client = client_for("commissioner")
    counties = client.get(URL, {"level": "county"}).data
    assert len(counties) == 100
    assert {r["level"] for r in counties} == {"county"}
    cities = [r["code"] for r in client.get(URL, {"level": "city"}).data]
    assert len(cities) == 11
    nanchang = client.get(URL, {"parent": "360100"}).data
    assert nanchang and {r["parent"] for r in nanchang} == {"360100"}
    assert "360102" in {r["code"] for r in nanchang}
    expected = [c for c in customary_order_from_csv() if c in {r["code"] for r in nanchang}]
    assert [r["code"] for r in nanchang] == expected
    top = client.get(URL, {"parent": "360000", "level": "zone"}).data
    assert [r["code"] for r in top] == ["GJXQ"]
    assert client.get(URL, {"parent": "999999"}).data == []


def test_unknown_level_is_400(world, client_for):
    response = client_for("admin").get(URL, {"level": "town"})
    assert response.status_code == 400
    assert "层级" in response.data["level"][0]


def test_regions_are_read_only(world, client_for):
    assert client_for("admin").post(URL, {"code": "1"}, format="json").status_code == 405


def test_regions_list_is_one_query(world, client_for, django_assert_num_queries):
    client = client_for("admin")
    with django_assert_num_queries(1):
        client.get(URL)
