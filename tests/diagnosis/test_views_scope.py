"""Scope matrix over the archive pages: role × page × (in scope / out of scope).

Each role signs in and must see through the pages exactly what ``World.visible_ids`` says — the
list holds exactly those archives, each detail page answers 200 inside the scope and 404 outside
it, edit answers 404 outside the scope and 403 inside it without the right, and only officers may
create. The expectations are stated here as tables, not derived from the code under test.
"""

import pytest
from django.urls import reverse

from diagnosis.models import Enterprise
from tests.roles import ALL_ROLES, COMMISSIONERS, ENTERPRISES, OFFICERS

#: Roles allowed to open the edit page of archives they can see.
EDITORS = OFFICERS | COMMISSIONERS
#: Roles allowed to create archives.
CREATORS = OFFICERS  # tests/roles.py


def _listed_ids(response) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_contains_exactly_the_visible_enterprises(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:enterprise_list"))
    assert response.status_code == 200
    assert _listed_ids(response) == world.visible_ids(role)
    html = response.content.decode()
    for attr in ENTERPRISES:
        enterprise = getattr(world, attr)
        assert (enterprise.name in html) == (enterprise.pk in world.visible_ids(role))


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_detail_200_inside_scope_404_outside(client, world, role, which):
    enterprise = getattr(world, which)
    client.force_login(world.users[role])
    response = client.get(reverse("diagnosis:enterprise_detail", args=[enterprise.pk]))
    if enterprise.pk in world.visible_ids(role):
        assert response.status_code == 200
        assert enterprise.credit_code in response.content.decode()
    else:
        assert response.status_code == 404
        assert enterprise.credit_code not in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_edit_page_404_outside_scope_403_without_right(client, world, role, which):
    enterprise = getattr(world, which)
    client.force_login(world.users[role])
    url = reverse("diagnosis:enterprise_edit", args=[enterprise.pk])
    response = client.get(url)
    if enterprise.pk not in world.visible_ids(role):
        expected = 404
    elif role in EDITORS:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ENTERPRISES)
def test_edit_post_is_refused_without_the_right(client, world, role, which):
    enterprise = getattr(world, which)
    client.force_login(world.users[role])
    response = client.post(
        reverse("diagnosis:enterprise_edit", args=[enterprise.pk]),
        {"address": "被篡改的地址", "contact_person": "某人"},
    )
    if enterprise.pk not in world.visible_ids(role):
        assert response.status_code == 404
    elif role not in EDITORS:
        assert response.status_code == 403
    else:
        # allowed: saved (commissioners post exactly their fields) or re-rendered with errors
        assert response.status_code in (200, 302)
        return
    enterprise.refresh_from_db()
    assert enterprise.address != "被篡改的地址"
    assert not enterprise.changes.filter(action="update").exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_only_for_officers(client, world, role):
    client.force_login(world.users[role])
    url = reverse("diagnosis:enterprise_create")
    assert client.get(url).status_code == (200 if role in CREATORS else 403)
    before = Enterprise.objects.count()
    response = client.post(url, {"name": "越权新建有限公司", "credit_code": "", "county": ""})
    if role in CREATORS:
        assert response.status_code == 200  # re-rendered with errors: the credit code is missing
    else:
        assert response.status_code == 403
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_button_only_for_officers(client, world, role):
    client.force_login(world.users[role])
    html = client.get(reverse("diagnosis:enterprise_list")).content.decode()
    assert (reverse("diagnosis:enterprise_create") in html) == (role in CREATORS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_edit_button_only_for_editors(client, world, role):
    client.force_login(world.users[role])
    for pk in world.visible_ids(role):
        html = client.get(reverse("diagnosis:enterprise_detail", args=[pk])).content.decode()
        assert (reverse("diagnosis:enterprise_edit", args=[pk]) in html) == (role in EDITORS)


@pytest.mark.parametrize(
    "name,args",
    [
        ("diagnosis:enterprise_list", []),
        ("diagnosis:enterprise_create", []),
        ("diagnosis:enterprise_detail", ["pk"]),
        ("diagnosis:enterprise_edit", ["pk"]),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, world, name, args):
    url = reverse(name, args=[world.ent_donghu.pk for _ in args])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url


def test_anonymous_post_to_edit_changes_nothing(client, world):
    response = client.post(reverse("diagnosis:enterprise_edit", args=[world.ent_donghu.pk]), {"address": "x"})
    assert response.status_code == 302
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.address != "x"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_filters_cannot_widen_the_list(client, world, role):
    """Asking for another region or commissioner by URL never shows more than the scope allows."""
    client.force_login(world.users[role])
    for params in (
        {"region": "360400"},
        {"county": "360403"},
        {"commissioner": world.users["other_commissioner"].pk},
        {"unassigned": "true"},
        {"q": world.ent_jiujiang.name},
    ):
        response = client.get(reverse("diagnosis:enterprise_list"), params)
        assert response.status_code == 200
        assert _listed_ids(response) <= world.visible_ids(role)
