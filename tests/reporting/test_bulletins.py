"""Bulletins: assembled from tables with their ranking sentences, downloadable as JSON and XLSX,
frozen when published (later figures never change a published bulletin)."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from reporting.models import Bulletin, IndicatorValue
from reporting.services.bulletins import bulletin_content, bulletin_create, bulletin_publish
from reporting.services.stats import package_load

PACKAGE = Path(__file__).parent / "fixtures" / "bulletin-2022s1"
pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    package_load(PACKAGE)
    return bulletin_create(
        actor=world.users["province_officer"], title="2022年上半年全省两化融合通报", period="2022S1",
        tables=["annex1", "annex3"], text="现将有关情况通报如下。",
    )  # fmt: skip


def test_the_content_carries_tables_and_sentences(draft):
    content = bulletin_content(draft)
    assert [t["code"] for t in content["tables"]] == ["annex1", "annex3"]
    assert content["tables"][0]["sentences"][0].endswith("宜春（192家）、新余（44家）和九江（40家）。")


def test_publishing_freezes_the_bulletin(world, draft):
    bulletin_publish(actor=world.users["province_officer"], bulletin=draft)
    frozen = json.dumps(Bulletin.objects.get().snapshot, ensure_ascii=False)
    IndicatorValue.objects.filter(indicator__code="ii_upgrade_started", region__code="360900").update(
        value=999
    )
    assert json.dumps(bulletin_content(Bulletin.objects.get()), ensure_ascii=False) == frozen
    with pytest.raises(ValidationError, match="发布后不能再修改"):
        bulletin_publish(actor=world.users["province_officer"], bulletin=draft)


def test_only_the_province_writes_and_unknown_tables_are_named(world, draft):
    with pytest.raises(PermissionDenied):
        bulletin_create(actor=world.users["city_officer"], title="x", period="2022S1", tables=["annex1"])
    with pytest.raises(ValidationError) as caught:
        bulletin_create(actor=world.users["province_officer"], title="", period="2022H1", tables=["nope"])
    assert set(caught.value.message_dict) == {"title", "period", "tables"}
    with pytest.raises(PermissionDenied):
        bulletin_publish(actor=world.users["city_officer"], bulletin=draft)


def test_pages_and_downloads(world, draft):
    province, city = Client(), Client()
    province.force_login(world.users["province_officer"])
    city.force_login(world.users["city_officer"])
    url = reverse("reporting:bulletin_detail", args=[draft.pk])
    assert city.get(url).status_code == 404  # a draft is the province's
    assert province.post(reverse("reporting:bulletin_publish", args=[draft.pk])).status_code == 302
    page = city.get(url).content.decode()
    assert "2022年上半年全省两化融合通报" in page and "位列前三位的为宜春（192家）" in page
    data = json.loads(city.get(url, {"format": "json"}).content)
    assert data["tables"][1]["rows"][0]["cells"][0] == "14.92%"
    workbook = openpyxl.load_workbook(io.BytesIO(city.get(url, {"format": "xlsx"}).content))
    assert workbook.sheetnames == ["annex1", "annex3"]
    assert list(workbook["annex1"].iter_rows(values_only=True))[-1][:3] == ("江西", "468", "236(230/6/0)")
    created = province.post(
        reverse("reporting:bulletin_list"),
        {"title": "", "period": "2022S1", "tables": ["annex1"], "text": "保留"},
    )
    assert created.status_code == 400 and "保留" in created.content.decode()


def _pdf_text(data: bytes) -> tuple[str, int]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_content_carries_charts_of_the_ranked_columns(draft):
    charts = bulletin_content(draft)["charts"]
    bar = next(c for c in charts if c["key"] == "annex1-bar")
    assert bar["kind"] == "bar" and ["宜春", "192"] in bar["items"]  # unformatted, exact values
    assert not any(label == "江西" for label, _v in bar["items"])  # the total row is no bar
    the_map = next(c for c in charts if c["kind"] == "map")
    assert the_map["values"]["360900"] == "192" and len(the_map["values"]) == 11
    # no derived casework for 2022: the trend and the level chart have nothing to draw and are left out
    assert {c["kind"] for c in charts} == {"bar", "map"}


def test_a_draft_pdf_is_a_preview_with_tables_sentences_and_charts(world, draft):
    from reporting.services.bulletin_pdf import bulletin_pdf

    rendered = bulletin_pdf(draft)
    text, pages = _pdf_text(rendered.pdf)
    assert "2022年上半年全省两化融合通报" in text and "草稿" in text
    assert "宜春（192家）、新余（44家）和九江（40家）" in text.replace("\n", "")
    assert "236(230/6/0)" in text and "14.92%" in text
    assert pages >= 2 and rendered.refused == []
    assert not Bulletin.objects.get(pk=draft.pk).snapshot  # a preview stores nothing


def test_publishing_renders_the_pdf_once_in_the_background_from_the_snapshot(
    world, draft, django_capture_on_commit_callbacks
):
    from core.jobs import JobStatus
    from reporting.models import BulletinRender
    from reporting.tasks import render_bulletin

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bulletin_publish(actor=world.users["province_officer"], bulletin=draft)
    render = BulletinRender.objects.get(bulletin=draft)
    assert render.status == JobStatus.PENDING and callbacks  # the doorbell rings on commit
    city = Client()
    city.force_login(world.users["city_officer"])
    url = reverse("reporting:bulletin_detail", args=[draft.pk])
    waiting = city.get(url, {"format": "pdf"})
    assert waiting.status_code == 302  # not rendered yet: back to the page, which says so
    assert "PDF 正在生成" in city.get(url).content.decode()
    IndicatorValue.objects.filter(indicator__code="ii_upgrade_started", region__code="360900").update(
        value=999
    )
    assert render_bulletin(render.pk) == JobStatus.DONE
    assert render_bulletin(render.pk) == JobStatus.DONE  # a second delivery renders nothing more
    render.refresh_from_db()
    assert render.pages >= 2 and render.renderer.startswith("WeasyPrint")
    response = city.get(url, {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text, _pages = _pdf_text(b"".join(response.streaming_content))
    compact = text.replace("\n", "")
    assert "宜春（192家）" in compact and "999" not in compact  # the frozen snapshot, not today's figures
    assert "已发布" in text


def test_a_failed_render_is_scheduled_again_when_asked_for(world, draft):
    from core.jobs import JobStatus
    from reporting.models import BulletinRender
    from reporting.services.bulletin_pdf import bulletin_render_request

    bulletin_publish(actor=world.users["province_officer"], bulletin=draft)
    BulletinRender.objects.filter(bulletin=draft).update(status=JobStatus.FAILED, attempts=5)
    render = bulletin_render_request(Bulletin.objects.get(pk=draft.pk))
    assert render.status == JobStatus.PENDING and render.attempts == 0
    assert bulletin_render_request(Bulletin.objects.create(title="x", period="2022S1", tables=[])) is None


def test_hostile_text_reaches_the_pdf_as_text(world):
    from reporting.services.bulletin_pdf import bulletin_html

    package_load(PACKAGE)
    bulletin = bulletin_create(
        actor=world.users["province_officer"], title='<img src="file:///etc/passwd">通报', period="2022S1",
        tables=["annex1"], text='<link rel="stylesheet" href="http://example.com/x.css">\x07正文',
    )  # fmt: skip
    html, _css = bulletin_html(bulletin_content(bulletin), draft=True)
    assert "<img" not in html and "<link" not in html and "&lt;img" in html
    from reporting.services.bulletin_pdf import bulletin_pdf

    rendered = bulletin_pdf(bulletin)
    assert rendered.refused == [] and rendered.pdf.startswith(b"%PDF")


def test_a_draft_is_edited_and_a_published_bulletin_is_not(world, draft):
    from reporting.services.bulletins import bulletin_update

    province = Client()
    province.force_login(world.users["province_officer"])
    url = reverse("reporting:bulletin_edit", args=[draft.pk])
    page = province.get(reverse("reporting:bulletin_detail", args=[draft.pk])).content.decode()
    assert f'action="{url}"' in page and "现将有关情况通报如下。" in page  # the form holds what is stored
    refused = province.post(
        url, {"title": "新标题", "period": "2022H1", "tables": ["annex1"], "text": "改后的正文"}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "新标题" in text and "改后的正文" in text and "统计期格式不正确" in text  # kept as typed
    assert Bulletin.objects.get(pk=draft.pk).title == "2022年上半年全省两化融合通报"
    saved = province.post(
        url, {"title": "新标题", "period": "2022S1", "tables": ["annex3"], "text": "改后的正文"}
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.tables, draft.text) == ("新标题", ["annex3"], "改后的正文")
    bulletin_publish(actor=world.users["province_officer"], bulletin=draft)
    with pytest.raises(ValidationError, match="发布后不能再修改"):
        bulletin_update(actor=world.users["province_officer"], bulletin=draft, title="x", period="2022S1",
                        tables=["annex1"])  # fmt: skip
    assert province.post(url, {"title": "x", "period": "2022S1", "tables": ["annex1"]}).status_code == 400
    assert Bulletin.objects.get(pk=draft.pk).title == "新标题"
    city = Client()
    city.force_login(world.users["city_officer"])
    assert city.post(url, {"title": "x", "period": "2022S1", "tables": ["annex1"]}).status_code == 404
    with pytest.raises(PermissionDenied):
        bulletin_update(
            actor=world.users["city_officer"], bulletin=draft, title="x", period="2022S1", tables=["annex1"]
        )


def test_oversized_bulletins_are_refused_with_reasons(world, draft):
    from reporting.services.bulletins import TEXT_MAX

    with pytest.raises(ValidationError) as caught:
        bulletin_create(actor=world.users["province_officer"], title="x" * 201, period="2022S1",
                        tables=[f"t{n}" for n in range(40)], text="字" * (TEXT_MAX + 1))  # fmt: skip
    assert set(caught.value.message_dict) == {"title", "tables", "text"}
    province = Client()
    province.force_login(world.users["province_officer"])
    response = province.post(
        reverse("reporting:bulletin_edit", args=[draft.pk]),
        {"title": "t", "period": "2022S1", "tables": ["annex1"], "text": "字" * (TEXT_MAX + 1)},
    )
    assert response.status_code == 400 and "正文最多" in response.content.decode()
