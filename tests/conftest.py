"""Shared fixtures: a small world with one user per role and enterprises in and out of each scope.

Parallel runs (pytest-xdist, ``--dist loadgroup``): the tests that start a Celery worker process
(``tests/integration``) and those that drive Chromium (``tests/browser``) are each kept on one
xdist worker (groups ``celery-worker`` and ``browser``), so their module-scoped worker process
and browser start once per run rather than once per xdist worker. Each xdist worker has its own
test database (see ``config.settings.test``), so correctness does not depend on the grouping.

World (東湖区 360102 and 西湖区 360103 are in 南昌市 360100; 浔阳区 360403 is in 九江市 360400):
- ``ent_donghu``: 东湖区, assigned to ``commissioner``, engaged with ``clinic`` and ``provider``,
  the enterprise of ``enterprise_user``.
- ``ent_xihu``: 西湖区 (same city, other county), unassigned, not engaged.
- ``ent_jiujiang``: 九江 浔阳区 (other city), assigned to ``other_commissioner``.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

from accounts.models import Organisation, Role
from tests.factories import EnterpriseFactory, OrganisationFactory, engage, make_role_user, region

TESTS = Path(__file__).resolve().parent
XDIST_GROUPS = {TESTS / "integration": "celery-worker", TESTS / "browser": "browser"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Put each test under ``XDIST_GROUPS``' folders into that xdist group (before xdist reads it)."""
    for item in items:
        path = Path(str(item.path))
        for folder, group in XDIST_GROUPS.items():
            if folder in path.parents:
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """Each test starts in the default language: a request with ``Accept-Language: en`` leaves
    English active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    yield
    translation.deactivate()


@dataclass
class World:
    users: dict
    ent_donghu: object
    ent_xihu: object
    ent_jiujiang: object
    clinic: object
    provider: object

    def visible_ids(self, role: str) -> set[int]:
        """Which of the three enterprises ``role`` must see (the scope rules, stated once for tests)."""
        d, x, j = self.ent_donghu.pk, self.ent_xihu.pk, self.ent_jiujiang.pk
        return {
            "admin": {d, x, j},
            "province_officer": {d, x, j},
            "city_officer": {d, x},
            "county_officer": {d},
            "commissioner": {d},
            "other_commissioner": {j},
            "clinic_staff": {d},
            "provider_staff": {d},
            "enterprise_user": {d},
            "no_role": set(),
            "unanchored_officer": set(),
        }[role]


@pytest.fixture
def world(db) -> World:
    clinic = OrganisationFactory(
        name="东湖数字化诊所", kind=Organisation.Kind.CLINIC, region=region("360102")
    )
    provider = OrganisationFactory(
        name="赣云科技服务商", kind=Organisation.Kind.PROVIDER, region=region("360100")
    )
    users = {
        "admin": make_role_user(Role.ADMIN, username="admin"),
        "province_officer": make_role_user(Role.PROVINCE_OFFICER, username="prov", region_code="360000"),
        "city_officer": make_role_user(Role.CITY_OFFICER, username="nc_city", region_code="360100"),
        "county_officer": make_role_user(Role.COUNTY_OFFICER, username="dh_county", region_code="360102"),
        "commissioner": make_role_user(Role.COMMISSIONER, username="dh_comm", region_code="360102"),
        "other_commissioner": make_role_user(Role.COMMISSIONER, username="jj_comm", region_code="360403"),
        "clinic_staff": make_role_user(Role.CLINIC_STAFF, username="clinic1", organisation=clinic),
        "provider_staff": make_role_user(Role.PROVIDER_STAFF, username="prov_staff", organisation=provider),
        "no_role": make_role_user("", username="nobody"),
        "unanchored_officer": make_role_user(Role.CITY_OFFICER, username="lost_officer"),
    }
    ent_donghu = EnterpriseFactory(
        county=region("360102"), commissioner=users["commissioner"], name="东湖电子有限公司"
    )
    ent_xihu = EnterpriseFactory(county=region("360103"), name="西湖机械有限公司")
    ent_jiujiang = EnterpriseFactory(
        county=region("360403"), commissioner=users["other_commissioner"], name="浔阳化工有限公司"
    )
    engage(ent_donghu, clinic)
    engage(ent_donghu, provider)
    users["enterprise_user"] = make_role_user(
        Role.ENTERPRISE_USER, username="ent_user", enterprise=ent_donghu
    )
    return World(users, ent_donghu, ent_xihu, ent_jiujiang, clinic, provider)


ALL_ROLES = [
    "admin", "province_officer", "city_officer", "county_officer", "commissioner", "other_commissioner",
    "clinic_staff", "provider_staff", "enterprise_user", "no_role", "unanchored_officer",
]  # fmt: skip
