"""Statistics pages (officers; anyone else: 404): the tables, one table for a period with its
ranking sentences and its CSV/XLSX download, and loading a zipped statistics package.

Every figure shown is read through ``reporting.selectors.stats`` with the officer as ``actor``: a
city officer's table holds their city (or its counties) only, in the page and in the downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_province
from core.files import attachment_response
from core.tabular import CONTENT_TYPES, write_table
from reporting.models import StatsTable
from reporting.permissions import can_report_figures, can_review_figures, reads_statistics
from reporting.selectors.stats import region_prefix, table_compute
from reporting.services.stats import PackageError, package_files_from_zip, package_load
from reporting.stats.periods import parse_period
from reporting.stats.tables import rank_sentence

UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def officers_only(request) -> None:
    """404 for anyone but officers and administrators (the statistics are not their area)."""
    if not reads_statistics(request.user):
        raise Http404


def _list_page(request, problems=None, status=200):
    return render(
        request,
        "reporting/stats_tables.html",
        {
            "tables": StatsTable.objects.order_by("code"),
            "problems": problems or [],
            "can_edit_layouts": is_province(request.user),
        },
        status=status,
    )


@login_required
def stats_tables(request):
    officers_only(request)
    return _list_page(request)


@login_required
def stats_table(request, code: str):
    """One table: ``?period=`` (default the layout's), ``?format=csv|xlsx`` downloads it."""
    officers_only(request)
    table = StatsTable.objects.filter(code=code).first()
    if table is None:
        raise Http404
    period = request.GET.get("period") or table.layout.get("period")
    try:
        period = parse_period(period)[0]
    except ValueError:
        period = parse_period(table.layout["period"])[0]
        messages.warning(request, _("统计期格式不正确，已显示表样默认的统计期。"))
    result = table_compute(code=code, period=period, actor=request.user)
    file_format = request.GET.get("format")
    if file_format in ("csv", "xlsx"):
        headers = [_("区划代码"), _("地区"), *result["columns"]]
        rows = [[row["region"], row["label"], *row["cells"]] for row in result["rows"]]
        options = {"title": code, "text_columns": [0]} if file_format == "xlsx" else {}
        content = write_table(file_format, rows, headers, **options)
        return attachment_response(content, f"{code}-{period}.{file_format}", CONTENT_TYPES[file_format])
    sentences = [
        rank_sentence(spec, entries)
        for spec, entries in zip(table.layout.get("rank") or [], result["rank"], strict=False)
    ]
    return render(
        request,
        "reporting/stats_table.html",
        {
            "table": table,
            "result": result,
            "period": period,
            "sentences": [s for s in sentences if s],
            "can_edit_layouts": is_province(request.user),
            "history": table.changes.select_related("actor")[:20],
        },
    )


@login_required
@require_POST
def stats_load(request):
    """Load a zipped statistics package: every problem is listed and nothing is stored."""
    officers_only(request)
    upload = request.FILES.get("package")
    if upload is None:
        return _list_page(request, [_("请选择统计数据包（zip 文件）。")], status=400)
    if upload.size > UPLOAD_MAX_BYTES:
        return _list_page(request, [_("文件超过 20 MB。")], status=400)
    try:
        files = package_files_from_zip(upload.read())
        result = package_load(files, actor=request.user, origin=upload.name[:200])
    except PackageError as exc:
        return _list_page(request, exc.problems, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(
        request,
        _("已导入 %(i)d 个指标、%(v)d 个数值、%(t)d 张表。")
        % {"i": result.indicators, "v": result.values, "t": len(result.tables)},
    )
    for table, region, column, have, want in result.mismatches[:20]:
        messages.warning(
            request,
            _("%(table)s %(region)s 第 %(column)s 列：计算为 %(have)s，公布为 %(want)s。")
            % {"table": table, "region": region, "column": column, "have": have, "want": want},
        )
    return redirect("reporting:stats_tables")


# --- review and locking ---------------------------------------------------------------------------


def _review_rows(user, period: str) -> list[dict]:
    """The regions ``user`` reviews or reports for ``period`` (their own, and the ones below),
    each with its review (or none yet) and the steps the user may take."""
    from accounts.permissions import is_province
    from regions.models import Region
    from reporting.models import StatsReview

    prefix = region_prefix(user) or ""
    regions = list(
        Region.objects.filter(path__startswith=prefix)
        .exclude(level=Region.Level.PROVINCE)
        .select_related("parent")
        .order_by("depth", "parent__sort_order", "sort_order")
    )
    reviews = {r.region_id: r for r in StatsReview.objects.filter(period=period, region__in=regions)}
    Status = StatsReview.Status
    rows = []
    for region in regions:
        review = reviews.get(region.pk)
        status = review.status if review else Status.DRAFT
        above = can_review_figures(user, region)
        rows.append({
            "region": region, "review": review, "status": status,
            "label": review.get_status_display() if review else Status.DRAFT.label,
            "can_submit": status == Status.DRAFT and can_report_figures(user, region),
            "can_approve": status == Status.SUBMITTED and above,
            "can_publish": status == Status.APPROVED and is_province(user),
            "can_reopen": status == Status.PUBLISHED and is_province(user),
        })  # fmt: skip
    return rows


@login_required
def stats_reviews(request):
    """The review board of a period (``?period=``, default the last half year)."""
    officers_only(request)
    from django.utils import timezone

    today = timezone.localdate()
    default = f"{today.year}S1" if today.month > 6 else f"{today.year - 1}S2"
    try:
        period = parse_period(request.GET.get("period") or default)[0]
    except ValueError:
        period = default
    return render(
        request,
        "reporting/stats_reviews.html",
        {"period": period, "rows": _review_rows(request.user, period)},
    )


@login_required
@require_POST
def stats_review_step(request):
    """``region`` (code), ``period``, ``action`` = submit | approve | return | publish | reopen, ``reason``."""
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404
    from django.urls import reverse

    from regions.models import Region
    from reporting.services import review as svc

    officers_only(request)
    prefix = region_prefix(request.user) or ""
    region = get_object_or_404(Region, code=str(request.POST.get("region", ""))[:12], path__startswith=prefix)
    try:
        period = parse_period(request.POST.get("period", ""))[0]
    except ValueError:
        raise Http404 from None
    steps = {
        "submit": lambda: svc.review_submit(actor=request.user, region=region, period=period),
        "approve": lambda: svc.review_approve(actor=request.user, region=region, period=period),
        "return": lambda: svc.review_return(actor=request.user, region=region, period=period, reason=request.POST.get("reason", "")),
        "publish": lambda: svc.review_publish(actor=request.user, region=region, period=period),
        "reopen": lambda: svc.review_reopen(actor=request.user, region=region, period=period, reason=request.POST.get("reason", "")),
    }  # fmt: skip
    step = steps.get(request.POST.get("action", ""))
    if step is None:
        messages.error(request, _("未知的操作。"))
        return render(
            request,
            "reporting/stats_reviews.html",
            {"period": period, "rows": _review_rows(request.user, period)},
            status=400,
        )
    try:
        step()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(
            request,
            "reporting/stats_reviews.html",
            {"period": period, "rows": _review_rows(request.user, period)},
            status=400,
        )
    messages.success(
        request, _("已更新 %(region)s %(period)s 的审核状态。") % {"region": region.name, "period": period}
    )
    return redirect(f"{reverse('reporting:stats_reviews')}?period={period}")


# --- the data-entry grid --------------------------------------------------------------------------

ENTRY_COLUMNS_MAX = 12


def _entry_grid(user, period: str):
    """(regions, indicators, {(indicator id, region id): value}, locked region ids) of the grid."""
    from regions.models import Region
    from reporting.models import Indicator, IndicatorValue
    from reporting.services.derive import DERIVED
    from reporting.services.review import locked_regions

    prefix = region_prefix(user) or ""
    regions = Region.objects.filter(path__startswith=prefix).select_related("parent")
    if prefix.count("/") <= 1:  # the province enters for itself, its cities and the zone
        regions = regions.exclude(level=Region.Level.COUNTY)
    regions = list(regions.order_by("depth", "parent__sort_order", "sort_order"))
    indicators = list(Indicator.objects.exclude(code__in=DERIVED).order_by("code")[:ENTRY_COLUMNS_MAX])
    values = {
        (v.indicator_id, v.region_id): v.value
        for v in IndicatorValue.objects.filter(period=period, indicator__in=indicators, region__in=regions)
    }
    return regions, indicators, values, locked_regions(period)


def _entry_page(request, period, typed=None, errors=None, status=200):
    from reporting.stats.tables import format_value

    regions, indicators, values, locked = _entry_grid(request.user, period)
    typed, errors = typed or {}, errors or {}
    rows = []
    for region in regions:
        cells = []
        for indicator in indicators:
            key = f"v-{indicator.pk}-{region.pk}"
            stored = values.get((indicator.pk, region.pk))
            cells.append({
                "name": key, "indicator": indicator, "error": errors.get(key, ""),
                "text": typed.get(key, format_value(stored, "decimal", "") if stored is not None else ""),
            })  # fmt: skip
        rows.append({"region": region, "cells": cells, "locked": region.pk in locked})
    return render(
        request,
        "reporting/stats_entry.html",
        {"period": period, "indicators": indicators, "rows": rows, "errors": errors},
        status=status,
    )


def _entry_period(raw) -> str:
    from django.utils import timezone

    today = timezone.localdate()
    try:
        return parse_period(raw or f"{today.year}S{1 if today.month <= 6 else 2}")[0]
    except ValueError:
        return f"{today.year}S{1 if today.month <= 6 else 2}"


@login_required
def stats_entry(request):
    """The grid of regions × indicators for a period: GET shows it, POST saves every changed cell
    (a bad cell keeps what was typed and says why; the others are saved)."""
    from django.core.exceptions import ValidationError

    from reporting.services.entry import parse_figure, value_enter

    officers_only(request)
    period = _entry_period(
        request.POST.get("period") if request.method == "POST" else request.GET.get("period")
    )
    if request.method != "POST":
        return _entry_page(request, period)
    regions, indicators, values, _locked = _entry_grid(request.user, period)
    by_region = {r.pk: r for r in regions}
    by_indicator = {i.pk: i for i in indicators}
    typed, errors, saved = {}, {}, 0
    for key, text in request.POST.items():
        parts = key.split("-")
        if len(parts) != 3 or parts[0] != "v" or not parts[1].isdigit() or not parts[2].isdigit():
            continue
        indicator, region = by_indicator.get(int(parts[1])), by_region.get(int(parts[2]))
        if indicator is None or region is None:
            continue
        typed[key] = text
        stored = values.get((indicator.pk, region.pk))
        try:
            if parse_figure(text) == stored:
                continue
            value_enter(actor=request.user, indicator=indicator, region=region, period=period, text=text)
            saved += 1
        except ValidationError as exc:
            errors[key] = " ".join(exc.messages)
    if errors:
        messages.error(request, _("有 %(n)d 个单元格未保存，请查看标出的内容。") % {"n": len(errors)})
        return _entry_page(request, period, typed, errors, status=400)
    messages.success(request, _("已保存 %(n)d 个数值。") % {"n": saved})
    from django.urls import reverse

    return redirect(f"{reverse('reporting:stats_entry')}?period={period}")


@login_required
@require_POST
def stats_entry_cell(request):
    """Save one cell as you go (the grid's script): ``name`` = ``v-<indicator>-<region>``,
    ``period``, ``value``; answers JSON ``{"value": "…"}`` or 400 ``{"error": "…"}``."""
    from django.core.exceptions import ValidationError
    from django.http import JsonResponse

    from reporting.services.entry import value_enter
    from reporting.stats.tables import format_value

    officers_only(request)
    from regions.models import Region
    from reporting.models import Indicator

    period = _entry_period(request.POST.get("period"))
    parts = str(request.POST.get("name", "")).split("-")
    if (
        len(parts) != 3
        or parts[0] != "v"
        or not parts[1].isdigit()
        or not parts[2].isdigit()
        or len(parts[2]) > 18
    ):
        return JsonResponse({"error": _("单元格无效。")}, status=400)
    indicator = Indicator.objects.filter(pk=int(parts[1][:18])).first()
    region = Region.objects.filter(
        pk=int(parts[2]), path__startswith=region_prefix(request.user) or ""
    ).first()
    if indicator is None or region is None:
        return JsonResponse({"error": _("单元格无效。")}, status=404)
    try:
        value = value_enter(
            actor=request.user,
            indicator=indicator,
            region=region,
            period=period,
            text=request.POST.get("value", ""),
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"value": format_value(value, "decimal", "") if value is not None else ""})
