"""Programme targets: counts per region against the plan, scoped per officer, exact percentages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from providers.models import Clinic, CommissionerProfile, Provider, Solution
from reporting.models import ProgrammeTarget
from reporting.selectors.targets import targets_table
from tests.factories import OrganisationFactory, make_role_user, region
from tests.reporting.conftest import make_provider
from tests.roles import ALL_ROLES, OFFICERS

YEAR = 2025
TARGET_ROLES = OFFICERS  # tests/roles.py


def clinic(code, status=Clinic.Status.OPEN, kind=Clinic.Kind.CLINIC):
    org = OrganisationFactory(kind=Organisation.Kind.CLINIC, region=region(code))
    return Clinic.objects.create(
        organisation=org, operator=org, region=region(code), status=status, kind=kind
    )


@pytest.fixture
def programme(world):
    clinic("360102")
    clinic("360103")
    clinic("360100")
    clinic("360403")
    clinic("360102", status=Clinic.Status.CLOSED)
    clinic("360102", kind=Clinic.Kind.CENTRE)
    CommissionerProfile.objects.create(user=world.users["commissioner"], tier="county")
    CommissionerProfile.objects.create(user=world.users["other_commissioner"], tier="county")
    inactive = make_role_user(Role.COMMISSIONER, username="gone", region_code="360102")
    CommissionerProfile.objects.create(user=inactive, tier="county", active=False)
    p = make_provider("南昌服务商")
    Solution.objects.create(provider=p, title="方案", summary="s", deployment="saas", status="published")
    Solution.objects.create(provider=p, title="草稿", summary="s", deployment="saas", status="draft")
    make_provider("申请中", status=Provider.Status.APPLIED)
    ProgrammeTarget.objects.create(
        indicator="clinics_active", year=YEAR, region=region("360100"), target=Decimal("3")
    )


def cells(rows, name):
    row = next(r for r in rows if r.region.name == name)
    return [(c.count, c.percent) for c in row.cells]


def test_province_table(world, programme):
    rows = targets_table(actor=world.users["province_officer"], year=YEAR)
    assert rows[0].region.level == "province"
    assert len(rows) == 1 + 12  # 11 cities and the zone
    assert cells(rows, "江西省") == [(4, "4.00%"), (2, "0.07%"), (1, "0.13%"), (1, "0.08%")]
    assert cells(rows, "南昌市") == [(3, "100.00%"), (1, "—"), (1, "—"), (1, "—")]
    assert cells(rows, "九江市")[0] == (1, "—")


def test_city_and_county_tables(world, programme):
    rows = targets_table(actor=world.users["city_officer"], year=YEAR)
    assert rows[0].region.code == "360100"
    assert {r.region.code for r in rows[1:]} == set(region("360100").children.values_list("code", flat=True))
    assert cells(rows, "东湖区")[0] == (1, "—")
    rows = targets_table(actor=world.users["county_officer"], year=YEAR)
    assert [r.region.code for r in rows] == ["360102"]
    assert rows[0].cells[1].count == 1


def test_percentages_round_half_up(world, programme):
    ProgrammeTarget.objects.filter(region=region("360100")).update(target=Decimal("8"))
    rows = targets_table(actor=world.users["province_officer"], year=YEAR)
    assert cells(rows, "南昌市")[0] == (3, "37.50%")  # 37.5 exactly
    ProgrammeTarget.objects.filter(region=region("360100")).update(target=Decimal("7"))
    rows = targets_table(actor=world.users["province_officer"], year=YEAR)
    assert cells(rows, "南昌市")[0] == (3, "42.86%")  # 42.857… → 42.86


@pytest.mark.parametrize("role", ALL_ROLES)
def test_targets_page_scope(client, world, programme, role):
    client.force_login(world.users[role])
    response = client.get(reverse("reporting:targets"), {"year": YEAR})
    if role in TARGET_ROLES:
        assert response.status_code == 200
        body = response.content.decode()
        assert "九江市" in body if role in {"admin", "province_officer"} else "九江市" not in body
    else:
        assert response.status_code == 404


def test_targets_query_count_is_constant(client, world, programme, django_assert_max_num_queries):
    client.force_login(world.users["province_officer"])
    with django_assert_max_num_queries(12):
        client.get(reverse("reporting:targets"), {"year": YEAR})
    for code in ("360102", "360403", "360700"):
        clinic(code)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reporting:targets"), {"year": YEAR})
    assert response.context["rows"][0].cells[0].count == 7


def test_targets_page_offers_and_opens_on_the_current_year(client, world, programme):
    this_year = timezone.localdate().year
    client.force_login(world.users["province_officer"])
    response = client.get(reverse("reporting:targets"))
    assert response.context["year"] == this_year
    offered = response.context["years"]
    assert offered[0] == this_year and YEAR in offered  # the plan's target years stay available
    assert offered == sorted(offered, reverse=True)
    html = response.content.decode()
    assert f'<option value="{this_year}" selected>{this_year}</option>' in html
    if this_year not in ProgrammeTarget.objects.values_list("year", flat=True):
        assert 'data-testid="no-targets"' in html
    # a target year still opens with its targets; a year nobody offers falls back to this year
    response = client.get(reverse("reporting:targets"), {"year": YEAR})
    assert response.context["year"] == YEAR and 'data-testid="no-targets"' not in response.content.decode()
    for odd in ("1999", "abc", ""):
        response = client.get(reverse("reporting:targets"), {"year": odd})
        assert response.status_code == 200 and response.context["year"] == this_year
