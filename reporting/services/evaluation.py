"""The monthly performance evaluation of the service-provider pool (issue "The service system", part 2).

Contract
- ``evaluation_run(period="YYYYMM")`` scores every ADMITTED and SUSPENDED provider for that month
  and writes one ``ProviderEvaluation`` per provider, replacing the month's rows exactly (a re-run
  gives the same rows). It runs a fixed number of queries whatever the number of providers: the
  four parts are aggregated in the database with ``values().annotate()`` (pinned by tests).
- The parts (``EvaluationWeights`` in force at the month's last day gives the weights):

  ==============  ===================================================================  =========
  ratings         enterprise ratings given in the month: average score / 5             sum / n×5
  on_time         the provider's projects completed in the month (with a planned       on time /
                  date): share finished on or before the planned date                  finished
  returns         diagnoses by the provider's organisation submitted in the month:     1 − ret./
                  1 − (diagnoses returned at least once) / submitted                   submitted
  qualifications  qualifications on file at the month's end: 1 − expired/total, or     —
                  1 − penalty × expired (floored at 0), per the weights row
  ==============  ===================================================================  =========

  Each part is worth ``value × 100`` points times its weight. A part with no data in the month
  (no ratings, no project finished, no diagnosis submitted, no qualification on file) is marked
  "无数据" and its weight is redistributed over the parts that have data in proportion to their
  weights (``effective_weight = weight / Σ weights of parts with data``). A provider with none of
  the three activity parts (ratings, projects, diagnoses) in the month gets no score and no grade
  (not D): qualifications alone say nothing about performance.
- Score = Σ points, rounded half-up to 2 places when stored; the grade follows the thresholds.
- Ranks: per service category, among providers with a score, highest score first, ties by name;
  stored as ``{category_code: rank}``.
- Flags: a provider graded D in this month and in the previous month gets
  ``Provider.flagged_for_review = True``. Nothing is ever suspended automatically: a person decides.
- Jobs: ``EvaluationRun`` is the status row (``core.jobs``: PENDING → RUNNING → DONE/FAILED).
  ``evaluation_run`` claims it and returns at once when the month is DONE or RUNNING in a live
  worker, so a task delivered twice does nothing; it sends a heartbeat per batch of providers, so
  a run whose worker died is reclaimed (by the next claim or by the sweep) and computed again.
  The results and the DONE mark commit in one transaction. ``evaluation_request`` (the
  "重新计算" button) resets the row to PENDING and enqueues the task on commit.
- Schedule: each month is due on the 1st of the next month at 02:00 (Beijing time). The sweep
  (``core.tasks.sweep_jobs``) calls ``evaluation_catch_up``, which creates and enqueues the run of
  the last due month when it has no row yet: a machine that was off at 02:00 catches up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import JobLost
from diagnosis.models import Diagnosis, ProviderRating, TransformationProject
from providers.models import Provider, Qualification
from reporting.models import HUNDRED, ONE, ZERO, EvaluationRun, EvaluationWeights, ProviderEvaluation
from reporting.permissions import can_request_evaluation

logger = logging.getLogger(__name__)

Status = EvaluationRun.Status
EVALUATED_STATUSES = (Provider.Status.ADMITTED, Provider.Status.SUSPENDED)
ACTIVITY_PARTS = ("ratings", "on_time", "returns")
PARTS = (*ACTIVITY_PARTS, "qualifications")
CENT = Decimal("0.01")
#: Providers scored between two heartbeats.
HEARTBEAT_EVERY = 100
#: A month's run is due on the 1st of the next month at this (local) time.
DUE_AFTER_MONTH_END = timedelta(hours=2)


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[date, date]:
    """(first day, first day of the next month) of ``YYYYMM``; ValidationError if malformed."""
    if len(period) != 6 or not period.isdigit() or not 1 <= int(period[4:]) <= 12:
        raise ValidationError(_("统计期应为六位年月，例如 202501。"), code="period")
    year, month = int(period[:4]), int(period[4:])
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return start, end


def period_of(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def previous_period(period: str) -> str:
    start, _end = period_bounds(period)
    return period_of(start - timedelta(days=1))


def last_complete_period(today: date | None = None) -> str:
    """The month before the current one (local time): the default for the monthly task."""
    today = today or timezone.localdate()
    return period_of(today.replace(day=1) - timedelta(days=1))


def due_period(now: datetime | None = None) -> str:
    """The latest month whose run is due at ``now`` (the 1st at 02:00 local time starts the previous one)."""
    local = timezone.localtime(now or timezone.now()) - DUE_AFTER_MONTH_END
    return last_complete_period(local.date())


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


# ---------------------------------------------------------------------------------------------
# Scoring (pure: figures in, parts and score out)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartFigures:
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None  # None: no data in the month


def _ratio(numerator: int, denominator: int) -> Decimal:
    return Decimal(numerator) / Decimal(denominator)


def part_figures(
    *, ratings: tuple[int, int], projects: tuple[int, int], diagnoses: tuple[int, int],
    qualifications: tuple[int, int], weights: EvaluationWeights,
) -> dict[str, PartFigures]:  # fmt: skip
    """The four parts from raw counts: ratings (Σ score, n), projects (on time, finished),
    diagnoses (returned, submitted), qualifications (expired, total)."""
    score_sum, n = ratings
    on_time, finished = projects
    returned, submitted = diagnoses
    expired, total = qualifications
    if weights.qualification_mode == EvaluationWeights.QualificationMode.PENALTY:
        qual_value = max(ZERO, ONE - weights.qualification_penalty * expired) if total else None
    else:
        qual_value = ONE - _ratio(expired, total) if total else None
    return {
        "ratings": PartFigures(Decimal(score_sum), Decimal(n), _ratio(score_sum, n * 5) if n else None),
        "on_time": PartFigures(
            Decimal(on_time), Decimal(finished), _ratio(on_time, finished) if finished else None
        ),
        "returns": PartFigures(
            Decimal(returned), Decimal(submitted), ONE - _ratio(returned, submitted) if submitted else None
        ),
        "qualifications": PartFigures(Decimal(expired), Decimal(total), qual_value),
    }


def score_parts(figures: dict[str, PartFigures], weights: EvaluationWeights) -> tuple[Decimal | None, dict]:
    """(score rounded to 0.01 or None, parts JSON) with missing parts' weight redistributed."""
    configured = weights.weights
    if all(figures[code].value is None for code in ACTIVITY_PARTS):
        present_weight = ZERO
    else:
        present_weight = sum((configured[c] for c in PARTS if figures[c].value is not None), ZERO)
    total = ZERO
    parts = {}
    for code in PARTS:
        fig = figures[code]
        has_data = fig.value is not None and present_weight > 0
        effective = configured[code] / present_weight if has_data else ZERO
        points = fig.value * HUNDRED * effective if has_data else ZERO
        total += points
        parts[code] = {
            "has_data": has_data,
            "numerator": str(fig.numerator),
            "denominator": str(fig.denominator),
            "value": str(fig.value) if fig.value is not None else "",
            "weight": str(configured[code]),
            "effective_weight": str(effective),
            "points": str(points),
        }
    if present_weight == 0:
        return None, parts
    return total.quantize(CENT, rounding=ROUND_HALF_UP), parts


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def _gather(
    period: str, weights: EvaluationWeights, heartbeat: Callable[[], None] = lambda: None
) -> list[ProviderEvaluation]:
    """One unsaved evaluation per evaluated provider; seven queries in all (plus the heartbeats,
    one per ``HEARTBEAT_EVERY`` providers)."""
    start, end = period_bounds(period)
    last_day = end - timedelta(days=1)
    providers = list(
        Provider.objects.filter(status__in=EVALUATED_STATUSES).values(
            "pk", "organisation_id", "organisation__name"
        )
    )
    categories: dict[int, list[str]] = {}
    for provider_id, code in Provider.categories.through.objects.filter(
        provider__status__in=EVALUATED_STATUSES
    ).values_list("provider_id", "servicecategory__code"):
        categories.setdefault(provider_id, []).append(code)

    in_month = {"gte": _aware(start), "lt": _aware(end)}
    ratings = {
        row["provider_id"]: (row["total"], row["n"])
        for row in ProviderRating.objects.filter(
            provider__status__in=EVALUATED_STATUSES,
            rated_at__gte=in_month["gte"],
            rated_at__lt=in_month["lt"],
        )
        .values("provider_id")
        .annotate(n=Count("id"), total=Sum("score"))
    }
    projects = {
        row["provider_id"]: (row["on_time"], row["n"])
        for row in TransformationProject.objects.filter(
            provider__status__in=EVALUATED_STATUSES,
            status=TransformationProject.Status.COMPLETED,
            completed_on__gte=start,
            completed_on__lt=end,
            planned_completion__isnull=False,
        )
        .values("provider_id")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(completed_on__lte=F("planned_completion"))))
    }
    diagnoses = {
        row["organisation_id"]: (row["returned"], row["n"])
        for row in Diagnosis.objects.filter(
            organisation__provider__status__in=EVALUATED_STATUSES,
            submitted_at__gte=in_month["gte"],
            submitted_at__lt=in_month["lt"],
        )
        .values("organisation_id")
        .annotate(n=Count("id"), returned=Count("id", filter=Q(returned_count__gt=0)))
    }
    qualifications = {
        row["provider_id"]: (row["expired"], row["n"])
        for row in Qualification.objects.filter(provider__status__in=EVALUATED_STATUSES)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last_day))
        .values("provider_id")
        .annotate(n=Count("id"), expired=Count("id", filter=Q(valid_until__lt=last_day)))
    }

    now = timezone.now()
    rows = []
    for index, p in enumerate(providers):
        if index % HEARTBEAT_EVERY == 0:
            heartbeat()
        figures = part_figures(
            ratings=ratings.get(p["pk"], (0, 0)),
            projects=projects.get(p["pk"], (0, 0)),
            diagnoses=diagnoses.get(p["organisation_id"], (0, 0)),
            qualifications=qualifications.get(p["pk"], (0, 0)),
            weights=weights,
        )
        score, parts = score_parts(figures, weights)
        row = ProviderEvaluation(
            provider_id=p["pk"],
            period=period,
            score=score,
            grade=weights.grade_for(score),
            parts=parts,
            weights=weights,
            computed_at=now,
        )
        row.sort_name = p["organisation__name"]
        row.category_codes = sorted(categories.get(p["pk"], []))
        rows.append(row)
    _rank(rows)
    return rows


