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
- Jobs: ``EvaluationRun`` is the status row (PENDING → RUNNING → DONE/FAILED). ``evaluation_run``
  claims it under ``select_for_update`` and returns at once when the month is already RUNNING or
  DONE, so a task delivered twice does nothing. ``evaluation_request`` (the "重新计算" button)
  resets the row to PENDING and enqueues the task on commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from accounts.scope import Reach, scope_for
from diagnosis.models import Diagnosis, ProviderRating, TransformationProject
from providers.models import Provider, Qualification
from reporting.models import HUNDRED, ONE, ZERO, EvaluationRun, EvaluationWeights, ProviderEvaluation

logger = logging.getLogger(__name__)

Status = EvaluationRun.Status
EVALUATED_STATUSES = (Provider.Status.ADMITTED, Provider.Status.SUSPENDED)
ACTIVITY_PARTS = ("ratings", "on_time", "returns")
PARTS = (*ACTIVITY_PARTS, "qualifications")
CENT = Decimal("0.01")


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


def _gather(period: str, weights: EvaluationWeights) -> list[ProviderEvaluation]:
    """One unsaved evaluation per evaluated provider; seven queries in all."""
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
    for p in providers:
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


@transaction.atomic
def _claim(period: str, *, resume: bool) -> EvaluationRun | None:
    run, _created = EvaluationRun.objects.select_for_update().get_or_create(period=period)
    if run.status in (Status.PENDING, Status.FAILED) or (resume and run.status == Status.RUNNING):
        run.status = Status.RUNNING
        run.started_at = timezone.now()
        run.finished_at = None
        run.message = ""
        run.save()
        return run
    return None


def evaluation_run(*, period: str, resume: bool = False) -> EvaluationRun:
    """Evaluate every ADMITTED and SUSPENDED provider for ``period`` (``YYYYMM``); see the module.

    Returns the run row. A month already RUNNING (unless ``resume``, for a retry) or DONE is
    returned untouched; use ``evaluation_request`` to compute a month again. An unexpected error
    leaves the month's previous rows in place and the run FAILED with the reason.
    """
    start, end = period_bounds(period)
    run = _claim(period, resume=resume)
    if run is None:
        return EvaluationRun.objects.get(period=period)
    try:
        with transaction.atomic():
            weights = EvaluationWeights.in_force(end - timedelta(days=1))
            rows = _gather(period, weights)
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
            run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
            run.status = Status.DONE
            run.finished_at = timezone.now()
            run.providers_count = len(rows)
            run.scored_count = sum(1 for r in rows if r.score is not None)
            run.flagged_count = flagged
            run.save()
    except Exception as exc:
        logger.exception("provider evaluation %s failed", period)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            message=_("计算失败：%(reason)s") % {"reason": exc},
        )
        raise
    return run


def can_request_evaluation(user) -> bool:
    """Province officers and administrators (reach: the whole province)."""
    return scope_for(user).reach == Reach.ALL


def _enqueue(period: str) -> None:
    from reporting import tasks

    try:
        tasks.evaluate_providers.delay(period=period)
    except BrokerError:
        logger.warning("evaluation %s: broker unavailable; request it again later", period)


@transaction.atomic
def evaluation_request(*, actor, period: str) -> EvaluationRun:
    """Create or reset the month's run row (PENDING) and enqueue its computation on commit.

    Raises ``PermissionDenied`` for anyone but province officers and administrators, and
    ``ValidationError`` for a malformed period, a month not yet over, or a month being computed.
    """
    if not can_request_evaluation(actor):
        raise PermissionDenied(_("只有省工信厅可以重新计算服务商评价。"))
    start, _end = period_bounds(period)
    if start > timezone.localdate().replace(day=1) - timedelta(days=1):
        raise ValidationError(_("只能计算已结束的月份，请选择上月或更早的统计期。"), code="period")
    run, _created = EvaluationRun.objects.select_for_update().get_or_create(
        period=period, defaults={"requested_by": actor}
    )
    if run.status == Status.RUNNING:
        raise ValidationError(_("该月的评价正在计算，请稍后刷新页面查看结果。"), code="running")
    run.status = Status.PENDING
    run.requested_by = actor
    run.created_at = timezone.now()
    run.started_at = run.finished_at = None
    run.message = ""
    run.full_clean()
    run.save()
    transaction.on_commit(lambda: _enqueue(period))
    return run
