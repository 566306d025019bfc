"""The statistics bulletin's charts as SVG drawn on the server (WeasyPrint PDFs run no script).

Every function returns one ``<svg xmlns=… viewBox=… width=… height=… role="img" aria-label=title>``
string: well-formed XML, no external references, text in ``core.charts.FONT``. Every text that
comes from data (labels, names, title, unit) is escaped; nothing else in the SVG comes from data.

Values are ``int``, ``Decimal`` or ``None`` (missing). A value is printed exactly: a ``Decimal``
normalised without exponent or trailing zeros (``Decimal("31670.8060")`` → ``31670.806``), an
``int`` as is, a missing value as ``/``. Figures are computed in ``Decimal``; floats are used for
drawing coordinates only.

- ``bar_svg(items, *, title, unit, width)``: one vertical bar per ``(label, value)`` in the given
  order, the value printed above it; a missing value prints ``/`` and draws no bar. The y axis
  runs from 0 to a "nice" maximum (1, 2, 2.5 or 5 × 10ⁿ per step), the unit is the axis caption.
  Values below 0 are not expected: they are printed but draw no bar.
- ``trend_svg(points, *, title, unit, width)``: a line over ``(month, value)`` points (labels such
  as ``2026-01``) with a dot and the value at each point, y axis as for bars. A missing point
  prints ``/`` on the axis and breaks the line: one ``<polyline>`` per run of present points, no
  segment through a gap. A value below 0 is printed but drawn on the 0 line.
- ``levels_svg(series, *, title, labels)``: the level distribution of each ``(name, counts)``
  (counts for levels 0–4, ``labels`` naming them, by default 未达一级…四级) as centred horizontal
  bars, one panel per series side by side, level 0 at the bottom. A bar's width is its share of
  the series' total (the widest share of all panels fills the panel, so panels compare), labelled
  with the count and the share as a percent rounded half-up to one decimal (55 of 120 → 45.8%).
  Counts beyond ``labels`` are not drawn, missing ones print ``/``; a zero total prints 无数据.
- ``distribution_shape(counts)``: ``"pyramid"`` when the largest count is at level 0 and counts
  never increase going up, ``"olive"`` when the maximum lies strictly inside (levels 1–3) and
  both ends are smaller than it, else ``"other"`` (also for an empty or zero total).
- ``map_svg(values, *, title, unit, width)``: a choropleth of Jiangxi's 11 cities from
  ``{city code: value}`` (other keys ignored): 5 equal-interval classes over the present values'
  min…max (one class, the darkest, when they are all equal), missing cities grey; each city at its
  centre point labelled with its short name (without 市) and value (``/`` when missing), each ``<path>``
  carrying ``data-region="<code>"``; a legend of the classes and their ranges.
- ``city_shapes()``: the cities' polygons decoded from the vendored ECharts 4 map
  (``static/vendor/echarts/map/jiangxi.json``), cached.

Empty input draws the empty-state caption (无数据) in place of bars or a line, never a division
by zero; so does a bar chart with nothing but missing and zero values (no bar to draw), while a
trend of zeros is a flat line on a 0…1 axis.
"""

from __future__ import annotations

import functools
import json
import math
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext

from core.charts import FONT

#: Level names for ``levels_svg``, levels 0–4 (translated when drawn).
LEVEL_LABELS = ["未达一级", "一级", "二级", "三级", "四级"]

_BAR = "#1f6feb"
_AXIS = "#8c959f"
_GRID = "#e1e6ec"
_TEXT = "#1f2328"
_MUTED = "#57606a"
#: Choropleth classes, light to dark, and the fill of a city without a value.
CLASS_FILLS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
MISSING_FILL = "#d9d9d9"

_HEIGHT = 320
_EMPTY = "无数据"


# --- values --------------------------------------------------------------------------------------


