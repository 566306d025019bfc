"""Shared fixtures of the pool, solutions and directory tests (no tests of its own).

Test modules import ``pool_fixture`` / ``other_city_officer_fixture``; the fixtures are named
``pool`` / ``other_city_officer``.

``pool`` extends the shared ``world`` (tests/conftest.py) with five providers and four solutions,
chosen so every scope rule has a case on each side (regions: 南昌市 360100 holds 东湖区 360102
and 西湖区 360103; 九江 浔阳区 360403 is elsewhere):

- ``own``: the organisation of ``provider_staff``, based in 南昌市, admitted, serving 南昌市.
- ``xihu``: based in 西湖区, admitted, serving nothing.
- ``jj``: based in 浔阳区, admitted, serving 东湖区 (seen by 南昌 and 东湖 officers via "serving").
- ``jj_other``: based in 浔阳区, admitted, serving nothing (only the province sees it).
- ``jj_applied``: based in 浔阳区, applied, serving 东湖区 (not admitted: "serving" does not count).

Solutions: ``own_published`` and ``own_draft`` (provider ``own``), ``jj_other_published``,
``xihu_submitted``.
"""

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role
from providers.models import BusinessScenario, Provider, Qualification, ServiceCategory, Solution
from regions.codes import make_credit_code
from tests.factories import OrganisationFactory, make_role_user, region

_serial = itertools.count(1)


def new_code(division: str = "360102") -> str:
    """A valid credit code unused by other factories."""
    return make_credit_code(division, 5_000_000 + next(_serial))


def make_provider(
    name: str,
    *,
    home: str,
    status: str = Provider.Status.ADMITTED,
    serves: tuple[str, ...] = (),
    organisation=None,
    expired: bool = False,
) -> Provider:
    org = organisation or OrganisationFactory(
        name=name, kind=Organisation.Kind.PROVIDER, region=region(home), credit_code=new_code(home)
    )
    if organisation is not None and not organisation.credit_code:
        organisation.credit_code = new_code(home)
        organisation.save()
    provider = Provider.objects.create(
        organisation=org,
        home_region=region(home),
        contact_person="王工",
        contact_phone="0791-88880000",
        status=status,
        description=f"{name}的简介",
    )
    provider.regions_served.set([region(code) for code in serves])
    provider.categories.set(ServiceCategory.objects.order_by("sort_order")[:2])
    today = timezone.localdate()
    Qualification.objects.create(
        provider=provider,
        name="软件企业证书",
        number=f"RQ-{provider.pk}",
        issuer="江西省软件行业协会",
        valid_until=today - timedelta(days=1) if expired else today + timedelta(days=365),
    )
    return provider


def make_solution(
    provider: Provider, title: str, *, status: str = Solution.Status.DRAFT, **extra
) -> Solution:
    data = {
        "summary": f"{title}：面向中小企业的轻量化方案",
        "industries": ["39"],
        "price_min": Decimal("5"),
        "price_max": Decimal("20.5"),
        "deployment": Solution.Deployment.SAAS,
    }
    data.update(extra)
    solution = Solution.objects.create(
        provider=provider,
        title=title,
        status=status,
        published_at=timezone.now() if status == Solution.Status.PUBLISHED else None,
        **data,
    )
    solution.scenarios.set(BusinessScenario.objects.order_by("sort_order")[:2])
    return solution


@dataclass
class Pool:
    world: object
    providers: dict
    solutions: dict

    @property
    def users(self) -> dict:
        return self.world.users

    #: Which providers each role sees (stated here, not derived from the code under test).
    PROVIDER_SCOPE = {
        "admin": {"own", "xihu", "jj", "jj_other", "jj_applied"},
        "province_officer": {"own", "xihu", "jj", "jj_other", "jj_applied"},
        "city_officer": {"own", "xihu", "jj"},
        "county_officer": {"own", "jj"},
        "commissioner": set(),
        "other_commissioner": set(),
        "clinic_staff": set(),
        "provider_staff": {"own"},
        "enterprise_user": set(),
        "no_role": set(),
        "unanchored_officer": set(),
    }
    ALL_SOLUTIONS = {"own_published", "own_draft", "jj_other_published", "xihu_submitted"}
    PUBLISHED = {"own_published", "jj_other_published"}
    SOLUTION_SCOPE = {
        "admin": ALL_SOLUTIONS,
        "province_officer": ALL_SOLUTIONS,
        "city_officer": PUBLISHED,
        "county_officer": PUBLISHED,
        "commissioner": PUBLISHED,
        "other_commissioner": PUBLISHED,
        "clinic_staff": PUBLISHED,
        "provider_staff": {"own_published", "own_draft"},
        "enterprise_user": PUBLISHED,
        "no_role": set(),
        "unanchored_officer": set(),
    }
    #: Who may suspend which (admitted) provider: the province everywhere, 南昌's city officer
    #: for providers based in 南昌.
    MAY_SUSPEND = {
        "admin": {"own", "xihu", "jj", "jj_other"},
        "province_officer": {"own", "xihu", "jj", "jj_other"},
        "city_officer": {"own", "xihu"},
    }


@pytest.fixture(name="pool")
def pool_fixture(world) -> Pool:
    providers = {
        "own": make_provider(
            "赣云科技服务商", home="360100", serves=("360100",), organisation=world.provider
        ),
        "xihu": make_provider("西湖工业软件有限公司", home="360103"),
        "jj": make_provider("九江智造咨询有限公司", home="360403", serves=("360102",)),
        "jj_other": make_provider("浔阳网络科技有限公司", home="360403"),
        "jj_applied": make_provider(
            "庐山装备服务有限公司", home="360403", serves=("360102",), status=Provider.Status.APPLIED
        ),
    }
    solutions = {
        "own_published": make_solution(providers["own"], "云MES轻量版", status=Solution.Status.PUBLISHED),
        "own_draft": make_solution(providers["own"], "设备联网草稿", status=Solution.Status.DRAFT),
        "jj_other_published": make_solution(
            providers["jj_other"], "5G工厂专网", status=Solution.Status.PUBLISHED, industries=["38"]
        ),
        "xihu_submitted": make_solution(providers["xihu"], "质量追溯平台", status=Solution.Status.SUBMITTED),
    }
    return Pool(world, providers, solutions)


@pytest.fixture(name="other_city_officer")
def other_city_officer_fixture(world):
    """九江's city officer: the 南昌 providers are outside their region."""
    return make_role_user(Role.CITY_OFFICER, username="jj_city", region_code="360400")
