"""Derived indicators: figures computed from the casework into the indicator store.

For every county, per period, computed in the database with one ``GROUP BY`` per kind of figure;
cities and the province follow by aggregation (``sum`` indicators) — nothing above county level is
stored, so a region's value is always its counties' total.

- **Stocks** at the period's end (or now, for the period under way): enterprises on file, above
  designated size, on the cloud, certified (两化融合), on an industrial-internet platform; the
  enterprises above designated size with an issued diagnosis (``ent_above_diagnosed``); the
  level distribution ``level_0``…``level_4``, ``score_sum`` and ``ent_scored`` of every
  enterprise's latest issued diagnosis by then (the average score is ``score_sum / ent_scored`` in
  a layout); enterprises transforming (a project started by then and not cancelled); projects
  by state at the period's end — planned (not started by then), in progress (started, not
  completed), completed and awaiting acceptance, accepted, and cancelled (projects keep no date of
  cancellation, so a cancelled project counts as cancelled in every period after its creation).
- **Flows** within the period: visits and enterprises visited, diagnoses issued and enterprises
  diagnosed, projects started, completed and accepted, the planned investment of projects created,
  the actual investment and subsidy of projects completed, vouchers issued and redeemed (万元).

The archive's flags (cloud, certification, platform) have no history: a closed period's stock of
them is the archive as it is when the period is derived (the monthly job derives a month right
after it closes).

Contract of ``derive_period(code, now=None)``: replaces the derived values of that period (source
``derived``) in one transaction — idempotent, the same inputs give the same rows — and returns the
number of values written. ``derive_month(month, now=None)`` derives the month and the quarter,
half and year that contain it (cumulative to date). Counties with nothing to count get no row
(a missing value, shown as such), except the stocks of enterprises on file, which are 0.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from diagnosis.models import (
    Diagnosis,
    Enterprise,
    ServiceVoucher,
    TransformationProject,
    Visit,
    VoucherEntry,
)
from regions.models import Region
from reporting.models import DerivationRun, Indicator, IndicatorValue
from reporting.stats.periods import parse_period, period_bounds

#: code → (name, unit): every derived indicator (all aggregate by ``sum``).
DERIVED = {
    "ent_total": ("在库企业数", "家"),
    "ent_above": ("规上企业数", "家"),
    "ent_cloud": ("上云企业数", "家"),
    "ent_certified": ("两化融合评定企业数", "家"),
    "ent_platform": ("应用工业互联网平台企业数", "家"),
    "visits": ("走访次数", "次"),
    "ent_visited": ("走访企业数", "家"),
    "diagnoses_issued": ("出具诊断书数", "份"),
    "ent_diagnosed": ("诊断企业数", "家"),
    "ent_above_diagnosed": ("已诊断规上企业数", "家"),
    "level_0": ("未达一级企业数", "家"),
    "level_1": ("一级企业数", "家"),
    "level_2": ("二级企业数", "家"),
    "level_3": ("三级企业数", "家"),
    "level_4": ("四级企业数", "家"),
    "ent_scored": ("有诊断得分企业数", "家"),
    "score_sum": ("诊断总分合计", "分"),
    "ent_transforming": ("开展改造企业数", "家"),
    "projects_planned": ("计划中的改造项目数", "个"),
    "projects_in_progress": ("实施中的改造项目数", "个"),
    "projects_awaiting_acceptance": ("已完成待验收的改造项目数", "个"),
    "projects_accepted_total": ("累计验收的改造项目数", "个"),
    "projects_cancelled": ("已取消的改造项目数", "个"),
    "projects_started": ("开工改造项目数", "个"),
    "projects_completed": ("完成改造项目数", "个"),
    "projects_accepted": ("验收改造项目数", "个"),
    "investment_planned": ("计划投资", "万元"),
    "investment_actual": ("实际投资", "万元"),
    "subsidy_actual": ("政府补助", "万元"),
    "vouchers_issued": ("发放服务券", "万元"),
    "vouchers_redeemed": ("使用服务券", "万元"),
}
ISSUED = Diagnosis.ISSUED_STATES
#: Derived values are stored at the money scale (SQLite's SUM over decimals carries float noise).
SCALE = Decimal("0.0001")


def ensure_indicators() -> dict[str, Indicator]:
    """The derived indicators, created when missing and renamed when their name changed (one
    query when nothing needs writing)."""
    found = {i.code: i for i in Indicator.objects.filter(code__in=DERIVED)}
    for code, (name, unit) in DERIVED.items():
        indicator = found.get(code)
        if indicator is None:
            found[code] = Indicator.objects.create(
                code=code, name=name, unit=unit, aggregation=Indicator.Aggregation.SUM
            )
        elif (indicator.name, indicator.unit, indicator.aggregation) != (
            name,
            unit,
            Indicator.Aggregation.SUM,
        ):
            indicator.name, indicator.unit, indicator.aggregation = name, unit, Indicator.Aggregation.SUM
            indicator.save(update_fields=["name", "unit", "aggregation", "updated_at"])
    return found


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _grouped(queryset, county_path: str, **figures) -> dict[str, dict[int, Decimal]]:
    """``{figure: {county id: value}}`` from one ``GROUP BY`` over ``county_path``."""
    out: dict[str, dict[int, Decimal]] = {name: {} for name in figures}
    for row in queryset.order_by().values(county_path).annotate(**figures):
        county = row[county_path]
        for name in figures:
            if row[name] is not None:
                out[name][county] = Decimal(row[name])
    return out


def compute_period(code: str, now: datetime.datetime | None = None) -> dict[str, dict[int, Decimal]]:
    """``{indicator code: {county id: exact value}}`` for period ``code`` (see the module)."""
    now = now or timezone.now()
    first, last = period_bounds(code)
    start, end = _moment(first), min(_moment(last + datetime.timedelta(days=1)), now)
    last_day = (end - datetime.timedelta(microseconds=1)).date()  # the last day the stocks include
    in_period_day = Q(visited_on__gte=first, visited_on__lte=last)
    figures: dict[str, dict[int, Decimal]] = {}
    on_file = Enterprise.objects.filter(created_at__lt=end)
    figures |= _grouped(
        on_file, "county",
        ent_total=Count("id"), ent_above=Count("id", filter=Q(above_designated_size=True)),
        ent_cloud=Count("id", filter=Q(cloud_adopted=True)),
        ent_certified=Count("id", filter=Q(integration_certified=True)),
        ent_platform=Count("id", filter=Q(iip_platform_used=True)),
    )  # fmt: skip
    figures |= _grouped(
        Visit.objects.filter(in_period_day), "enterprise__county",
        visits=Count("id"), ent_visited=Count("enterprise", distinct=True),
    )  # fmt: skip
    issued = Diagnosis.objects.filter(status__in=ISSUED, issued_at__gte=start, issued_at__lt=end)
    figures |= _grouped(
        issued, "enterprise__county",
        diagnoses_issued=Count("id"), ent_diagnosed=Count("enterprise", distinct=True),
    )  # fmt: skip
    latest = (
        Diagnosis.objects.filter(
            enterprise=OuterRef("enterprise"), status__in=ISSUED, issued_at__lt=end, level__isnull=False
        )
        .order_by()
        .values("enterprise")
        .annotate(last=Max("issued_at"))
        .values("last")
    )
    current = Diagnosis.objects.filter(status__in=ISSUED, issued_at__lt=end, level__isnull=False).filter(
        issued_at=Subquery(latest)
    )
    figures |= _grouped(
        current, "enterprise__county",
        ent_scored=Count("enterprise", distinct=True), score_sum=Sum("total_score"),
        ent_above_diagnosed=Count("enterprise", distinct=True, filter=Q(enterprise__above_designated_size=True)),
        **{f"level_{n}": Count("enterprise", distinct=True, filter=Q(level=n)) for n in range(5)},
    )  # fmt: skip
    projects = TransformationProject.objects.all()
    figures |= _grouped(
        projects.filter(started_on__lte=last_day).exclude(status=TransformationProject.Status.CANCELLED),
        "enterprise__county", ent_transforming=Count("enterprise", distinct=True),
    )  # fmt: skip
    live = ~Q(status=TransformationProject.Status.CANCELLED)
    not_started = Q(started_on__isnull=True) | Q(started_on__gt=last_day)
    not_completed = Q(completed_on__isnull=True) | Q(completed_on__gt=last_day)
    not_accepted = Q(accepted_at__isnull=True) | Q(accepted_at__gte=end)
    figures |= _grouped(
        projects.filter(created_at__lt=end), "enterprise__county",
        projects_planned=Count("id", filter=live & not_started),
        projects_in_progress=Count("id", filter=live & Q(started_on__lte=last_day) & not_completed),
        projects_awaiting_acceptance=Count("id", filter=live & Q(completed_on__lte=last_day) & not_accepted),
        projects_accepted_total=Count("id", filter=live & Q(accepted_at__lt=end)),
        projects_cancelled=Count("id", filter=~live),
    )  # fmt: skip
    figures |= _grouped(
        projects, "enterprise__county",
        projects_started=Count("id", filter=Q(started_on__gte=first, started_on__lte=last)),
        projects_completed=Count("id", filter=Q(completed_on__gte=first, completed_on__lte=last)),
        projects_accepted=Count("id", filter=Q(accepted_at__gte=start, accepted_at__lt=end)),
        investment_planned=Sum("planned_investment", filter=Q(created_at__gte=start, created_at__lt=end)),
        investment_actual=Sum("actual_investment", filter=Q(completed_on__gte=first, completed_on__lte=last)),
        subsidy_actual=Sum("actual_subsidy", filter=Q(completed_on__gte=first, completed_on__lte=last)),
    )  # fmt: skip
    figures |= _grouped(
        ServiceVoucher.objects.filter(issued_at__gte=start, issued_at__lt=end), "enterprise__county",
        vouchers_issued=Sum("amount"),
    )  # fmt: skip
    figures |= _grouped(
        VoucherEntry.objects.filter(kind=VoucherEntry.Kind.REDEEM, at__gte=start, at__lt=end),
        "voucher__enterprise__county", vouchers_redeemed=Sum("amount"),
    )  # fmt: skip
    # zero counts are not facts worth a row, except the register's own stocks
    keep_zero = {"ent_total", "ent_above", "ent_cloud", "ent_certified", "ent_platform"}
    return {
        name: {county: value for county, value in values.items() if value != 0 or name in keep_zero}
        for name, values in figures.items()
    }


@transaction.atomic
def derive_period(code: str, now: datetime.datetime | None = None) -> int:
    """Replace the derived values of period ``code`` (see the module); returns how many were written."""
    code = parse_period(code)[0]
    indicators = ensure_indicators()
    figures = compute_period(code, now)
    from reporting.services.review import locked_regions

    locked = locked_regions(code)  # submitted or published figures stay as they were
    counties = set(Region.objects.counties().values_list("pk", flat=True)) - locked
    IndicatorValue.objects.filter(
        indicator__in=indicators.values(), period=code, source=IndicatorValue.Source.DERIVED
    ).exclude(region_id__in=locked).delete()
    stamp = timezone.now()
    rows = [
        IndicatorValue(
            indicator=indicators[name],
            region_id=county,
            period=code,
            value=value.quantize(SCALE),
            source=IndicatorValue.Source.DERIVED,
            origin="casework",
            entered_at=stamp,
        )  # fmt: skip
        for name, values in figures.items()
        for county, value in sorted(values.items())
        if county in counties
    ]
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def periods_of_month(month: str) -> list[str]:
    """The month and the quarter, half and year that contain it: ``202605`` → 202605, 2026Q2, 2026S1, 2026."""
    code, kind = parse_period(month)
    if kind != "month":
        raise ValueError(f"not a month: {month!r}")
    year, number = code[:4], int(code[4:])
    return [code, f"{year}Q{(number - 1) // 3 + 1}", f"{year}S{1 if number <= 6 else 2}", year]


def derive_month(month: str, now: datetime.datetime | None = None) -> int:
    """Derive the month and its quarter, half and year to date (see ``periods_of_month``)."""
    return sum(derive_period(code, now) for code in periods_of_month(month))


# --- the job: closed months once, the month under way whenever the data changed -----------------


def _month_of(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m")


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[4:])
    return f"{year - 1}12" if number == 1 else f"{year}{number - 1:02d}"


def derivation_run(*, period: str) -> DerivationRun:
    """Claim the month's run and derive it (see ``derive_month``); a run already done or in a live
    worker's hands is returned untouched, so a duplicate delivery does nothing. Errors are retried
    with the job mechanism's back-off."""
    import logging

    from core import freshness
    from core.jobs import JobLost

    logger = logging.getLogger(__name__)
    run, _created = DerivationRun.objects.get_or_create(period=period)
    claimed = DerivationRun.claim(run.pk)
    if claimed is None:
        return DerivationRun.objects.get(pk=run.pk)
    run = claimed
    version = freshness.token() or ""
    try:
        with transaction.atomic():
            written = derive_month(period)
            if not run.finish(values_count=written, data_version=version):
                raise JobLost(period)
    except JobLost:
        return DerivationRun.objects.get(pk=run.pk)
    except Exception as exc:  # noqa: BLE001 - the job records the reason and retries
        logger.exception("derivation %s failed", period)
        run.fail(f"derivation failed: {exc}")
    return run


