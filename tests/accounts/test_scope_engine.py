"""The scope engine itself (``accounts.scope``): dispatch per reach and role, deny by default, the
anchors, and the role predicates it is built on (``accounts.permissions``)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from accounts.models import Organisation, Role
from accounts.permissions import is_admin, is_officer, is_province
from accounts.scope import (
    EVERYTHING,
    Distinct,
    InRegion,
    OfOrganisation,
    OfUser,
    Reach,
    Related,
    ScopeRule,
    ServesRegion,
    Through,
    Where,
    ancestor_paths,
    restrict,
    scope_for,
)
from diagnosis.models import Enterprise, Visit
from providers.models import Provider
from tests.conftest import ALL_ROLES
from tests.factories import OrganisationFactory, make_role_user, region

# Which reach each role of the ``world`` fixture has.
REACH = {
    "admin": Reach.ALL,
    "province_officer": Reach.ALL,
    "city_officer": Reach.REGION,
    "county_officer": Reach.REGION,
    "commissioner": Reach.ASSIGNED,
    "other_commissioner": Reach.ASSIGNED,
    "clinic_staff": Reach.ORGANISATION,
    "provider_staff": Reach.ORGANISATION,
    "enterprise_user": Reach.ENTERPRISE,
    "no_role": Reach.NONE,
    "unanchored_officer": Reach.NONE,
}


def _names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def _marker_rule(world) -> ScopeRule:
    """A rule whose every entry picks a different, recognisable row set (by enterprise name)."""
    d, x, j = world.ent_donghu, world.ent_xihu, world.ent_jiujiang
    return ScopeRule(
        all=Where(pk__in=[d.pk, x.pk, j.pk]),
        region=Where(pk=x.pk),
        assigned=Where(pk=j.pk),
        organisation={Role.CLINIC_STAFF: Where(pk=d.pk), Role.PROVIDER_STAFF: Where(pk__in=[d.pk, x.pk])},
        enterprise=Where(pk__in=[x.pk, j.pk]),
    )


MARKER_EXPECTED = {
    Reach.ALL: {"东湖电子有限公司", "西湖机械有限公司", "浔阳化工有限公司"},
    Reach.REGION: {"西湖机械有限公司"},
    Reach.ASSIGNED: {"浔阳化工有限公司"},
    Reach.ENTERPRISE: {"西湖机械有限公司", "浔阳化工有限公司"},
    Reach.NONE: set(),
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_reach_uses_its_own_entry(world, role):
    user = world.users[role]
    assert scope_for(user).reach == REACH[role]
    seen = _names(restrict(Enterprise.objects.all(), _marker_rule(world), user))
    if role == "clinic_staff":
        assert seen == {"东湖电子有限公司"}
    elif role == "provider_staff":
        assert seen == {"东湖电子有限公司", "西湖机械有限公司"}
    else:
        assert seen == MARKER_EXPECTED[REACH[role]]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_an_empty_rule_denies_everyone(world, role):
    assert not restrict(Enterprise.objects.all(), ScopeRule(), world.users[role]).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_reach_the_rule_does_not_mention_sees_nothing(world, role):
    rule = ScopeRule(region=EVERYTHING)
    seen = restrict(Enterprise.objects.all(), rule, world.users[role]).count()
    assert seen == (3 if REACH[role] == Reach.REGION else 0)


def test_a_role_missing_from_a_role_mapping_sees_nothing(world):
    rule = ScopeRule(organisation={Role.CLINIC_STAFF: EVERYTHING})
    assert restrict(Enterprise.objects.all(), rule, world.users["clinic_staff"]).count() == 3
    assert not restrict(Enterprise.objects.all(), rule, world.users["provider_staff"]).exists()


def test_admin_entry_refines_all_for_administrators_only(world):
    rule = ScopeRule(all=Where(pk=world.ent_xihu.pk), admin=EVERYTHING)
    assert restrict(Enterprise.objects.all(), rule, world.users["admin"]).count() == 3
    assert _names(restrict(Enterprise.objects.all(), rule, world.users["province_officer"])) == {
        "西湖机械有限公司"
    }
    without_admin = ScopeRule(all=Where(pk=world.ent_xihu.pk))
    assert restrict(Enterprise.objects.all(), without_admin, world.users["admin"]).count() == 1


def test_anonymous_none_and_inactive_users_see_nothing_even_under_everything(world):
    rule = ScopeRule.every_reach(EVERYTHING, admin=EVERYTHING)
    inactive = world.users["province_officer"]
    inactive.is_active = False
    for user in (AnonymousUser(), None, inactive):
        assert scope_for(user).reach == Reach.NONE
        assert not restrict(Enterprise.objects.all(), rule, user).exists()


@pytest.mark.django_db
def test_users_without_their_anchor_see_nothing():
    rule = ScopeRule.every_reach(EVERYTHING)
    users = [
        make_role_user(Role.CITY_OFFICER, username="no_region_officer"),
        make_role_user(Role.COMMISSIONER, username="no_region_commissioner"),
        make_role_user(Role.CLINIC_STAFF, username="no_org_clinic"),
        make_role_user(Role.PROVIDER_STAFF, username="no_org_provider"),
        make_role_user("", username="no_role_at_all"),
    ]
    for user in users:
        assert scope_for(user).reach == Reach.NONE, user.username
        assert not restrict(Organisation.objects.all(), rule, user).exists()
        assert not Organisation.objects.visible_to(user).exists()


def test_region_user_and_organisation_anchors(world):
    qs = Enterprise.objects.all()
    city, county = world.users["city_officer"], world.users["county_officer"]
    assert _names(restrict(qs, ScopeRule(region=InRegion("county")), city)) == {
        "东湖电子有限公司",
        "西湖机械有限公司",
    }
    assert _names(restrict(qs, ScopeRule(region=InRegion("county")), county)) == {"东湖电子有限公司"}
    mine = ScopeRule(assigned=OfUser("commissioner"))
    assert _names(restrict(qs, mine, world.users["other_commissioner"])) == {"浔阳化工有限公司"}
    engaged = ScopeRule(organisation=Related("engagements", OfOrganisation("organisation")))
    assert _names(restrict(qs, engaged, world.users["provider_staff"])) == {"东湖电子有限公司"}


def test_composed_anchors(world):
    qs = Enterprise.objects.all()
    city = world.users["city_officer"]
    both = ScopeRule(region=InRegion("county") & Where(commissioner__isnull=True))
    assert _names(restrict(qs, both, city)) == {"西湖机械有限公司"}
    either = ScopeRule(region=Where(pk=world.ent_jiujiang.pk) | Where(Q(name__startswith="东湖")))
    assert _names(restrict(qs, either, city)) == {"浔阳化工有限公司", "东湖电子有限公司"}


def test_through_follows_the_parent_rule(world):
    from diagnosis.models import Visit

    for ent in (world.ent_donghu, world.ent_xihu, world.ent_jiujiang):
        Visit.objects.create(
            enterprise=ent, commissioner=world.users["commissioner"], visited_on="2025-01-02", summary="走访"
        )
    rule = ScopeRule.every_reach(Through("enterprise"))
    for role in ALL_ROLES:
        user = world.users[role]
        through = set(restrict(Visit.objects.all(), rule, user).values_list("enterprise_id", flat=True))
        assert through == world.visible_ids(role), role


def test_serves_region_and_distinct(world):
    """A provider serving the city and the province, filed elsewhere: once for a county officer."""
    org = OrganisationFactory(name="九江服务商", kind=Organisation.Kind.PROVIDER, region=region("360403"))
    provider = Provider.objects.create(
        organisation=org,
        home_region=region("360403"),
        contact_person="张三",
        contact_phone="1",
        status="admitted",
    )
    provider.regions_served.set([region("360000"), region("360100")])
    county = world.users["county_officer"]  # 东湖区: 南昌市 and the province are above it
    serving = ScopeRule(region=ServesRegion("regions_served"))
    assert restrict(Provider.objects.all(), serving, county).count() == 2  # joined: one row per match
    assert (
        restrict(
            Provider.objects.all(), ScopeRule(region=Distinct(ServesRegion("regions_served"))), county
        ).count()
        == 1
    )
    assert Provider.objects.visible_to(county).count() == 1
    provider.regions_served.set([region("360400")])  # 九江市: neither above nor below 东湖区
    assert not Provider.objects.visible_to(county).exists()


def test_ancestor_paths():
    assert ancestor_paths("360000/360100/360102/") == ["360000/", "360000/360100/"]
    assert ancestor_paths("360000/") == []


def test_visible_to_is_one_query_with_subqueries(world, django_assert_num_queries):
    """Related/Through/Distinct are subqueries: reading the rows is a single query."""
    clinic_staff = world.users["clinic_staff"]
    scope_for(clinic_staff)  # anchors are plain columns: nothing to load
    with django_assert_num_queries(1):
        assert len(list(Visit.objects.visible_to(clinic_staff))) == 0
    with django_assert_num_queries(1):
        assert len(list(Enterprise.objects.visible_to(clinic_staff))) == 1


@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_predicates_agree_with_the_reach(world, role):
    user = world.users[role]
    reach = scope_for(user).reach
    assert is_officer(user) == (reach in (Reach.ALL, Reach.REGION))
    assert is_province(user) == (reach == Reach.ALL)
    assert is_admin(user) == (role == "admin")


def test_predicates_refuse_anonymous_none_and_inactive(world):
    inactive = world.users["admin"]
    inactive.is_active = False
    for user in (AnonymousUser(), None, inactive):
        assert not is_admin(user) and not is_officer(user) and not is_province(user)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_template_filters_are_the_predicates(world, role):
    from django.template import Context, Template

    user = world.users[role]
    html = Template("{% load permissions %}{{ user|is_officer }} {{ user|is_province }}").render(
        Context({"user": user})
    )
    assert html == f"{is_officer(user)} {is_province(user)}"
