"""The monthly provider evaluation: exact scores, redistribution, ranks, grades, flags, jobs."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from core.jobs import sweep_jobs
from providers.models import Provider
from reporting.models import EvaluationRun, EvaluationWeights, ProviderEvaluation
from reporting.selectors.evaluation import explain_parts
from reporting.services.evaluation import (
    due_period,
    evaluation_request,
    evaluation_run,
    last_complete_period,
    period_bounds,
    previous_period,
)
from reporting.tasks import evaluate_providers
from tests.reporting.conftest import make_provider

JAN = "202501"
DEC = "202412"


def ev(provider, period=JAN) -> ProviderEvaluation:
    return ProviderEvaluation.objects.get(provider=provider, period=period)


def snapshot(period=JAN):
    return sorted(
        ProviderEvaluation.objects.filter(period=period).values_list(
            "provider_id", "score", "grade", "rank_in_category", "parts", "weights_id"
        )
    )


def test_periods():
    assert period_bounds("202412") == (date(2024, 12, 1), date(2025, 1, 1))
    assert previous_period("202501") == "202412"
    assert last_complete_period(date(2025, 3, 1)) == "202502"
    with pytest.raises(ValidationError):
        period_bounds("202513")


def test_all_four_parts_exact(world_provider, activity):
    activity.ratings(world_provider, [4, 5, 4])  # 13/15
    activity.projects(world_provider, on_time=3, late=1)  # 0.75
    activity.diagnoses(world_provider, submitted=5, returned=1)  # 0.8
    activity.qualifications(world_provider, valid=3, expired=1)  # 0.75
    run = evaluation_run(period=JAN)
    assert run.status == EvaluationRun.Status.DONE
    result = ev(world_provider)
    # 86.666…×0.4 + 75×0.3 + 80×0.2 + 75×0.1 = 34.666… + 22.5 + 16 + 7.5 = 80.666… → 80.67
    assert result.score == Decimal("80.67")
    assert result.grade == "B"
    assert result.parts["ratings"]["numerator"] == "13"
    assert result.parts["ratings"]["denominator"] == "3"
    assert Decimal(result.parts["on_time"]["points"]) == Decimal("22.5")
    assert Decimal(result.parts["returns"]["points"]) == Decimal("16")
    assert result.rank_in_category == {"consulting": 1}
    sentences = [line.sentence for line in explain_parts(result)]
    assert sentences[0] == "3 家企业评价，平均 4.33 分 → 86.67 分 × 权重 0.40 = 34.67"
    assert sentences[1] == "本月完工项目 4 个，其中按期完成 3 个 → 75.00 分 × 权重 0.30 = 22.50"


def test_missing_parts_are_redistributed(world_provider, activity):
    activity.ratings(world_provider, [3, 4])  # 0.7
    activity.qualifications(world_provider, valid=1, expired=1)  # 0.5
    evaluation_run(period=JAN)
    result = ev(world_provider)
    # weights 0.4 and 0.1 over 0.5 present → 0.8 and 0.2: 70×0.8 + 50×0.2 = 66
    assert result.score == Decimal("66.00")
    assert result.grade == "C"
    assert result.parts["on_time"]["has_data"] is False
    assert result.parts["returns"]["has_data"] is False
    assert Decimal(result.parts["ratings"]["effective_weight"]) == Decimal("0.8")
    lines = explain_parts(result)
    assert "无数据" in lines[1].sentence
    assert "0.8000（原 0.40" in lines[0].sentence


def test_no_data_gets_no_score_not_d(world_provider, activity):
    activity.qualifications(world_provider, valid=2, expired=0)  # qualifications alone: no score
    evaluation_run(period=JAN)
    result = ev(world_provider)
    assert result.score is None
    assert result.grade == ""
    assert result.rank_in_category == {}


def test_activity_outside_the_month_is_ignored(world_provider, activity):
    activity.ratings(world_provider, [5], day=date(2025, 2, 1))
    activity.ratings(world_provider, [1], day=date(2024, 12, 31))
    activity.ratings(world_provider, [3], day=date(2025, 1, 31))
    evaluation_run(period=JAN)
    assert ev(world_provider).score == Decimal("60.00")


@pytest.mark.parametrize(
    "scores,expected,grade",
    [
        ([4, 5], "90.00", "A"),
        ([3, 5], "80.00", "B"),
        ([3], "60.00", "C"),
        ([1, 5], "60.00", "C"),
        ([1, 4], "50.00", "D"),
    ],
)
def test_grades_at_the_boundary(db, activity, scores, expected, grade):
    provider = make_provider("边界服务商")
    activity.ratings(provider, scores)
    evaluation_run(period=JAN)
    assert ev(provider).score == Decimal(expected)
    assert ev(provider).grade == grade


def test_grade_thresholds_inclusive():
    weights = EvaluationWeights(grade_a=Decimal("90"), grade_b=Decimal("75"), grade_c=Decimal("60"))
    assert [weights.grade_for(Decimal(s)) for s in ("90.00", "89.99", "75.00", "74.99", "60.00", "59.99")] == [
        "A", "B", "B", "C", "C", "D",
    ]  # fmt: skip
    assert weights.grade_for(None) == ""


def test_weights_must_sum_to_one(db):
    weights = EvaluationWeights(effective_from=date(2025, 1, 1), weight_ratings=Decimal("0.5"))
    with pytest.raises(ValidationError):
        weights.full_clean()
    weights.weight_ratings = Decimal("0.4")
    weights.full_clean()


def test_penalty_mode(world_provider, activity):
    EvaluationWeights.objects.create(
        effective_from=date(2025, 1, 1),
        qualification_mode=EvaluationWeights.QualificationMode.PENALTY,
        qualification_penalty=Decimal("0.3"),
    )
    activity.ratings(world_provider, [5])
    activity.qualifications(world_provider, valid=5, expired=2)  # 1 − 0.6 = 0.4
    evaluation_run(period=JAN)
    # 100×0.8 + 40×0.2 = 88
    assert ev(world_provider).score == Decimal("88.00")


def test_ranks_within_category_ties_by_name(db, activity):
    b = make_provider("B乙服务商", categories=("consulting", "cloud"))
    a = make_provider("A甲服务商", categories=("consulting",))
    c = make_provider("C丙服务商", categories=("cloud",))
    silent = make_provider("D丁服务商", categories=("cloud",))
    activity.ratings(a, [4])
    activity.ratings(b, [4])
    activity.ratings(c, [5])
    evaluation_run(period=JAN)
    assert ev(a).rank_in_category == {"consulting": 1}
    assert ev(b).rank_in_category == {"consulting": 2, "cloud": 2}
    assert ev(c).rank_in_category == {"cloud": 1}
    assert ev(silent).rank_in_category == {}


def test_only_admitted_and_suspended_are_evaluated(db, activity):
    admitted = make_provider("入库")
    suspended = make_provider("暂停", status=Provider.Status.SUSPENDED)
    removed = make_provider("出库", status=Provider.Status.REMOVED)
    applied = make_provider("申请", status=Provider.Status.APPLIED)
    for p in (admitted, suspended, removed, applied):
        activity.ratings(p, [5])
    run = evaluation_run(period=JAN)
    assert set(ProviderEvaluation.objects.values_list("provider_id", flat=True)) == {
        admitted.pk,
        suspended.pk,
    }
    assert (run.providers_count, run.scored_count) == (2, 2)


def test_d_twice_flags_d_once_does_not(db, activity):
    twice = make_provider("两次D")
    once = make_provider("一次D")
    activity.ratings(twice, [1], day=date(2024, 12, 5))
    activity.ratings(twice, [1])
    activity.ratings(once, [5], day=date(2024, 12, 5))
    activity.ratings(once, [1])
    evaluation_run(period=DEC)
    run = evaluation_run(period=JAN)
    twice.refresh_from_db()
    once.refresh_from_db()
    assert ev(twice).grade == ev(once).grade == "D"
    assert twice.flagged_for_review is True
    assert once.flagged_for_review is False
    assert run.flagged_count == 1
    assert twice.status == Provider.Status.ADMITTED  # never suspended automatically


def test_rerun_replaces_rows_exactly(world, world_provider, activity, django_capture_on_commit_callbacks):
    other = make_provider("其他服务商")
    activity.ratings(world_provider, [4, 5])
    activity.ratings(other, [2])
    evaluation_run(period=JAN)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_request(actor=world.users["province_officer"], period=JAN)
    assert EvaluationRun.objects.get(period=JAN).status == EvaluationRun.Status.DONE
    assert snapshot() == before
    # A provider leaving the pool disappears from the month on the next computation.
    Provider.objects.filter(pk=other.pk).update(status=Provider.Status.REMOVED)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_request(actor=world.users["admin"], period=JAN)
    assert [row[0] for row in snapshot()] == [world_provider.pk]


def test_duplicate_task_does_nothing(world_provider, activity):
    activity.ratings(world_provider, [5])
    assert evaluate_providers.apply(kwargs={"period": JAN}).get() == "done"
    first = ev(world_provider).computed_at
    activity.ratings(world_provider, [1])
    assert evaluate_providers.apply(kwargs={"period": JAN}).get() == "done"
    assert ev(world_provider).computed_at == first
    assert ev(world_provider).score == Decimal("100.00")


def test_running_run_is_not_taken_twice(world_provider, activity):
    EvaluationRun.objects.create(
        period=JAN, status=EvaluationRun.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    run = evaluation_run(period=JAN)
    assert run.status == EvaluationRun.Status.RUNNING
    assert not ProviderEvaluation.objects.exists()


def test_a_run_whose_worker_died_is_taken_over(
    world, world_provider, activity, django_capture_on_commit_callbacks
):
    """The old defect: a killed worker left the month RUNNING forever (no claim, no new request)."""
    activity.ratings(world_provider, [5])
    dead = timezone.now() - EvaluationRun.stale_after - timedelta(minutes=1)
    EvaluationRun.objects.create(
        period=JAN, status=EvaluationRun.Status.RUNNING, attempts=1, heartbeat_at=dead
    )
    run = evaluation_run(period=JAN)  # e.g. the redelivered task
    assert (run.status, run.attempts) == (EvaluationRun.Status.DONE, 2)
    assert ev(world_provider).score == Decimal("100.00")
    # And a person may request a month whose worker died again.
    EvaluationRun.objects.filter(period=JAN).update(status=EvaluationRun.Status.RUNNING, heartbeat_at=dead)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_request(actor=world.users["province_officer"], period=JAN)
    assert EvaluationRun.objects.get(period=JAN).status == EvaluationRun.Status.DONE


def test_task_defaults_to_previous_month(world_provider):
    evaluate_providers.apply().get()
    assert EvaluationRun.objects.filter(period=last_complete_period(), status="done").exists()


def test_request_permissions_and_period(world, django_capture_on_commit_callbacks):
    for role in ("city_officer", "provider_staff", "commissioner", "no_role"):
        with pytest.raises(PermissionDenied):
            evaluation_request(actor=world.users[role], period=JAN)
    with pytest.raises(ValidationError):
        evaluation_request(actor=world.users["province_officer"], period=last_complete_period()[:4] + "13")
    current = date.today().strftime("%Y%m")
    with pytest.raises(ValidationError):
        evaluation_request(actor=world.users["province_officer"], period=current)


def _run_queries(period):
    with CaptureQueriesContext(connection) as ctx:
        evaluation_run(period=period)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_providers(db, activity):
    for i in range(2):
        p = make_provider(f"少{i}", categories=("consulting", "cloud"))
        activity.ratings(p, [4], day=date(2024, 12, 3))
        activity.projects(p, on_time=1, late=0, day=date(2024, 12, 3))
    few = _run_queries(DEC)
    for i in range(10):
        p = make_provider(f"多{i}", categories=("consulting", "cloud"))
        activity.ratings(p, [4])
        activity.projects(p, on_time=1, late=1)
        activity.diagnoses(p, submitted=2, returned=1)
        activity.qualifications(p, valid=1, expired=1)
    many = _run_queries(JAN)
    assert few == many
    assert many <= 24  # the job protocol (get-or-create, claim, heartbeat, finish) included


def test_the_one_beat_entry_is_the_job_sweep():
    import core.tasks  # noqa: F401  (the worker imports every app's tasks at start)

    assert list(settings.CELERY_BEAT_SCHEDULE) == ["sweep-jobs"]
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert entry["task"] == "core.tasks.sweep_jobs" and entry["task"] in app.tasks
    assert entry["schedule"] <= 5 * 60  # so a month due at 02:00 starts within minutes


@pytest.mark.parametrize(
    ("local", "period"),
    [
        (datetime(2025, 3, 1, 1, 59), "202501"),  # not yet 02:00 on the 1st: February is not due
        (datetime(2025, 3, 1, 2, 0), "202502"),
        (datetime(2025, 3, 20, 12, 0), "202502"),
        (datetime(2025, 1, 1, 2, 0), "202412"),
    ],
)
def test_a_month_is_due_on_the_first_at_two(local, period):
    assert due_period(timezone.make_aware(local)) == period


def _sweep_evaluations(now=None):
    return sweep_jobs(now=now, kinds=[EvaluationRun])["reporting.evaluationrun"]


def test_sweep_catches_up_a_missed_month(world_provider, activity, django_capture_on_commit_callbacks):
    """The machine was off on the 1st at 02:00: the next sweep creates the month's run and runs it."""
    activity.ratings(world_provider, [4])
    now = timezone.make_aware(datetime(2025, 2, 3, 9, 0))  # JAN was due two days ago
    with django_capture_on_commit_callbacks(execute=True):
        handled = _sweep_evaluations(now)
    run = EvaluationRun.objects.get(period=JAN)
    assert handled["caught_up"] == [run.pk]
    assert run.status == EvaluationRun.Status.DONE and ev(world_provider).score == Decimal("80.00")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _sweep_evaluations(now)["caught_up"] == []
    assert callbacks == [] and EvaluationRun.objects.count() == 1


