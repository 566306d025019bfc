"""Scope matrix over the queryset layer: every role sees exactly its part."""

import pytest

from diagnosis.models import Enterprise
from tests.roles import ALL_ROLES


@pytest.mark.parametrize("role", ALL_ROLES)
def test_enterprise_visible_to_matches_scope_rules(world, role):
    seen = set(Enterprise.objects.visible_to(world.users[role]).values_list("pk", flat=True))
    assert seen == world.visible_ids(role)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.visible_to(AnonymousUser()).exists()


def test_inactive_user_sees_nothing(world):
    user = world.users["province_officer"]
    user.is_active = False
    assert not Enterprise.objects.visible_to(user).exists()


def test_ended_engagement_removes_sight(world):
    world.ent_donghu.engagements.filter(organisation=world.clinic).update(active=False)
    assert not Enterprise.objects.visible_to(world.users["clinic_staff"]).exists()
    assert Enterprise.objects.visible_to(world.users["provider_staff"]).exists()


def test_commissioner_loses_sight_when_reassigned(world):
    world.ent_donghu.commissioner = None
    world.ent_donghu.save()
    assert not Enterprise.objects.visible_to(world.users["commissioner"]).exists()