def _number(value) -> Decimal | None:
    """The value as an exact Decimal (None stays None)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(str(value))


def format_value(value) -> str:
    """The value as printed: exact, without exponent or trailing zeros; ``/`` when missing."""
    if value is None:
        return "/"
    if isinstance(value, int):
        return str(value)
    text = format(_number(value).normalize(), "f")
    return "0" if text == "-0" else text


def _percent_text(part: Decimal, total: Decimal) -> str:
    """``part`` as a percent of ``total``, rounded half-up to one decimal, e.g. ``45.8%``."""
    return f"{(part * 100 / total).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _nice_axis(maximum: Decimal, ticks: int = 5) -> tuple[Decimal, Decimal]:
    """``(step, top)`` of a 0-based axis: a 1/2/2.5/5 × 10ⁿ step and the first multiple ≥ maximum."""
    raw = maximum / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        step = factor * magnitude
        if step * ticks >= maximum:
            break
    top = step * math.ceil(maximum / step)
    return step, top


# --- drawing -------------------------------------------------------------------------------------


def _open(width: int, height: int, title: str, kind: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart-{kind}">'
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 11,
    anchor: str = "middle",
    cls: str = "",
    fill: str = _TEXT,
    extra: str = "",
) -> str:
    """A text element; ``content`` is escaped here, ``extra`` holds fixed attributes only."""
    class_attr = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-family="{FONT}" text-anchor="{anchor}" '
        f'fill="{fill}"{class_attr}{extra}>{escape(content)}</text>'
    )


def _title(width: int, title: str) -> str:
    return _text(width / 2, 20, title, size=14, extra=' font-weight="bold"') if title else ""


def _empty(x: float, y: float) -> str:
    return _text(x, y, gettext(_EMPTY), size=12, cls="empty", fill=_MUTED)


def _y_axis(
    left: float, right: float, top: float, bottom: float, step: Decimal, axis_top: Decimal, unit: str
):
    """Grid lines and tick labels of a 0…axis_top axis, and the unit caption above it."""
    parts = []
    tick = Decimal(0)
    while tick <= axis_top:
        y = bottom - (bottom - top) * float(tick / axis_top)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
        parts.append(_text(left - 6, y + 4, format_value(tick), size=10, anchor="end", cls="tick"))
        tick += step
    parts.append(
        f'<line x1="{left:.1f}" y1="{top:.1f}" x2="{left:.1f}" y2="{bottom:.1f}" stroke="{_AXIS}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{right:.1f}" y2="{bottom:.1f}" stroke="{_AXIS}" stroke-width="1"/>'
    )
    if unit:
        parts.append(_text(left - 6, top - 10, f"({unit})", size=10, anchor="start", cls="unit"))
    return parts


def _x_label(x: float, y: float, label: str, *, rotate: bool) -> str:
    if rotate:
        return _text(
            x,
            y,
            label,
            size=10,
            anchor="end",
            cls="category",
            extra=f' transform="rotate(-40 {x:.1f} {y:.1f})"',
        )
    return _text(x, y, label, size=10, cls="category")


def _plot_box(width: int, title: str, unit: str) -> tuple[float, float, float, float]:
    """``(left, right, top, bottom)`` of the plot area of a bar or trend chart."""
    top = (36 if title else 12) + (14 if unit else 0) + 8
    return 56.0, width - 16.0, float(top), _HEIGHT - 56.0


def bar_svg(items: list[tuple[str, object]], *, title: str = "", unit: str = "", width: int = 640) -> str:
    """Vertical bars with their values, y axis from 0 (see the module)."""
    parts = [_open(width, _HEIGHT, title, "bar"), _title(width, title)]
    left, right, top, bottom = _plot_box(width, title, unit)
    values = [_number(value) for _label, value in items]
    present = [v for v in values if v is not None]
    maximum = max(present, default=Decimal(0))
    if maximum <= 0:
        parts.append(_empty(width / 2, (top + bottom) / 2))
        parts.append("</svg>")
        return "".join(parts)
    step, axis_top = _nice_axis(maximum)
    parts.extend(_y_axis(left, right, top, bottom, step, axis_top, unit))
    slot = (right - left) / len(items)
    bar_width = min(48.0, slot * 0.6)
    rotate = slot < 12 * max(len(str(label)) for label, _v in items) + 4
    for i, ((label, _raw), value) in enumerate(zip(items, values, strict=True)):
        centre = left + slot * (i + 0.5)
        label_y = bottom - 4
        if value is not None and value > 0:
            height = (bottom - top) * float(value / axis_top)
            parts.append(
                f'<rect class="bar" x="{centre - bar_width / 2:.1f}" y="{bottom - height:.2f}" '
                f'width="{bar_width:.1f}" height="{height:.2f}" fill="{_BAR}"/>'
            )
            label_y = bottom - height - 4
        parts.append(_text(centre, label_y, format_value(value), size=10, cls="value"))
        parts.append(_x_label(centre, bottom + 16, str(label), rotate=rotate))
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(points: list[tuple[str, object]], *, title: str = "", unit: str = "", width: int = 640) -> str:
    """A line over months with a dot and value per point; missing points break it (see the module)."""
    parts = [_open(width, _HEIGHT, title, "trend"), _title(width, title)]
    left, right, top, bottom = _plot_box(width, title, unit)
    values = [_number(value) for _label, value in points]
    present = [v for v in values if v is not None]
    maximum = max(present, default=Decimal(0))
    if maximum <= 0 and not any(v == 0 for v in present):
        parts.append(_empty(width / 2, (top + bottom) / 2))
        parts.append("</svg>")
        return "".join(parts)
    # An all-zero series is still a line (flat at 0) on a 0…1 axis.
    step, axis_top = _nice_axis(maximum) if maximum > 0 else (Decimal(1), Decimal(1))
    parts.extend(_y_axis(left, right, top, bottom, step, axis_top, unit))
    slot = (right - left) / len(points)
    every = max(1, math.ceil(48 / slot))  # label every n-th month so month labels don't overlap

    def position(i: int, value: Decimal) -> tuple[float, float]:
        share = max(0.0, float(value / axis_top))
        return left + slot * (i + 0.5), bottom - (bottom - top) * share

    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(position(i, value))
    for run in runs:
        if len(run) >= 2:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline class="line" points="{coords}" fill="none" stroke="{_BAR}" stroke-width="2"/>'
            )
    for i, ((label, _raw), value) in enumerate(zip(points, values, strict=True)):
        x = left + slot * (i + 0.5)
        if value is None:
            parts.append(_text(x, bottom - 4, "/", size=10, cls="value missing", fill=_MUTED))
        else:
            _x, y = position(i, value)
            parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{_BAR}"/>')
            parts.append(_text(x, y - 7, format_value(value), size=10, cls="value"))
        if i % every == 0:
            parts.append(_x_label(x, bottom + 16, str(label), rotate=False))
    parts.append("</svg>")
    return "".join(parts)


# --- level distribution --------------------------------------------------------------------------


def distribution_shape(counts) -> str:
    """``"pyramid"``, ``"olive"`` or ``"other"`` for counts of levels 0… (see the module)."""
    numbers = [_number(c) or Decimal(0) for c in counts]
    if not numbers or sum(numbers) <= 0:
        return "other"
    peak = max(numbers)
    if numbers[0] == peak and all(a >= b for a, b in zip(numbers, numbers[1:], strict=False)):
        return "pyramid"
    if peak in numbers[1:-1] and numbers[0] < peak and numbers[-1] < peak:
        return "olive"
    return "other"


_PANEL = 250
_LEVEL_COLUMN = 92  # room for the English level names ("Below level 1")
_ROW = 30


def levels_svg(
    series: list[tuple[str, list[object]]], *, title: str = "", labels: list[str] | None = None
) -> str:
    """Centred horizontal bars of each series' level shares, one panel each (see the module)."""
    labels = [gettext(label) for label in LEVEL_LABELS] if labels is None else list(labels)
    rows = len(labels)
    top = (36 if title else 12) + 24
    width = _LEVEL_COLUMN + _PANEL * max(1, len(series)) + 8
    height = top + _ROW * rows + 12
    parts = [_open(width, height, title, "levels"), _title(width, title)]
    bar_max = 110.0

    def row_y(level: int) -> float:
        return top + _ROW * (rows - 1 - level)  # level 0 at the bottom

    for level, label in enumerate(labels):
        parts.append(_text(_LEVEL_COLUMN - 8, row_y(level) + 19, str(label), anchor="end", cls="level"))

    tables = []
    for _name, counts in series:
        numbers = [_number(counts[i]) if i < len(counts) else None for i in range(rows)]
        total = sum((n for n in numbers if n is not None), Decimal(0))
        tables.append((numbers, total))
    widest = max(
        (n / total for numbers, total in tables if total > 0 for n in numbers if n is not None and n > 0),
        default=Decimal(1),
    )
    if not series:
        parts.append(_empty(width / 2, top + _ROW * rows / 2))
    for p, ((name, _counts), (numbers, total)) in enumerate(zip(series, tables, strict=True)):
        x0 = _LEVEL_COLUMN + _PANEL * p
        centre = x0 + 115
        parts.append(
            f'<g class="panel" data-series="{escape(name)}" data-shape="{distribution_shape(numbers)}">'
        )
        parts.append(_text(centre, top - 8, str(name), size=12, cls="series", extra=' font-weight="bold"'))
        parts.append(
            f'<line x1="{centre:.1f}" y1="{top:.1f}" x2="{centre:.1f}" y2="{top + _ROW * rows:.1f}" '
            f'stroke="{_GRID}" stroke-width="0.8"/>'
        )
        if total <= 0:
            parts.append(_empty(centre, top + _ROW * rows / 2))
        else:
            for level, count in enumerate(numbers):
                y = row_y(level)
                if count is None:
                    parts.append(_text(centre + 4, y + 19, "/", anchor="start", cls="share"))
                    continue
                bar = bar_max * max(0.0, float(count / total / widest))
                if bar > 0:
                    parts.append(
                        f'<rect class="level-bar" data-level="{level}" x="{centre - bar / 2:.2f}" y="{y + 5:.1f}" '
                        f'width="{bar:.2f}" height="{_ROW - 10}" fill="{_BAR}"/>'
                    )
                share = _percent_text(count, total)
                parts.append(
                    _text(
                        centre + bar / 2 + 4,
                        y + 19,
                        f"{format_value(count)} ({share})",
                        size=10,
                        anchor="start",
                        cls="share",
                    )
                )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


