"""The demo data set: deterministic, idempotent, valid, spread over every county, scoped per role.

Seeding takes a few seconds, so the module seeds once (committed) and removes it afterwards; each
test still runs in its own rolled-back transaction on top of it.
"""

import hashlib
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Organisation, Role, User
from demo.enterprises import (
    CLINIC_NAME,
    DEMO_PASSWORD,
    DEMO_USERS,
    EXTRA_COMMISSIONER_COUNTIES,
    ORGANISATIONS,
    TARGET_ENTERPRISES,
    build_plan,
    county_infos,
    seed_demo,
    seeded_enterprises,
    size_class_for,
)
from diagnosis.models import Engagement, Enterprise, EnterpriseAccount, EnterpriseChange
from regions.codes import credit_code_problem
from regions.models import Region


def digest() -> str:
    """A fingerprint of every enterprise's identity and figures."""
    rows = Enterprise.objects.order_by("credit_code").values_list(
        "credit_code", "name", "county__code", "industry_code", "employees", "revenue", "contact_phone"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = seed_demo()
        fingerprint = digest()
    yield result, fingerprint
    with django_db_blocker.unblock():
        Engagement.objects.filter(organisation__name__in=list(ORGANISATIONS)).delete()
        seeded_enterprises().delete()
        User.objects.filter(username__in=[u.username for u in result.users]).delete()
        Organisation.objects.filter(name__in=list(ORGANISATIONS)).delete()


@pytest.fixture
def demo(seeded, db):
    return seeded[0]


def user(username: str) -> User:
    return User.objects.get(username=username)


def visible(username: str):
    return Enterprise.objects.visible_to(user(username))


def test_first_run_creates_the_whole_set(demo):
    assert demo.changed
    assert demo.enterprises_created == TARGET_ENTERPRISES
    assert Enterprise.objects.count() == TARGET_ENTERPRISES
    assert {u.username for u in DEMO_USERS} <= set(User.objects.values_list("username", flat=True))


def test_plan_is_deterministic(db):
    counties = county_infos()
    first, second = build_plan(counties), build_plan(counties)
    assert [e.data for e in first.enterprises] == [e.data for e in second.enterprises]
    assert first.assignments == second.assignments and first.engagements == second.engagements


def test_two_fresh_seeds_give_identical_data(seeded, db):
    _, first_digest = seeded
    result = seed_demo(reset=True)  # drops the demo enterprises, then seeds from scratch
    assert result.removed == TARGET_ENTERPRISES and result.enterprises_created == TARGET_ENTERPRISES
    assert digest() == first_digest


def test_second_run_changes_nothing_and_says_so(demo):
    from providers.models import Clinic, CommissionerProfile, Provider, Solution

    call_command("seed_demo", stdout=StringIO())  # the service-system part on top of the fixture's
    counts = (
        Provider.objects.count(),
        Clinic.objects.count(),
        CommissionerProfile.objects.count(),
        Solution.objects.count(),
        Enterprise.objects.count(),
        EnterpriseChange.objects.count(),
        User.objects.count(),
        Engagement.objects.count(),
        EnterpriseAccount.objects.count(),
        Organisation.objects.count(),
    )
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "未做任何修改" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert not seed_demo().changed
    assert counts == (
        Provider.objects.count(),
        Clinic.objects.count(),
        CommissionerProfile.objects.count(),
        Solution.objects.count(),
        Enterprise.objects.count(),
        EnterpriseChange.objects.count(),
        User.objects.count(),
        Engagement.objects.count(),
        EnterpriseAccount.objects.count(),
        Organisation.objects.count(),
    )


def test_every_credit_code_is_valid_and_carries_the_county_code(demo):
    for code, county in Enterprise.objects.values_list("credit_code", "county__code"):
        assert credit_code_problem(code) is None, code
        assert code[2:8] == county


def test_names_are_unique_company_names(demo):
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert all(name.endswith("有限公司") for name in names)


def test_every_county_has_enterprises_and_big_cities_have_more(demo):
    per_county = Counter(Enterprise.objects.values_list("county__code", flat=True))
    counties = set(Region.objects.counties().values_list("code", flat=True))
    assert len(counties) == 100
    assert set(per_county) == counties
    per_city = Counter(Enterprise.objects.values_list("county__parent__code", flat=True))
    average = {city: per_city[city] / Region.objects.filter(parent__code=city).count() for city in per_city}
    busy = ["360100", "360700", "360900", "360400", "361100"]
    quiet = ["360200", "360300", "360500", "360600", "360800", "361000"]
    assert min(average[c] for c in busy) > max(average[c] for c in quiet) * 0.9
    assert sum(per_city[c] for c in busy) > sum(per_city[c] for c in quiet)


def test_industries_are_manufacturing_classes(demo):
    for code in Enterprise.objects.values_list("industry_code", flat=True):
        assert len(code) == 4 and 13 <= int(code[:2]) <= 43, code


def test_figures_are_decimal_and_size_classes_consistent(demo):
    for ent in Enterprise.objects.all():
        assert isinstance(ent.revenue, Decimal) and isinstance(ent.output_value, Decimal)
        assert ent.revenue > 0 and ent.employees > 0
        assert ent.size_class == size_class_for(ent.employees, ent.revenue)
        assert ent.above_designated_size == (ent.revenue >= Decimal("2000"))
        assert len(ent.contact_phone) == 11 and ent.contact_phone.startswith("1"), ent.contact_phone
        assert ent.contact_person and ent.address.startswith("江西省")
        assert bool(ent.integration_level) <= bool(ent.integration_certified)
        assert bool(ent.cloud_depth) == bool(ent.cloud_adopted)


def test_digital_rates_are_plausible(demo):
    total = Enterprise.objects.count()

    def share(**flags) -> float:
        return Enterprise.objects.filter(**flags).count() / total

    assert 0.50 <= share(cloud_adopted=True) <= 0.70
    assert 0.06 <= share(integration_certified=True) <= 0.15
    assert 0.22 <= share(iip_platform_used=True) <= 0.38
    assert 0.10 <= share(identifier_resolution=True) <= 0.20
    assert 0.06 <= share(uses_5g=True) <= 0.14
    assert 0.45 <= share(above_designated_size=True) <= 0.80
    assert set(Enterprise.objects.values_list("size_class", flat=True)) == {
        "large",
        "medium",
        "small",
        "micro",
    }


def test_one_system_creation_row_per_enterprise(demo):
    rows = EnterpriseChange.objects.filter(action="create", source="system", actor__isnull=True)
    assert rows.count() == Enterprise.objects.count()
    assert rows.values("enterprise").distinct().count() == Enterprise.objects.count()
    sample = rows.select_related("enterprise").first()
    assert sample.changes["credit_code"] == [None, sample.enterprise.credit_code]


def test_demo_users_sign_in_with_the_published_password(demo, client):
    for spec in demo.users:
        assert user(spec.username).check_password(DEMO_PASSWORD), spec.username
    assert user("admin").is_superuser


def test_each_demo_user_sees_their_scope(demo):
    total = Enterprise.objects.count()
    donghu = Enterprise.objects.filter(county__code="360102")
    nanchang = Enterprise.objects.filter(county__parent__code="360100")

    assert visible("admin").count() == total
    assert visible("sheng").count() == total
    assert set(visible("nanchang")) == set(nanchang)
    assert set(visible("donghu")) == set(donghu)

    assigned = visible("zhuanyuan")
    assert assigned.count() >= 0.7 * donghu.count() and assigned.count() < donghu.count()
    assert set(assigned.values_list("commissioner__username", flat=True)) == {"zhuanyuan"}
    assert set(assigned.values_list("county__code", flat=True)) == {"360102"}

    clinic = visible("zhensuo")
    assert 15 <= clinic.count() <= 25
    assert set(clinic.values_list("county__parent__code", flat=True)) == {"360100"}
    assert clinic.filter(county__code="360102").count() > clinic.count() / 2
    assert (
        Engagement.objects.filter(organisation__name=CLINIC_NAME, purpose="diagnosis").count()
        == clinic.count()
    )
    assert user("zhensuo").organisation.kind == Organisation.Kind.CLINIC

    assert 2 <= visible("fuwushang").count() <= 10
    assert user("fuwushang").organisation.kind == Organisation.Kind.PROVIDER

    own = visible("qiye")
    assert own.count() == 1 and own.get().county.code == "360102"

    for county in EXTRA_COMMISSIONER_COUNTIES:
        seen = visible(f"zy{county}")
        assert seen.exists()
        assert set(seen.values_list("county__code", flat=True)) == {county}


def test_roles_are_as_documented(demo):
    roles = dict(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", "role")
    )
    assert roles == {
        "admin": Role.ADMIN,
        "sheng": Role.PROVINCE_OFFICER,
        "nanchang": Role.CITY_OFFICER,
        "donghu": Role.COUNTY_OFFICER,
        "zhuanyuan": Role.COMMISSIONER,
        "zhensuo": Role.CLINIC_STAFF,
        "fuwushang": Role.PROVIDER_STAFF,
        "qiye": Role.ENTERPRISE_USER,
    }
    assert user("sheng").region.code == "360000"
    assert user("nanchang").region.code == "360100"
    assert user("donghu").region.code == "360102"
