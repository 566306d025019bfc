"""Import tasks on the job mechanism: a task delivered twice does no harm; the sweep re-rings,
reclaims and gives up; errors retry with a back-off or fail at once, as they deserve."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from core.jobs import sweep_jobs
from diagnosis import tasks
from diagnosis.models import Enterprise, EnterpriseChange, ImportJob
from diagnosis.services import imports as services_import
from tests.diagnosis.test_import_support import code, csv_bytes, good_row, make_job

State = ImportJob.State


def _set(job: ImportJob, state: str, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**ImportJob.fields_for(state), **fields)


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def _sweep() -> dict[str, list[int]]:
    return sweep_jobs(kinds=[ImportJob])["diagnosis.importjob"]


@pytest.fixture
def job(world):
    return make_job(world.users["city_officer"], csv_bytes([good_row(1), good_row(2)]))


def test_preview_then_import_by_tasks(job):
    assert tasks.import_job_preview.delay(job.pk).get() == State.PREVIEWED
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()
    _set(job, State.PENDING_IMPORT)
    assert tasks.import_job_run.delay(job.pk).get() == State.DONE
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2


def test_task_delivered_twice_does_no_harm(job):
    tasks.import_job_preview.delay(job.pk)
    tasks.import_job_preview.delay(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.PREVIEWED, 1)
    _set(job, State.PENDING_IMPORT, attempts=0)
    tasks.import_job_run.delay(job.pk)
    tasks.import_job_run.delay(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.created_count) == (State.DONE, 1, 2)
    assert EnterpriseChange.objects.filter(source="import").count() == 2


def test_a_late_doorbell_of_the_other_phase_claims_nothing(job):
    _set(job, State.PENDING_IMPORT)
    assert tasks.import_job_preview.delay(job.pk).get() == State.PENDING_IMPORT
    job.refresh_from_db()
    assert job.attempts == 0 and not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_a_running_job_is_not_taken_by_a_redelivered_task(job):
    _set(job, State.IMPORTING, attempts=1, heartbeat_at=timezone.now())
    assert tasks.import_job_run.delay(job.pk).get() == State.IMPORTING
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_a_redelivered_task_takes_over_a_job_whose_worker_died(job):
    _set(job, State.IMPORTING, attempts=1, heartbeat_at=_ago(hours=1))
    assert tasks.import_job_run.delay(job.pk).get() == State.DONE
    job.refresh_from_db()
    assert job.attempts == 2 and Enterprise.objects.filter(credit_code=code(1)).exists()


def test_sweep_processes_a_job_left_pending(job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=job.pk).update(run_after=_ago(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        handled = _sweep()
    assert handled["rung"] == [job.pk]
    job.refresh_from_db()
    assert job.state == State.PREVIEWED and job.created_count == 2


def test_sweep_leaves_recent_pending_jobs_alone(job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _sweep() == {"rung": [], "reclaimed": [], "failed": [], "caught_up": []}
    assert callbacks == []
    job.refresh_from_db()
    assert job.state == State.PENDING_PREVIEW


def test_sweep_resumes_a_stuck_import(job, django_capture_on_commit_callbacks):
    _set(
        job,
        State.IMPORTING,
        attempts=1,
        heartbeat_at=_ago(seconds=ImportJob.stale_after.total_seconds() + 60),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep()["reclaimed"] == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.DONE, 2)
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2


def test_sweep_does_not_resume_a_job_with_a_recent_heartbeat(job, django_capture_on_commit_callbacks):
    _set(job, State.IMPORTING, attempts=1, heartbeat_at=_ago(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep()["reclaimed"] == []
    job.refresh_from_db()
    assert job.state == State.IMPORTING


def test_sweep_fails_a_stuck_job_out_of_attempts(job, django_capture_on_commit_callbacks):
    _set(job, State.IMPORTING, attempts=3, heartbeat_at=_ago(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep()["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.state == State.FAILED and "已尝试 3 次" in job.message
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_database_error_puts_the_job_back_in_the_queue_with_a_back_off(job, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services_import, "enterprise_register_import", locked)
    result = services_import.import_job_preview_run(job_id=job.pk)
    assert (result.state, result.attempts) == (State.PENDING_PREVIEW, 1)
    assert result.run_after > timezone.now() and "将自动重试" in result.message
    monkeypatch.undo()
    # Not before its back-off: a doorbell now claims nothing.
    assert services_import.import_job_preview_run(job_id=job.pk).state == State.PENDING_PREVIEW
    ImportJob.objects.filter(pk=job.pk).update(run_after=timezone.now())
    result = services_import.import_job_preview_run(job_id=job.pk)
    assert (result.state, result.attempts) == (State.PREVIEWED, 2)


def test_database_errors_retry_a_bounded_number_of_times(job, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services_import, "enterprise_register_import", locked)
    for attempt in range(1, job.max_attempts + 1):
        ImportJob.objects.filter(pk=job.pk).update(run_after=timezone.now())
        result = services_import.import_job_preview_run(job_id=job.pk)
        assert result.attempts == attempt
        assert result.state == (State.FAILED if attempt == job.max_attempts else State.PENDING_PREVIEW)
    assert "数据库暂时不可用" in result.message and "将自动重试" not in result.message


def test_unexpected_error_fails_the_job(job, monkeypatch):
    def broken(**kwargs):
        raise ValueError("bug")

    monkeypatch.setattr(services_import, "enterprise_register_import", broken)
    result = services_import.import_job_preview_run(job_id=job.pk)
    assert result.state == State.FAILED and "内部错误" in result.message


def test_cancel_while_previewing_wins(job, monkeypatch):
    real = services_import.enterprise_register_import

    def cancel_meanwhile(**kwargs):
        result = real(**kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CANCELLED)
        return result

    monkeypatch.setattr(services_import, "enterprise_register_import", cancel_meanwhile)
    result = services_import.import_job_preview_run(job_id=job.pk)
    assert result.state == State.CANCELLED and result.created_count == 0


def test_cancel_stops_a_preview_at_its_next_heartbeat(job, world, monkeypatch):
    real = services_import.enterprise_register_import
    calls = []

    def cancel_at_first_progress(**kwargs):
        heartbeat = kwargs["progress"]

        def progress(processed, total):
            calls.append(processed)
            if len(calls) == 1:
                services_import.import_job_cancel(actor=world.users["city_officer"], job=job)
            heartbeat(processed, total)

        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(services_import, "enterprise_register_import", cancel_at_first_progress)
    assert services_import.import_job_preview_run(job_id=job.pk).state == State.CANCELLED
    assert calls == [0]  # the heartbeat right after the cancel stopped the work


def test_import_uses_the_uploaders_scope_at_run_time(job, world):
    world.users["city_officer"].role = "commissioner"
    world.users["city_officer"].save()
    _set(job, State.PENDING_IMPORT)
    result = services_import.import_job_import_run(job_id=job.pk)
    assert result.state == State.FAILED and "权限" in result.message
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_failure_midway_says_what_was_written(job, django_capture_on_commit_callbacks):
    _set(job, State.IMPORTING, attempts=3, processed_rows=1000, heartbeat_at=_ago(hours=1))
    _sweep()
    job.refresh_from_db()
    assert job.state == State.FAILED and "前 1000 行" in job.message and "不会重复" in job.message
