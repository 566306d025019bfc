"""The enterprise API's scope matrix: every role × endpoint × in/out of scope.

What each role may see is stated once, in ``World.visible_ids``; what each role may write is
stated below. Every test is generated over ``ALL_ROLES``, so a new role or a changed scope rule
shows up here without anyone remembering to add a case.
"""

from decimal import Decimal

import pytest

from diagnosis.models import Enterprise, EnterpriseChange
from tests.api.conftest import new_credit_code
from tests.roles import ALL_ROLES, COMMISSIONERS, OFFICERS

LIST_URL = "/api/v1/enterprises/"

#: A county inside each officer's region, and (where there is one) a county outside it.
HOME_COUNTY = {
    "admin": "360403",
    "province_officer": "360403",
    "city_officer": "360103",
    "county_officer": "360102",
}
FOREIGN_COUNTY = {"city_officer": "360403", "county_officer": "360103"}


def detail_url(pk: int) -> str:
    return f"{LIST_URL}{pk}/"


def all_enterprises(world) -> list[Enterprise]:
    return [world.ent_donghu, world.ent_xihu, world.ent_jiujiang]


def invisible(world, role: str) -> list[Enterprise]:
    return [e for e in all_enterprises(world) if e.pk not in world.visible_ids(role)]


def visible(world, role: str) -> list[Enterprise]:
    return [e for e in all_enterprises(world) if e.pk in world.visible_ids(role)]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_returns_exactly_the_visible_enterprises(world, client_for, role):
    response = client_for(role).get(LIST_URL, {"count": "1"})
    assert response.status_code == 200
    assert response.data["count"] == len(world.visible_ids(role))
    assert {row["id"] for row in response.data["results"]} == world.visible_ids(role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_detail_is_200_in_scope_and_404_out_of_scope(world, client_for, role):
    client = client_for(role)
    for enterprise in visible(world, role):
        response = client.get(detail_url(enterprise.pk))
        assert response.status_code == 200
        assert response.data["credit_code"] == enterprise.credit_code
    missing = client.get(detail_url(999_999))
    assert missing.status_code == 404
    for enterprise in invisible(world, role):
        response = client.get(detail_url(enterprise.pk))
        assert response.status_code == 404
        # Out of scope reads exactly like "does not exist".
        assert response.json() == missing.json()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_history_is_404_out_of_scope(world, client_for, role):
    client = client_for(role)
    for enterprise in visible(world, role):
        assert client.get(f"{detail_url(enterprise.pk)}history/").status_code == 200
    for enterprise in invisible(world, role):
        assert client.get(f"{detail_url(enterprise.pk)}history/").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_write_out_of_scope_is_404_and_changes_nothing(world, client_for, role, method):
    client = client_for(role)
    for enterprise in invisible(world, role):
        payload = {"address": "不应写入的地址"}
        if method == "put":
            payload |= {"credit_code": enterprise.credit_code, "name": "改名", "county": "360102"}
        response = getattr(client, method)(detail_url(enterprise.pk), payload, format="json")
        assert response.status_code == 404
        enterprise.refresh_from_db()
        assert enterprise.address != "不应写入的地址"
        assert not enterprise.changes.filter(action=EnterpriseChange.Action.UPDATE).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_patch_in_scope_by_role(world, client_for, role):
    """Officers edit any field, commissioners only visit facts, everyone else nothing (403)."""
    client = client_for(role)
    for enterprise in visible(world, role):
        visit_facts = {"address": "南昌市东湖区新址1号", "cloud_adopted": True, "employees": 120}
        response = client.patch(detail_url(enterprise.pk), visit_facts, format="json")
        if role in OFFICERS or role in COMMISSIONERS:
            assert response.status_code == 200, response.data
            assert response.data["address"] == "南昌市东湖区新址1号"
            assert response.data["cloud_adopted"] is True
            change = enterprise.changes.get(action=EnterpriseChange.Action.UPDATE)
            assert change.source == EnterpriseChange.Source.API
            assert change.actor == world.users[role]
        else:
            assert response.status_code == 403
            assert enterprise.changes.filter(action=EnterpriseChange.Action.UPDATE).count() == 0

        response = client.patch(detail_url(enterprise.pk), {"name": "新名称有限公司"}, format="json")
        if role in OFFICERS:
            assert response.status_code == 200
            assert response.data["name"] == "新名称有限公司"
        else:
            assert response.status_code == 403
            enterprise.refresh_from_db()
            assert enterprise.name != "新名称有限公司"
            if role in COMMISSIONERS:
                # Says what may and what may not be changed.
                assert "数字专员" in response.data["detail"]
                assert "企业名称" in response.data["detail"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_put_in_scope_by_role(world, client_for, role):
    client = client_for(role)
    for enterprise in visible(world, role):
        payload = {
            "credit_code": enterprise.credit_code,
            "name": "整体修改有限公司",
            "county": enterprise.county.code,
            "revenue": "10.5",
        }
        response = client.put(detail_url(enterprise.pk), payload, format="json")
        if role in OFFICERS:
            assert response.status_code == 200, response.data
            enterprise.refresh_from_db()
            assert enterprise.name == "整体修改有限公司"
            assert enterprise.revenue == Decimal("10.5")
        else:
            assert response.status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_by_role(world, client_for, role):
    """Officers create in their own region (201) and not outside it (400); others may not (403)."""
    client = client_for(role)
    county = HOME_COUNTY.get(role, "360102")
    code = new_credit_code(county)
    response = client.post(
        LIST_URL, {"credit_code": code, "name": "新建档企业", "county": county}, format="json"
    )
    if role in OFFICERS:
        assert response.status_code == 201, response.data
        created = Enterprise.objects.get(credit_code=code)
        assert response.data["id"] == created.pk
        assert response.data["county"]["code"] == county
        change = created.changes.get()
        assert (change.action, change.source, change.actor) == (
            EnterpriseChange.Action.CREATE,
            EnterpriseChange.Source.API,
            world.users[role],
        )
    else:
        assert response.status_code == 403
        assert "权限" in response.data["detail"]
        assert not Enterprise.objects.filter(credit_code=code).exists()

    if role in FOREIGN_COUNTY:
        foreign = FOREIGN_COUNTY[role]
        code = new_credit_code(foreign)
        response = client.post(
            LIST_URL, {"credit_code": code, "name": "辖区外企业", "county": foreign}, format="json"
        )
        assert response.status_code == 400
        assert "管辖范围" in response.data["county"][0]
        assert not Enterprise.objects.filter(credit_code=code).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_delete_is_not_offered(world, client_for, role):
    """Archives are kept: DELETE is 405 for every id, visible or not (so it reveals nothing)."""
    for enterprise in all_enterprises(world):
        assert client_for(role).delete(detail_url(enterprise.pk)).status_code == 405
    assert Enterprise.objects.count() == 3