# --- map -----------------------------------------------------------------------------------------


def _decode_ring(encoded: str, offset, scale: int) -> tuple[tuple[float, float], ...]:
    """One ring of an ECharts 4 compressed geometry (a port of parseGeoJson.js ``decodePolygon``)."""
    prev_x, prev_y = offset[0], offset[1]
    points = []
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))  # zigzag: 0, -1, 1, -2 … encoded as 0, 1, 2, 3 …
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        points.append((x / scale, y / scale))
    return tuple(points)


@functools.lru_cache(maxsize=1)
def city_shapes() -> list[dict]:
    """Jiangxi's cities from the vendored ECharts map: ``code``, ``name``, ``short_name``, ``cp``
    (lng, lat of the label point) and ``polygons`` (each a tuple of rings of (lng, lat) points).

    Cached: treat the result as read-only."""
    path = settings.BASE_DIR / "static/vendor/echarts/map/jiangxi.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    encoded = data.get("UTF8Encoding", False)
    scale = data.get("UTF8Scale") or 1024
    cities = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        coordinates = geometry["coordinates"]
        offsets = geometry.get("encodeOffsets")
        if geometry["type"] == "Polygon":
            coordinates, offsets = [coordinates], [offsets] if offsets else None
        if encoded:
            polygons = tuple(
                tuple(_decode_ring(ring, off, scale) for ring, off in zip(rings, ring_offsets, strict=True))
                for rings, ring_offsets in zip(coordinates, offsets, strict=True)
            )
        else:
            polygons = tuple(
                tuple(tuple((p[0], p[1]) for p in ring) for ring in rings) for rings in coordinates
            )
        name = feature["properties"]["name"]
        cities.append(
            {
                "code": str(feature["id"]),
                "name": name,
                "short_name": name.removesuffix("市"),
                "cp": tuple(feature["properties"]["cp"]),
                "polygons": polygons,
            }
        )
    return cities


