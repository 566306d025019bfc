"""Programme targets against live counts, per region within the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F

from accounts.permissions import is_officer, is_province
from providers.models import Clinic, CommissionerProfile, Provider, Solution
from regions.models import Region
from reporting.models import ProgrammeTarget
from reporting.selectors.evaluation import fmt


@dataclass(frozen=True)
class TargetCell:
    count: int
    target: Decimal | None
    percent: str  # "45.00%" (half-up to 2 places) or "—" when the region has no target


@dataclass(frozen=True)
class TargetRow:
    region: Region
    cells: list[TargetCell]
    is_anchor: bool


#: The targets counted live from the registers (the others come from the derived figures: see
#: ``reporting.selectors.dashboard``).
LIVE_INDICATORS = (
    ProgrammeTarget.Indicator.CLINICS,
    ProgrammeTarget.Indicator.COMMISSIONERS,
    ProgrammeTarget.Indicator.PROVIDERS,
    ProgrammeTarget.Indicator.SOLUTIONS,
)


def targets_anchor(actor) -> Region | None:
    """The region whose figures ``actor`` may see: the province for province officers and
    administrators, their city or county for city and county officers; None for anyone else."""
    if not is_officer(actor):
        return None
    if is_province(actor):
        return Region.objects.filter(level=Region.Level.PROVINCE).first()
    return actor.region


def target_years() -> list[int]:
    """The years for which the plan sets targets, ascending."""
    return sorted(
        set(ProgrammeTarget.objects.filter(indicator__in=LIVE_INDICATORS).values_list("year", flat=True))
    )


def target_year_choices(*, this_year: int, with_targets: list[int]) -> list[int]:
    """The years the targets page offers: the current year (always, with or without targets, since
    the counts are live) and every year the plan sets targets for (``with_targets``), newest first."""
    return sorted({this_year, *with_targets}, reverse=True)


def live_counts_by_path(anchor: Region) -> dict[str, dict[str, int]]:
    """{indicator: {region path: count}} for the anchor's subtree, one grouped query each."""
    Indicator = ProgrammeTarget.Indicator
    querysets = {
        Indicator.CLINICS: Clinic.objects.filter(kind=Clinic.Kind.CLINIC, status=Clinic.Status.OPEN).values(
            path=F("region__path")
        ),
        Indicator.COMMISSIONERS: CommissionerProfile.objects.filter(active=True).values(
            path=F("user__region__path")
        ),
        Indicator.PROVIDERS: Provider.objects.admitted().values(path=F("home_region__path")),
        Indicator.SOLUTIONS: Solution.objects.published().values(path=F("provider__home_region__path")),
    }
    return {
        code: {
            row["path"]: row["n"]
            for row in qs.filter(path__startswith=anchor.path).annotate(n=Count("id")).order_by()
        }
        for code, qs in querysets.items()
    }


def targets_table(*, actor, year: int) -> list[TargetRow] | None:
    """Counts against the plan's targets for ``year``: the anchor region's row, then one row per
    city (province officers) or per county (city officers); None if ``actor`` may not see it.

    A region's count includes everything filed below it. Targets are looked up per region;
    a region without a target row shows "—". Seven queries whatever the number of regions.
    """
    anchor = targets_anchor(actor)
    if anchor is None:
        return None
    regions = [anchor]
    if anchor.level == Region.Level.PROVINCE:
        regions += list(Region.objects.filter(parent=anchor).order_by("sort_order", "code"))
    elif anchor.level in (Region.Level.CITY, Region.Level.ZONE):
        regions += list(Region.objects.filter(parent=anchor).order_by("sort_order", "code"))
    counts = live_counts_by_path(anchor)
    targets = {
        (row["indicator"], row["region_id"]): row["target"]
        for row in ProgrammeTarget.objects.filter(
            year=year, region__in=[r.pk for r in regions], indicator__in=LIVE_INDICATORS
        ).values("indicator", "region_id", "target")
    }
    rows = []
    for region in regions:
        cells = []
        for code in LIVE_INDICATORS:
            n = sum(v for path, v in counts[code].items() if path and path.startswith(region.path))
            target = targets.get((code, region.pk))
            percent = fmt(Decimal(n) * 100 / target) + "%" if target else "—"
            cells.append(TargetCell(n, target, percent))
        rows.append(TargetRow(region, cells, region.pk == anchor.pk))
    return rows
