"""The diagnosis report: issued diagnoses get a PDF rendered by WeasyPrint with a real CJK font,
read back here; versions are reused or added, never changed; the renderer reads nothing but
packaged assets whatever the free text holds; downloads and verification."""

import hashlib
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from core.pdf import render_pdf
from diagnosis.models import Diagnosis, DiagnosisReport, Recommendation
from diagnosis.services.diagnoses import diagnosis_confirm
from diagnosis.services.reports import report_render_run, report_request
from diagnosis.tasks.reports import render_report
from tests.diagnosis.test_services_diagnoses import issued

pytestmark = pytest.mark.django_db
Status = DiagnosisReport.Status

HOSTILE = (
    '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    "<style>@import url(file:///etc/hosts); body{background:url(http://169.254.169.254/)}</style>"
    "<script>alert(1)</script>{{ 7*7 }}"
)


@pytest.fixture
def spec(db):
    from diagnosis.selectors.assessment import default_model, model_spec

    return model_spec(default_model())


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_of(report) -> list[tuple[str, bool]]:
    """(font name, embedded?) of every font the PDF uses."""
    with report.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    found = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return sorted(found.items())


def issue_and_render(world, spec, django_capture_on_commit_callbacks) -> Diagnosis:
    with django_capture_on_commit_callbacks(execute=True):
        return issued(world, spec)


def test_issuing_renders_the_report_and_it_reads_back(world, spec, django_capture_on_commit_callbacks):
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)
    assert report.status == Status.DONE and report.language == "zh-hans" and report.version == 1
    text = pdf_text(report)
    assert world.ent_donghu.name in text
    assert diagnosis.number in text and report.verification_code in text
    total = format(diagnosis.total_score.normalize(), "f")
    assert f"总分 {total}" in text
    assert "第 1 页 共" in text and f"共 {report.pages} 页" in text
    assert {"一、企业概况", "三、评测结果", "五、业务场景", "十、签署"} <= {
        line.strip() for line in text.splitlines()
    }
    assert 5 <= report.pages <= 30
    data = report.file.open("rb").read()
    assert report.sha256 == hashlib.sha256(data).hexdigest() and report.size == len(data)
    assert report.renderer.startswith("WeasyPrint ") and report.rendered_at and report.render_seconds > 0
    fonts = fonts_of(report)
    cjk = [(name, embedded) for name, embedded in fonts if "CJK" in name]
    assert cjk and all(embedded for _name, embedded in cjk), fonts
    assert all("+" in name for name, _e in cjk), "CJK fonts are embedded as subsets"


def test_same_inputs_reuse_the_version_changed_inputs_add_one(
    world, spec, django_capture_on_commit_callbacks
):
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    first = DiagnosisReport.objects.get(diagnosis=diagnosis)
    assert report_request(diagnosis=diagnosis).pk == first.pk
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis_confirm(actor=world.users["enterprise_user"], diagnosis=diagnosis)  # the sign-off changes
    versions = list(DiagnosisReport.objects.filter(diagnosis=diagnosis).order_by("version"))
    assert [r.version for r in versions] == [1, 2] and all(r.status == Status.DONE for r in versions)
    assert versions[0].sha256 == first.sha256 and versions[0].file.name == first.file.name  # kept as it was
    assert "待企业确认" in pdf_text(versions[0]) and "待企业确认" not in pdf_text(versions[1])


def test_a_second_delivery_does_nothing(world, spec, django_capture_on_commit_callbacks):
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)
    assert render_report.delay(report.pk).get() == Status.DONE
    again = DiagnosisReport.objects.get(pk=report.pk)
    assert again.sha256 == report.sha256 and again.attempts == report.attempts
    assert render_report.delay(999_999).get() == "missing"


def test_a_failed_render_is_retried_then_fails_with_the_reason(world, spec, monkeypatch):
    diagnosis = issued(world, spec)  # on_commit not run: the row waits
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("diagnosis.services.reports.render_pdf", broken)
    for _attempt in range(report.max_attempts):
        DiagnosisReport.objects.filter(pk=report.pk).update(run_after=timezone.now())  # the back-off is over
        report_render_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Status.FAILED and "renderer exploded" in report.message and not report.file


