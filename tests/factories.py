"""factory_boy factories shared by the whole suite."""

import itertools

import factory

from accounts.models import Organisation, Role, User
from diagnosis.models import Engagement, Enterprise, EnterpriseAccount
from regions.codes import make_credit_code
from regions.models import Region

_serial = itertools.count(1)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Organisation.Kind.CLINIC


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass12345")
    display_name = factory.LazyAttribute(lambda o: o.username)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    county = factory.LazyFunction(lambda: region("360102"))
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.county.code, next(_serial) + 7_000_000))
    name = factory.Sequence(lambda n: f"江西测试制造有限公司{n}")
    industry_code = "3911"
    above_designated_size = True
    size_class = Enterprise.Size.SMALL


def engage(enterprise: Enterprise, organisation: Organisation) -> Engagement:
    return Engagement.objects.create(enterprise=enterprise, organisation=organisation)


def make_role_user(
    role: str, *, username: str, region_code: str | None = None, organisation=None, enterprise=None
):
    """A user of ``role`` anchored at a region, organisation or enterprise."""
    user = UserFactory(
        username=username,
        role=role,
        region=region(region_code) if region_code else None,
        organisation=organisation,
        is_superuser=role == Role.ADMIN,
        is_staff=role == Role.ADMIN,
    )
    if enterprise is not None:
        EnterpriseAccount.objects.create(user=user, enterprise=enterprise)
    return user
