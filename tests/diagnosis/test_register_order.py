"""The register's order (county in customary order, then name, then id) is kept by the database.

``Enterprise.county_order`` copies the county's ``Region.sort_order`` through triggers, so every
writer — services, bulk inserts, bulk updates, a re-sorted region — leaves the order right.
"""

import pytest

from diagnosis.models import Enterprise
from regions.codes import make_credit_code
from tests.factories import EnterpriseFactory, region

pytestmark = pytest.mark.django_db


def order_of(enterprise: Enterprise) -> int:
    return Enterprise.objects.values_list("county_order", flat=True).get(pk=enterprise.pk)


def test_insert_takes_the_county_position():
    enterprise = EnterpriseFactory(county=region("360702"))
    assert order_of(enterprise) == region("360702").sort_order > 0


def test_bulk_insert_takes_the_county_position():
    county = region("360121")
    Enterprise.objects.bulk_create(
        [
            Enterprise(county=county, name=f"批量{i}", credit_code=make_credit_code("360121", 880_000 + i))
            for i in range(3)
        ]
    )
    assert set(Enterprise.objects.filter(name__startswith="批量").values_list("county_order", flat=True)) == {
        county.sort_order
    }


def test_moving_county_follows_by_save_and_by_update():
    enterprise = EnterpriseFactory(county=region("360102"))
    enterprise.county = region("360702")
    enterprise.save()
    assert order_of(enterprise) == region("360702").sort_order
    Enterprise.objects.filter(pk=enterprise.pk).update(county=region("360121"))
    assert order_of(enterprise) == region("360121").sort_order


def test_resorted_region_carries_its_enterprises():
    county = region("360102")
    enterprise = EnterpriseFactory(county=county)
    county.sort_order = 777
    county.save(update_fields=["sort_order"])
    assert order_of(enterprise) == 777


def test_default_order_is_customary_county_then_name():
    names = [("360702", "甲"), ("360102", "乙"), ("360102", "丙"), ("360121", "丁")]
    for code, name in names:
        EnterpriseFactory(county=region(code), name=name)
    expected = list(
        Enterprise.objects.order_by("county__sort_order", "name", "id").values_list("pk", flat=True)
    )
    assert list(Enterprise.objects.values_list("pk", flat=True)) == expected
    assert len(expected) == 4
