"""``seed_scale``: counts, determinism, every county covered, valid codes, consistent rows, no double seed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F

from accounts.models import Role, User
from demo.enterprises import size_class_for
from diagnosis.models import Assignment, Engagement, Enterprise, EnterpriseAccount, EnterpriseChange, Visit
from providers.models import Clinic, CommissionerProfile, Provider
from regions.codes import credit_code_problem
from regions.models import Region

N = 300


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", enterprises=N, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    _seed(seed=7, commissioners=2)


def test_counts_and_roles(seeded):
    counties = Region.objects.counties().count()
    assert Enterprise.objects.count() == N
    assert EnterpriseChange.objects.filter(action="create", source="system").count() == N
    users = dict(User.objects.values_list("role").annotate(n=Count("pk")))
    assert users[Role.COUNTY_OFFICER] == counties
    assert users[Role.CITY_OFFICER] == Region.objects.filter(level__in=["city", "zone"]).count()
    assert users[Role.PROVINCE_OFFICER] >= 1
    assert users[Role.CLINIC_STAFF] >= 1 and users[Role.PROVIDER_STAFF] >= 1
    assert users[Role.ENTERPRISE_USER] == EnterpriseAccount.objects.count() > 0
    # Every commissioner is in the registry; two county-tier commissioners per county.
    assert CommissionerProfile.objects.count() == users[Role.COMMISSIONER]
    assert CommissionerProfile.objects.filter(tier="county").count() == 2 * counties
    assert Provider.objects.filter(status="admitted").exists() and Clinic.objects.exists()
    assert Engagement.objects.exists() and Visit.objects.exists()


def test_every_county_has_enterprises_and_codes_are_valid(seeded):
    per_county = dict(Enterprise.objects.values_list("county__code").annotate(n=Count("pk")))
    assert set(per_county) == set(Region.objects.counties().values_list("code", flat=True))
    for code, county in Enterprise.objects.values_list("credit_code", "county__code"):
        assert credit_code_problem(code) is None, code
        assert code[2:8] == county


def test_rows_are_consistent(seeded):
    for ent in Enterprise.objects.all():
        assert 13 <= int(ent.industry_code[:2]) <= 43
        assert ent.size_class == size_class_for(ent.employees, ent.revenue)
        assert ent.above_designated_size == (ent.revenue >= 2000)
        assert ent.integration_level == "" or ent.integration_certified
    assigned = Enterprise.objects.filter(commissioner__isnull=False)
    # Assigned to a commissioner of the enterprise's own county, with one open assignment row each.
    assert assigned.exists()
    assert not assigned.exclude(commissioner__region=F("county")).exists()
    assert Assignment.objects.filter(ended_at__isnull=True).count() == assigned.count()
    assert not Visit.objects.exclude(commissioner=F("enterprise__commissioner")).exists()


def _codes_of_seed(seed: int) -> list[str]:
    """The credit codes a seed writes, rolled back afterwards (so the next seed starts empty)."""
    with transaction.atomic():
        _seed(seed=seed)
        codes = list(Enterprise.objects.order_by("credit_code").values_list("credit_code", flat=True))
        transaction.set_rollback(True)
    return codes


def test_same_seed_same_codes_other_seed_other_codes(db):
    first = _codes_of_seed(7)
    assert len(first) == N
    assert _codes_of_seed(7) == first
    assert _codes_of_seed(8) != first


def test_refuses_to_seed_twice(seeded):
    with pytest.raises(CommandError, match="already present"):
        _seed(seed=7)
    assert Enterprise.objects.count() == N
