"""The programme targets page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from reporting.selectors import targets as selectors


@login_required
def targets(request):
    """Counts against the plan's targets for the officer's region (and its cities or counties).

    Offers the current year (the default) and the years the plan sets targets for."""
    anchor = selectors.targets_anchor(request.user)
    if anchor is None:
        raise Http404
    this_year = timezone.localdate().year
    with_targets = selectors.target_years()
    years = selectors.target_year_choices(this_year=this_year, with_targets=with_targets)
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        year = this_year
    if year not in years:
        year = this_year
    rows = selectors.targets_table(actor=request.user, year=year)
    return render(
        request,
        "reporting/targets.html",
        {
            "anchor": anchor,
            "year": year,
            "years": years,
            "has_targets": year in with_targets,
            "rows": rows,
            "indicators": [(code, code.label) for code in selectors.LIVE_INDICATORS],
        },
    )
