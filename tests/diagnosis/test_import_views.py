"""The import flow in the browser: who may use it, upload → preview → confirm → done, downloads."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnosis.models import Enterprise, EnterpriseChange, ImportJob
from diagnosis.services.register import COLUMNS, read_table
from tests.diagnosis.test_import_support import (
    HEADERS,
    code,
    csv_bytes,
    good_row,
    make_job,
    read_csv_rows,
    xlsx_bytes,
)
from tests.roles import ALL_ROLES, OFFICERS

IMPORTERS = OFFICERS  # tests/roles.py
PAGE_URLS = [
    ("get", "import_upload"),
    ("post", "import_upload"),
    ("get", "import_help"),
    ("get", "import_template"),
    ("get", "import_jobs"),
]
JOB_URLS = [
    ("get", "import_job"),
    ("get", "import_job_status"),
    ("post", "import_confirm"),
    ("post", "import_cancel"),
    ("get", "import_rejects"),
]
State = ImportJob.State


def _upload(client, name: str, content: bytes, capture=None):
    data = {"file": SimpleUploadedFile(name, content)}
    if capture is None:
        return client.post(reverse("diagnosis:import_upload"), data)
    with capture(execute=True):
        return client.post(reverse("diagnosis:import_upload"), data)


@pytest.fixture
def previewed_job(world):
    job = make_job(world.users["city_officer"], csv_bytes([good_row(1)]), state=State.PREVIEWED)
    job.rejects_file.save("r.csv", io.BytesIO(b"x"), save=True)
    return job


@pytest.mark.parametrize("role", sorted(set(ALL_ROLES) - IMPORTERS))
@pytest.mark.parametrize(("method", "name"), PAGE_URLS + JOB_URLS)
def test_non_importers_get_404_everywhere(world, client, previewed_job, role, method, name):
    client.force_login(world.users[role])
    args = [previewed_job.pk] if (method, name) in JOB_URLS else []
    response = getattr(client, method)(reverse(f"diagnosis:{name}", args=args))
    assert response.status_code == 404
    previewed_job.refresh_from_db()
    assert previewed_job.state == State.PREVIEWED


@pytest.mark.parametrize("role", sorted(IMPORTERS))
@pytest.mark.parametrize("name", ["import_upload", "import_help", "import_template", "import_jobs"])
def test_importers_reach_the_pages(world, client, role, name):
    client.force_login(world.users[role])
    assert client.get(reverse(f"diagnosis:{name}")).status_code == 200


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("diagnosis:import_upload"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.parametrize(("method", "name"), JOB_URLS)
def test_another_importers_job_is_404(world, client, previewed_job, method, name):
    client.force_login(world.users["county_officer"])
    response = getattr(client, method)(reverse(f"diagnosis:{name}", args=[previewed_job.pk]))
    assert response.status_code == 404
    previewed_job.refresh_from_db()
    assert previewed_job.state == State.PREVIEWED


def test_another_importers_job_is_not_listed(world, client, previewed_job):
    client.force_login(world.users["county_officer"])
    assert previewed_job.original_name not in client.get(reverse("diagnosis:import_jobs")).content.decode()
    client.force_login(world.users["city_officer"])
    assert previewed_job.original_name in client.get(reverse("diagnosis:import_jobs")).content.decode()


def test_upload_preview_confirm_done(world, client, django_capture_on_commit_callbacks):
    officer = world.users["city_officer"]
    client.force_login(officer)
    rows = [good_row(1), good_row(2, **{"县（市、区）": "浔阳区"}), good_row(3)]
    response = _upload(
        client, "名录.csv", csv_bytes(rows, encoding="gbk"), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("diagnosis:import_job", args=[job.pk])

    # The preview ran (eager Celery): counts and errors, nothing written yet.
    job.refresh_from_db()
    assert (job.state, job.encoding, job.file_format) == (State.PREVIEWED, "gbk", "csv")
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (2, 0, 0, 1)
    assert job.errors[0]["row"] == 3 and "管辖范围" in job.errors[0]["reasons"][0]
    assert not Enterprise.objects.filter(credit_code__in=[code(1), code(3)]).exists()
    page = client.get(response.url).content.decode()
    assert "校验结果（尚未写入）" in page and "不在您的管辖范围内" in page
    assert reverse("diagnosis:import_confirm", args=[job.pk]) in page
    assert reverse("diagnosis:import_rejects", args=[job.pk]) in page

    status = client.get(reverse("diagnosis:import_job_status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["active"]) == ("previewed", 100, False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnosis:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == State.DONE
    assert (job.created_count, job.rejected_count, job.processed_rows, job.total_rows) == (2, 1, 3, 3)
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(3)]).count() == 2
    assert set(EnterpriseChange.objects.filter(source="import").values_list("actor", flat=True)) == {
        officer.pk
    }
    assert "导入结果" in client.get(reverse("diagnosis:import_job", args=[job.pk])).content.decode()

    download = client.get(reverse("diagnosis:import_rejects", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    table = read_csv_rows(b"".join(download.streaming_content))
    assert table[0] == [*HEADERS, "行号", "错误原因"] and table[1][-2] == "3"

    # Confirming again is harmless.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("diagnosis:import_confirm", args=[job.pk]))
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(3)]).count() == 2
    assert EnterpriseChange.objects.filter(source="import").count() == 2


def test_xlsx_upload_gives_xlsx_rejects(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.users["province_officer"])
    content = xlsx_bytes([good_row(1), good_row(2, 企业规模="巨型")])
    _upload(client, "名录.xlsx", content, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == State.PREVIEWED and job.rejects_file.name.endswith(".xlsx")
    download = client.get(reverse("diagnosis:import_rejects", args=[job.pk]))
    assert download["Content-Disposition"].endswith(".xlsx") or ".xlsx" in download["Content-Disposition"]
    table = read_table(io.BytesIO(b"".join(download.streaming_content)), "r.xlsx")
    assert table.headers[-2:] == ["行号", "错误原因"]


def test_cancel_after_preview(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.users["county_officer"])
    _upload(client, "名录.csv", csv_bytes([good_row(1)]), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    client.post(reverse("diagnosis:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == State.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnosis:import_confirm", args=[job.pk]), follow=True)
    assert "只有校验完成" in response.content.decode()
    job.refresh_from_db()
    assert job.state == State.CANCELLED
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_done_job_cannot_be_cancelled(world, client, previewed_job):
    ImportJob.objects.filter(pk=previewed_job.pk).update(**ImportJob.fields_for(State.DONE))
    client.force_login(world.users["city_officer"])
    response = client.post(reverse("diagnosis:import_cancel", args=[previewed_job.pk]), follow=True)
    assert "不能取消" in response.content.decode()
    previewed_job.refresh_from_db()
    assert previewed_job.state == State.DONE


def test_whole_file_error_fails_the_job_with_its_reason(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.users["city_officer"])
    content = csv_bytes([good_row(1)], headers=["统一社会信用代码", "企业名称"])
    _upload(client, "名录.csv", content, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == State.FAILED and "缺少必需的列：县（市、区）" in job.message
    page = client.get(reverse("diagnosis:import_job", args=[job.pk])).content.decode()
    assert "导入失败" in page and "缺少必需的列" in page
    assert reverse("diagnosis:import_confirm", args=[job.pk]) not in page


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("名录.txt", b"a,b\n1,2\n", ["名录.txt", ".xlsx", ".csv"]),
        ("旧名录.xls", b"\xd0\xcf\x11\xe0", ["旧名录.xls", "另存为 .xlsx"]),
        ("空文件.csv", b"", ["空文件.csv", "是空的"]),
    ],
)
def test_upload_errors_say_what_was_wrong(world, client, name, content, needles):
    client.force_login(world.users["city_officer"])
    response = _upload(client, name, content)
    assert response.status_code == 400
    page = response.content.decode()
    for needle in needles:
        assert needle in page
    assert "您上次选择的文件" in page
    assert not ImportJob.objects.exists()


def test_upload_too_large(world, client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(world.users["city_officer"])
    response = _upload(client, "大文件.csv", b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400 and "超过了 1 MB 的上限" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_without_a_file(world, client):
    client.force_login(world.users["city_officer"])
    response = client.post(reverse("diagnosis:import_upload"), {})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()


def test_progress_json_and_polling_page(world, client):
    job = make_job(
        world.users["city_officer"], csv_bytes([good_row(1)]), state=State.IMPORTING,
        total_rows=2000, processed_rows=500,
    )  # fmt: skip
    client.force_login(world.users["city_officer"])
    data = client.get(reverse("diagnosis:import_job_status", args=[job.pk])).json()
    assert data["status"] == "importing" and data["active"] is True
    assert (data["processed_rows"], data["total_rows"], data["percent"]) == (500, 2000, 25)
    assert set(data) >= {"created", "updated", "unchanged", "rejected", "message", "status_display"}
    page = client.get(reverse("diagnosis:import_job", args=[job.pk])).content.decode()
    assert '<progress max="100" value="25"' in page
    assert reverse("diagnosis:import_job_status", args=[job.pk]) in page
    assert 'src="http' not in page and 'src="//' not in page  # no CDN
    # the polling script is a static file (no inline script: the CSP allows only same-origin files)
    assert 'src="/static/js/import_progress.js"' in page and "<script>" not in page
    assert "fetch(" in (settings.BASE_DIR / "static" / "js" / "import_progress.js").read_text()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_download(world, client, file_format):
    client.force_login(world.users["county_officer"])
    response = client.get(reverse("diagnosis:import_template"), {"format": file_format})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    table = read_table(io.BytesIO(response.getvalue()), f"模板.{file_format}")
    assert table.headers == [c.header for c in COLUMNS]
    assert table.rows[0].cells[0] == COLUMNS[0].example


def test_unknown_template_format_is_404(world, client):
    client.force_login(world.users["county_officer"])
    assert client.get(reverse("diagnosis:import_template"), {"format": "pdf"}).status_code == 404


def test_help_page_lists_columns_and_aliases(world, client):
    client.force_login(world.users["county_officer"])
    page = client.get(reverse("diagnosis:import_help")).content.decode()
    for column in COLUMNS:
        assert column.header in page
    assert "所属县区" in page and "留空时，不会修改" in page


def test_admin_sees_any_job(world, client, previewed_job):
    client.force_login(world.users["admin"])
    assert client.get(reverse("diagnosis:import_job", args=[previewed_job.pk])).status_code == 200
