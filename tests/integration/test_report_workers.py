"""Reports with real worker processes on a real Redis (a private ``redis-server`` per test, so it
can be stopped): a worker killed mid-batch loses and duplicates nothing; diagnoses issued while
Redis is down all get their report once it is back; a cancelled batch's queued messages are
revoked and dropped by the worker; a render worker on "another machine" (its own empty disk)
writes to the shared object store and the web process serves the file from there.

Each test issues its diagnoses through the services, as a clinic and an officer would, with this
process publishing to the private Redis; the workers are ``celery worker`` subprocesses on the same
test database (``conftest.start_worker``).
"""

import os
import re
import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from core.jobs import JobStatus, sweep_jobs
from diagnosis.models import Diagnosis, DiagnosisReport, ReportBatch
from diagnosis.selectors.assessment import default_model, model_spec
from diagnosis.selectors.reports import batch_progress
from diagnosis.services.diagnoses import (
    diagnosis_approve,
    diagnosis_issue,
    diagnosis_save,
    diagnosis_start,
    diagnosis_submit,
)
from diagnosis.services.reports import report_batch_cancel, report_batch_start
from tests.conftest import build_world
from tests.diagnosis.test_services_diagnoses import DETAILS, full_answers
from tests.factories import EnterpriseFactory, engage, region

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("worker"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 120
RENDERED = re.compile(r"report (\d+) rendered \(attempt (\d+)")


@pytest.fixture
def world(regions_loaded):
    return build_world()


@pytest.fixture
def workers(own_redis, workers):
    """The shared ``workers`` starter, on this test's private Redis."""
    return workers


def issue_many(world, count: int) -> list[Diagnosis]:
    """``count`` enterprises of 东湖区, each diagnosed by the clinic and issued by the county."""
    spec = model_spec(default_model())
    answers, scenarios = full_answers(spec)
    clinic, county = world.users["clinic_staff"], world.users["county_officer"]
    issued = []
    for i in range(count):
        enterprise = EnterpriseFactory(county=region("360102"), name=f"批量渲染{i}号电子有限公司")
        engage(enterprise, world.clinic)
        diagnosis = diagnosis_start(actor=clinic, enterprise=enterprise)
        diagnosis = diagnosis_save(
            actor=clinic,
            diagnosis=diagnosis,
            revision=0,
            answers=answers,
            scenarios=scenarios,
            details=DETAILS,
        )
        diagnosis = diagnosis_submit(actor=clinic, diagnosis=diagnosis)
        diagnosis_approve(actor=county, diagnosis=diagnosis)
        issued.append(diagnosis_issue(actor=county, diagnosis=diagnosis))
    return issued


def wait_for(read, done, what: str, *workers, timeout: float = TIMEOUT, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.log_path.name} ---\n{w.log()[-6000:]}" for w in workers)
            pytest.fail(f"{what}: still {value!r} after {timeout} s\n{logs}")
        time.sleep(every)


def statuses() -> Counter:
    return Counter(DiagnosisReport.objects.values_list("status", flat=True))


def stored_pdfs(root: Path) -> list[str]:
    return (
        sorted(str(p.relative_to(root)) for p in (root / "reports").rglob("*.pdf")) if root.exists() else []
    )


@pytest.fixture(autouse=True)
def no_earlier_reports():
    """Each test starts with no report files on this disk (earlier tests' rows were flushed)."""
    import shutil

    shutil.rmtree(Path(settings.PRIVATE_MEDIA_ROOT) / "reports", ignore_errors=True)


def renders_logged(*workers) -> Counter:
    return Counter(int(m.group(1)) for w in workers for m in RENDERED.finditer(w.log()))


def test_a_worker_killed_mid_batch_leaves_every_report_done_exactly_once(world, workers, own_redis):
    count = 8
    diagnoses = issue_many(world, count)  # their reports queue on Redis; nobody consumes yet
    app.control.purge()
    DiagnosisReport.objects.all().delete()  # so that the batch is what asks for every report
    officer = world.users["city_officer"]
    batch = report_batch_start(actor=officer, region=region("360100"))
    first = workers("batch-1", delay=0.5)
    wait_for(
        statuses, lambda s: s[JobStatus.DONE] >= 2 and s[JobStatus.RUNNING] == 1, "renders under way", first
    )
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    killed = list(DiagnosisReport.objects.filter(status=JobStatus.RUNNING).values_list("pk", flat=True))
    assert len(killed) == 1 and statuses()[JobStatus.DONE] < count

    second = workers("batch-2")
    time.sleep(1.5)  # the dead worker's heartbeat is older than the threshold below

    def swept_and_done():
        sweep_jobs(stale_after=timedelta(seconds=1), kinds=[DiagnosisReport, ReportBatch])
        return statuses()

    wait_for(
        swept_and_done, lambda s: s[JobStatus.DONE] == count, "every report done", first, second, every=1
    )
    reports = list(DiagnosisReport.objects.order_by("diagnosis_id"))
    assert [r.diagnosis_id for r in reports] == sorted(d.pk for d in diagnoses)  # one row each
    assert all(r.version == 1 and r.file and r.sha256 for r in reports)
    assert DiagnosisReport.objects.get(pk=killed[0]).attempts == 2
    # exactly one file per report, the one its row names (the killed attempt left nothing behind)
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert stored_pdfs(root) == sorted(r.file.name for r in reports)
    logged = renders_logged(first, second)
    assert max(logged.values()) == 1 and set(logged) <= {r.pk for r in reports}
    assert set(logged) >= {r.pk for r in reports} - set(killed)
    progress = batch_progress(ReportBatch.objects.get(pk=batch.pk))
    assert (progress["done"], progress["failed"], progress["finished"]) == (count, 0, True)


def test_diagnoses_issued_while_redis_is_down_all_get_their_report(world, workers, own_redis, monkeypatch):
    monkeypatch.setattr(DiagnosisReport, "pending_grace", timedelta(seconds=1))  # beat's sweep, sooner
    worker = workers("outage")
    own_redis.stop()
    started = time.monotonic()
    diagnoses = issue_many(world, 4)  # every doorbell fails; the issuing itself must not
    assert time.monotonic() - started < 60
    assert all(Diagnosis.objects.get(pk=d.pk).status == Diagnosis.Status.ISSUED for d in diagnoses)
    assert statuses() == Counter({JobStatus.PENDING: 4})
    own_redis.start()  # empty: the messages that failed were never stored anywhere

    time.sleep(1.5)

    def swept_and_done():
        sweep_jobs(kinds=[DiagnosisReport])
        return statuses()

    wait_for(swept_and_done, lambda s: s[JobStatus.DONE] == 4, "reports after the outage", worker, every=2)
    reports = DiagnosisReport.objects.all()
    assert sorted(r.diagnosis_id for r in reports) == sorted(d.pk for d in diagnoses)
    assert all(r.attempts == 1 and r.file for r in reports)


def test_cancelling_a_batch_revokes_its_queued_renders(world, workers, own_redis):
    issue_many(world, 6)
    app.control.purge()
    DiagnosisReport.objects.all().delete()
    worker = workers("cancel", delay=3)
    officer = world.users["county_officer"]
    batch = report_batch_start(actor=officer, region=region("360102"))  # the worker asks for all six
    wait_for(
        statuses,
        lambda s: s[JobStatus.RUNNING] == 1 and s[JobStatus.PENDING] == 5,
        "first render under way",
        worker,
    )
    assert report_batch_cancel(actor=officer, batch=batch) == 6
    task_ids = set(DiagnosisReport.objects.values_list("task_id", flat=True))
    assert len(task_ids) == 6 and all(task_ids)

    last_queued = max(task_ids, key=lambda task: int(task.split("-")[1]))  # the batch asks in pk order

    def accounted() -> tuple[set[str], set[str]]:
        """(tasks discarded as revoked, tasks that ran and found their row cancelled). The revoke
        is a broadcast on another channel than the queue: a message the worker is already taking
        when it arrives runs, claims nothing and renders nothing; every later one is discarded."""
        log = worker.log()
        discarded = {
            t for t in task_ids if f"Discarding revoked task: diagnosis.tasks.render_report[{t}]" in log
        }
        refused = {
            t for t in task_ids if re.search(rf"render_report\[{t}\] succeeded in \S+: 'cancelled'", log)
        }
        return discarded, refused

    discarded, refused = wait_for(
        accounted,
        lambda found: len(found[0] | found[1]) == 6 and last_queued in found[0],
        "every queued render revoked (or refused by its cancelled row), the last in the queue revoked",
        worker,
    )
    assert discarded  # the revoke reached the queue: messages behind the first were dropped unread
    time.sleep(4)  # the render in flight reaches its heartbeat and stops
    assert statuses() == Counter({JobStatus.CANCELLED: 6})
    assert not renders_logged(worker)
    assert stored_pdfs(Path(settings.PRIVATE_MEDIA_ROOT)) == []  # nothing half-written


def test_a_render_worker_on_another_machine_writes_to_the_shared_object_store(
    world, workers, s3_store, tmp_path
):
    other_disk = tmp_path / "render-machine"
    worker = workers("render-machine", env={**s3_store.env, "PRIVATE_MEDIA_ROOT": str(other_disk)})
    (diagnosis,) = issue_many(world, 1)
    report = wait_for(
        lambda: DiagnosisReport.objects.get(diagnosis=diagnosis),
        lambda r: r.status == JobStatus.DONE,
        "the report",
        worker,
    )
    assert s3_store.keys() == [f"private/{report.file.name}"]
    assert stored_pdfs(other_disk) == [] and stored_pdfs(Path(settings.PRIVATE_MEDIA_ROOT)) == []
    with report.file.open("rb") as handle:  # this process reads it back from the bucket
        assert handle.read(5) == b"%PDF-"
