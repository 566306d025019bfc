"""Bulletins (通报): assembled from tables, frozen when published.

Contract:
- ``bulletin_create``: province officers; a title, a period, the codes of existing tables (at
  least one) and the text. ``ValidationError`` names a bad period or an unknown table.
- ``bulletin_content(bulletin)``: the snapshot of a published bulletin, or for a draft the same
  shape computed now: ``{"title", "period", "text", "tables": [table JSON + "sentences"]}`` (the
  province's full tables, whoever reads).
- ``bulletin_publish``: province officers, drafts only; stores ``bulletin_content`` as the
  snapshot and the time — a published bulletin never changes (publishing again is refused).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_province
from reporting.models import Bulletin, StatsTable
from reporting.selectors.stats import table_compute
from reporting.stats.periods import parse_period
from reporting.stats.tables import rank_sentence


def bulletin_create(*, actor, title: str, period: str, tables: list[str], text: str = "") -> Bulletin:
    if not is_province(actor):
        raise PermissionDenied(_("统计通报由省工信厅编制。"))
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写标题。")
    try:
        period = parse_period(period)[0]
    except ValueError:
        errors["period"] = _("统计期格式不正确（如 2022、2022S1、2022Q1、202206）。")
    codes = [str(code) for code in tables or []]
    known = set(StatsTable.objects.filter(code__in=codes).values_list("code", flat=True))
    if not codes:
        errors["tables"] = _("请至少选择一张统计表。")
    elif set(codes) - known:
        errors["tables"] = _("没有这些统计表：%(codes)s") % {"codes": "、".join(sorted(set(codes) - known))}
    if errors:
        raise ValidationError(errors)
    return Bulletin.objects.create(
        title=title, period=period, tables=codes, text=(text or "").strip(), created_by=actor
    )


def bulletin_content(bulletin: Bulletin) -> dict:
    if bulletin.snapshot is not None:
        return bulletin.snapshot
    layouts = {t.code: t.layout for t in StatsTable.objects.filter(code__in=bulletin.tables)}
    tables = []
    for code in bulletin.tables:
        if code not in layouts:
            continue
        table = table_compute(code=code, period=bulletin.period)
        specs = layouts[code].get("rank") or []
        table["sentences"] = [
            s
            for s in (
                rank_sentence(spec, entries) for spec, entries in zip(specs, table["rank"], strict=False)
            )
            if s
        ]
        tables.append(table)
    return {"title": bulletin.title, "period": bulletin.period, "text": bulletin.text, "tables": tables}


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin) -> Bulletin:
    if not is_province(actor):
        raise PermissionDenied(_("统计通报由省工信厅发布。"))
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise ValidationError(
            _("该通报已于 %(at)s 发布，发布后不能再修改。")
            % {"at": timezone.localtime(bulletin.published_at).strftime("%Y-%m-%d %H:%M")}
        )
    bulletin.snapshot = bulletin_content(bulletin)
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["snapshot", "status", "published_at"])
    return bulletin
