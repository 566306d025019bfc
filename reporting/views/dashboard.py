"""The statistics dashboard (统计看板) of the officer's region, or of a region inside it
(``?region=``), for a month (``?month=YYYYMM`` or ``YYYY-MM``; default the current one).

Out of the officer's reach — another city, a non-officer — is 404, like every statistics page.
The charts are drawn twice from the same data: as SVG on the server (what shows without
JavaScript, and what the bulletin PDF prints) and, in the browser, by the vendored ECharts
(``static/js/dashboard.js``)."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from reporting.selectors.dashboard import dashboard
from reporting.services.bulletin_pdf import chart_svg
from reporting.stats.periods import parse_period
from reporting.views.stats import officers_only

REGION_CODE = re.compile(r"[0-9A-Za-z]{1,12}")


def _month(text: str | None) -> str | None:
    """``YYYYMM`` from ``YYYYMM`` or ``YYYY-MM``; None for anything else (then: this month)."""
    text = (text or "").strip().replace("-", "")[:6]
    try:
        code, kind = parse_period(text)
    except ValueError:
        return None
    return code if kind == "month" and code <= timezone.localdate().strftime("%Y%m") else None


@login_required
def dashboard_view(request, region: str | None = None):
    """``/reporting/dashboard/`` (the officer's own region) and ``/reporting/dashboard/<code>/``;
    the page's picker sends ``?region=``, answered with a redirect to the region's own URL."""
    officers_only(request)
    month = _month(request.GET.get("month"))
    picked = request.GET.get("region")
    if region is None and picked:
        if not REGION_CODE.fullmatch(picked):
            raise Http404
        url = reverse("reporting:dashboard_region", kwargs={"region": picked})
        return redirect(url + (f"?month={month}" if month else ""))
    board = dashboard(request.user, region, month)
    if board is None:
        raise Http404
    for chart in board.charts:
        chart["svg"] = chart_svg(chart)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "board": board,
            "month_value": f"{board.month[:4]}-{board.month[4:]}",
            "this_month": timezone.localdate().strftime("%Y-%m"),
            "chart_data": [{k: v for k, v in c.items() if k != "svg"} for c in board.charts],
        },
    )
