"""Round trips through a real Celery worker process (see ``conftest.py`` for how it is started).

These run in every ``make test``: without ``CELERY_REAL_WORKER`` the worker uses a throwaway SQLite
broker; ``make test-pg`` runs them on PostgreSQL with Redis.
"""

import os
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from diagnosis.models import Enterprise, EnterpriseChange, ImportJob
from diagnosis.services.imports import import_job_confirm, import_job_create
from regions.codes import make_credit_code
from tests.factories import make_role_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

JOB_TIMEOUT = 60


def wait_for_status(job_id: int, wanted: set[str], worker, timeout: float = JOB_TIMEOUT) -> ImportJob:
    """Poll the job row (the truth about a job) until its state is one of ``wanted``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.state in wanted:
            return job
        if job.state == ImportJob.State.FAILED:
            pytest.fail(f"import job failed: {job.message}\n--- worker log ---\n{worker.log()}")
        assert worker.process.poll() is None, f"worker exited:\n{worker.log()}"
        time.sleep(0.25)
    pytest.fail(f"import job stayed {job.state} for {timeout} s\n--- worker log ---\n{worker.log()}")


def wait_for_log(worker, *parts: str, timeout: float = 10) -> None:
    """Wait for a worker log line containing all ``parts``: the worker logs a task's success just
    after storing its result, so the line may trail the result by a moment."""
    deadline = time.monotonic() + timeout
    while not any(all(p in line for p in parts) for line in worker.log().splitlines()):
        assert time.monotonic() < deadline, f"no line with {parts!r} in the worker log:\n{worker.log()}"
        time.sleep(0.1)


def test_broker_is_the_one_the_environment_asks_for(real_worker):
    if os.environ.get("CELERY_REAL_WORKER") == "1" and os.environ.get("REDIS_URL"):
        assert real_worker.broker_url.startswith("redis://")
    else:
        assert real_worker.broker_url.startswith("sqla+sqlite:///")


def test_ping_round_trip(real_worker):
    from config.celery import ping

    token = f"pong-{uuid.uuid4().hex}"
    result = ping.delay(token)
    assert result.get(timeout=30) == token
    wait_for_log(real_worker, f"config.ping[{result.id}]", "succeeded")


def test_register_import_runs_in_the_worker(real_worker, regions_loaded):
    officer = make_role_user(Role.PROVINCE_OFFICER, username="worker_officer", region_code="360000")
    rows = [
        (make_credit_code("360102", 9_100_001), "洪都精工机械有限公司", "东湖区", "C3491"),
        (make_credit_code("360121", 9_100_002), "昌南新材料有限公司", "南昌县", "2651"),
        (make_credit_code("360702", 9_100_003), "章贡稀土有限公司", "章贡区", "3232"),
    ]
    text = "统一社会信用代码,企业名称,县（市、区）,行业代码\n" + "".join(",".join(r) + "\n" for r in rows)
    upload = SimpleUploadedFile("名录.csv", text.encode("utf-8"), content_type="text/csv")

    job = import_job_create(actor=officer, upload=upload)  # commits, then enqueues the preview
    job = wait_for_status(job.pk, {ImportJob.State.PREVIEWED}, real_worker)
    assert job.total_rows == 3 and job.rejected_count == 0, job.errors
    assert not Enterprise.objects.exists()  # a preview writes nothing

    import_job_confirm(actor=officer, job=job)  # commits, then enqueues the import
    job = wait_for_status(job.pk, {ImportJob.State.DONE}, real_worker)
    assert job.created_count == 3

    codes = {r[0] for r in rows}
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == codes
    assert EnterpriseChange.objects.filter(source="import", action="create").count() == 3
    # Both steps ran in the worker process (this process was not eager).
    wait_for_log(real_worker, "diagnosis.tasks.import_job_preview[", "succeeded")
    wait_for_log(real_worker, "diagnosis.tasks.import_job_run[", "succeeded")
