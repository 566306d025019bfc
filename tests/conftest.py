"""Shared fixtures: a small world with one user per role and enterprises in and out of each scope.

Parallel runs (pytest-xdist, ``--dist loadgroup``): the tests that start a Celery worker process
(``tests/integration``) and those that drive Chromium (``tests/browser``) are each kept on one
xdist worker (groups ``celery-worker`` and ``browser``), so their module-scoped worker process
and browser start once per run rather than once per xdist worker. Each xdist worker has its own
test database (see ``config.settings.test``), so correctness does not depend on the grouping.

The users come from the role table (``tests/roles.py``). World (東湖区 360102 and 西湖区 360103 are in 南昌市 360100; 浔阳区 360403 is in 九江市 360400):
- ``ent_donghu``: 东湖区, assigned to ``commissioner``, engaged with ``clinic`` and ``provider``,
  the enterprise of ``enterprise_user``.
- ``ent_xihu``: 西湖区 (same city, other county), unassigned, not engaged.
- ``ent_jiujiang``: 九江 浔阳区 (other city), assigned to ``other_commissioner``.

``users`` is the world's ``{role: user}``; ``user_for(role)`` one of them (None for
``"anonymous"``). The route matrix (``tests/scope_matrix``) extends this world with an in-scope
and an out-of-scope object of every kind.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

from accounts.models import Organisation
from tests.factories import EnterpriseFactory, OrganisationFactory, engage, region
from tests.roles import (  # noqa: F401  (ALL_ROLES re-exported for modules importing it from here)
    ALL_ROLES,
    ANONYMOUS,
    IN_CITY,
    IN_COUNTY,
    OUT_COUNTY,
    SIBLING_COUNTY,
    make_enterprise_user,
    make_users,
)

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

    def user_for(self, role: str):
        """The user of ``role`` (``tests.roles.ROLE_TABLE``), or None for ``"anonymous"``."""
        return None if role == ANONYMOUS else self.users[role]


def build_world() -> World:
    """Create the world's organisations, users and enterprises (the caller provides DB access)."""
    clinic = OrganisationFactory(
        name="东湖数字化诊所", kind=Organisation.Kind.CLINIC, region=region(IN_COUNTY)
    )
    provider = OrganisationFactory(
        name="赣云科技服务商", kind=Organisation.Kind.PROVIDER, region=region(IN_CITY)
    )
    users = make_users(clinic=clinic, provider=provider)
    ent_donghu = EnterpriseFactory(
        county=region(IN_COUNTY), commissioner=users["commissioner"], name="东湖电子有限公司"
    )
    ent_xihu = EnterpriseFactory(county=region(SIBLING_COUNTY), name="西湖机械有限公司")
    ent_jiujiang = EnterpriseFactory(
        county=region(OUT_COUNTY), commissioner=users["other_commissioner"], name="浔阳化工有限公司"
    )
    engage(ent_donghu, clinic)
    engage(ent_donghu, provider)
    users["enterprise_user"] = make_enterprise_user(ent_donghu)
    return World(users, ent_donghu, ent_xihu, ent_jiujiang, clinic, provider)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def users(world) -> dict:
    """``{role: user}`` for every role of ``tests.roles.ROLE_TABLE``."""
    return world.users


@pytest.fixture
def user_for(world):
    """``user_for("county_officer")`` → that role's user of the world; None for ``"anonymous"``."""
    return world.user_for


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free local port, once per test process (``tests.object_store``)."""
    from tests.object_store import start_s3_server

    server, endpoint = start_s3_server()
    yield endpoint
    server.stop()


@pytest.fixture
def s3_store(s3_server, settings):
    """A fresh bucket on the S3 server, and this process's private storage pointed at it."""
    from tests.object_store import new_store

    store = new_store(s3_server)
    settings.STORAGES = store.storages(settings.STORAGES)
    return store
