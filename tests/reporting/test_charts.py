"""The bulletin's server-side SVG charts (``reporting.charts``): pure drawing, no database."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from core.charts import FONT
from reporting import charts

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>&"'
CITY_CODES = {f"36{n:02d}00" for n in range(1, 12)}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(NS + tag) if cls in (e.get("class") or "").split()]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [e.text for e in by_class(root, "text", cls)]


def inside(point, ring) -> bool:
    """Ray casting: is the point inside the ring?"""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[-1:] + ring[:-1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


# --- every chart ---------------------------------------------------------------------------------


def all_charts(title: str, label: str) -> dict[str, str]:
    return {
        "bar": charts.bar_svg([(label, Decimal("1.5")), ("九江", 3)], title=title, unit=label),
        "bar-empty": charts.bar_svg([], title=title),
        "trend": charts.trend_svg([("2026-01", 1), (label, None), ("2026-03", 2)], title=title, unit=label),
        "trend-empty": charts.trend_svg([], title=title),
        "levels": charts.levels_svg([(label, [1, 2, 3, 4, 5])], title=title, labels=[label] * 5),
        "levels-empty": charts.levels_svg([], title=title),
        "map": charts.map_svg({"360100": 1, "360200": None, label: 5}, title=title, unit=label),
        "map-empty": charts.map_svg({}, title=title),
    }


@pytest.mark.parametrize("kind", list(all_charts("", "")))
def test_every_chart_is_a_self_contained_accessible_svg(kind):
    svg = all_charts("标题", "南昌")[kind]
    root = parse(svg)
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "标题"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert "href" not in svg and "<image" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "file:" not in svg
    text_elements = list(root.iter(NS + "text"))
    assert text_elements
    assert {t.get("font-family") for t in text_elements} == {FONT}


@pytest.mark.parametrize("kind", list(all_charts("", "")))
def test_text_from_data_is_escaped(kind):
    svg = all_charts(HOSTILE, HOSTILE)[kind]
    assert "<script>" not in svg
    root = parse(svg)  # well-formed despite the hostile text
    assert root.get("aria-label") == HOSTILE
    # the hostile title (and label or unit) is drawn as text, intact
    assert any(HOSTILE in (t.text or "") for t in root.iter(NS + "text"))


# --- bar -----------------------------------------------------------------------------------------


def plot_height(root: ET.Element) -> float:
    """The height of the y axis (the vertical axis line)."""
    (axis,) = [
        line
        for line in root.iter(NS + "line")
        if line.get("x1") == line.get("x2") and line.get("stroke") == charts._AXIS
    ]
    return float(axis.get("y2")) - float(axis.get("y1"))


def test_bar_prints_exact_values_in_order_and_none_as_slash_without_bar():
    root = parse(
        charts.bar_svg(
            [("南昌", Decimal("31670.8060")), ("九江", 12), ("赣州", None), ("吉安", Decimal("100"))],
            title="营业收入",
            unit="万元",
        )
    )
    assert texts(root, "value") == ["31670.806", "12", "/", "100"]
    assert texts(root, "category") == ["南昌", "九江", "赣州", "吉安"]
    assert len(by_class(root, "rect", "bar")) == 3
    assert "(万元)" in texts(root, "unit")


def test_bar_heights_are_proportional_and_the_axis_is_nice():
    root = parse(charts.bar_svg([("a", Decimal("31670.806")), ("b", 12), ("c", 0)]))
    ticks = texts(root, "tick")
    assert ticks == ["0", "10000", "20000", "30000", "40000"]
    bars = by_class(root, "rect", "bar")
    assert len(bars) == 2  # a zero draws no bar, only its label
    heights = [float(b.get("height")) for b in bars]
    tallest = max(heights)
    assert tallest == heights[0]
    assert tallest == pytest.approx(plot_height(root) * 31670.806 / 40000, abs=0.01)
    assert heights[1] == pytest.approx(plot_height(root) * 12 / 40000, abs=0.01)
    # each bar stands on the axis
    bottom = float(bars[0].get("y")) + heights[0]
    assert float(bars[1].get("y")) + heights[1] == pytest.approx(bottom, abs=0.02)


@pytest.mark.parametrize(
    ("maximum", "top"),
    [(87, "100"), (5, "5"), (Decimal("0.003"), "0.003"), (Decimal("12.5"), "12.5"), (Decimal("12.6"), "15")],
)
def test_bar_axis_ends_at_a_nice_maximum_at_or_above_the_largest_value(maximum, top):
    root = parse(charts.bar_svg([("a", maximum)]))
    assert texts(root, "tick")[-1] == top


@pytest.mark.parametrize("items", [[], [("a", None)], [("a", 0), ("b", Decimal("0.00"))]])
def test_bar_without_a_positive_value_draws_the_empty_state(items):
    with translation.override("zh-hans"):
        root = parse(charts.bar_svg(items, title="t"))
    assert texts(root, "empty") == ["无数据"]
    assert not by_class(root, "rect", "bar")


# --- trend ---------------------------------------------------------------------------------------


def polylines(root: ET.Element) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        for line in by_class(root, "polyline", "line")
    ]


def test_trend_line_breaks_at_a_missing_month():
    points = [("2026-01", 1), ("2026-02", 2), ("2026-03", None), ("2026-04", 3), ("2026-05", Decimal("4.50"))]
    root = parse(charts.trend_svg(points, title="月度", unit="家"))
    lines = polylines(root)
    assert [len(line) for line in lines] == [2, 2]
    dots = [float(c.get("cx")) for c in by_class(root, "circle", "dot")]
    assert len(dots) == 4
    # no segment crosses the gap: the first piece ends before the second begins, at the dots' x
    assert lines[0][-1][0] == pytest.approx(dots[1], abs=0.1)
    assert lines[1][0][0] == pytest.approx(dots[2], abs=0.1)
    assert texts(root, "value") == ["1", "2", "/", "3", "4.5"]
    assert texts(root, "category") == [label for label, _v in points]


def test_trend_without_gaps_is_one_line_and_isolated_points_are_dots_only():
    root = parse(charts.trend_svg([("2026-01", 1), ("2026-02", 3), ("2026-03", 2)]))
    assert [len(line) for line in polylines(root)] == [3]
    root = parse(charts.trend_svg([("2026-01", 1), ("2026-02", None), ("2026-03", 2)]))
    assert polylines(root) == []
    assert len(by_class(root, "circle", "dot")) == 2


def test_trend_y_follows_the_values():
    root = parse(charts.trend_svg([("2026-01", 10), ("2026-02", 5), ("2026-03", 0)]))
    ys = [float(c.get("cy")) for c in by_class(root, "circle", "dot")]
    assert ys[0] < ys[1] < ys[2]  # larger values higher up (SVG y grows downwards)
    assert ys[2] - ys[1] == pytest.approx(ys[1] - ys[0], abs=0.1)


def test_trend_of_nothing_draws_the_empty_state_and_zeros_a_flat_line():
    with translation.override("zh-hans"):
        assert texts(parse(charts.trend_svg([("2026-01", None)])), "empty") == ["无数据"]
    root = parse(charts.trend_svg([("2026-01", 0), ("2026-02", 0)]))
    assert not texts(root, "empty")
    (line,) = polylines(root)
    assert line[0][1] == line[1][1]


# --- levels --------------------------------------------------------------------------------------

BEFORE = ("改造前", [32, 55, 31, 2, 0])
AFTER = ("改造后", [8, 29, 55, 27, 1])


def panels(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "g", "panel")


def test_levels_label_counts_and_half_up_shares_level_zero_at_the_bottom():
    root = parse(charts.levels_svg([BEFORE, AFTER], title="等级分布"))
    before, after = panels(root)
    assert before.get("data-series") == "改造前"
    # drawn level 0 first; 55 of 120 is 45.83…%
    assert texts(before, "share") == ["32 (26.7%)", "55 (45.8%)", "31 (25.8%)", "2 (1.7%)", "0 (0.0%)"]
    assert texts(after, "share") == ["8 (6.7%)", "29 (24.2%)", "55 (45.8%)", "27 (22.5%)", "1 (0.8%)"]
    bars = {int(r.get("data-level")): r for r in by_class(after, "rect", "level-bar")}
    ys = [float(bars[level].get("y")) for level in range(5)]
    assert ys == sorted(ys, reverse=True)  # level 0 lowest, level 4 on top


def test_levels_share_rounds_half_up():
    root = parse(charts.levels_svg([("s", [1, 15, 0, 0, 0])]))
    assert texts(root, "share")[:2] == ["1 (6.3%)", "15 (93.8%)"]  # 6.25 → 6.3, 93.75 → 93.8


def test_levels_bars_are_centred_and_as_wide_as_their_share():
    root = parse(charts.levels_svg([BEFORE, AFTER]))
    for panel, (_name, counts) in zip(panels(root), [BEFORE, AFTER], strict=True):
        bars = {int(r.get("data-level")): r for r in by_class(panel, "rect", "level-bar")}
        assert set(bars) == {level for level, count in enumerate(counts) if count}
        centres = {round(float(r.get("x")) + float(r.get("width")) / 2, 1) for r in bars.values()}
        assert len(centres) == 1
        widths = {level: float(r.get("width")) for level, r in bars.items()}
        peak = counts.index(max(counts))
        for level in bars:
            assert widths[level] / widths[peak] == pytest.approx(counts[level] / counts[peak], rel=1e-3)
    # panels share one scale: 55 of 120 is as wide in both
    widest = [max(float(r.get("width")) for r in by_class(p, "rect", "level-bar")) for p in panels(root)]
    assert widest[0] == pytest.approx(widest[1])


def test_levels_default_labels_and_shape_of_each_panel():
    with translation.override("zh-hans"):
        root = parse(charts.levels_svg([BEFORE, ("合计", [50, 30, 15, 5, 0])]))
    level_texts = by_class(root, "text", "level")
    assert [t.text for t in level_texts] == ["未达一级", "一级", "二级", "三级", "四级"]
    assert float(level_texts[0].get("y")) > float(level_texts[4].get("y"))
    assert [p.get("data-shape") for p in panels(root)] == ["olive", "pyramid"]


def test_levels_missing_and_zero_totals():
    with translation.override("zh-hans"):
        root = parse(charts.levels_svg([("空", [0, 0, 0, 0, 0]), ("缺", [None, 1, 3, None, 0])]))
    empty, partial = panels(root)
    assert texts(empty, "empty") == ["无数据"]
    assert not by_class(empty, "rect", "level-bar")
    # shares of the present counts only
    assert texts(partial, "share") == ["/", "1 (25.0%)", "3 (75.0%)", "/", "0 (0.0%)"]


@pytest.mark.parametrize(
    ("counts", "shape"),
    [
        ([50, 30, 15, 5, 0], "pyramid"),
        ([10, 10, 10, 10, 10], "pyramid"),
        ([30, 30, 10, 5, 0], "pyramid"),
        ([8, 29, 55, 27, 1], "olive"),
        ([32, 55, 31, 2, 0], "olive"),  # the maximum is at level 1, both ends smaller
        ([10, 30, 30, 5, 0], "olive"),
        ([Decimal("1"), Decimal("3.5"), Decimal("2"), 0, None], "olive"),
        ([5, 1, 3, 0, 0], "other"),  # largest at level 0 but rises again
        ([1, 2, 3, 4, 5], "other"),
        ([5, 1, 1, 1, 5], "other"),
        ([0, 0, 0, 0, 0], "other"),
        ([None] * 5, "other"),
        ([], "other"),
    ],
)
def test_distribution_shape(counts, shape):
    assert charts.distribution_shape(counts) == shape


# --- map -----------------------------------------------------------------------------------------


def test_city_shapes_decode_the_eleven_cities_inside_jiangxi():
    cities = charts.city_shapes()
    assert {c["code"] for c in cities} == CITY_CODES
    names = {c["code"]: c["short_name"] for c in cities}
    assert names["360100"] == "南昌" and names["360200"] == "景德镇" and names["361100"] == "上饶"
    for city in cities:
        points = [p for polygon in city["polygons"] for ring in polygon for p in ring]
        assert len(points) > 50
        assert all(113.5 <= lng <= 118.5 and 24.4 <= lat <= 30.1 for lng, lat in points)
        # decoded correctly, the city's label point lies inside its outline
        assert any(inside(city["cp"], list(polygon[0])) for polygon in city["polygons"])
    jiujiang = next(c for c in cities if c["code"] == "360400")
    assert len(jiujiang["polygons"]) == 3  # a MultiPolygon
    assert charts.city_shapes() is cities  # cached


def regions(root: ET.Element) -> dict[str, ET.Element]:
    return {p.get("data-region"): p for p in root.iter(NS + "path")}


def test_map_fills_cities_by_equal_interval_class_and_missing_grey():
    values = {"360100": Decimal("100.00"), "360700": 5, "360200": 50, "360300": 24, "361100": None}
    values["999999"] = 1000  # not a city: ignored
    with translation.override("zh-hans"):
        root = parse(charts.map_svg(values, title="诊断企业数", unit="家"))
    paths = regions(root)
    assert set(paths) == CITY_CODES
    fills = {code: p.get("fill") for code, p in paths.items()}
    assert fills["360100"] == charts.CLASS_FILLS[-1]  # the maximum: darkest
    assert fills["360700"] == charts.CLASS_FILLS[0]  # the minimum: lightest
    assert fills["360200"] == charts.CLASS_FILLS[2]  # (50 - 5) / 19 = 2.4
    assert fills["360300"] == charts.CLASS_FILLS[1]  # 24 is the second class's lower bound
    assert fills["361100"] == charts.MISSING_FILL
    assert fills["360400"] == charts.MISSING_FILL  # absent from values
    assert texts(root, "legend-label") == ["81 – 100", "62 – 81", "43 – 62", "24 – 43", "5 – 24", "/ 无数据"]
    assert "(家)" in texts(root, "unit")


def test_map_labels_each_city_with_short_name_and_value():
    root = parse(charts.map_svg({"360100": Decimal("31670.8060"), "360200": None}))
    names = texts(root, "city")
    assert len(names) == 11 and "南昌" in names and not any(n.endswith("市") for n in names)
    labels = dict(zip(names, texts(root, "city-value"), strict=True))
    assert labels["南昌"] == "31670.806"
    assert labels["景德镇"] == "/"
    assert labels["赣州"] == "/"
    width = int(root.get("width"))
    for label in by_class(root, "text", "city"):
        assert 0 < float(label.get("x")) < width


def test_map_with_one_distinct_value_has_one_class_and_without_values_is_all_grey():
    root = parse(charts.map_svg(dict.fromkeys(CITY_CODES, 7)))
    assert {p.get("fill") for p in regions(root).values()} == {charts.CLASS_FILLS[-1]}
    assert texts(root, "legend-label") == ["7"]
    root = parse(charts.map_svg({}))
    assert {p.get("fill") for p in regions(root).values()} == {charts.MISSING_FILL}


def test_map_fits_the_requested_width():
    root = parse(charts.map_svg({"360100": 1}, width=400))
    assert root.get("width") == "400"
    xs = [
        float(n)
        for p in root.iter(NS + "path")
        for point in p.get("d").replace("M", " ").replace("L", " ").replace("Z", " ").split()
        for n in point.split(",")[:1]
    ]
    assert 0 <= min(xs) and max(xs) <= 400
