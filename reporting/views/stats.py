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

from core.files import attachment_response
from core.tabular import CONTENT_TYPES, write_table
from reporting.models import StatsTable
from reporting.selectors.stats import region_prefix, table_compute
from reporting.services.stats import PackageError, package_files_from_zip, package_load
from reporting.stats.periods import parse_period
from reporting.stats.tables import rank_sentence

UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def _officer(request) -> None:
    if region_prefix(request.user) is None:
        raise Http404


def _list_page(request, problems=None, status=200):
    return render(
        request,
        "reporting/stats_tables.html",
        {"tables": StatsTable.objects.order_by("code"), "problems": problems or []},
        status=status,
    )


@login_required
def stats_tables(request):
    _officer(request)
    return _list_page(request)


@login_required
def stats_table(request, code: str):
    """One table: ``?period=`` (default the layout's), ``?format=csv|xlsx`` downloads it."""
    _officer(request)
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
        {"table": table, "result": result, "period": period, "sentences": [s for s in sentences if s]},
    )


@login_required
@require_POST
def stats_load(request):
    """Load a zipped statistics package: every problem is listed and nothing is stored."""
    _officer(request)
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