def test_only_issued_diagnoses_have_reports(world, spec):
    from django.core.exceptions import ValidationError

    from tests.diagnosis.test_services_diagnoses import filled

    with pytest.raises(ValidationError):
        report_request(diagnosis=filled(world, spec))


def test_hostile_free_text_is_printed_never_fetched(
    world, spec, django_capture_on_commit_callbacks, monkeypatch
):
    enterprise = world.ent_donghu
    enterprise.name = "东湖" + HOSTILE[:120]
    enterprise.address = HOSTILE
    enterprise.save()
    world.clinic.name = "诊所" + HOSTILE[:100]
    world.clinic.save()
    diagnosis = issued(world, spec)
    Diagnosis.objects.filter(pk=diagnosis.pk).update(examiners=HOSTILE[:200])
    Recommendation.objects.create(
        diagnosis=diagnosis, title=HOSTILE[:200], finding=HOSTILE, detail=HOSTILE, benefit=HOSTILE, position=1
    )
    fetched = []
    from core import pdf

    original = pdf.safe_url_fetcher

    def spy():
        fetcher = original()
        fetched.append(fetcher)
        return fetcher

    monkeypatch.setattr(pdf, "safe_url_fetcher", spy)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(diagnosis=diagnosis)
    report.refresh_from_db()
    assert report.status == Status.DONE
    assert fetched and all(f.refused == [] for f in fetched)  # escaped: nothing even asked for
    text = pdf_text(report)
    assert "file:///etc/passwd" in text and "<script>alert(1)</script>" in text.replace("\n", "")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.com/x.png", "ftp://x/y.png",
     "asset:../../../etc/passwd", "asset:/etc/passwd", "gopher://x/", "FILE:///etc/passwd", " file:///etc/passwd"],
)  # fmt: skip
def test_the_fetcher_refuses_everything_but_packaged_assets(url):
    rendered = render_pdf(f'<p>图</p><img src="{url}">', stylesheets=(f"p {{ background: url('{url}') }}",))
    assert rendered.refused and rendered.served == [], url


def test_relative_urls_resolve_against_nothing():
    rendered = render_pdf(
        '<img src="x.png"><img src="../../etc/passwd">', stylesheets=("p { background: url(y.png) }",)
    )
    assert rendered.served == [] and rendered.pages == 1


def test_data_uris_and_packaged_assets_are_served(tmp_path, settings):
    (tmp_path / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    settings.PDF_ASSET_ROOT = tmp_path
    rendered = render_pdf(
        '<img src="asset:dot.svg"><img src="data:image/svg+xml;base64,'
        'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI0IiBoZWlnaHQ9IjQiLz4=">'
    )
    assert rendered.refused == [] and rendered.pages == 1


def test_harfbuzz_subsets_the_cjk_font(monkeypatch):
    """Without libharfbuzz-subset0 WeasyPrint falls back to fontTools (15–19 s a report): fail loudly."""
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0), "install libharfbuzz-subset0"

    def slow(*args, **kwargs):
        raise AssertionError("WeasyPrint subset a font with fontTools: libharfbuzz-subset0 is missing")

    monkeypatch.setattr(fonts.Font, "_fonttools_subset", slow)
    render_pdf("<p style=\"font-family: 'Noto Sans CJK SC'\">一企一诊断书</p>")


