"""The job mechanism (``core.jobs``): claim, heartbeat, finish, fail, schedule and the sweep.

``EvaluationRun`` serves as the concrete row (it adds only a period and counts to the base); its
doorbell is replaced by a recorder, so these tests see exactly what would be enqueued and when.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import jobs
from core.jobs import Job, JobKind, JobLost, register_sweep, registered_kinds, sweep_jobs
from reporting.models import EvaluationRun

Status = Job.Status
LABEL = "reporting.evaluationrun"


class Doorbell:
    def __init__(self):
        self.rung: list[tuple[int, float | None]] = []
        self.broken = False

    def __call__(self, job, *, countdown=None):
        if self.broken:
            raise BrokerError("connection refused")
        self.rung.append((job.pk, countdown))


@pytest.fixture
def bell(monkeypatch):
    bell = Doorbell()
    monkeypatch.setitem(jobs._registry, EvaluationRun, JobKind(model=EvaluationRun, enqueue=bell))
    return bell


def make(period="202401", **fields) -> EvaluationRun:
    return EvaluationRun.objects.create(period=period, **fields)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def sweep(**kwargs) -> dict[str, list[int]]:
    return sweep_jobs(kinds=[EvaluationRun], **kwargs)[LABEL]


# -- claim -----------------------------------------------------------------------------------------


def test_claim_takes_a_pending_job_once(db):
    job = make()
    first = EvaluationRun.claim(job.pk)
    assert (first.status, first.attempts) == (Status.RUNNING, 1)
    assert first.started_at and first.heartbeat_at
    assert EvaluationRun.claim(job.pk) is None  # a task delivered twice does nothing
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.RUNNING, 1)


@pytest.mark.parametrize("status", [Status.DONE, Status.FAILED, Status.CANCELLED])
def test_claim_leaves_finished_jobs_alone(db, status):
    job = make(status=status, attempts=1)
    assert EvaluationRun.claim(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (status, 1)


def test_claim_waits_for_the_back_off(db):
    job = make(run_after=timezone.now() + timedelta(minutes=1))
    assert EvaluationRun.claim(job.pk) is None
    EvaluationRun.objects.filter(pk=job.pk).update(run_after=ago(seconds=1))
    assert EvaluationRun.claim(job.pk) is not None


def test_claim_matches_extra_fields(db):
    job = make()
    assert EvaluationRun.claim(job.pk, period="202402") is None
    assert EvaluationRun.claim(job.pk, period="202401") is not None


def test_claim_of_a_missing_row_is_none(db):
    assert EvaluationRun.claim(987654) is None


def test_a_stale_running_job_is_reclaimed_and_a_live_one_is_not(db):
    job = make(status=Status.RUNNING, attempts=1, heartbeat_at=ago(minutes=1))
    assert EvaluationRun.claim(job.pk) is None  # its worker is alive
    EvaluationRun.objects.filter(pk=job.pk).update(
        heartbeat_at=ago(seconds=EvaluationRun.stale_after.seconds + 1)
    )
    again = EvaluationRun.claim(job.pk)
    assert (again.status, again.attempts) == (Status.RUNNING, 2)


def test_claim_fails_a_job_out_of_attempts(db):
    job = make(status=Status.RUNNING, attempts=3, heartbeat_at=ago(hours=1))
    assert EvaluationRun.claim(job.pk) is None
    job.refresh_from_db()
    assert job.status == Status.FAILED and "已尝试 3 次" in job.message and job.finished_at


# -- heartbeat, finish ---------------------------------------------------------------------------------


def test_heartbeat_stores_progress_and_stops_a_run_that_lost_the_job(db):
    job = EvaluationRun.claim(make().pk)
    EvaluationRun.objects.filter(pk=job.pk).update(heartbeat_at=ago(hours=1))
    job.heartbeat(providers_count=7)
    stored = EvaluationRun.objects.get(pk=job.pk)
    assert stored.providers_count == 7 and stored.heartbeat_at > ago(minutes=1)
    # Another worker takes it over (e.g. this one was thought dead): the old run must stop.
    EvaluationRun.objects.filter(pk=job.pk).update(heartbeat_at=ago(hours=1))
    assert EvaluationRun.claim(job.pk).attempts == 2
    with pytest.raises(JobLost):
        job.heartbeat()


def test_heartbeat_after_a_cancel_raises(db):
    job = EvaluationRun.claim(make().pk)
    EvaluationRun.objects.filter(pk=job.pk).update(status=Status.CANCELLED)
    with pytest.raises(JobLost):
        job.heartbeat()


def test_finish_is_idempotent(db):
    job = EvaluationRun.claim(make().pk)
    assert job.finish(scored_count=4) is True
    assert (job.status, job.scored_count) == (Status.DONE, 4)
    finished_at = job.finished_at
    assert job.finish(scored_count=9) is False
    stored = EvaluationRun.objects.get(pk=job.pk)
    assert (stored.status, stored.scored_count, stored.finished_at) == (Status.DONE, 4, finished_at)


def test_finish_by_a_run_that_lost_the_job_changes_nothing(db):
    old = EvaluationRun.claim(make().pk)
    EvaluationRun.objects.filter(pk=old.pk).update(heartbeat_at=ago(hours=1))
    new = EvaluationRun.claim(old.pk)
    assert old.finish(scored_count=1) is False
    assert new.finish(scored_count=2) is True
    assert EvaluationRun.objects.get(pk=old.pk).scored_count == 2


# -- fail: bounded retries with back-off ------------------------------------------------------------------


def test_fail_retries_with_growing_back_off_then_fails(db, bell, django_capture_on_commit_callbacks):
    job = make()
    waits = []
    for attempt in (1, 2, 3):
        EvaluationRun.objects.filter(pk=job.pk).update(run_after=timezone.now())
        run = EvaluationRun.claim(job.pk)
        assert run.attempts == attempt
        with django_capture_on_commit_callbacks(execute=True):
            assert run.fail("磁盘已满") is True
        waits.append((run.status, run.run_after - timezone.now()))
    assert [status for status, _wait in waits] == [Status.PENDING, Status.PENDING, Status.FAILED]
    first, second = waits[0][1], waits[1][1]
    assert timedelta(seconds=25) < first <= timedelta(seconds=30)
    assert timedelta(seconds=55) < second <= timedelta(seconds=60)
    assert [countdown for _pk, countdown in bell.rung] == [30.0, 60.0]  # rung after the back-off
    stored = EvaluationRun.objects.get(pk=job.pk)
    assert stored.status == Status.FAILED and stored.message == "磁盘已满" and stored.finished_at


def test_fail_without_retry_fails_at_once(db, bell, django_capture_on_commit_callbacks):
    run = EvaluationRun.claim(make().pk)
    with django_capture_on_commit_callbacks(execute=True):
        run.fail("文件格式错误", retry=False)
    assert (run.status, run.attempts, run.message) == (Status.FAILED, 1, "文件格式错误")
    assert bell.rung == []


def test_fail_by_a_run_that_lost_the_job_changes_nothing(db):
    run = EvaluationRun.claim(make().pk)
    EvaluationRun.objects.filter(pk=run.pk).update(status=Status.CANCELLED)
    assert run.fail("迟到的错误") is False
    assert run.status == Status.CANCELLED and run.message == ""


def test_schedule_starts_a_fresh_round_and_rings_on_commit(db, bell, django_capture_on_commit_callbacks):
    job = make(status=Status.FAILED, attempts=3, message="旧的失败")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job.schedule(scored_count=0)
    assert bell.rung == []  # not before the commit
    for callback in callbacks:
        callback()
    assert bell.rung == [(job.pk, None)]
    stored = EvaluationRun.objects.get(pk=job.pk)
    assert (stored.status, stored.attempts, stored.message) == (Status.PENDING, 0, "")


# -- the sweep -------------------------------------------------------------------------------------------


def test_sweep_rerings_a_job_left_pending_once_per_grace(db, bell, django_capture_on_commit_callbacks):
    waiting = make("202401", run_after=ago(minutes=5))
    make("202402")  # just queued: its message is probably on its way
    make("202403", run_after=timezone.now() + timedelta(minutes=5))  # backing off
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["rung"] == [waiting.pk]
    assert bell.rung == [(waiting.pk, None)]
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["rung"] == []  # not again before another grace period
    assert EvaluationRun.objects.get(pk=waiting.pk).status == Status.PENDING


def test_sweep_reclaims_a_stuck_job_and_fails_one_out_of_attempts(
    db, bell, django_capture_on_commit_callbacks
):
    stuck = make("202401", status=Status.RUNNING, attempts=1, heartbeat_at=ago(hours=1))
    spent = make("202402", status=Status.RUNNING, attempts=3, heartbeat_at=ago(hours=1))
    alive = make("202403", status=Status.RUNNING, attempts=1, heartbeat_at=ago(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        handled = sweep()
    assert (handled["reclaimed"], handled["failed"]) == ([stuck.pk], [spent.pk])
    assert bell.rung == [(stuck.pk, None)]
    stuck.refresh_from_db()
    spent.refresh_from_db()
    alive.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Status.PENDING, 1) and "重新排队" in stuck.message
    assert spent.status == Status.FAILED and "已尝试 3 次" in spent.message
    assert alive.status == Status.RUNNING
    # The reclaimed job is claimed by the next task as its second attempt.
    assert EvaluationRun.claim(stuck.pk).attempts == 2


def test_sweep_with_a_short_stale_threshold(db, bell, django_capture_on_commit_callbacks):
    job = make(status=Status.RUNNING, attempts=1, heartbeat_at=ago(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["reclaimed"] == []
        assert sweep(stale_after=timedelta(seconds=2))["reclaimed"] == [job.pk]


def test_a_broker_outage_loses_nothing(db, bell, django_capture_on_commit_callbacks):
    bell.broken = True
    job = make(run_after=ago(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["rung"] == [job.pk]  # the ring failed quietly; the row is still PENDING
    assert EvaluationRun.objects.get(pk=job.pk).status == Status.PENDING
    bell.broken = False
    EvaluationRun.objects.filter(pk=job.pk).update(run_after=ago(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert bell.rung == [(job.pk, None)]


def test_every_kind_of_job_is_registered():
    labels = {kind.label for kind in registered_kinds()}
    assert {"diagnosis.importjob", "reporting.evaluationrun"} <= labels


def test_only_concrete_job_models_register():
    with pytest.raises(TypeError):
        register_sweep(Job, enqueue=print)
    with pytest.raises(TypeError):
        register_sweep(object, enqueue=print)