def _rank(rows: list[ProviderEvaluation]) -> None:
    """Fill ``rank_in_category``: per category, highest score first, ties by provider name."""
    ordered = sorted(
        (r for r in rows if r.score is not None), key=lambda r: (-r.score, r.sort_name, r.provider_id)
    )
    counters: dict[str, int] = {}
    for row in ordered:
        for code in row.category_codes:
            counters[code] = counters.get(code, 0) + 1
            row.rank_in_category[code] = counters[code]


def evaluation_run(*, period: str, retry_failed: bool = False) -> EvaluationRun:
    """Evaluate every ADMITTED and SUSPENDED provider for ``period`` (``YYYYMM``); see the module.

    Creates the month's run row if missing. Returns the run row: a month DONE, or RUNNING in a
    live worker, is returned untouched (use ``evaluation_request`` to compute a month again); a
    FAILED month too, unless ``retry_failed`` (the management command) starts a fresh round.
    An error leaves the month's previous rows in place; the run is retried after a back-off
    while attempts remain, then FAILED with the reason.
    """
    start, end = period_bounds(period)
    run, _created = EvaluationRun.objects.get_or_create(period=period)
    if retry_failed and run.status == Status.FAILED:
        with transaction.atomic():
            run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
            if run.status == Status.FAILED:
                run.reset()
    claimed = EvaluationRun.claim(run.pk)
    if claimed is None:
        return EvaluationRun.objects.get(pk=run.pk)
    run = claimed
    try:
        weights = EvaluationWeights.in_force(end - timedelta(days=1))
        rows = _gather(period, weights, heartbeat=run.heartbeat)
        with transaction.atomic():
            ProviderEvaluation.objects.filter(period=period).delete()
            ProviderEvaluation.objects.bulk_create(rows, batch_size=500)
            twice_d = ProviderEvaluation.objects.filter(
                period=previous_period(period),
                grade="D",
                provider_id__in=[r.provider_id for r in rows if r.grade == "D"],
            ).values("provider_id")
            flagged = Provider.objects.filter(pk__in=twice_d, flagged_for_review=False).update(
                flagged_for_review=True
            )
            finished = run.finish(
                providers_count=len(rows),
                scored_count=sum(1 for r in rows if r.score is not None),
                flagged_count=flagged,
            )
            if not finished:
                raise JobLost(period)  # taken over meanwhile: roll our rows back, theirs count
    except JobLost:
        return EvaluationRun.objects.get(pk=run.pk)
    except (OperationalError, SoftTimeLimitExceeded) as exc:
        logger.warning("provider evaluation %s: attempt %s interrupted: %s", period, run.attempts, exc)
        run.fail(_("计算失败：%(reason)s") % {"reason": exc})
    except Exception as exc:
        logger.exception("provider evaluation %s failed", period)
        run.fail(_("计算失败：%(reason)s") % {"reason": exc})
    return run