def _classes(present: list[Decimal]) -> list[tuple[Decimal, Decimal]]:
    """Equal-interval class ranges over min…max (exact: a fifth of a Decimal range terminates)."""
    if not present:
        return []
    low, high = min(present), max(present)
    if low == high:
        return [(low, high)]
    step = (high - low) / len(CLASS_FILLS)
    bounds = [low + step * k for k in range(len(CLASS_FILLS))] + [high]
    return list(zip(bounds, bounds[1:], strict=False))


def _class_of(value: Decimal, classes: list[tuple[Decimal, Decimal]]) -> int:
    """The index of the value's class: ranges are closed below, the last also above."""
    for index, (_low, high) in enumerate(classes[:-1]):
        if value < high:
            return index
    return len(classes) - 1


def map_svg(values: dict[str, object], *, title: str = "", unit: str = "", width: int = 520) -> str:
    """A choropleth of Jiangxi's cities by value, with labels and a legend (see the module)."""
    cities = city_shapes()
    numbers = {city["code"]: _number(values.get(city["code"])) for city in cities}
    present = [v for v in numbers.values() if v is not None]
    classes = _classes(present)
    # One class is drawn in the darkest fill, so the city with the largest value is always darkest.
    fills = CLASS_FILLS[-len(classes) :] if classes else ()

    legend_width = 132
    margin = 12
    top = (36 if title else 12) + 4
    points = [p for city in cities for polygon in city["polygons"] for ring in polygon for p in ring]
    min_lng, max_lng = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((min_lat + max_lat) / 2))  # equirectangular, true to scale at mid-latitude
    scale = (width - legend_width - 2 * margin) / ((max_lng - min_lng) * k)
    map_height = (max_lat - min_lat) * scale
    height = math.ceil(top + map_height + margin)

    def project(lng: float, lat: float) -> tuple[float, float]:
        return margin + (lng - min_lng) * k * scale, top + (max_lat - lat) * scale

    parts = [_open(width, height, title, "map"), _title(width, title)]
    labels = []
    for city in cities:
        code = city["code"]
        value = numbers[code]
        fill = MISSING_FILL if value is None else fills[_class_of(value, classes)]
        d = []
        for polygon in city["polygons"]:
            for ring in polygon:
                projected = []
                for lng, lat in ring:
                    point = "{:.0f},{:.0f}".format(*project(lng, lat))  # whole pixels: the page stays light
                    if not projected or projected[-1] != point:
                        projected.append(point)
                d.append("M" + "L".join(projected) + "Z")
        parts.append(
            f'<path data-region="{escape(code)}" d="{"".join(d)}" fill="{fill}" fill-rule="evenodd" '
            f'stroke="#ffffff" stroke-width="1"><title>{escape(city["name"])} {escape(format_value(value))}</title></path>'
        )
        x, y = project(*city["cp"])
        dark = fill in CLASS_FILLS[3:]
        colour = "#ffffff" if dark else _TEXT
        labels.append(_text(x, y - 2, city["short_name"], size=10, cls="city", fill=colour))
        labels.append(_text(x, y + 10, format_value(value), size=9, cls="city-value", fill=colour))
    parts.extend(labels)

    legend_x = width - legend_width + 4
    entries = [
        (fill, f"{format_value(low)} – {format_value(high)}")
        for fill, (low, high) in zip(fills, classes, strict=True)
    ]
    if len(classes) == 1:
        entries = [(fills[0], format_value(classes[0][0]))]
    entries.reverse()  # the largest class on top
    if len(present) < len(cities):
        entries.append((MISSING_FILL, f"/ {gettext(_EMPTY)}"))
    legend_y = height - margin - 18 * len(entries)
    if unit:
        parts.append(_text(legend_x, legend_y - 6, f"({unit})", size=10, anchor="start", cls="unit"))
    for i, (fill, text) in enumerate(entries):
        y = legend_y + 18 * i
        parts.append(
            f'<rect class="legend" x="{legend_x:.1f}" y="{y:.1f}" width="14" height="12" fill="{fill}" '
            f'stroke="{_AXIS}" stroke-width="0.5"/>'
        )
        parts.append(_text(legend_x + 20, y + 10, text, size=10, anchor="start", cls="legend-label"))
    parts.append("</svg>")
    return "".join(parts)
