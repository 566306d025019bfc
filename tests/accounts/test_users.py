"""A user's role must come with the anchor that role's scope needs."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from accounts.scope import Reach, scope_for
from tests.factories import OrganisationFactory, region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "code", "ok"),
    [
        (Role.PROVINCE_OFFICER, "360000", True),
        (Role.PROVINCE_OFFICER, "360100", False),
        (Role.CITY_OFFICER, "360100", True),
        (Role.CITY_OFFICER, "GJXQ", True),
        (Role.CITY_OFFICER, "360102", False),
        (Role.COUNTY_OFFICER, "360102", True),
        (Role.COUNTY_OFFICER, "360100", False),
        (Role.COMMISSIONER, "360000", True),
        (Role.COMMISSIONER, "360102", True),
        (Role.COMMISSIONER, None, False),
    ],
)
def test_region_level_must_fit_role(role, code, ok):
    user = User(username="u", role=role, region=region(code) if code else None)
    user.set_unusable_password()
    if ok:
        user.full_clean()
    else:
        with pytest.raises(ValidationError):
            user.full_clean()


@pytest.mark.parametrize("role", [Role.CLINIC_STAFF, Role.PROVIDER_STAFF])
def test_organisation_roles_need_an_organisation(role):
    user = User(username="u", role=role)
    user.set_unusable_password()
    with pytest.raises(ValidationError):
        user.full_clean()
    user.organisation = OrganisationFactory()
    user.full_clean()


def test_commissioner_tier_follows_region_level():
    assert User(role=Role.COMMISSIONER, region=region("360000")).commissioner_tier == "province"
    assert User(role=Role.COMMISSIONER, region=region("360100")).commissioner_tier == "city"
    assert User(role=Role.COMMISSIONER, region=region("360102")).commissioner_tier == "county"
    assert User(role=Role.COUNTY_OFFICER, region=region("360102")).commissioner_tier == ""


def test_superuser_without_role_sees_all():
    user = User.objects.create_superuser("root", password="x")
    assert scope_for(user).reach == Reach.ALL
