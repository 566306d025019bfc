"""Reads of the indicator store: values with aggregation, and tables computed from stored values.

Contract:
- ``value_resolver(codes, periods, actor=None)`` loads the stored values of those indicators and
  periods in one query (only the regions ``actor`` sees, when given) and returns
  ``(value, tie_order)``: ``value(code, region_code, period)`` is the region's own value if it has
  one, else — for a ``sum`` indicator — the exact sum of its children's values (recursively) when
  any child has one, else ``None``; ``tie_order`` ranks regions by the first stored value of theirs
  (the order a department's package listed them), used to keep ties in a ranking stable.
- ``table_compute(code, period=None, actor=None)`` is the table of ``StatsTable`` ``code``
  (``Http404`` when there is none) in the JSON shape of ``reporting.stats.tables.compute``. With
  ``actor``, rows outside the actor's region are left out and only values inside it are read (a
  city officer gets their city, or their counties); a fixed number of queries. ``with_values``
  adds each row's unformatted values (``reporting.stats.tables.compute``).
- ``layout_compute(layout, period=None, actor=None, with_values=False)`` is the same for a layout
  dict that need not be stored (a layout being edited, previewed before it is saved); ``layout``
  must have passed ``reporting.stats.tables.check_layout``. ``table_compute`` is this applied to
  the stored layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.http import Http404

from regions.models import Region
from reporting.models import Indicator, IndicatorValue, StatsTable
from reporting.stats.expressions import parse
from reporting.stats.periods import parse_period
from reporting.stats.tables import RegionRow, compute


def _region_tree():
    rows = list(
        Region.objects.values_list("code", "short_name", "level", "sort_order", "parent__code", "path")
    )
    children: dict[str, list[str]] = {}
    for code, _short, _level, _order, parent, _path in rows:
        if parent:
            children.setdefault(parent, []).append(code)
    return rows, children


def value_resolver(codes: Iterable[str], periods: Iterable[str], actor=None):
    codes, periods = set(codes), set(periods)
    stored = IndicatorValue.objects.filter(indicator__code__in=codes, period__in=periods)
    if actor is not None:
        stored = IndicatorValue.objects.visible_to(actor).filter(pk__in=stored.values("pk"))
    own: dict[tuple[str, str, str], Decimal] = {}
    first: dict[str, int] = {}
    # an indicator without a stored value has nothing to aggregate: its aggregation comes with its values
    aggregation: dict[str, str] = {}
    for code, how, region, period, value, pk in stored.values_list(
        "indicator__code", "indicator__aggregation", "region__code", "period", "value", "pk"
    ).order_by("pk"):
        own[(code, region, period)] = value
        aggregation[code] = how
        first.setdefault(region, pk)
    _rows, children = _region_tree()
    cache: dict[tuple[str, str, str], Decimal | None] = {}

    def value(code: str, region: str, period: str) -> Decimal | None:
        key = (code, region, period)
        if key in own:
            return own[key]
        if aggregation.get(code) != Indicator.Aggregation.SUM:
            return None
        if key not in cache:
            parts = [value(code, child, period) for child in children.get(region, [])]
            given = [part for part in parts if part is not None]
            cache[key] = sum(given, Decimal(0)) if given else None
        return cache[key]

    tie_order = {
        region: index for index, (region, _pk) in enumerate(sorted(first.items(), key=lambda kv: kv[1]))
    }
    return value, tie_order


def _layout_codes(layout) -> set[str]:
    codes: set[str] = set()
    for column in layout["columns"]:
        for text in [column["expr"], *(column.get("parts") or [])]:
            codes |= parse(text).codes
    return codes


def table_compute(*, code: str, period: str | None = None, actor=None, with_values: bool = False) -> dict:
    table = StatsTable.objects.filter(code=code).first()
    if table is None:
        raise Http404
    return layout_compute(layout=table.layout, period=period, actor=actor, with_values=with_values)


def layout_compute(
    *, layout: Mapping, period: str | None = None, actor=None, with_values: bool = False
) -> dict:
    period = parse_period(period or layout["period"])[0]
    periods = {period}
    if layout.get("base_period"):
        periods.add(parse_period(layout["base_period"])[0])
    value, tie_order = value_resolver(_layout_codes(layout), periods, actor)
    rows, _children = _region_tree()
    prefix = region_prefix(actor) if actor is not None else ""
    regions = [
        RegionRow(code=c, short_name=short, level=level, sort_order=order)
        for c, short, level, order, _parent, path in rows
        if prefix is not None and path.startswith(prefix)
    ]
    return compute(layout, regions, value, period=period, tie_order=tie_order, with_values=with_values)


def region_prefix(actor) -> str | None:
    """The region path whose figures ``actor`` reads: ``""`` (all) for the province and
    administrators, their region's path for city and county officers, ``None`` for anyone else."""
    from accounts.scope import Reach, scope_for

    scope = scope_for(actor)
    if scope.reach == Reach.ALL:
        return ""
    if scope.reach == Reach.REGION:
        return scope.region_path
    return None
