"""The portal API: the enterprise writes, officers decide, scoped like the pages; never a 500."""

from rest_framework.test import APIClient

from diagnosis.models import ContactCorrection, SelfAssessment
from diagnosis.selectors.assessment import default_model, model_spec
from tests.diagnosis.test_services_diagnoses import full_answers


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_self_assessment_through_the_api(world):
    spec = model_spec(default_model())
    answers, scenarios = full_answers(spec)
    ent = client_for(world.users["enterprise_user"])
    response = ent.post(
        "/api/v1/self-assessments/", {"answers": answers, "scenarios": scenarios}, format="json"
    )
    assert response.status_code == 201 and response.data["total_score"] == "100"
    assert response.data["self_assessed"] is True
    pk = response.data["id"]
    assert client_for(world.users["clinic_staff"]).get(f"/api/v1/self-assessments/{pk}/").status_code == 404
    assert ent.post(f"/api/v1/self-assessments/{pk}/submit/").status_code == 200
    assert client_for(world.users["clinic_staff"]).get(f"/api/v1/self-assessments/{pk}/").status_code == 200
    assert client_for(world.users["commissioner"]).get(f"/api/v1/self-assessments/{pk}/").status_code == 404
    bad = ent.post("/api/v1/self-assessments/", {"answers": {"nope": ["<script>"]}}, format="json")
    assert bad.status_code == 400
    assert SelfAssessment.objects.count() == 1


def test_corrections_through_the_api(world):
    ent = client_for(world.users["enterprise_user"])
    response = ent.post(
        "/api/v1/contact-corrections/", {"contact_phone": "0791-5", "note": "x" * 10000}, format="json"
    )
    assert response.status_code == 400
    response = ent.post("/api/v1/contact-corrections/", {"contact_phone": "0791-5"}, format="json")
    assert response.status_code == 201
    pk = response.data["id"]
    assert ent.post(f"/api/v1/contact-corrections/{pk}/accept/").status_code == 403
    officer = client_for(world.users["county_officer"])
    assert officer.post(f"/api/v1/contact-corrections/{pk}/reject/", {}, format="json").status_code == 400
    assert officer.post(f"/api/v1/contact-corrections/{pk}/accept/").status_code == 200
    assert officer.post(f"/api/v1/contact-corrections/{pk}/accept/").status_code == 400  # decided
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.contact_phone == "0791-5"
    assert ContactCorrection.objects.get().status == "accepted"


def test_requests_and_comments_refuse_bad_input(world):
    ent = client_for(world.users["enterprise_user"])
    assert (
        ent.post(
            "/api/v1/enterprise-requests/", {"kind": "need", "need_tags": [999999]}, format="json"
        ).status_code
        == 400
    )
    assert ent.post("/api/v1/enterprise-requests/", {"kind": "other"}, format="json").status_code == 400
    assert ent.post("/api/v1/diagnosis-comments/", {"text": "x"}, format="json").status_code == 400
    assert (
        ent.post("/api/v1/diagnosis-comments/", {"diagnosis": 999999, "text": "x"}, format="json").status_code
        == 404
    )
    assert ent.get("/api/v1/diagnosis-comments/?diagnosis=abc").status_code == 200
