"""The officers' dashboard (统计看板): headline figures, targets and charts of one region, read from
the derived figures in the indicator store.

Contract of ``dashboard(actor, region_code=None, month=None)``:
- ``actor`` must read statistics (``reporting.permissions.reads_statistics``); the region is the
  actor's own (the province for province officers and administrators) or, with ``region_code``,
  any region inside it — anything else gives ``None`` (the page answers 404). ``month``
  (``YYYYMM``, default the current one) is the month shown.
- **Headlines**: for each of ``HEADLINES`` the month's value, the previous month's and the same
  month a year earlier, with the month-on-month and year-on-year changes as exact percentages
  rounded half-up to one decimal (``+12.5%``; ``—`` when there is nothing to compare against);
  flows also carry the year to date. Rates (average score, platform penetration, diagnosis
  coverage) are exact quotients of stored figures, formatted as printed.
- **Targets**: progress against ``ProgrammeTarget`` for the region: the three derived targets
  here and the live counts of ``reporting.selectors.targets``; a year without its own target uses
  the latest earlier year's (and says which).
- **Charts** as plain data (``{"kind", "title", "unit", …}``, values as exact decimal strings),
  the same for the page's ECharts and the server-side SVG of ``reporting.charts``: diagnosed
  enterprises of the year by city (or county), the last twelve months' diagnoses issued, the level
  distribution a year ago and now (pyramid vs olive), and — for the province — the map of cities.
- ``as_of``: when the month's figures were last derived (``DerivationRun.finished_at``), or
  ``None`` if they never were.
A fixed number of queries whatever the number of regions or values (9 for the province, see
``bench/bench_derive.py``). ``dashboard_headlines(actor, keys)`` is the same for a few headlines
of the actor's own region this month, without targets or charts (the home page's panel).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from regions.models import Region
from reporting.models import DerivationRun, ProgrammeTarget
from reporting.selectors.stats import region_prefix, value_resolver
from reporting.selectors.targets import LIVE_INDICATORS, live_counts_by_path
from reporting.stats.tables import format_value

#: (key, label, unit, numerator, denominator or None, format, is a flow)
HEADLINES = [
    ("ent_total", gettext_noop("在库企业"), gettext_noop("家"), "ent_total", None, "int", False),
    ("ent_above", gettext_noop("规上企业"), gettext_noop("家"), "ent_above", None, "int", False),
    ("visits", gettext_noop("本月走访"), gettext_noop("次"), "visits", None, "int", True),
    (
        "diagnoses_issued",
        gettext_noop("本月出具诊断书"),
        gettext_noop("份"),
        "diagnoses_issued",
        None,
        "int",
        True,
    ),
    (
        "ent_transforming",
        gettext_noop("开展改造企业"),
        gettext_noop("家"),
        "ent_transforming",
        None,
        "int",
        False,
    ),
    (
        "projects_accepted",
        gettext_noop("本月验收项目"),
        gettext_noop("个"),
        "projects_accepted",
        None,
        "int",
        True,
    ),
    (
        "average_score",
        gettext_noop("平均诊断得分"),
        gettext_noop("分"),
        "score_sum",
        "ent_scored",
        "decimal:2",
        False,
    ),
    ("platform_penetration", gettext_noop("平台普及率"), "", "ent_platform", "ent_total", "percent:1", False),
    (
        "diagnosis_coverage",
        gettext_noop("规上企业诊断覆盖率"),
        "",
        "ent_above_diagnosed",
        "ent_above",
        "percent:1",
        False,
    ),
]
LEVEL_CODES = [f"level_{n}" for n in range(5)]
LEVEL_LABELS = [
    gettext_noop("未达一级"),
    gettext_noop("一级"),
    gettext_noop("二级"),
    gettext_noop("三级"),
    gettext_noop("四级"),
]
#: Derived targets: ProgrammeTarget indicator → (numerator, denominator or None, target is a percentage)
DERIVED_TARGETS = {
    ProgrammeTarget.Indicator.DIAGNOSIS_COVERAGE: ("ent_above_diagnosed", "ent_above", True),
    ProgrammeTarget.Indicator.TRANSFORMING: ("ent_transforming", None, False),
    ProgrammeTarget.Indicator.PLATFORM_PENETRATION: ("ent_platform", "ent_total", True),
}
TREND_MONTHS = 12


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    unit: str
    value: str
    previous: str
    year_ago: str
    mom: str
    yoy: str
    year_to_date: str | None


@dataclass(frozen=True)
class TargetProgress:
    indicator: str
    label: str
    actual: str
    target: str
    percent: str  # progress: actual as a share of the target, "—" without a target
    share: Decimal | None  # the same, 0–1, for the bar's width
    year: int | None  # the target's year (may be earlier than the one shown)


@dataclass
class Dashboard:
    region: Region
    month: str
    as_of: datetime.datetime | None
    headlines: list[Headline] = field(default_factory=list)
    targets: list[TargetProgress] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    children: list[Region] = field(default_factory=list)
    parents: list[Region] = field(default_factory=list)


def month_shift(month: str, months: int) -> str:
    """``YYYYMM`` moved by ``months`` (negative: back)."""
    index = int(month[:4]) * 12 + int(month[4:]) - 1 + months
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def _quotient(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _change(now: Decimal | None, before: Decimal | None) -> str:
    """``+12.5%`` / ``-3.0%`` / ``0.0%``: the exact relative change, half-up to one decimal."""
    if now is None or not before:
        return "—"
    change = ((now - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"+{change}%" if change > 0 else f"{change}%"


def _fmt(value: Decimal | None, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt.startswith("decimal:"):
        digits = int(fmt.split(":")[1])
        return f"{value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"
    return format_value(value, fmt)


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format_value(value, "decimal")


def dashboard_region(actor, region_code: str | None = None) -> Region | None:
    """The region ``actor``'s dashboard shows (see the module), or None."""
    prefix = region_prefix(actor)
    if prefix is None:
        return None
    if region_code:
        region = Region.objects.filter(code=str(region_code)[:12]).first()
    elif actor.region_id:
        region = actor.region  # a province officer's region is the province
    else:  # an administrator
        region = Region.objects.filter(level=Region.Level.PROVINCE).first()
    if region is None or not region.path.startswith(prefix):
        return None
    return region


