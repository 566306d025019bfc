"""Fixtures for reporting: providers with hand-made activity for evaluation tests.

``make_provider(name, categories=..., status=...)`` creates an organisation and its Provider;
``activity`` helpers put ratings, projects, diagnoses and qualifications into a given month.
"""

import itertools
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Organisation
from diagnosis.models import Diagnosis, ProviderRating, TransformationProject
from providers.models import Provider, Qualification, ServiceCategory
from tests.factories import EnterpriseFactory, OrganisationFactory, region

_serial = itertools.count(1)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def make_provider(
    name: str, *, categories=("consulting",), status=Provider.Status.ADMITTED, organisation=None
):
    org = organisation or OrganisationFactory(
        name=name, kind=Organisation.Kind.PROVIDER, region=region("360100")
    )
    provider = Provider.objects.create(
        organisation=org, home_region=region("360100"), contact_person="x", contact_phone="1", status=status
    )
    provider.categories.set(ServiceCategory.objects.filter(code__in=categories))
    return provider


class Activity:
    """Puts a provider's activity into a month (dates inside it)."""

    def __init__(self):
        self._enterprise = None

    @property
    def enterprise(self):
        if self._enterprise is None:
            self._enterprise = EnterpriseFactory(county=region("360102"))
        return self._enterprise

    def ratings(self, provider, scores, day=date(2025, 1, 15)):
        for score in scores:
            rating = ProviderRating.objects.create(enterprise=self.enterprise, provider=provider, score=score)
            ProviderRating.objects.filter(pk=rating.pk).update(rated_at=at(day))

    def projects(self, provider, *, on_time, late, day=date(2025, 1, 20)):
        """Completed on ``day``; on-time ones were planned for that day, late ones five days earlier."""
        for i in range(on_time + late):
            TransformationProject.objects.create(
                enterprise=self.enterprise,
                provider=provider,
                title=f"项目{next(_serial)}",
                status=TransformationProject.Status.COMPLETED,
                planned_completion=day if i < on_time else day - timedelta(days=5),
                completed_on=day,
            )

    def diagnoses(self, provider, *, submitted, returned, day=date(2025, 1, 10)):
        for i in range(submitted):
            Diagnosis.objects.create(
                enterprise=self.enterprise,
                organisation=provider.organisation,
                status=Diagnosis.Status.ISSUED,
                returned_count=2 if i < returned else 0,
                submitted_at=at(day),
            )

    def qualifications(self, provider, *, valid, expired):
        for i in range(valid + expired):
            Qualification.objects.create(
                provider=provider,
                name=f"资质{i}",
                valid_from=date(2020, 1, 1),
                valid_until=date(2030, 1, 1) if i < valid else date(2024, 6, 30),
            )


@pytest.fixture
def activity(db):
    return Activity()


@pytest.fixture
def world_provider(world):
    """The ``world`` fixture's provider organisation as an admitted Provider (category consulting)."""
    return make_provider("", organisation=world.provider)
