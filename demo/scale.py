"""A large, deterministic data set for load benchmarks: ``seed_scale(enterprises=N, seed=S)``.

Contract:
- Deterministic: each record kind draws from its own ``random.Random(f"{seed}:{kind}")``, so the
  same arguments give the same rows (credit codes, names, figures, who is assigned to whom) on any
  database, and a record kind added later does not change the ones before it. Dates are relative
  to ``today``.
- Refuses to double-seed: ``seed_scale`` raises ``ScaleSeedError`` when a scale data set is
  already present (``already_seeded()``: a user whose username starts with ``USERNAME_PREFIX``).
  Seed a fresh database instead (``bench/bench_load.py`` does). Everything is written in one
  transaction, so a failure leaves nothing behind.
- Bulk only: rows are built in Python and written with ``bulk_create`` in batches of
  ``BATCH_SIZE``: no per-row ``save()``, no services, no signals. Rows are valid by construction
  (credit codes carry the county's division code and a correct check character; the size class
  and 规上 flag follow from employees and revenue; money is ``Decimal``); the test checks them.
- Shape: enterprises in all counties (at least one each once there are 2 per county), weighted
  towards the big manufacturing cities; GB/T 4754 manufacturing classes (divisions 13–43) with
  regional specialities; digital facts at the demo's rates. Users for every role, all with the
  password ``DEMO_PASSWORD``: province officers, one officer per city (and zone) and per county,
  commissioners (province, city and ``commissioners`` per county tier, each with a
  ``CommissionerProfile``) with most enterprises of their county assigned to them (an open
  ``Assignment`` each), providers (with published solutions) and clinics with staff and engagements, enterprise users with
  an ``EnterpriseAccount``, and visits over the last 90 days.

Each record kind is one small ``seed_<kind>(ctx)`` function run in order by ``seed_scale``; a later
issue extends the data set by adding its own function to ``STEPS``.

The vocabulary and national rules (size classes, weights, names) are the demo's own
(``demo.enterprises``), imported rather than copied.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import Organisation, Role, User
from core.history import history_value
from demo.enterprises import (
    CITY_AFFINITY,
    CITY_WEIGHT,
    COUNTY_WEIGHT,
    DEMO_PASSWORD,
    DIVISION_WEIGHT,
    INDUSTRY_CLASSES,
    PARK_SUFFIXES,
    ROADS,
    TRADE_FIRST,
    TRADE_SECOND,
    _chance,
    _figures,
    _mobile,
    _org_code_body,
    _person,
    archive_fields,
    size_class_for,
)
from demo.services import SOLUTION_WORDS, VISIT_SUMMARIES
from diagnosis.models import (
    ENTERPRISE_FIELDS,
    Assignment,
    Engagement,
    Enterprise,
    EnterpriseAccount,
    EnterpriseChange,
    Visit,
)
from providers.models import (
    BusinessScenario,
    Clinic,
    CommissionerProfile,
    Provider,
    ServiceCategory,
    Solution,
)
from regions.codes import credit_code_check_char
from regions.models import Region

__all__ = ["DEMO_PASSWORD", "ScaleSeedError", "ScaleResult", "already_seeded", "seed_scale"]

USERNAME_PREFIX = "scale_"
BATCH_SIZE = 1000
PROVINCE_OFFICERS = 3
PROVINCE_COMMISSIONERS = 2
#: Share of a county's enterprises assigned to its commissioners (the rest await assignment).
ASSIGNED_SHARE = 0.7
#: Share of enterprises with an enterprise-user account.
ACCOUNT_SHARE = 0.02
#: Share of assigned enterprises visited in the last 90 days (1–2 visits each).
VISITED_SHARE = 0.45
PROVIDERS = 30
SOLUTIONS_PER_PROVIDER = 3
STAFF_PER_ORGANISATION = 2
#: Enterprises each clinic is engaged with for a diagnosis, per 1,000 enterprises in the register.
CLINIC_ENGAGEMENTS_PER_1000 = 10
PROVIDER_ENGAGEMENTS_PER_1000 = 3
MIN_PER_COUNTY = 6


class ScaleSeedError(RuntimeError):
    """The scale data set cannot be written (already present, or no regions loaded)."""


@dataclass
class ScaleResult:
    """Rows written per record kind (``{"enterprises": 20000, …}``) and seconds per step."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