def dashboard_headlines(actor, keys: tuple[str, ...]) -> Dashboard | None:
    """Only the headlines ``keys`` of the actor's own region this month (the home page's panel):
    the same figures as ``dashboard`` without targets, charts or parents; a fixed number of queries."""
    return dashboard(actor, only=keys)


def dashboard(
    actor, region_code: str | None = None, month: str | None = None, *, only: tuple[str, ...] | None = None
) -> Dashboard | None:
    region = dashboard_region(actor, region_code)
    if region is None:
        return None
    month = month or timezone.localdate().strftime("%Y%m")
    year = month[:4]
    previous, year_ago = month_shift(month, -1), month_shift(month, -12)
    trend_months = [month_shift(month, -n) for n in range(TREND_MONTHS - 1, -1, -1)]
    headlines = [h for h in HEADLINES if only is None or h[0] in only]
    children = (
        []
        if only is not None
        else list(
            Region.objects.filter(parent=region, level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by(
                "sort_order", "code"
            )
        )
    )
    codes = {c for h in headlines for c in (h[3], h[4]) if c}
    periods = {month, previous, year_ago, year}
    if only is None:
        codes |= (
            set(LEVEL_CODES) | {"ent_diagnosed"} | {c for t in DERIVED_TARGETS.values() for c in t[:2] if c}
        )
        periods |= set(trend_months)
    value, _tie = value_resolver(codes, periods, actor)
    run = DerivationRun.objects.filter(period=month).only("finished_at").first()
    board = Dashboard(
        region=region,
        month=month,
        as_of=run.finished_at if run else None,
        children=children,
    )
    if only is None:
        board.parents = list(
            Region.objects.filter(code__in=region.path.strip("/").split("/")[:-1]).order_by("depth")
        )

    def figure(numerator, denominator, period):
        top = value(numerator, region.code, period)
        if denominator is None:
            return top
        return _quotient(top or Decimal(0), value(denominator, region.code, period))

    for key, label, unit, numerator, denominator, fmt, is_flow in headlines:
        now, before, last_year = (figure(numerator, denominator, p) for p in (month, previous, year_ago))
        board.headlines.append(
            Headline(
                key=key,
                label=_(label),
                unit=_(unit) if unit else "",
                value=_fmt(now, fmt),
                previous=_fmt(before, fmt),
                year_ago=_fmt(last_year, fmt),
                mom=_change(now, before),
                yoy=_change(now, last_year),
                year_to_date=_fmt(figure(numerator, denominator, year), fmt) if is_flow else None,
            )
        )
    if only is None:
        board.targets = _targets(region, int(year), month, value)
        board.charts = _charts(region, children, month, year_ago, trend_months, value)
    return board


def _targets(region: Region, year: int, month: str, value) -> list[TargetProgress]:
    targets: dict[str, tuple[int, Decimal]] = {}
    for indicator, target_year, target in (
        ProgrammeTarget.objects.filter(region=region, year__lte=year)
        .order_by("indicator", "year")
        .values_list("indicator", "year", "target")
    ):
        targets[indicator] = (target_year, target)  # the latest year ≤ the one shown wins
    counts = live_counts_by_path(region)
    out = []
    for indicator in [*DERIVED_TARGETS, *LIVE_INDICATORS]:
        if indicator in DERIVED_TARGETS:
            numerator, denominator, is_rate = DERIVED_TARGETS[indicator]
            top = value(numerator, region.code, month)
            actual = (
                _quotient(top or Decimal(0), value(denominator, region.code, month)) if denominator else top
            )
            if is_rate and actual is not None:
                actual *= 100
        else:
            is_rate = False
            actual = Decimal(sum(n for path, n in counts[indicator].items() if path.startswith(region.path)))
        target_year, target = targets.get(indicator, (None, None))
        share = _quotient(actual, target)
        out.append(
            TargetProgress(
                indicator=indicator,
                label=ProgrammeTarget.Indicator(indicator).label,
                actual="—"
                if actual is None
                else (_fmt(actual, "decimal:1") + "%" if is_rate else _fmt(actual, "int")),
                target="—"
                if target is None
                else (format_value(target, "decimal") + ("%" if is_rate else "")),
                percent="—" if share is None else format_value(share, "percent:1"),
                share=None if share is None else min(share, Decimal(1)),
                year=target_year,
            )
        )
    return out


def trend_chart(value, region_code: str, months: list[str], *, key: str = "diagnoses_by_month") -> dict:
    """The diagnoses issued in ``region_code`` per month of ``months`` (a line)."""
    return {
        "kind": "trend",
        "key": key,
        "title": _("各月出具诊断书"),
        "unit": _("份"),
        "points": [
            [f"{m[:4]}-{m[4:]}", _decimal_text(value("diagnoses_issued", region_code, m))] for m in months
        ],
    }


def levels_chart(value, region_code: str, periods: list[str]) -> dict:
    """The level distribution of ``region_code`` at each of ``periods`` (pyramid vs olive)."""
    return {
        "kind": "levels",
        "key": "levels",
        "title": _("数字化水平等级分布"),
        "labels": [_(label) for label in LEVEL_LABELS],
        "series": [
            [f"{p[:4]}-{p[4:]}", [_decimal_text(value(code, region_code, p)) or "0" for code in LEVEL_CODES]]
            for p in periods
        ],
    }


def chart_has_data(chart: dict) -> bool:
    """Whether a chart has anything to draw (an empty chart is left out of a bulletin)."""
    kind = chart["kind"]
    if kind == "bar":
        return any(v not in (None, "0") for _label, v in chart["items"])
    if kind == "trend":
        return any(v is not None for _label, v in chart["points"])
    if kind == "levels":
        return any(v != "0" for _name, counts in chart["series"] for v in counts)
    return any(v is not None for v in chart["values"].values())


def _charts(region, children, month, year_ago, trend_months, value) -> list[dict]:
    year = month[:4]
    charts = []
    if children:
        charts.append(
            {
                "kind": "bar",
                "key": "diagnosed_by_region",
                "title": _("%(year)s年诊断企业数") % {"year": year},
                "unit": _("家"),
                "items": [
                    [c.short_name, _decimal_text(value("ent_diagnosed", c.code, year))] for c in children
                ],
            }
        )
    trend = trend_chart(value, region.code, trend_months)
    trend["title"] = _("近十二个月出具诊断书")
    charts.append(trend)
    charts.append(levels_chart(value, region.code, [year_ago, month]))
    if region.level == Region.Level.PROVINCE:
        charts.append(
            {
                "kind": "map",
                "key": "diagnosed_map",
                "title": _("%(year)s年各设区市诊断企业数") % {"year": year},
                "unit": _("家"),
                "values": {
                    c.code: _decimal_text(value("ent_diagnosed", c.code, year))
                    for c in children
                    if c.level == Region.Level.CITY
                },
            }
        )
    return charts
