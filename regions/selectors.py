"""Reads over the division tree: lookups by code, full name and short name; choice lists."""

import time
from functools import lru_cache

from .models import Region

#: Choice lists of the division tree are kept this long in each process. The tree changes by data
#: migration (a new division plan), rarely by the admin; a list page must not rebuild a hundred
#: counties from the database on every request.
CHOICES_TTL_SECONDS = 300


class RegionLookupError(ValueError):
    """A name or code that matches no region, or more than one."""


def region_by_code(code: str) -> Region:
    return Region.objects.get(code=code)


def region_list(*, level: str | None = None) -> list[Region]:
    """Regions in customary order (province, cities by sort_order, counties by city then sort_order)."""
    qs = Region.objects.select_related("parent")
    if level:
        qs = qs.filter(level=level)
    return list(qs.in_customary_order())


def region_choice_groups(path: str = "", *, levels: tuple[str, ...] = ("county",)) -> list:
    """``[(parent name, [(code, name), …]), …]`` of the regions at ``levels`` under ``path`` ("" =
    the whole province), in customary order, grouped by parent; cached per process (see
    ``CHOICES_TTL_SECONDS``). The values are region codes."""
    return _region_choice_groups(path, levels, int(time.monotonic() // CHOICES_TTL_SECONDS))


@lru_cache(maxsize=256)
def _region_choice_groups(path: str, levels: tuple[str, ...], _epoch: int) -> list:
    rows = (
        Region.objects.filter(level__in=levels, path__startswith=path)
        .order_by("parent__sort_order", "sort_order", "code")
        .values_list("code", "name", "parent__name")
    )
    groups: dict[str, list] = {}
    for code, name, parent in rows:
        groups.setdefault(parent or "", []).append((code, name))
    return list(groups.items())


class CountyResolver:
    """Resolve a county written as a code, a full name or a short name.

    Built once per import (one query) and then answers from memory. A short name shared by two
    counties is resolved with the city (code, full or short name) when one is given.
    """

    def __init__(self) -> None:
        self.cities: dict[str, Region] = {}
        self.by_key: dict[str, list[Region]] = {}
        for region in Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.ZONE]):
            for key in (region.code, region.name, region.short_name):
                self.cities[key] = region
        for county in Region.objects.counties().select_related("parent"):
            for key in {county.code, county.name, county.short_name}:
                self.by_key.setdefault(key, []).append(county)

    def resolve(self, value: str, city: str = "") -> Region:
        value = (value or "").strip()
        if not value:
            raise RegionLookupError("empty")
        candidates = self.by_key.get(value, [])
        if not candidates:
            raise RegionLookupError("unknown")
        if len(candidates) == 1:
            return candidates[0]
        city_region = self.cities.get((city or "").strip())
        if city_region:
            within = [c for c in candidates if c.parent_id == city_region.id]
            if len(within) == 1:
                return within[0]
        raise RegionLookupError("ambiguous")
