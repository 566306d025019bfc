"""Bulletins (通报): assembled from tables, frozen when published.

Contract:
- ``bulletin_create``: province officers; a title, a period, the codes of existing tables (at
  least one) and the text. ``ValidationError`` names a bad period or an unknown table.
- ``bulletin_update``: province officers, drafts only (a published one is refused with the time
  it was published); the same fields and checks as ``bulletin_create``.
- ``bulletin_content(bulletin)``: the snapshot of a published bulletin, or for a draft the same
  shape computed now: ``{"title", "period", "text", "tables": [table JSON + "sentences"]}`` (the
  province's full tables, whoever reads), and ``"charts"``: a bar by region of each table's first
  ranked column, a map of the first city table's, the province's diagnoses per month of the
  period and its level distribution at the period's end against a year earlier (charts with
  nothing to draw are left out; the shapes of ``reporting.selectors.dashboard``).
- ``bulletin_publish``: province officers, drafts only; stores ``bulletin_content`` as the
  snapshot and the time — a published bulletin never changes (publishing again is refused) — and
  schedules its PDF (``BulletinRender``, rendered from the snapshot by a worker).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_province
from regions.models import Region
from reporting.models import Bulletin, BulletinRender, StatsTable
from reporting.selectors.dashboard import LEVEL_CODES, chart_has_data, levels_chart, month_shift, trend_chart
from reporting.selectors.stats import table_compute, value_resolver
from reporting.stats.periods import parse_period, period_bounds
from reporting.stats.tables import rank_sentence

#: A bulletin's bounds: the text of a printed bulletin, and the annexes it carries.
TEXT_MAX = 20_000
TABLES_MAX = 30


def _clean(*, title: str, period: str, tables: list[str], text: str) -> dict:
    """The bulletin's fields checked and tidied, or ``ValidationError`` naming each bad one."""
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > Bulletin._meta.get_field("title").max_length:
        errors["title"] = _("标题最多 %(most)d 个字符。") % {
            "most": Bulletin._meta.get_field("title").max_length
        }
    try:
        period = parse_period(period)[0]
    except ValueError:
        errors["period"] = _("统计期格式不正确（如 2022、2022S1、2022Q1、202206）。")
    codes = list(dict.fromkeys(str(code) for code in tables or []))
    known = set(StatsTable.objects.filter(code__in=codes).values_list("code", flat=True))
    if not codes:
        errors["tables"] = _("请至少选择一张统计表。")
    elif set(codes) - known:
        errors["tables"] = _("没有这些统计表：%(codes)s") % {"codes": "、".join(sorted(set(codes) - known))}
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        errors["text"] = _("正文最多 %(most)d 个字符。") % {"most": TEXT_MAX}
    if len(codes) > TABLES_MAX:
        errors["tables"] = _("一份通报最多 %(most)d 张统计表。") % {"most": TABLES_MAX}
    if errors:
        raise ValidationError(errors)
    return {"title": title, "period": period, "tables": codes, "text": text}


def _draft_for_update(bulletin: Bulletin) -> Bulletin:
    """The bulletin's row locked for writing, or ``ValidationError`` if it is published (frozen)."""
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise ValidationError(
            _("该通报已于 %(at)s 发布，发布后不能再修改。")
            % {"at": timezone.localtime(bulletin.published_at).strftime("%Y-%m-%d %H:%M")}
        )
    return bulletin


def bulletin_create(*, actor, title: str, period: str, tables: list[str], text: str = "") -> Bulletin:
    if not is_province(actor):
        raise PermissionDenied(_("统计通报由省工信厅编制。"))
    fields = _clean(title=title, period=period, tables=tables, text=text)
    return Bulletin.objects.create(**fields, created_by=actor)


@transaction.atomic
def bulletin_update(
    *, actor, bulletin: Bulletin, title: str, period: str, tables: list[str], text: str = ""
) -> Bulletin:
    if not is_province(actor):
        raise PermissionDenied(_("统计通报由省工信厅编制。"))
    bulletin = _draft_for_update(bulletin)
    for name, value in _clean(title=title, period=period, tables=tables, text=text).items():
        setattr(bulletin, name, value)
    bulletin.save(update_fields=["title", "period", "tables", "text"])
    return bulletin


def bulletin_content(bulletin: Bulletin) -> dict:
    if bulletin.snapshot is not None:
        return bulletin.snapshot
    layouts = {t.code: t.layout for t in StatsTable.objects.filter(code__in=bulletin.tables)}
    tables, charts = [], []
    for code in bulletin.tables:
        if code not in layouts:
            continue
        table = table_compute(code=code, period=bulletin.period, with_values=True)
        specs = layouts[code].get("rank") or []
        table["sentences"] = [
            s
            for s in (
                rank_sentence(spec, entries) for spec, entries in zip(specs, table["rank"], strict=False)
            )
            if s
        ]
        charts += _table_charts(table, layouts[code], first_map=not any(c["kind"] == "map" for c in charts))
        for row in table["rows"]:
            del row["values"]
        tables.append(table)
    charts += _casework_charts(bulletin.period)
    return {
        "title": bulletin.title,
        "period": bulletin.period,
        "text": bulletin.text,
        "tables": tables,
        "charts": [chart for chart in charts if chart_has_data(chart)],
    }


def _table_charts(table: dict, layout: dict, *, first_map: bool) -> list[dict]:
    """A bar by region of each table's first ranked column, and the map of it when the rows are
    the cities (only for the first such table)."""
    specs = layout.get("rank") or []
    if not specs:
        return []
    index = specs[0]["column"]
    rows = [row for row in table["rows"] if row["region"] != layout.get("total")]
    title = f"{table['title']}：{table['columns'][index]}"
    charts = [
        {
            "kind": "bar",
            "key": f"{table['code']}-bar",
            "title": title,
            "unit": specs[0].get("unit", ""),
            "items": [[row["label"], row["values"][index]] for row in rows],
        }
    ]
    if first_map and layout.get("rows") == "level:city":
        charts.append(
            {
                "kind": "map",
                "key": f"{table['code']}-map",
                "title": title,
                "unit": specs[0].get("unit", ""),
                "values": {row["region"]: row["values"][index] for row in rows},
            }
        )
    return charts


def _casework_charts(period: str) -> list[dict]:
    """The province's diagnoses per month of the period, and its level distribution at the
    period's last month against a year earlier, from the derived figures."""
    first, last = period_bounds(period)
    months, month = [], first.strftime("%Y%m")
    while month <= last.strftime("%Y%m"):
        months.append(month)
        month = month_shift(month, 1)
    end, year_before = months[-1], month_shift(months[-1], -12)
    province = Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True).first()
    if province is None:
        return []
    value, _tie = value_resolver([*LEVEL_CODES, "diagnoses_issued"], [*months, year_before], None)
    return [trend_chart(value, province, months), levels_chart(value, province, [year_before, end])]


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin) -> Bulletin:
    if not is_province(actor):
        raise PermissionDenied(_("统计通报由省工信厅发布。"))
    bulletin = _draft_for_update(bulletin)
    bulletin.snapshot = bulletin_content(bulletin)
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["snapshot", "status", "published_at"])
    render, _created = BulletinRender.objects.get_or_create(bulletin=bulletin)
    render.schedule()  # the PDF is rendered once, in the background, from the snapshot
    return bulletin
