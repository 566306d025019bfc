"""Import tasks: a task delivered twice does no harm, the sweep re-rings, resumes and gives up."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from diagnosis import tasks
from diagnosis.models import Enterprise, EnterpriseChange, ImportJob
from diagnosis.services import imports as services_import
from tests.diagnosis.test_import_support import code, csv_bytes, good_row, make_job

Status = ImportJob.Status


def _age(job: ImportJob, **delta) -> None:
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(**delta))


@pytest.fixture
def job(world):
    return make_job(world.users["city_officer"], csv_bytes([good_row(1), good_row(2)]))


def test_preview_then_import_by_tasks(job):
    assert tasks.import_job_preview.delay(job.pk).get() == Status.PREVIEWED
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()
    ImportJob.objects.filter(pk=job.pk).update(status=Status.PENDING_IMPORT)
    assert tasks.import_job_run.delay(job.pk).get() == Status.DONE
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2


def test_task_delivered_twice_does_no_harm(job):
    tasks.import_job_preview.delay(job.pk)
    tasks.import_job_preview.delay(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.PREVIEWED, 1)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.PENDING_IMPORT, attempts=0)
    tasks.import_job_run.delay(job.pk)
    tasks.import_job_run.delay(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == (Status.DONE, 1, 2)
    assert EnterpriseChange.objects.filter(source="import").count() == 2


def test_a_running_job_is_not_taken_by_a_redelivered_task(job):
    ImportJob.objects.filter(pk=job.pk).update(status=Status.IMPORTING, attempts=1)
    assert tasks.import_job_run.delay(job.pk).get() == Status.IMPORTING
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_sweep_processes_a_job_left_pending(job, django_capture_on_commit_callbacks):
    _age(job, minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        handled = tasks.sweep_import_jobs()
    assert handled["rung"] == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.PREVIEWED and job.created_count == 2


def test_sweep_leaves_recent_pending_jobs_alone(job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.sweep_import_jobs() == {"rung": [], "resumed": [], "failed": []}
    assert callbacks == []
    job.refresh_from_db()
    assert job.status == Status.PENDING_PREVIEW


def test_sweep_resumes_a_stuck_import(job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=job.pk).update(status=Status.IMPORTING, attempts=1)
    _age(job, seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_import_jobs()["resumed"] == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2


def test_sweep_does_not_resume_a_job_with_a_recent_heartbeat(job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=job.pk).update(status=Status.IMPORTING, attempts=1)
    _age(job, minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_import_jobs()["resumed"] == []


def test_sweep_fails_a_stuck_job_out_of_attempts(job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=job.pk).update(status=Status.IMPORTING, attempts=3)
    _age(job, seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_import_jobs()["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.FAILED and "已尝试 3 次" in job.message
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_database_error_leaves_the_job_running_for_a_retry(job, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services_import, "enterprise_register_import", locked)
    with pytest.raises(OperationalError):
        services_import.import_job_preview_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.PREVIEWING
    monkeypatch.undo()
    assert services_import.import_job_preview_run(job_id=job.pk, resume=True).status == Status.PREVIEWED


def test_unexpected_error_fails_the_job(job, monkeypatch):
    def broken(**kwargs):
        raise ValueError("bug")

    monkeypatch.setattr(services_import, "enterprise_register_import", broken)
    result = services_import.import_job_preview_run(job_id=job.pk)
    assert result.status == Status.FAILED and "内部错误" in result.message


def test_cancel_while_previewing_wins(job, monkeypatch):
    real = services_import.enterprise_register_import

    def cancel_meanwhile(**kwargs):
        result = real(**kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=Status.CANCELLED)
        return result

    monkeypatch.setattr(services_import, "enterprise_register_import", cancel_meanwhile)
    assert services_import.import_job_preview_run(job_id=job.pk).status == Status.CANCELLED


def test_import_uses_the_uploaders_scope_at_run_time(job, world):
    world.users["city_officer"].role = "commissioner"
    world.users["city_officer"].save()
    ImportJob.objects.filter(pk=job.pk).update(status=Status.PENDING_IMPORT)
    result = services_import.import_job_import_run(job_id=job.pk)
    assert result.status == Status.FAILED and "权限" in result.message
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_failure_midway_says_what_was_written(job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=job.pk).update(status=Status.IMPORTING, attempts=3, processed_rows=1000)
    _age(job, seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    tasks.sweep_import_jobs()
    job.refresh_from_db()
    assert job.status == Status.FAILED and "前 1000 行" in job.message and "不会重复" in job.message