@dataclass
class ScaleContext:
    """What the steps share: arguments, regions, and the rows earlier steps wrote (with ids)."""

    enterprises: int
    seed: int
    commissioners_per_county: int
    today: date
    password: str
    province: Region
    cities: list[Region]  # cities and the zone, in customary order
    counties: list[Region]  # with ``parent`` loaded, ordered by code
    result: ScaleResult
    users: dict[str, list[User]] = field(default_factory=dict)  # role → users
    county_commissioners: dict[int, list[User]] = field(default_factory=dict)  # county id → users
    providers: list[Provider] = field(default_factory=list)
    clinics: list[Clinic] = field(default_factory=list)
    #: (pk, county id, commissioner id or None) of every enterprise, in insertion order
    enterprise_rows: list[tuple[int, int, int | None]] = field(default_factory=list)

    def rng(self, kind: str) -> random.Random:
        """The random source of one record kind (independent of every other kind)."""
        return random.Random(f"{self.seed}:{kind}")


def already_seeded() -> bool:
    """Whether a scale data set is present (its users' usernames start with ``USERNAME_PREFIX``)."""
    return User.objects.filter(username__startswith=USERNAME_PREFIX).exists()


def _bulk(model: type[Model], objs: list, ctx: ScaleContext, kind: str) -> list:
    """``bulk_create`` in batches; every returned object has its primary key."""
    created = model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    if created and created[0].pk is None:  # a backend that cannot return ids from a bulk insert
        raise ScaleSeedError(f"{model.__name__}: the database did not return ids from bulk_create.")
    ctx.result.add(kind, len(created))
    return created


def _users(ctx: ScaleContext, specs: Iterable[dict[str, Any]], kind: str) -> list[User]:
    """Create users from field dicts (each with ``username``), all with the shared password hash."""
    objs = [User(password=ctx.password, is_active=True, **spec) for spec in specs]
    created = _bulk(User, objs, ctx, kind)
    for user in created:
        ctx.users.setdefault(user.role, []).append(user)
    return created


def _weighted_counties(counties: list[Region]) -> list[float]:
    return [CITY_WEIGHT.get(c.parent.code, 1.0) * COUNTY_WEIGHT.get(c.code, 1.0) for c in counties]


