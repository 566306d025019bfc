"""Implausible dates and script web addresses are refused on pages and in the API (issue 6 item 8).

Before: visits, qualifications and trainings accepted 0001-01-01 and 9999-12-31, and a provider's
website accepted ``javascript:`` URLs (a script link waiting for any page or client that links it).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import include, path, reverse
from rest_framework.test import APIClient

from config.urls import urlpatterns as root_urlpatterns
from diagnosis.models import Visit
from diagnosis.services.visits import visit_follow_up_done, visit_log
from providers.models import CommissionerProfile, Provider, Qualification, TrainingRecord
from providers.services.commissioners import training_record_add

from .test_pool_support import pool_fixture  # noqa: F401 (registers the fixture)
from .test_pool_views import form_data

urlpatterns = [path("api/v1/", include("diagnosis.api.assignment")), *root_urlpatterns]
pytestmark = pytest.mark.urls(__name__)

TODAY = datetime.date.today()
ANCIENT = "0001-01-01"
FAR = "9999-12-31"
SCRIPT_URLS = [
    "javascript:alert(document.cookie)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>x</script>",
]


# ---------- visits ----------


@pytest.mark.parametrize(
    ("field", "value"),
    [("visited_on", ANCIENT), ("visited_on", "1999-12-31"), ("visited_on", FAR), ("follow_up_due", FAR)],
)
def test_visit_page_refuses_implausible_dates(client, world, field, value):
    client.force_login(world.users["commissioner"])
    data = {"visited_on": TODAY.isoformat(), "summary": "走访了车间", field: value}
    response = client.post(reverse("diagnosis:visit_log", args=[world.ent_donghu.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "走访了车间" in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("visited_on", ANCIENT), ("visited_on", FAR), ("follow_up_due", FAR)]
)
def test_visit_api_refuses_implausible_dates(world, field, value):
    client = APIClient()
    client.force_authenticate(world.users["commissioner"])
    body = {"enterprise": world.ent_donghu.pk, "visited_on": TODAY.isoformat(), "summary": "s", field: value}
    response = client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Visit.objects.exists()


def test_visit_service_refuses_ancient_dates_and_accepts_plausible_ones(world):
    commissioner = world.users["commissioner"]
    with pytest.raises(ValidationError) as error:
        visit_log(
            actor=commissioner, enterprise=world.ent_donghu, visited_on=datetime.date(1, 1, 1), summary="s"
        )
    assert "visited_on" in error.value.error_dict
    visit = visit_log(
        actor=commissioner,
        enterprise=world.ent_donghu,
        visited_on=datetime.date(2000, 1, 1),
        summary="s",
        follow_up_due=TODAY + datetime.timedelta(days=30),
    )
    assert visit_follow_up_done(actor=commissioner, visit=visit).followed_up_on == TODAY


# ---------- qualifications, trainings ----------


@pytest.mark.parametrize("value", [ANCIENT, FAR])
def test_application_refuses_implausible_validity(client, db, value):
    response = client.post(reverse("directory:apply"), form_data(**{"qual-0-valid_until": value}))
    assert response.status_code == 200
    assert "valid_until" in response.context["formset"].forms[0].errors
    assert not Provider.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("valid_until", FAR), ("valid_until", ANCIENT), ("valid_from", ANCIENT)]
)
def test_qualification_page_refuses_implausible_dates(client, pool, field, value):
    provider = pool.providers["own"]
    client.force_login(pool.users["provider_staff"])
    data = {
        "name": "CMMI 3级",
        "number": "C-3",
        "issuer": "CMMI协会",
        "valid_from": "",
        "valid_until": "2027-06-30",
    }
    response = client.post(
        reverse("providers:qualification_create", args=[provider.pk]), {**data, field: value}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Qualification.objects.filter(name="CMMI 3级").exists()


@pytest.mark.parametrize("held_on", [datetime.date(1, 1, 1), datetime.date(1999, 6, 1)])
def test_training_refuses_ancient_dates(world, held_on):
    profile = CommissionerProfile.objects.create(user=world.users["commissioner"], tier="county")
    with pytest.raises(ValidationError) as error:
        training_record_add(
            actor=world.users["county_officer"], profile=profile, title="t", held_on=held_on, hours=Decimal(1)
        )
    assert "held_on" in error.value.error_dict
    assert not TrainingRecord.objects.exists()


# ---------- websites ----------


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_application_refuses_script_websites(client, db, url):
    response = client.post(reverse("directory:apply"), form_data(website=url))
    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    assert not Provider.objects.exists()


def test_application_completes_a_bare_domain_with_https(client, db):
    data = form_data(website="www.example.com")
    assert client.post(reverse("directory:apply"), data).status_code == 302
    assert (
        Provider.objects.get(organisation__credit_code=data["credit_code"]).website
        == "https://www.example.com"
    )


@pytest.mark.parametrize("url", [*SCRIPT_URLS, "ftp://files.example.com/"])
def test_profile_page_refuses_script_websites(client, pool, url):
    provider = pool.providers["own"]
    client.force_login(pool.users["provider_staff"])
    data = {
        "categories": [str(c.pk) for c in provider.categories.all()],
        "contact_person": "王工",
        "contact_phone": "0791-1",
        "website": url,
    }
    response = client.post(reverse("providers:provider_edit", args=[provider.pk]), data)
    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    provider.refresh_from_db()
    assert provider.website == ""


def test_stored_script_website_is_never_a_link(client, pool):
    provider = pool.providers["own"]
    Provider.objects.filter(pk=provider.pk).update(
        website="javascript:alert(1)"
    )  # a row from before the rule
    for url, user in [
        (reverse("directory:provider", args=[provider.pk]), None),
        (reverse("providers:provider_detail", args=[provider.pk]), pool.users["province_officer"]),
    ]:
        if user:
            client.force_login(user)
        html = client.get(url).content.decode()
        assert 'href="javascript' not in html.lower()
        assert "javascript:alert(1)" in html  # shown as text
    Provider.objects.filter(pk=provider.pk).update(website="https://ganyun.example.com")
    html = client.get(reverse("directory:provider", args=[provider.pk])).content.decode()
    assert 'href="https://ganyun.example.com"' in html
