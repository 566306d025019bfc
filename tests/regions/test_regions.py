"""The division tree loaded by the data migration."""

import pytest

from regions.loader import load_regions, read_rows
from regions.models import Region
from regions.selectors import CountyResolver, RegionLookupError, region_list

pytestmark = pytest.mark.django_db


def test_tree_is_complete():
    assert Region.objects.count() == 113
    assert Region.objects.filter(level="province").count() == 1
    assert Region.objects.cities().count() == 11
    assert Region.objects.counties().count() == 100
    zone = Region.objects.get(level="zone")
    assert zone.name == "赣江新区" and not zone.has_division_code and zone.parent.code == "360000"


def test_every_county_hangs_under_a_city_with_a_matching_code():
    for county in Region.objects.counties().select_related("parent"):
        assert county.parent.level == "city"
        assert county.code[:4] == county.parent.code[:4]
        assert county.path == f"360000/{county.parent.code}/{county.code}/"


def test_customary_order_of_cities():
    names = [r.short_name for r in region_list(level="city")]
    assert names == ["南昌", "九江", "景德镇", "萍乡", "新余", "鹰潭", "赣州", "宜春", "上饶", "吉安", "抚州"]


def test_subtree():
    nanchang = Region.objects.get(code="360100")
    codes = set(nanchang.subtree().values_list("code", flat=True))
    assert "360100" in codes and "360102" in codes and "360403" not in codes
    assert Region.objects.get(code="360102").is_within(nanchang)


def test_loader_is_idempotent():
    assert load_regions(Region) == len(read_rows()) == 113
    assert Region.objects.count() == 113


@pytest.mark.parametrize("value", ["360102", "东湖区", "东湖"])
def test_resolver_by_code_full_or_short_name(value):
    assert CountyResolver().resolve(value).code == "360102"


def test_resolver_short_name_same_as_city():
    # "南昌" is both 南昌市 (city) and 南昌县's short name; only counties are looked up.
    assert CountyResolver().resolve("南昌").code == "360121"


def test_resolver_disambiguates_with_city():
    resolver = CountyResolver()
    # Make two counties share a short name, as happens across provinces' registers.
    Region.objects.filter(code="360403").update(short_name="东湖")
    resolver = CountyResolver()
    with pytest.raises(RegionLookupError, match="ambiguous"):
        resolver.resolve("东湖")
    assert resolver.resolve("东湖", city="南昌市").code == "360102"
    assert resolver.resolve("东湖", city="九江").code == "360403"
    assert resolver.resolve("东湖", city="360400").code == "360403"


@pytest.mark.parametrize("value", ["", "火星区", "999999"])
def test_resolver_rejects_unknown(value):
    with pytest.raises(RegionLookupError):
        CountyResolver().resolve(value)
