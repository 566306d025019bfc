"""Engaging enterprises with clinics (diagnosis) and providers (projects): rules and the page's scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Organisation
from diagnosis.models import Engagement
from diagnosis.services.engagements import engagement_close, engagement_open
from providers.models import Clinic, Provider
from tests.factories import OrganisationFactory, region
from tests.roles import ALL_ROLES

ENGAGERS = {
    "admin",
    "province_officer",
    "city_officer",
    "county_officer",
    "commissioner",
    "other_commissioner",
}


@pytest.fixture
def network(world):
    park = OrganisationFactory(kind=Organisation.Kind.PARK, region=region("360102"))
    clinic = Clinic.objects.create(organisation=world.clinic, operator=park, region=region("360102"))
    provider = Provider.objects.create(
        organisation=world.provider, home_region=region("360100"), contact_person="张", contact_phone="1",
        status=Provider.Status.ADMITTED,
    )  # fmt: skip
    return {"clinic": clinic, "provider": provider}


def test_open_and_close(world, network):
    Engagement.objects.filter(organisation=world.clinic).update(active=False)
    engagement = engagement_open(
        actor=world.users["commissioner"],
        enterprise=world.ent_donghu,
        organisation=world.clinic,
        purpose="diagnosis",
    )
    assert engagement.active
    with pytest.raises(ValidationError, match="无需重复"):
        engagement_open(
            actor=world.users["county_officer"],
            enterprise=world.ent_donghu,
            organisation=world.clinic,
            purpose="diagnosis",
        )
    engagement_close(actor=world.users["county_officer"], engagement=engagement)
    engagement.refresh_from_db()
    assert not engagement.active


def test_closed_clinic_takes_no_new_engagement(world, network):
    Clinic.objects.filter(pk=network["clinic"].pk).update(status=Clinic.Status.CLOSED)
    with pytest.raises(ValidationError, match="已关闭"):
        engagement_open(
            actor=world.users["admin"],
            enterprise=world.ent_xihu,
            organisation=world.clinic,
            purpose="diagnosis",
        )


@pytest.mark.parametrize("status", ["applied", "suspended", "removed", "rejected"])
def test_provider_not_admitted_takes_no_new_engagement(world, network, status):
    Provider.objects.filter(pk=network["provider"].pk).update(status=status)
    with pytest.raises(ValidationError, match="不能承接"):
        engagement_open(
            actor=world.users["admin"],
            enterprise=world.ent_xihu,
            organisation=world.provider,
            purpose="project",
        )


def test_purpose_must_fit_the_organisation(world, network):
    with pytest.raises(ValidationError):
        engagement_open(
            actor=world.users["admin"],
            enterprise=world.ent_xihu,
            organisation=world.provider,
            purpose="diagnosis",
        )
    with pytest.raises(ValidationError):
        engagement_open(
            actor=world.users["admin"],
            enterprise=world.ent_xihu,
            organisation=world.clinic,
            purpose="project",
        )


@pytest.mark.parametrize(
    ("role", "which"),
    [("other_commissioner", "ent_donghu"), ("commissioner", "ent_xihu"), ("county_officer", "ent_jiujiang"),
     ("clinic_staff", "ent_donghu"), ("provider_staff", "ent_donghu"), ("enterprise_user", "ent_donghu")],
)  # fmt: skip
def test_only_officers_in_scope_or_the_commissioner_engage(world, network, role, which):
    with pytest.raises(PermissionDenied):
        engagement_open(
            actor=world.users[role],
            enterprise=getattr(world, which),
            organisation=world.clinic,
            purpose="diagnosis",
        )


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ["ent_donghu", "ent_xihu", "ent_jiujiang"])
def test_engage_page_scope(client, world, network, role, which):
    enterprise = getattr(world, which)
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:engage", args=[enterprise.pk]))
    if enterprise.pk not in world.visible_ids(role):
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if role in ENGAGERS else 403)


def test_engage_page_flow(client, world, network):
    Engagement.objects.filter(organisation=world.provider).update(active=False)
    client.force_login(world.users["commissioner"])
    url = reverse("diagnosis:engage", args=[world.ent_donghu.pk])
    response = client.post(url, {"purpose": "project", "organisation": world.provider.pk})
    assert response.status_code == 302
    engagement = Engagement.objects.get(enterprise=world.ent_donghu, organisation=world.provider, active=True)
    Provider.objects.filter(pk=network["provider"].pk).update(status="suspended")
    response = client.post(url, {"purpose": "project", "organisation": world.provider.pk})
    assert response.status_code == 200  # no longer among the choices
    response = client.post(reverse("diagnosis:engagement_close", args=[world.ent_donghu.pk, engagement.pk]))
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert not engagement.active
