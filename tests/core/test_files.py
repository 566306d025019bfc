"""core.files: private storage outside MEDIA_ROOT, scoped downloads, and the import files on it."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from core.files import attachment_response, private_storage, serve_private
from diagnosis.models import ImportJob
from tests.diagnosis.test_import_support import make_job

PRIVATE = Path(settings.PRIVATE_MEDIA_ROOT)


def test_private_storage_is_outside_media_root_and_has_no_url():
    root = Path(private_storage.location).resolve()
    assert root == PRIVATE.resolve()
    assert not root.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    name = private_storage.save("t/secret.txt", ContentFile(b"x"))
    try:
        with pytest.raises(ValueError):
            private_storage.url(name)
    finally:
        private_storage.delete(name)


def test_serve_private_streams_attachment_with_safe_chinese_name(world):
    job = make_job(world.users["province_officer"], b"a,b\n")
    request = RequestFactory().get("/")
    response = serve_private(request, job.file, "../名录-被拒绝行.csv")
    assert b"".join(response.streaming_content) == b"a,b\n"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert "%E5%90%8D%E5%BD%95" in disposition and ".." not in disposition  # 名录, no path part
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert Path(job.file.path).resolve().is_relative_to(PRIVATE.resolve())


def test_serve_private_is_404_when_missing(world):
    job = make_job(world.users["province_officer"], b"a,b\n")
    request = RequestFactory().get("/")
    with pytest.raises(Http404):
        serve_private(request, job.rejects_file, "x.csv")  # never stored
    Path(job.file.path).unlink()
    with pytest.raises(Http404):
        serve_private(request, job.file, "x.csv")  # gone from disk


def test_attachment_response():
    response = attachment_response(b"x", "企业名录导入模板.xlsx")
    assert response.content == b"x"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_rejects_download_view_through_private_storage(world, client):
    officer = world.users["province_officer"]
    job = make_job(officer, b"a\n")
    job.rejects_file.save("名录-被拒绝行.csv", ContentFile(b"\xef\xbb\xbfa,b\n"), save=True)
    assert Path(job.rejects_file.path).resolve().is_relative_to(PRIVATE.resolve())
    client.force_login(officer)
    response = client.get(reverse("diagnosis:import_rejects", args=[job.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"\xef\xbb\xbfa,b\n"
    client.force_login(world.users["city_officer"])  # not the uploader: 404
    assert client.get(reverse("diagnosis:import_rejects", args=[job.pk])).status_code == 404


def test_migration_moves_existing_files_into_private_storage(world):
    from django.apps import apps

    migration = importlib.import_module("diagnosis.migrations.0003_importjob_files_private_storage")
    legacy = Path(settings.MEDIA_ROOT) / "imports/2024/01/old.csv"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(b"old upload")
    job = ImportJob.objects.create(
        created_by=world.users["province_officer"], original_name="old.csv", file="imports/2024/01/old.csv"
    )
    migration.to_private(apps, None)
    assert not legacy.exists()
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        assert handle.read() == b"old upload"
    migration.to_public(apps, None)
    assert legacy.read_bytes() == b"old upload"