def evaluation_catch_up(now: datetime) -> list[EvaluationRun]:
    """Create the run of the last due month if it has none (the sweep rings it); returns what it made.

    A month with a row in any state is left alone: done, in hand, or failed for a person to look at.
    """
    period = due_period(now)
    run, created = EvaluationRun.objects.get_or_create(period=period)
    if created:
        logger.info("provider evaluation %s was not run on schedule; catching up", period)
    return [run] if created else []


def evaluation_enqueue(run: EvaluationRun, *, countdown: float | None = None) -> None:
    """Send the month's task (the doorbell ``core.jobs`` rings for EvaluationRun)."""
    from reporting import tasks

    tasks.evaluate_providers.apply_async(kwargs={"period": run.period}, countdown=countdown)


@transaction.atomic
def evaluation_request(*, actor, period: str) -> EvaluationRun:
    """Create or reset the month's run row (PENDING) and enqueue its computation on commit.

    Raises ``PermissionDenied`` for anyone but province officers and administrators, and
    ``ValidationError`` for a malformed period, a month not yet over, or a month being computed by
    a live worker (a run whose worker died may be requested again).
    """
    if not can_request_evaluation(actor):
        raise PermissionDenied(_("只有省工信厅可以重新计算服务商评价。"))
    start, _end = period_bounds(period)
    if start > timezone.localdate().replace(day=1) - timedelta(days=1):
        raise ValidationError(_("只能计算已结束的月份，请选择上月或更早的统计期。"), code="period")
    run, _created = EvaluationRun.objects.select_for_update().get_or_create(
        period=period, defaults={"requested_by": actor}
    )
    if run.status == Status.RUNNING and not run.is_stale():
        raise ValidationError(_("该月的评价正在计算，请稍后刷新页面查看结果。"), code="running")
    run.requested_by = actor
    run.created_at = timezone.now()
    run.full_clean()
    run.schedule()
    return run
