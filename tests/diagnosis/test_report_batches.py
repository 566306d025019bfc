"""Report batches: an officer asks for every report of a region; progress from the reports' states;
cancel stops what has not finished and leaves nothing half-written; the zip streams the results."""

import io
import zipfile

import pytest
from django.urls import reverse

from core.jobs import JobStatus
from diagnosis.models import DiagnosisReport, ReportBatch
from diagnosis.selectors.reports import batch_progress
from diagnosis.services.reports import (
    report_batch_cancel,
    report_batch_run,
    report_batch_start,
    report_render_run,
)
from tests.diagnosis.test_services_diagnoses import issued
from tests.factories import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(db):
    from diagnosis.selectors.assessment import default_model, model_spec

    return model_spec(default_model())


def test_a_batch_asks_for_every_report_of_the_region_and_zips_them(
    client, world, spec, django_capture_on_commit_callbacks
):
    diagnosis = issued(world, spec)  # its report row waits (on_commit not run)
    officer = world.users["county_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        batch = report_batch_start(actor=officer, region=region("360102"))
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and batch.total == 1
    progress = batch_progress(batch)
    assert progress["done"] == 1 and progress["finished"] and progress["percent"] == 100
    client.force_login(officer)
    page = client.get(reverse("diagnosis:report_batch", args=[batch.pk])).content.decode()
    assert "已完成 1 / 1 份" in page
    response = client.get(reverse("diagnosis:report_batch_zip", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 1 and names[0].startswith("一企一诊断书-") and archive.read(names[0])[:5] == b"%PDF-"
    assert DiagnosisReport.objects.get(diagnosis=diagnosis).batch_items.get().batch == batch
    # a second batch reuses the version (no new rendering)
    with django_capture_on_commit_callbacks(execute=True):
        second = report_batch_start(actor=world.users["city_officer"], region=region("360100"))
    assert DiagnosisReport.objects.filter(diagnosis=diagnosis).count() == 1
    assert batch_progress(second)["done"] == 1


def test_cancel_stops_the_rest_and_leaves_nothing_half_written(world, spec):
    issued(world, spec)
    officer = world.users["city_officer"]
    batch = report_batch_start(actor=officer, region=region("360100"))
    report_batch_run(batch_id=batch.pk)  # asks; rendering waits for the render queue
    report = DiagnosisReport.objects.get()
    assert report.status == JobStatus.PENDING and batch_progress(batch)["waiting"] == 1
    assert report_batch_cancel(actor=officer, batch=batch) == 1
    report.refresh_from_db()
    assert report.status == JobStatus.CANCELLED and not report.file
    assert report_render_run(report_id=report.pk).status == JobStatus.CANCELLED  # a late message does nothing
    assert not report.file
    batch.refresh_from_db()
    progress = batch_progress(batch)
    assert progress["cancelled"] == 1 and progress["finished"]


def test_a_running_batch_cancelled_stops_asking(world, spec):
    issued(world, spec)
    officer = world.users["county_officer"]
    batch = report_batch_start(actor=officer, region=region("360102"))
    report_batch_cancel(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == JobStatus.CANCELLED
    assert report_batch_run(batch_id=batch.pk).status == JobStatus.CANCELLED and not batch.items.exists()


def test_only_officers_of_the_region(client, world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_batch_start(actor=world.users["county_officer"], region=region("360403"))
    with pytest.raises(PermissionDenied):
        report_batch_start(actor=world.users["clinic_staff"], region=region("360102"))
    client.force_login(world.users["county_officer"])
    response = client.post(
        reverse("diagnosis:report_batches"), {"region": region("360403").pk, "language": "zh-hans"}
    )
    assert response.status_code == 400 and not ReportBatch.objects.exists()
    client.force_login(world.users["clinic_staff"])
    assert client.get(reverse("diagnosis:report_batches")).status_code == 404
