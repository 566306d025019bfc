"""The demo's diagnoses: every stage for the demo logins, a pyramid that becomes an olive, and the
demo enterprise's portal (self-assessment, correction, request, comment)."""

from collections import Counter

import pytest
from django.urls import reverse

from accounts.models import Organisation, User
from demo.diagnoses import seed_diagnoses
from demo.enterprises import seed_demo
from demo.portal import seed_portal
from demo.services import seed_services
from diagnosis.models import Diagnosis, DiagnosisEvent
from tests.demo.cleanup import remove_demo

Status = Diagnosis.Status


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        before_users = set(User.objects.values_list("pk", flat=True))
        before_orgs = set(Organisation.objects.values_list("pk", flat=True))
        enterprise_result = seed_demo()
        seed_services()
        result = seed_diagnoses()
        result.portal = seed_portal()
    yield result
    with django_db_blocker.unblock():
        remove_demo(before_users=before_users, before_orgs=before_orgs, enterprise_result=enterprise_result)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_every_stage_for_the_demo_clinic(demo):
    clinic = User.objects.get(username="zhensuo")
    statuses = Counter(
        Diagnosis.objects.filter(organisation=clinic.organisation).values_list("status", flat=True)
    )
    for status in Status.values:
        assert statuses[status] >= 1, status
    returned = Diagnosis.objects.get(organisation=clinic.organisation, status=Status.RETURNED)
    event = returned.events.get(action=DiagnosisEvent.Action.RETURN)
    assert event.comment and event.question_comments
    assert not seed_diagnoses().changed  # once


def test_the_pyramid_becomes_an_olive(demo):
    def levels(year):
        return Counter(
            Diagnosis.objects.filter(onsite_start__year=year)
            .exclude(level=None)
            .values_list("level", flat=True)
        )

    before, after = levels(2023), levels(2025)
    assert before.most_common(1)[0][0] == 1  # mostly level 1
    assert before[1] > before[2] > before[3] >= before[4]
    assert after[2] + after[3] > 0.7 * sum(after.values())  # mostly levels 2–3
    assert after[1] + after[0] < after[2]


@pytest.mark.parametrize(
    "username, sees",
    [
        ("zhensuo", {Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.ISSUED, Status.CONFIRMED}),
        ("donghu", {Status.SUBMITTED, Status.RESUBMITTED, Status.APPROVED, Status.ISSUED}),
        ("qiye", {Status.ISSUED, Status.CONFIRMED}),
        ("sheng", {Status.DRAFT, Status.CONFIRMED}),
    ],
)
def test_each_demo_login_finds_its_work(client, demo, username, sees):
    user = User.objects.get(username=username)
    visible = set(Diagnosis.objects.visible_to(user).values_list("status", flat=True))
    assert sees <= visible
    if username == "qiye":
        assert Status.DRAFT not in visible
        latest = Diagnosis.objects.visible_to(user).get(status=Status.ISSUED)
        assert latest.previous is not None and latest.previous.status == Status.CONFIRMED
    client.force_login(user)
    page = client.get(reverse("diagnosis:diagnosis_list"))
    assert page.status_code == 200 and "ZD" in page.content.decode()


def test_demo_visits_are_lived_in(client, demo):
    from diagnosis.models import Visit, VisitAttachment, VisitDraft

    visits = Visit.objects.all()
    assert visits.filter(need_tags__isnull=False).distinct().count() == visits.count() > 0
    assert len(set(visits.values_list("kind", flat=True))) >= 3
    commissioner = User.objects.get(username="zhuanyuan")
    photos = VisitAttachment.objects.filter(uploaded_by=commissioner, visit__isnull=False)
    assert photos.count() == 3
    draft = VisitDraft.objects.get(author=commissioner)
    client.force_login(commissioner)
    photo = photos.first()
    listing = client.get(reverse("diagnosis:visit_list", args=[photo.visit.enterprise_id])).content.decode()
    assert reverse("diagnosis:visit_attachment", args=[photo.visit.enterprise_id, photo.pk]) in listing
    response = client.get(reverse("diagnosis:visit_attachment", args=[photo.visit.enterprise_id, photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    form = client.get(reverse("diagnosis:visit_log", args=[draft.enterprise_id])).content.decode()
    assert "冲压车间.jpg" in form and "设备联网情况待补充" in form


def test_the_demo_enterprise_has_its_portal(client, demo):
    from diagnosis.models import ContactCorrection, DiagnosisComment, EnterpriseRequest, SelfAssessment

    owner = User.objects.get(username="qiye")
    assert demo.portal == 4 and seed_portal() == 0  # once
    assert SelfAssessment.objects.visible_to(owner).get().status == "submitted"
    assert ContactCorrection.objects.visible_to(owner).get().status == "pending"
    assert EnterpriseRequest.objects.visible_to(owner).get().status == "open"
    assert DiagnosisComment.objects.visible_to(owner).count() == 1
    client.force_login(owner)
    page = client.get(reverse("diagnosis:portal"))
    assert page.status_code == 200 and "自评" in page.content.decode()


def test_the_demo_clinics_submitted_diagnoses_have_recommendations(demo, client):
    clinic = User.objects.get(username="zhensuo")
    own = Diagnosis.objects.filter(organisation=clinic.organisation)
    for diagnosis in own.exclude(status=Status.DRAFT):
        assert diagnosis.recommendations.exists(), diagnosis.status
    assert not own.get(status=Status.DRAFT).recommendations.exists()
    issued = Diagnosis.objects.filter(
        enterprise__accounts__user__username="qiye", status=Status.ISSUED
    ).first()
    assert issued.recommendations.exists()
    client.force_login(User.objects.get(username="qiye"))
    page = client.get(reverse("diagnosis:diagnosis_detail", args=[issued.pk])).content.decode()
    assert 'data-testid="roadmap"' in page and 'data-testid="interpretation-band"' in page


def test_every_issued_demo_diagnosis_has_a_result_and_a_number(demo):
    issued = Diagnosis.objects.filter(status__in=Diagnosis.ISSUED_STATES)
    assert issued.count() > 100
    assert (
        not issued.filter(total_score__isnull=True).exists()
        and not issued.filter(number__isnull=True).exists()
    )
    assert not issued.exclude(scores__isnull=False).exists()  # every one has its dimension scores
