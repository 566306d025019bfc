"""The programme targets page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from reporting.models import ProgrammeTarget
from reporting.selectors import targets as selectors


@login_required
def targets(request):
    """Counts against the plan's targets for the officer's region (and its cities or counties)."""
    anchor = selectors.targets_anchor(request.user)
    if anchor is None:
        raise Http404
    years = selectors.target_years()
    this_year = timezone.localdate().year
    if this_year in years or not years:
        default = this_year
    else:
        default = max((y for y in years if y <= this_year), default=years[0])
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    if years and year not in years:
        year = default
    rows = selectors.targets_table(actor=request.user, year=year)
    return render(
        request,
        "reporting/targets.html",
        {
            "anchor": anchor,
            "year": year,
            "years": years,
            "rows": rows,
            "indicators": ProgrammeTarget.Indicator.choices,
        },
    )
