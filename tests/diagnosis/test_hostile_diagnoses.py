"""Odd and hostile input to the diagnosis pages and API: a clear 400 (or 404), never a 500."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

BODIES = [
    {"revision": "abc"},
    {"revision": -1},
    {"revision": 10**30},
    {"revision": 0, "answers": {"network_connectivity": "B"}},
    {"revision": 0, "answers": {"network_connectivity": [["B"]]}},
    {"revision": 0, "answers": [1, 2]},
    {"revision": 0, "scenarios": {"product_design": 99}},
    {"revision": 0, "scenarios": {"product_design": "三"}},
    {"revision": 0, "figures": {"equipment_digitization_rate": {"production_devices": "1e999999"}}},
    {"revision": 0, "figures": {"equipment_digitization_rate": {"production_devices": "NaN"}}},
    {"revision": 0, "figures": {"equipment_digitization_rate": "x"}},
    {"revision": 0, "onsite_start": "0001-01-01"},
    {"revision": 0, "answers": {f"q{i}": ["A"] for i in range(5000)}},
    {"revision": 0, "examiners": "x" * 5000},
    {
        "revision": 0,
        "figures": {"equipment_digitization_rate": {"production_devices": "0", "digitized_devices": "5"}},
    },
    {
        "revision": 0,
        "figures": {"equipment_digitization_rate": {"production_devices": "1", "digitized_devices": "5"}},
    },
    {
        "revision": 0,
        "figures": {
            "equipment_digitization_rate": {"production_devices": "1e999999", "digitized_devices": "1e999999"}
        },
    },
]


@pytest.mark.parametrize("body", BODIES)
def test_hostile_answers_api(world, body):
    from diagnosis.services.diagnoses import diagnosis_start

    d = diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_donghu)
    c = APIClient()
    c.force_login(world.users["clinic_staff"])
    r = c.put(f"/api/v1/diagnoses/{d.pk}/answers/", body, format="json")
    assert r.status_code in (200, 400), (r.status_code, r.content[:300])
    assert len(r.content) < 200_000
    if "1e999999" in str(body):
        assert r.status_code == 400 and "位整数" in r.json()["equipment_digitization_rate"][0]


FORMS = [
    {"revision": "abc"},
    {"revision": "0", "q-network_connectivity": ["Z"] * 500},
    {"revision": "0", "s-product_design": "99"},
    {"revision": "0", "f-equipment_digitization_rate-production_devices": "1e99999"},
    {"revision": "0", "onsite_start": "99999-01-01"},
    {"revision": "0", "onsite_start": "2026-02-30"},
    {"revision": "99999999999999999999999"},
    {
        "revision": "0",
        "f-equipment_digitization_rate-production_devices": "-0",
        "f-equipment_digitization_rate-digitized_devices": "0",
    },
]


@pytest.mark.parametrize("data", FORMS)
def test_hostile_questionnaire(client, world, data):
    from diagnosis.services.diagnoses import diagnosis_start

    d = diagnosis_start(actor=world.users["clinic_staff"], enterprise=world.ent_donghu)
    client.force_login(world.users["clinic_staff"])
    r = client.post(reverse("diagnosis:diagnosis_edit", args=[d.pk]), data)
    assert r.status_code in (302, 400), r.status_code


@pytest.mark.parametrize(
    "path",
    [
        "/enterprises/diagnoses/?status=x&page=99999999999999999999",
        "/enterprises/diagnoses/99999999999999999999/",
        "/api/v1/diagnoses/?cursor=zzz",
        "/api/v1/diagnoses/1e5/",
        "/api/v1/diagnoses/?page_size=100000",
    ],
)
def test_hostile_reads(client, world, path):
    client.force_login(world.users["province_officer"])
    assert client.get(path).status_code in (200, 400, 404)