def allocate(rng: random.Random, counties: list[Region], total: int) -> dict[str, int]:
    """How many of ``total`` enterprises each county gets: a floor for every county (up to
    ``MIN_PER_COUNTY``, and at least one once ``total`` is twice the number of counties), the rest
    drawn by weight. The counts add up to ``total``."""
    floor = min(MIN_PER_COUNTY, total // (2 * len(counties))) if counties else 0
    counts = {c.code: floor for c in counties}
    rest = total - floor * len(counties)
    for county in rng.choices(counties, weights=_weighted_counties(counties), k=rest):
        counts[county.code] += 1
    return counts


def enterprise_data(rng: random.Random, county: Region, names: set[str], codes: set[str]) -> dict[str, Any]:
    """One enterprise's fields (no ids) in ``county``; ``names`` and ``codes`` keep both unique."""
    divisions = sorted(INDUSTRY_CLASSES)
    affinity = CITY_AFFINITY.get(county.parent.code, {})
    division = rng.choices(divisions, weights=[DIVISION_WEIGHT[d] * affinity.get(d, 1.0) for d in divisions])[
        0
    ]
    industry_code, words = rng.choice(INDUSTRY_CLASSES[division])
    employees, revenue, output_value = _figures(rng, division)
    size = size_class_for(employees, revenue)
    while True:
        first17 = f"91{county.code}{_org_code_body(rng)}"
        code = first17 + credit_code_check_char(first17)
        if code not in codes:
            codes.add(code)
            break
    suffix = "股份有限公司" if rng.random() < {"large": 0.6, "medium": 0.25}.get(size, 0.03) else "有限公司"
    places = ["江西", county.parent.short_name]
    if county.name.endswith(("县", "市")):
        places.append(county.name)
    while True:
        trade = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
        if trade[0] == trade[1]:
            continue
        place = rng.choice([*places, ""])
        name = f"{place}{trade}{rng.choice(words)}{suffix}"
        if name not in names:
            names.add(name)
            break
    park = county.short_name + rng.choice(PARK_SUFFIXES) if rng.random() < 0.75 else ""
    cloud = _chance(rng, 0.62, size)
    certified = _chance(rng, 0.10, size)
    level = rng.choices(["A", "AA", "AAA"], weights=[55, 38, 7])[0] if certified else ""
    return archive_fields(
        rng,
        credit_code=code,
        name=name,
        address=f"江西省{county.parent.name}{county.name}{park}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        industry_code=industry_code,
        size=size,
        employees=employees,
        revenue=revenue,
        output_value=output_value,
        cloud=cloud,
        certified=certified,
        level=level,
    )


# ---------------------------------------------------------------------------------------------
# Steps: one per record kind, in dependency order
# ---------------------------------------------------------------------------------------------


def seed_officers(ctx: ScaleContext) -> None:
    """Province officers, one officer per city (and zone), one per county."""
    rng = ctx.rng("officers")
    specs = [
        {"username": f"{USERNAME_PREFIX}sheng{i}", "role": Role.PROVINCE_OFFICER, "region": ctx.province}
        for i in range(1, PROVINCE_OFFICERS + 1)
    ]
    specs += [
        {"username": f"{USERNAME_PREFIX}city_{c.code.lower()}", "role": Role.CITY_OFFICER, "region": c}
        for c in ctx.cities
    ]
    specs += [
        {"username": f"{USERNAME_PREFIX}county_{c.code}", "role": Role.COUNTY_OFFICER, "region": c}
        for c in ctx.counties
    ]
    for spec in specs:
        spec["display_name"] = _person(rng)
    _users(ctx, specs, "officers")


def seed_commissioners(ctx: ScaleContext) -> None:
    """Commissioners at every tier, each with a ``CommissionerProfile``; county ones get casework."""
    rng = ctx.rng("commissioners")
    tiered: list[tuple[dict[str, Any], str]] = [
        (
            {"username": f"{USERNAME_PREFIX}zy_sheng{i}", "region": ctx.province},
            CommissionerProfile.Tier.PROVINCE,
        )
        for i in range(1, PROVINCE_COMMISSIONERS + 1)
    ]
    tiered += [
        ({"username": f"{USERNAME_PREFIX}zy_{c.code.lower()}", "region": c}, CommissionerProfile.Tier.CITY)
        for c in ctx.cities
    ]
    tiered += [
        ({"username": f"{USERNAME_PREFIX}zy_{c.code}_{n}", "region": c}, CommissionerProfile.Tier.COUNTY)
        for c in ctx.counties
        for n in range(1, ctx.commissioners_per_county + 1)
    ]
    for spec, _tier in tiered:
        spec.update(role=Role.COMMISSIONER, display_name=_person(rng))
    users = _users(ctx, [spec for spec, _tier in tiered], "commissioners")
    profiles = []
    for user, (_spec, tier) in zip(users, tiered, strict=True):
        profiles.append(
            CommissionerProfile(
                user=user,
                tier=tier,
                employer=f"{user.region.name}工业和信息化局",
                registered_on=ctx.today - timedelta(days=rng.randint(60, 900)),
            )
        )
        if tier == CommissionerProfile.Tier.COUNTY:
            ctx.county_commissioners.setdefault(user.region_id, []).append(user)
    _bulk(CommissionerProfile, profiles, ctx, "commissioner_profiles")


def _organisations(ctx: ScaleContext, specs: list[tuple[str, str, Region]], kind: str) -> list[Organisation]:
    """Organisations (name, kind, region) with valid credit codes registered in their region."""
    rng = ctx.rng(f"{kind}:codes")
    objs = []
    for name, org_kind, region in specs:
        division = region.code if region.code.isdigit() else ctx.province.code
        first17 = f"91{division}{_org_code_body(rng)}"
        objs.append(
            Organisation(
                name=name, kind=org_kind, region=region, credit_code=first17 + credit_code_check_char(first17)
            )
        )
    return _bulk(Organisation, objs, ctx, "organisations")


def _staff(ctx: ScaleContext, organisations: list[Organisation], role: str, label: str) -> None:
    rng = ctx.rng(f"{label}:staff")
    specs = [
        {
            "username": f"{USERNAME_PREFIX}{label}{index}_{n}",
            "role": role,
            "organisation": org,
            "display_name": _person(rng),
        }
        for index, org in enumerate(organisations, 1)
        for n in range(1, STAFF_PER_ORGANISATION + 1)
    ]
    _users(ctx, specs, f"{label}_staff")


def seed_providers(ctx: ScaleContext) -> None:
    """Admitted providers across the cities, with categories, regions served and staff."""
    rng = ctx.rng("providers")
    cities = [c for c in ctx.cities if c.level == Region.Level.CITY]
    homes = [cities[i % len(cities)] for i in range(PROVIDERS)]
    specs = [
        (f"江西规模测试{i:02d}数字科技有限公司", Organisation.Kind.PROVIDER, home)
        for i, home in enumerate(homes, 1)
    ]
    organisations = _organisations(ctx, specs, "providers")
    now = timezone.now()
    providers = [
        Provider(
            organisation=org,
            home_region=org.region,
            contact_person=_person(rng),
            contact_phone=_mobile(rng),
            description=f"{org.name}面向制造业企业提供数字化转型服务。",
            status=Provider.Status.ADMITTED,
            applied_at=now - timedelta(days=rng.randint(200, 700)),
            status_changed_at=now - timedelta(days=rng.randint(30, 199)),
        )
        for org in organisations
    ]
    ctx.providers = _bulk(Provider, providers, ctx, "providers")
    categories = list(ServiceCategory.objects.order_by("sort_order"))
    category_rows, region_rows = [], []
    for provider in ctx.providers:
        for category in rng.sample(categories, min(len(categories), rng.choice((1, 2, 3)))):
            category_rows.append(
                Provider.categories.through(provider_id=provider.pk, servicecategory_id=category.pk)
            )
        for region in {provider.home_region, *rng.sample(cities, 2)}:
            region_rows.append(Provider.regions_served.through(provider_id=provider.pk, region_id=region.pk))
    _bulk(Provider.categories.through, category_rows, ctx, "provider_categories")
    _bulk(Provider.regions_served.through, region_rows, ctx, "provider_regions")
    _staff(ctx, organisations, Role.PROVIDER_STAFF, "provider")


def seed_clinics(ctx: ScaleContext) -> None:
    """One open clinic in a county of each city (and zone), operated by a provider, with staff."""
    rng = ctx.rng("clinics")
    by_parent: dict[int, list[Region]] = {}
    for county in ctx.counties:
        by_parent.setdefault(county.parent_id, []).append(county)
    places = [rng.choice(by_parent[city.pk]) for city in ctx.cities if city.pk in by_parent]
    specs = [(f"{county.name}规模测试数字化诊所", Organisation.Kind.CLINIC, county) for county in places]
    organisations = _organisations(ctx, specs, "clinics")
    clinics = [
        Clinic(
            organisation=org,
            kind=Clinic.Kind.CLINIC,
            operator=rng.choice(ctx.providers).organisation,
            region=org.region,
            monthly_capacity=rng.randrange(10, 40),
            industries=rng.sample(sorted(INDUSTRY_CLASSES), 2),
        )
        for org in organisations
    ]
    ctx.clinics = _bulk(Clinic, clinics, ctx, "clinics")
    _staff(ctx, organisations, Role.CLINIC_STAFF, "clinic")


def seed_solutions(ctx: ScaleContext) -> None:
    """Published solutions (``SOLUTIONS_PER_PROVIDER`` per provider), each for its business scenario."""
    rng = ctx.rng("solutions")
    scenarios = {s.code: s for s in BusinessScenario.objects.order_by("sort_order")}
    now = timezone.now()
    solutions, solution_scenarios = [], []
    for index, provider in enumerate(ctx.providers, 1):
        for n in range(1, SOLUTIONS_PER_PROVIDER + 1):
            words, scenario = rng.choice(SOLUTION_WORDS)
            low = Decimal(rng.randrange(2, 30))
            solution_scenarios.append(scenarios.get(scenario) or next(iter(scenarios.values()), None))
            solutions.append(
                Solution(
                    provider=provider,
                    title=f"规模测试{index:02d}{words}解决方案（{n}）",
                    summary=f"面向中小制造企业的{words}，小快轻准、按需订阅，一般 1–3 个月上线。",
                    industries=rng.sample(sorted(INDUSTRY_CLASSES), rng.choice((1, 2))),
                    price_min=low,
                    price_max=low + Decimal(rng.randrange(5, 80)) + Decimal("0.5"),
                    deployment=rng.choice(Solution.Deployment.values),
                    status=Solution.Status.PUBLISHED,
                    published_at=now - timedelta(days=rng.randint(0, 300)),
                )
            )
    created = _bulk(Solution, solutions, ctx, "solutions")
    links = [
        Solution.scenarios.through(solution_id=solution.pk, businessscenario_id=scenario.pk)
        for solution, scenario in zip(created, solution_scenarios, strict=True)
        if scenario is not None
    ]
    _bulk(Solution.scenarios.through, links, ctx, "solution_scenarios")


def seed_enterprises(ctx: ScaleContext) -> None:
    """The register, assigned to county commissioners, with one "create" history row each."""
    rng = ctx.rng("enterprises")
    counts = allocate(rng, ctx.counties, ctx.enterprises)
    names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
    codes: set[str] = set(Enterprise.objects.values_list("credit_code", flat=True))
    objs = []
    for county in ctx.counties:
        commissioners = ctx.county_commissioners.get(county.pk, [])
        for _ in range(counts[county.code]):
            data = enterprise_data(rng, county, names, codes)
            assigned = commissioners and rng.random() < ASSIGNED_SHARE
            objs.append(
                Enterprise(
                    county=county, commissioner=rng.choice(commissioners) if assigned else None, **data
                )
            )
    created = _bulk(Enterprise, objs, ctx, "enterprises")
    ctx.enterprise_rows = [(e.pk, e.county_id, e.commissioner_id) for e in created]
    history = [
        EnterpriseChange(
            enterprise_id=e.pk,
            action=EnterpriseChange.Action.CREATE,
            source=EnterpriseChange.Source.SYSTEM,
            changes=_creation_history(e),
        )
        for e in created
    ]
    _bulk(EnterpriseChange, history, ctx, "enterprise_changes")


def _creation_history(obj: Enterprise) -> dict[str, list[Any]]:
    """``{field: [None, value]}`` for each filled field, as ``enterprise_create`` records it."""
    values = {name: getattr(obj, name) for name in ENTERPRISE_FIELDS}
    return {name: [None, history_value(v)] for name, v in values.items() if v not in (None, "")}


def seed_assignments(ctx: ScaleContext) -> None:
    """One open ``Assignment`` per assigned enterprise (the history behind ``commissioner``)."""
    rows = [
        Assignment(enterprise_id=pk, commissioner_id=commissioner, reason="规模测试数据")
        for pk, _county, commissioner in ctx.enterprise_rows
        if commissioner is not None
    ]
    _bulk(Assignment, rows, ctx, "assignments")


def seed_engagements(ctx: ScaleContext) -> None:
    """Clinics engaged (diagnosis) with enterprises of their city; providers (project) anywhere."""
    rng = ctx.rng("engagements")
    by_city: dict[int, list[int]] = {}
    parent_of = {c.pk: c.parent_id for c in ctx.counties}
    for pk, county, _commissioner in ctx.enterprise_rows:
        by_city.setdefault(parent_of[county], []).append(pk)
    per_clinic = max(1, ctx.enterprises * CLINIC_ENGAGEMENTS_PER_1000 // 1000)
    per_provider = max(1, ctx.enterprises * PROVIDER_ENGAGEMENTS_PER_1000 // 1000)
    rows = []
    for clinic in ctx.clinics:
        pool = by_city.get(clinic.region.parent_id, [])
        for pk in rng.sample(pool, min(per_clinic, len(pool))):
            rows.append(Engagement(enterprise_id=pk, organisation_id=clinic.organisation_id))
    everyone = [pk for pk, _county, _commissioner in ctx.enterprise_rows]
    for provider in ctx.providers:
        for pk in rng.sample(everyone, min(per_provider, len(everyone))):
            rows.append(
                Engagement(
                    enterprise_id=pk,
                    organisation_id=provider.organisation_id,
                    purpose=Engagement.Purpose.PROJECT,
                )
            )
    _bulk(Engagement, rows, ctx, "engagements")


def seed_enterprise_accounts(ctx: ScaleContext) -> None:
    """Enterprise users for a sample of the register, each with its ``EnterpriseAccount``."""
    rng = ctx.rng("enterprise_accounts")
    everyone = [pk for pk, _county, _commissioner in ctx.enterprise_rows]
    chosen = sorted(rng.sample(everyone, round(len(everyone) * ACCOUNT_SHARE)))
    users = _users(
        ctx,
        (
            {
                "username": f"{USERNAME_PREFIX}qiye{pk}",
                "role": Role.ENTERPRISE_USER,
                "display_name": _person(rng),
            }
            for pk in chosen
        ),
        "enterprise_users",
    )
    accounts = [
        EnterpriseAccount(user=user, enterprise_id=pk) for user, pk in zip(users, chosen, strict=True)
    ]
    _bulk(EnterpriseAccount, accounts, ctx, "enterprise_accounts")


def seed_visits(ctx: ScaleContext) -> None:
    """Visits by the assigned commissioners over the last 90 days, some with open follow-ups."""
    rng = ctx.rng("visits")
    rows = []
    for pk, _county, commissioner in ctx.enterprise_rows:
        if commissioner is None or rng.random() > VISITED_SHARE:
            continue
        for _ in range(rng.choice((1, 1, 2))):
            visited_on = ctx.today - timedelta(days=rng.randint(0, 90))
            summary, needs = rng.choice(VISIT_SUMMARIES)
            due = visited_on + timedelta(days=rng.randint(14, 45))
            done = due < ctx.today and rng.random() < 0.6
            rows.append(
                Visit(
                    enterprise_id=pk,
                    commissioner_id=commissioner,
                    visited_on=visited_on,
                    summary=summary,
                    needs=needs,
                    follow_up_due=due,
                    followed_up_on=min(due, ctx.today) if done else None,
                )
            )
    _bulk(Visit, rows, ctx, "visits")


#: The record kinds in dependency order; a later issue appends its own step.
STEPS: list[Callable[[ScaleContext], None]] = [
    seed_officers,
    seed_commissioners,
    seed_providers,
    seed_clinics,
    seed_solutions,
    seed_enterprises,
    seed_assignments,
    seed_engagements,
    seed_enterprise_accounts,
    seed_visits,
]


@transaction.atomic
def seed_scale(
    *, enterprises: int, seed: int = 1, commissioners: int = 3, today: date | None = None
) -> ScaleResult:
    """Write the scale data set (see the module docstring); raises ``ScaleSeedError`` if present.

    ``enterprises`` ≥ 1; ``commissioners`` is the number of county-tier commissioners per county
    (≥ 1). Returns the rows written per record kind.
    """
    if enterprises < 1 or commissioners < 1:
        raise ValueError("enterprises and commissioners must be at least 1")
    if already_seeded():
        raise ScaleSeedError(
            "规模测试数据已存在，不会重复写入；请使用一个新的数据库。 / "
            "The scale data set is already present; seed a fresh database instead."
        )
    regions = list(Region.objects.select_related("parent").order_by("code"))
    province = next((r for r in regions if r.level == Region.Level.PROVINCE), None)
    counties = [r for r in regions if r.level == Region.Level.COUNTY]
    if province is None or not counties:
        raise ScaleSeedError("No regions in the database: run `python manage.py migrate` first.")
    cities = sorted(
        (r for r in regions if r.level in (Region.Level.CITY, Region.Level.ZONE)), key=lambda r: r.sort_order
    )
    ctx = ScaleContext(
        enterprises=enterprises,
        seed=seed,
        commissioners_per_county=commissioners,
        today=today or timezone.localdate(),
        # One hash for every account: they share a published password; hashing it thousands of
        # times would take minutes.
        password=make_password(DEMO_PASSWORD),
        province=province,
        cities=cities,
        counties=counties,
        result=ScaleResult(),
    )
    for step in STEPS:
        started = time.perf_counter()
        step(ctx)
        ctx.result.seconds[step.__name__] = time.perf_counter() - started
    return ctx.result


def dataset_sample() -> dict[str, Any]:
    """Who and what a benchmark can act as once seeded: usernames and one enterprise id.

    ``province_officer``: the first province officer; ``commissioner``: the county commissioner
    with the largest caseload (ties: lowest username); ``enterprise_id``: the lowest id.
    """
    from django.db.models import Count

    commissioner = (
        User.objects.filter(username__startswith=USERNAME_PREFIX, role=Role.COMMISSIONER)
        .annotate(n=Count("assigned_enterprises"))
        .order_by("-n", "username")
        .values_list("username", "n")
        .first()
    )
    return {
        "province_officer": f"{USERNAME_PREFIX}sheng1",
        "commissioner": commissioner[0] if commissioner else None,
        "commissioner_caseload": commissioner[1] if commissioner else 0,
        "enterprise_id": Enterprise.objects.order_by("pk").values_list("pk", flat=True).first(),
        "password": DEMO_PASSWORD,
    }