def test_catch_up_leaves_a_month_with_a_row_alone(world_provider, django_capture_on_commit_callbacks):
    EvaluationRun.objects.create(period=JAN, status=EvaluationRun.Status.FAILED, message="人工处理")
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep_evaluations(timezone.make_aware(datetime(2025, 2, 3, 9, 0)))["caught_up"] == []
    assert EvaluationRun.objects.get(period=JAN).status == EvaluationRun.Status.FAILED


def test_a_failing_run_retries_with_a_back_off_then_fails(world_provider, monkeypatch):
    from reporting.services import evaluation

    def broken(*args, **kwargs):
        raise RuntimeError("数据有误")

    monkeypatch.setattr(evaluation, "_gather", broken)
    run = evaluation_run(period=JAN)
    assert (run.status, run.attempts) == (EvaluationRun.Status.PENDING, 1)
    assert run.run_after > timezone.now() and "数据有误" in run.message
    for attempt in (2, 3):
        EvaluationRun.objects.filter(pk=run.pk).update(run_after=timezone.now())
        run = evaluation_run(period=JAN)
        assert run.attempts == attempt
    assert run.status == EvaluationRun.Status.FAILED and "数据有误" in run.message
    assert evaluation_run(period=JAN).attempts == 3  # a FAILED month is left alone by a task