def derivation_catch_up(now: datetime.datetime) -> list[DerivationRun]:
    """The runs the sweep should ring: the last closed month if it was never derived, and the month
    under way when the data changed since its last derivation (at most every ``REFRESH_SECONDS``)."""
    from core import freshness
    from core.jobs import JobStatus

    due = []
    current = _month_of(now)
    closed, created = DerivationRun.objects.get_or_create(period=previous_month(current))
    if created:
        due.append(closed)
    run, created = DerivationRun.objects.get_or_create(period=current)
    if created:
        return [*due, run]
    version = freshness.token() or ""
    from django.conf import settings

    interval = getattr(settings, "STATS_REFRESH_SECONDS", DerivationRun.REFRESH_SECONDS)
    fresh_enough = run.finished_at and (now - run.finished_at).total_seconds() < interval
    if run.status == JobStatus.DONE and run.data_version != version and not fresh_enough:
        with transaction.atomic():
            locked = DerivationRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == JobStatus.DONE:
                locked.reset()
                due.append(locked)
    return due


def derivation_enqueue(run: DerivationRun, *, countdown: float | None = None) -> None:
    """Send the month's task (the doorbell ``core.jobs`` rings for DerivationRun)."""
    from reporting import tasks

    tasks.derive_figures.apply_async(kwargs={"period": run.period}, countdown=countdown)