def test_downloads_are_scoped_and_named(client, world, spec, django_capture_on_commit_callbacks):
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)
    url = reverse("diagnosis:report_download", args=[diagnosis.pk])
    client.force_login(world.users["enterprise_user"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert (
        "%E4%B8%80%E4%BC%81%E4%B8%80%E8%AF%8A%E6%96%AD%E4%B9%A6" in response["Content-Disposition"]
    )  # 一企一诊断书
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[diagnosis.pk])).content.decode()
    assert 'data-testid="report-card"' in page and report.verification_code in page
    client.force_login(world.users["other_commissioner"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("diagnosis:report_version", args=[diagnosis.pk, report.pk])).status_code == 404


def test_english_is_made_on_demand(client, world, spec, django_capture_on_commit_callbacks):
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    client.force_login(world.users["enterprise_user"])
    url = reverse("diagnosis:report_download", args=[diagnosis.pk]) + "?lang=en"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 302  # none yet: requested, back to the page
    english = DiagnosisReport.objects.get(diagnosis=diagnosis, language="en")
    assert english.status == Status.DONE
    text = pdf_text(english)
    assert "Diagnosis report" in text or "一企一诊断书" not in text.split("\n")[0]
    assert "Page 1 of" in text
    response = client.get(url)
    assert response.status_code == 200 and "Diagnosis-report" in response["Content-Disposition"]


def test_verification_says_only_what_it_may(client, world, spec, django_capture_on_commit_callbacks):
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    report = DiagnosisReport.objects.get(diagnosis=diagnosis)
    response = client.get(reverse("report_verify"), {"code": report.verification_code.lower()})
    page = response.content.decode()
    assert response.status_code == 200 and world.ent_donghu.name in page and diagnosis.number in page
    assert 'data-testid="verify-current"' in page
    assert str(diagnosis.total_score) not in page and world.ent_donghu.credit_code not in page
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis_confirm(actor=world.users["enterprise_user"], diagnosis=diagnosis)
    page = client.get(reverse("report_verify"), {"code": report.verification_code}).content.decode()
    assert 'data-testid="verify-newer"' in page
    for code in ("NOPE", "<script>", "x" * 500, "' OR 1=1 --"):
        response = client.get(reverse("report_verify"), {"code": code})
        assert response.status_code == 404 and 'data-testid="verify-unknown"' in response.content.decode()


def test_render_reports_command(world, spec, tmp_path, capsys):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    diagnosis = issued(world, spec)  # its row waits (on_commit not run here)
    call_command("render_reports", "--all", "--json", "--out", str(tmp_path))
    result = json.loads(capsys.readouterr().out)
    assert {k: result[k] for k in ("requested", "rendered", "reused", "failed")} == {
        "requested": 1, "rendered": 1, "reused": 0, "failed": 0,
    }  # fmt: skip
    assert len(result["files"]) == 1 and open(result["files"][0], "rb").read(5) == b"%PDF-"
    call_command("render_reports", "--diagnosis", str(diagnosis.pk), "--json")
    again = json.loads(capsys.readouterr().out)
    assert again["reused"] == 1 and again["rendered"] == 0 and again["files"] == []
    call_command("render_reports", "--region", "360100", "--json")
    assert json.loads(capsys.readouterr().out)["requested"] == 1
    call_command("render_reports", "--region", "360400", "--json")
    assert json.loads(capsys.readouterr().out)["requested"] == 0
    with pytest.raises(CommandError):
        call_command("render_reports", "--region", "999999")
    with pytest.raises(CommandError):
        call_command("render_reports", "--diagnosis", "424242")


def test_render_reports_in_the_background_leaves_it_to_the_workers(
    world, spec, capsys, django_capture_on_commit_callbacks
):
    import json

    from django.core.management import call_command

    diagnosis = issued(world, spec)
    DiagnosisReport.objects.filter(diagnosis=diagnosis).delete()
    with django_capture_on_commit_callbacks(execute=False) as rung:
        call_command("render_reports", "--all", "--background", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["queued"] == 1 and result["rendered"] == 0 and len(rung) == 1
    assert DiagnosisReport.objects.get(diagnosis=diagnosis).status == Status.PENDING


def test_the_report_lists_the_enterprises_projects(world, spec, django_capture_on_commit_callbacks):
    from diagnosis.models import TransformationProject
    from tests.providers.test_pool_support import make_provider

    lead = make_provider("", home="360100", organisation=world.provider)
    TransformationProject.objects.create(
        enterprise=world.ent_donghu, provider=lead, title="仓储数字化", planned_investment=Decimal("88.5")
    )
    TransformationProject.objects.create(
        enterprise=world.ent_donghu,
        provider=lead,
        title="已取消的项目",
        status="cancelled",
        cancel_reason="x",
    )
    diagnosis = issue_and_render(world, spec, django_capture_on_commit_callbacks)
    text = pdf_text(DiagnosisReport.objects.get(diagnosis=diagnosis))
    assert "仓储数字化" in text and "88.5" in text and "已取消的项目" not in text
