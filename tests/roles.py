"""The role table of the test suite: who each test user is, what anchors their scope, and the
role sets the expectation tables are written with. Stated once here; test modules import it.

Geography (all in 江西省 360000):
- in scope: 东湖区 ``IN_COUNTY`` (360102) in 南昌市 ``IN_CITY`` (360100); 西湖区 ``SIBLING_COUNTY``
  (360103) is the other county of the same city;
- out of scope: 浔阳区 ``OUT_COUNTY`` (360403) in 九江市 ``OUT_CITY`` (360400).

``ROLE_TABLE`` gives every test user: its ``accounts.models.Role`` (``""`` for none), its login and
its anchor — a region code, one of the world's two organisations (``"clinic"``: 东湖数字化诊所 in
东湖区, ``"provider"``: 赣云科技服务商 in 南昌市), or the in-scope enterprise. ``make_users`` builds
them. Besides the eight real roles the table holds three edge cases of the scope engine: a
commissioner of the out-of-scope county, a user without a role and an officer without a region.
"""

from dataclasses import dataclass

from accounts.models import Role
from tests.factories import make_role_user

IN_COUNTY = "360102"  # 东湖区
SIBLING_COUNTY = "360103"  # 西湖区, same city
IN_CITY = "360100"  # 南昌市
OUT_COUNTY = "360403"  # 浔阳区
OUT_CITY = "360400"  # 九江市
PROVINCE = "360000"


@dataclass(frozen=True)
class RoleSpec:
    """One test user: ``role`` plus exactly the anchor that role needs (none for the edge cases)."""

    role: str
    username: str
    region: str | None = None
    organisation: str | None = None  # "clinic" or "provider": the world's organisations
    enterprise: bool = False  # the in-scope enterprise's own account


ROLE_TABLE: dict[str, RoleSpec] = {
    "admin": RoleSpec(Role.ADMIN, "admin"),
    "province_officer": RoleSpec(Role.PROVINCE_OFFICER, "prov", region=PROVINCE),
    "city_officer": RoleSpec(Role.CITY_OFFICER, "nc_city", region=IN_CITY),
    "county_officer": RoleSpec(Role.COUNTY_OFFICER, "dh_county", region=IN_COUNTY),
    "commissioner": RoleSpec(Role.COMMISSIONER, "dh_comm", region=IN_COUNTY),
    "other_commissioner": RoleSpec(Role.COMMISSIONER, "jj_comm", region=OUT_COUNTY),
    "clinic_staff": RoleSpec(Role.CLINIC_STAFF, "clinic1", organisation="clinic"),
    "provider_staff": RoleSpec(Role.PROVIDER_STAFF, "prov_staff", organisation="provider"),
    "enterprise_user": RoleSpec(Role.ENTERPRISE_USER, "ent_user", enterprise=True),
    "no_role": RoleSpec("", "nobody"),
    "unanchored_officer": RoleSpec(Role.CITY_OFFICER, "lost_officer"),
}

#: Every user of the shared world (the scope tests walk all of them).
ALL_ROLES = list(ROLE_TABLE)

#: The eight roles of ``accounts.models.Role``, by the key of their user in ``ROLE_TABLE``.
REAL_ROLES = [
    "admin", "province_officer", "city_officer", "county_officer", "commissioner",
    "clinic_staff", "provider_staff", "enterprise_user",
]  # fmt: skip
#: The route matrix's roles: the eight real ones and nobody signed in.
ANONYMOUS = "anonymous"
MATRIX_ROLES = [*REAL_ROLES, ANONYMOUS]

#: Province, city and county officers and the administrator: they manage the register.
OFFICERS = frozenset({"admin", "province_officer", "city_officer", "county_officer"})
#: The province department (and the administrator): the whole province, reviews, the league table.
PROVINCE_ROLES = frozenset({"admin", "province_officer"})
#: Both commissioners of the shared world.
COMMISSIONERS = frozenset({"commissioner", "other_commissioner"})

#: The shared world's three enterprises (attribute names of ``tests.conftest.World``).
ENTERPRISES = ["ent_donghu", "ent_xihu", "ent_jiujiang"]


def make_users(*, clinic, provider) -> dict:
    """Every user of ``ROLE_TABLE`` except the enterprise account (it needs the enterprise first:
    see ``make_enterprise_user``), anchored as the table says."""
    organisations = {"clinic": clinic, "provider": provider}
    return {
        key: make_role_user(
            spec.role,
            username=spec.username,
            region_code=spec.region,
            organisation=organisations.get(spec.organisation),
        )
        for key, spec in ROLE_TABLE.items()
        if not spec.enterprise
    }


def make_enterprise_user(enterprise):
    spec = ROLE_TABLE["enterprise_user"]
    return make_role_user(spec.role, username=spec.username, enterprise=enterprise)
