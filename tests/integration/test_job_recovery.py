"""A worker killed mid-job loses nothing: the job row is the truth, the sweep re-rings (real workers).

Each test starts its own ``celery worker`` processes (``conftest.start_worker``) with
``JOB_TEST_DELAY_SECONDS`` set, so every job heartbeat sleeps and a job is slow enough to be
killed while RUNNING. The worker is killed with SIGKILL (its whole process group), a new worker
is started, and the sweep (``core.jobs.sweep_jobs``, what beat runs every minute) is called
with a short stale threshold. On kombu's SQLAlchemy transport a message fetched by a killed
worker is never redelivered (on Redis only after the visibility timeout), so the job finishes
only because the sweep puts the row back in the queue.
"""

import os
import signal
import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from core.jobs import Job, sweep_jobs
from diagnosis.models import Enterprise, EnterpriseChange, ImportJob
from diagnosis.services.imports import import_job_confirm, import_job_create
from regions.codes import make_credit_code
from reporting.models import EvaluationRun, ProviderEvaluation
from reporting.services.evaluation import due_period, evaluation_request, period_bounds
from tests.factories import make_role_user
from tests.reporting.conftest import Activity, make_provider

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("worker"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 45
SHORT_STALE = timedelta(seconds=1)


def kill(worker) -> None:
    """SIGKILL the worker and its pool children (its process group): no cleanup, no ack."""
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


def wait_until(read, done, worker, what: str, timeout: float = TIMEOUT, every: float = 0.05):
    """Poll ``read()`` until ``done(value)``; fail with the worker's log after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: still {value!r} after {timeout} s\n--- worker log ---\n{worker.log()}")
        time.sleep(every)


def sweep_until_reclaimed(label: str, pk: int) -> None:
    """The sweep, as beat would run it, once the dead worker's heartbeat is older than the threshold."""
    time.sleep(SHORT_STALE.total_seconds() + 0.5)
    handled = sweep_jobs(stale_after=SHORT_STALE)[label]
    assert handled["reclaimed"] == [pk], handled


def test_an_evaluation_whose_worker_was_killed_finishes_after_the_sweep(workers, regions_loaded):
    period = "202501"
    activity = Activity()
    providers = [make_provider(f"江西恢复测试{i}数字科技有限公司") for i in range(4)]
    for i, provider in enumerate(providers):
        activity.ratings(provider, [5 - i % 3], day=date(2025, 1, 15))
    officer = make_role_user(Role.PROVINCE_OFFICER, username="recovery_sheng", region_code="360000")

    first = workers("eval-1", delay=4)
    run = evaluation_request(actor=officer, period=period)  # commits, then enqueues
    wait_until(
        lambda: EvaluationRun.objects.get(pk=run.pk).status, lambda s: s == Job.Status.RUNNING, first, "claim"
    )
    kill(first)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Job.Status.RUNNING, 1)
    assert not ProviderEvaluation.objects.filter(period=period).exists()

    second = workers("eval-2", delay=1)
    assert EvaluationRun.objects.get(pk=run.pk).status == Job.Status.RUNNING  # nobody redelivers it
    sweep_until_reclaimed("reporting.evaluationrun", run.pk)
    run = wait_until(
        lambda: EvaluationRun.objects.get(pk=run.pk),
        lambda r: r.status in (Job.Status.DONE, Job.Status.FAILED),
        second,
        "evaluation after recovery",
    )
    assert (run.status, run.attempts, run.providers_count) == (Job.Status.DONE, 2, 4), run.message
    scores = dict(ProviderEvaluation.objects.filter(period=period).values_list("provider_id", "score"))
    assert len(scores) == 4 and all(score is not None for score in scores.values())


def test_an_import_whose_worker_was_killed_stores_every_row_exactly_once(workers, regions_loaded):
    officer = make_role_user(Role.PROVINCE_OFFICER, username="recovery_importer", region_code="360000")
    rows = 1200  # two chunks of the import (CHUNK_SIZE 1000): the kill falls between them
    codes = [make_credit_code("360102", 9_300_000 + i) for i in range(rows)]
    text = "统一社会信用代码,企业名称,县（市、区）\n" + "".join(
        f"{c},恢复测试{i}号制造有限公司,东湖区\n" for i, c in enumerate(codes)
    )
    upload = SimpleUploadedFile("名录.csv", text.encode("utf-8"), content_type="text/csv")

    first = workers("import-1", delay=1.5)
    job = import_job_create(actor=officer, upload=upload)
    job = wait_until(
        lambda: ImportJob.objects.get(pk=job.pk),
        lambda j: j.state == ImportJob.State.PREVIEWED,
        first,
        "preview",
    )
    assert (job.created_count, job.rejected_count) == (rows, 0), job.errors
    import_job_confirm(actor=officer, job=job)
    wait_until(
        lambda: ImportJob.objects.get(pk=job.pk).processed_rows,
        lambda n: n >= 1000,
        first,
        "first chunk written",
    )
    kill(first)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (ImportJob.State.IMPORTING, 1)
    written = Enterprise.objects.filter(credit_code__in=codes).count()
    assert written == 1000  # a whole chunk, no more

    second = workers("import-2", delay=0.2)
    sweep_until_reclaimed("diagnosis.importjob", job.pk)
    job = wait_until(
        lambda: ImportJob.objects.get(pk=job.pk),
        lambda j: j.state in (ImportJob.State.DONE, ImportJob.State.FAILED),
        second,
        "import after recovery",
    )
    assert (job.state, job.attempts) == (ImportJob.State.DONE, 2), job.message
    assert (job.created_count, job.unchanged_count) == (rows - 1000, 1000)
    assert Enterprise.objects.filter(credit_code__in=codes).count() == rows
    created = EnterpriseChange.objects.filter(
        source="import", action="create", enterprise__credit_code__in=codes
    )
    assert created.count() == rows  # each row's history written once, the first chunk's not again


def test_a_missed_monthly_evaluation_is_caught_up_by_the_sweep(workers, regions_loaded):
    """The machine was off on the 1st at 02:00: the next sweep (beat, in the worker) runs the month."""
    from core.tasks import sweep_jobs as sweep_task

    period = due_period()
    start, _end = period_bounds(period)
    activity = Activity()
    provider = make_provider("江西补算测试数字科技有限公司")
    activity.ratings(provider, [4], day=start + timedelta(days=2))
    assert not EvaluationRun.objects.exists()

    worker = workers("catch-up")
    handled = sweep_task.apply_async(ignore_result=False).get(
        timeout=TIMEOUT
    )  # the beat task, run by the worker
    run = EvaluationRun.objects.get(period=period)
    assert handled["reporting.evaluationrun"]["caught_up"] == [run.pk]
    run = wait_until(
        lambda: EvaluationRun.objects.get(pk=run.pk),
        lambda r: r.status in (Job.Status.DONE, Job.Status.FAILED),
        worker,
        "caught-up evaluation",
    )
    assert run.status == Job.Status.DONE, run.message
    assert ProviderEvaluation.objects.get(period=period, provider=provider).score is not None
    assert (
        sweep_task.apply_async(ignore_result=False).get(timeout=TIMEOUT)["reporting.evaluationrun"][
            "caught_up"
        ]
        == []
    )
    assert EvaluationRun.objects.count() == 1
