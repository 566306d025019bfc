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
