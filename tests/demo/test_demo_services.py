"""The service-system demo: deterministic, idempotent, and something to see on every page.

Seeding takes a few seconds, so the module seeds once (committed, with a fixed "today") and
removes it afterwards; each test runs in its own rolled-back transaction on top of it.
"""

import hashlib
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, User
from demo.enterprises import CLINIC_NAME, PROVIDER_NAME, seed_demo
from demo.services import reset_activity, seed_services
from diagnosis.models import Diagnosis, ProviderRating, TransformationProject
from providers.models import Clinic, CommissionerProfile, Provider, Qualification, Solution, TrainingRecord
from reporting.models import EvaluationRun, ProviderEvaluation
from reporting.services.evaluation import evaluation_run
from tests.demo.cleanup import remove_demo

TODAY = date(2025, 3, 15)
PERIODS = ("202501", "202502")


def activity_digest() -> str:
    rows = [
        sorted(
            ProviderRating.objects.values_list(
                "provider__organisation__name", "enterprise__credit_code", "score", "rated_at"
            )
        ),
        sorted(
            TransformationProject.objects.values_list(
                "provider_id", "title", "planned_completion", "completed_on"
            )
        ),
        sorted(Diagnosis.objects.values_list("organisation__name", "returned_count", "submitted_at")),
        sorted(Provider.objects.values_list("organisation__name", "status", "categories__code")),
        sorted(Solution.objects.values_list("title", "status", "price_min", "price_max")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        before_users = set(User.objects.values_list("pk", flat=True))
        before_orgs = set(Organisation.objects.values_list("pk", flat=True))
        enterprise_result = seed_demo()
        result = seed_services(today=TODAY)
        for period in PERIODS:
            evaluation_run(period=period)
        fingerprint = activity_digest()
    yield result, fingerprint
    with django_db_blocker.unblock():
        ProviderEvaluation.objects.all().delete()
        EvaluationRun.objects.all().delete()
        remove_demo(before_users=before_users, before_orgs=before_orgs, enterprise_result=enterprise_result)


@pytest.fixture
def demo(seeded, db):
    return seeded[0]


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_providers_statuses_history_and_qualifications(demo):
    providers = Provider.objects.all()
    assert 40 <= providers.count() <= 45
    statuses = set(providers.values_list("status", flat=True))
    assert statuses == {"admitted", "applied", "suspended", "removed"}
    assert providers.filter(status="admitted").count() >= 30
    assert all(p.status_changes.exists() for p in providers)
    assert all(p.categories.exists() and p.regions_served.exists() for p in providers)
    assert Qualification.objects.expired().exists()
    assert Qualification.objects.filter(valid_until__gte=timezone.localdate()).exists()
    assert len({p.home_region.code for p in providers}) == 11
    assert Provider.objects.get(organisation__name=PROVIDER_NAME).status == "admitted"
    assert User.objects.get(username="fuwushang").organisation.provider.status == "admitted"


def test_clinics_centres_and_commissioners(demo):
    assert Clinic.objects.filter(kind="clinic").count() == 15
    assert Clinic.objects.filter(kind="centre").count() == 3
    assert Clinic.objects.filter(status="closed").count() == 2
    assert all(c.status_changes.exists() for c in Clinic.objects.all())
    assert User.objects.get(username="zhensuo").organisation.clinic.status == "open"
    commissioners = User.objects.filter(role=Role.COMMISSIONER)
    assert commissioners.count() >= 35
    assert not commissioners.filter(commissioner_profile__isnull=True).exists()
    assert set(CommissionerProfile.objects.values_list("tier", flat=True)) == {"province", "city", "county"}
    assert TrainingRecord.objects.count() >= commissioners.count()
    for profile in CommissionerProfile.objects.select_related("user__region"):
        profile.full_clean()


def test_solutions(demo):
    solutions = Solution.objects.all()
    assert solutions.count() == 80
    assert solutions.filter(status="published").count() >= 60
    assert {"draft", "submitted"} <= set(solutions.values_list("status", flat=True))
    for s in solutions:
        assert s.scenarios.exists() and s.industries
        assert s.price_min <= s.price_max


def test_evaluations_exist_with_a_flag(demo):
    for period in PERIODS:
        assert EvaluationRun.objects.get(period=period).status == "done"
        assert ProviderEvaluation.objects.filter(period=period, score__isnull=False).count() >= 30
        assert ProviderEvaluation.objects.filter(period=period, score__isnull=True).exists()  # the idle one
    assert Provider.objects.filter(flagged_for_review=True).exists()
    assert (
        ProviderEvaluation.objects.filter(period="202502", provider__organisation__name=PROVIDER_NAME)
        .exclude(score=None)
        .exists()
    )


def test_idempotent_and_deterministic(seeded, db):
    result, fingerprint = seeded
    again = seed_services(today=TODAY)
    assert not again.changed
    assert activity_digest() == fingerprint
    # Rebuilding the activity from scratch gives the very same rows (same random draws).
    reset_activity()
    rebuilt = seed_services(today=TODAY)
    assert rebuilt.ratings_created == result.ratings_created
    assert activity_digest() == fingerprint


@pytest.mark.parametrize(
    "username,url",
    [
        ("sheng", reverse("reporting:provider_league") + "?period=202502"),
        ("sheng", reverse("reporting:provider_league_csv") + "?period=202502"),
        ("sheng", reverse("reporting:targets")),
        ("nanchang", reverse("reporting:targets")),
        ("donghu", reverse("reporting:targets")),
        ("fuwushang", reverse("reporting:my_evaluation")),
    ],
)
def test_every_page_has_something(client, demo, username, url):
    response = login(client, username).get(url)
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    if "league" in url:
        assert PROVIDER_NAME in body
    if url.endswith("league/?period=202502"):
        assert "待暂停审查" in body
    if "my-evaluation" in url:
        assert "家企业评价" in body
    if "targets" in url:
        assert any(c.count for row in response.context["rows"] for c in row.cells)


def test_provider_evaluation_page_and_api(client, demo):
    provider = Provider.objects.get(organisation__name=PROVIDER_NAME)
    response = login(client, "sheng").get(reverse("reporting:provider_evaluation", args=[provider.pk]))
    assert response.status_code == 200 and "分项说明" in response.content.decode()
    api = APIClient()
    api.force_authenticate(User.objects.get(username="fuwushang"))
    rows = api.get("/api/v1/evaluations/").json()["results"]
    assert {r["provider_name"] for r in rows} == {PROVIDER_NAME}
    assert Clinic.objects.get(organisation__name=CLINIC_NAME).operator.name == PROVIDER_NAME


@pytest.mark.django_db
def test_demo_commissioner_caseload_has_visits_and_history():
    from django.core.management import call_command

    from accounts.models import User
    from diagnosis.models import Assignment, Enterprise, Visit
    from diagnosis.selectors.assignment import caseload_summary

    call_command("seed_demo", stdout=io.StringIO())
    commissioner = User.objects.get(username="zhuanyuan")
    summary = caseload_summary(actor=commissioner, commissioner=commissioner)
    mine = Visit.objects.filter(commissioner=commissioner)
    assert summary["assigned"] == Enterprise.objects.filter(commissioner=commissioner).count() > 0
    assert summary["visits_this_month"] == mine.filter(visited_on__gte=summary["month_start"]).count()
    assert summary["overdue"] > 0  # visits 15+ days old whose follow-up is due and not done
    assigned = Enterprise.objects.filter(commissioner__isnull=False)
    open_rows = Assignment.objects.filter(ended_at__isnull=True)
    assert open_rows.count() == assigned.count()
    assert set(open_rows.values_list("enterprise_id", "commissioner_id")) == set(
        assigned.values_list("pk", "commissioner_id")
    )
    visits = Visit.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Visit.objects.count() == visits and Assignment.objects.count() == open_rows.count()
