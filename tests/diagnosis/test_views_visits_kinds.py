"""Visits record how they happened, who was met and which needs were found (tags kept as data)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from diagnosis.models import NeedTag, Visit
from diagnosis.services.visits import visit_log

pytestmark = pytest.mark.django_db


def test_the_form_records_kind_people_and_tags(client, world):
    client.force_login(world.users["commissioner"])
    url = reverse("diagnosis:visit_log", args=[world.ent_donghu.pk])
    page = client.get(url).content.decode()
    assert "上云用云" in page and 'value="phone"' in page
    tags = list(NeedTag.objects.filter(code__in=["cloud", "mes"]).values_list("pk", flat=True))
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "kind": "phone",
            "people_met": "王总（生产副总）",
            "need_tags": tags,
            "summary": "电话了解上云意向",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.kind == "phone" and visit.people_met == "王总（生产副总）"
    assert set(visit.need_tags.values_list("code", flat=True)) == {"cloud", "mes"}
    listing = client.get(reverse("diagnosis:visit_list", args=[world.ent_donghu.pk])).content.decode()
    assert "电话" in listing and "生产管控（MES）" in listing and "王总" in listing


def test_left_out_kind_is_on_site_and_a_bad_tag_is_refused(client, world):
    client.force_login(world.users["commissioner"])
    url = reverse("diagnosis:visit_log", args=[world.ent_donghu.pk])
    data = {"visited_on": timezone.localdate().isoformat(), "summary": "实地走访", "need_tags": ["999999"]}
    response = client.post(url, data)
    assert response.status_code == 200 and Visit.objects.count() == 0  # the form says which tag is wrong
    assert "实地走访" in response.content.decode()  # what was typed is kept
    del data["need_tags"]
    assert client.post(url, data).status_code == 302
    assert Visit.objects.get().kind == Visit.Kind.ONSITE


def test_inactive_tags_are_refused_by_the_service(world):
    tag = NeedTag.objects.get(code="policy")
    tag.active = False
    tag.save()
    with pytest.raises(ValidationError):
        visit_log(
            actor=world.users["commissioner"],
            enterprise=world.ent_donghu,
            visited_on=timezone.localdate(),
            summary="x",
            need_tags=[tag],
        )
    assert Visit.objects.count() == 0


def test_the_api_takes_and_gives_tag_codes(world):
    api = APIClient()
    api.force_login(world.users["commissioner"])
    body = {
        "enterprise": world.ent_donghu.pk,
        "visited_on": timezone.localdate().isoformat(),
        "summary": "接口走访",
        "kind": "online",
        "need_tags": ["energy", "talent"],
    }
    response = api.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "online" and sorted(response.json()["need_tags"]) == [
        "energy",
        "talent",
    ]
    body["need_tags"] = ["nope"]
    assert api.post("/api/v1/visits/", body, format="json").status_code == 400


def test_need_tags_read_in_the_readers_language(client, world):
    from django.utils import translation

    tag = NeedTag.objects.get(code="mes")
    assert tag.name_en == "Production control (MES)"  # filled by migration 0018
    with translation.override("en"):
        assert str(tag) == "Production control (MES)"
    with translation.override("zh-hans"):
        assert str(tag) == "生产管控（MES）"
    client.force_login(world.users["commissioner"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("diagnosis:visit_log", args=[world.ent_donghu.pk])).content.decode()
    assert "Production control (MES)" in page and "生产管控（MES）" not in page
