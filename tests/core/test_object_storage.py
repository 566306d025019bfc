"""Private files on an S3-compatible object store (``S3_BUCKET``; moto's S3 server here): reports,
visit attachments and imports go to the bucket, not the local disk; downloads still pass the scope
check; a private file never gets a URL; a version ends with one object; a missing one is a 404."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from core.files import private_storage, serve_private
from core.jobs import JobStatus
from diagnosis.models import DiagnosisReport, Visit
from diagnosis.services.reports import report_batch_start, report_render_run
from tests.diagnosis.test_services_diagnoses import issued
from tests.diagnosis.test_visit_attachments import TODAY, form_url, jpeg_bytes, photo
from tests.factories import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(db):
    from diagnosis.selectors.assessment import default_model, model_spec

    return model_spec(default_model())


def local_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_private_backend_is_the_bucket_and_has_no_url(s3_store):
    from storages.backends.s3 import S3Storage

    assert isinstance(private_storage.backend, S3Storage)
    assert private_storage.bucket_name == s3_store.bucket
    name = private_storage.save("t/秘密.txt", ContentFile(b"x"))
    assert s3_store.keys() == [f"private/{name}"]
    with pytest.raises(ValueError):
        private_storage.url(name)
    with private_storage.open(name) as handle:
        assert handle.read() == b"x"
    private_storage.delete(name)
    assert s3_store.keys() == []


def test_a_report_is_rendered_into_the_bucket_and_downloaded_in_scope(
    client, world, spec, s3_store, django_capture_on_commit_callbacks
):
    before = set(local_files())
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis = issued(world, spec)
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)
    assert report.status == JobStatus.DONE
    assert s3_store.keys() == [f"private/{report.file.name}"]
    assert set(local_files()) == before  # nothing on this machine's disk
    client.force_login(world.users["enterprise_user"])
    response = client.get(reverse("diagnosis:report_download", args=[diagnosis.pk]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body[:5] == b"%PDF-"
    assert hashlib.sha256(body).hexdigest() == report.sha256 and len(body) == report.size
    client.force_login(world.users["other_commissioner"])
    assert client.get(reverse("diagnosis:report_download", args=[diagnosis.pk])).status_code == 404


def test_a_retried_render_leaves_one_object_per_version(
    world, spec, s3_store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis = issued(world, spec)
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)
    # what a worker killed between writing and committing leaves behind, for this version
    leftover = report.file.name.replace("-a1.pdf", "-a7.pdf")
    private_storage.save(leftover, ContentFile(b"%PDF-half"))
    DiagnosisReport.objects.filter(pk=report.pk).update(status=JobStatus.PENDING, attempts=1, file="")
    assert report_render_run(report_id=report.pk).status == JobStatus.DONE
    report.refresh_from_db()
    assert report.file.name.endswith("-a2.pdf")
    assert s3_store.keys() == [f"private/{report.file.name}"]


def test_a_batch_zip_streams_from_the_bucket(
    client, world, spec, s3_store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued(world, spec)
        batch = report_batch_start(actor=world.users["city_officer"], region=region("360100"))
    client.force_login(world.users["city_officer"])
    response = client.get(reverse("diagnosis:report_batch_zip", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert [archive.read(name)[:5] for name in archive.namelist()] == [b"%PDF-"]


def test_visit_photos_go_to_the_bucket_and_a_missing_object_is_a_404(client, world, s3_store):
    client.force_login(world.users["commissioner"])
    response = client.post(
        form_url(world), {"visited_on": TODAY, "summary": "实地查看产线", "attachments": [photo()]}
    )
    assert response.status_code == 302
    attachment = Visit.objects.get().attachments.get()
    assert s3_store.keys() == [f"private/{attachment.file.name}"]
    url = reverse("diagnosis:visit_attachment", args=[world.ent_donghu.pk, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == jpeg_bytes()
    s3_store.client().delete_object(Bucket=s3_store.bucket, Key=f"private/{attachment.file.name}")
    assert client.get(url).status_code == 404
    with pytest.raises(Http404):
        serve_private(RequestFactory().get("/"), attachment.file, "x.jpg")
