"""enterprise_create / enterprise_update: rules, scope on writes, and the change history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from diagnosis.models import Enterprise, EnterpriseChange
from diagnosis.services.enterprises import enterprise_create, enterprise_update
from regions.codes import make_credit_code
from tests.factories import region


def new_data(county="360102", serial=1, **extra):
    data = {
        "credit_code": make_credit_code(county, serial),
        "name": f"新建企业{serial}",
        "county": region(county),
        "industry_code": "3911",
    }
    data.update(extra)
    return data


def test_create_records_history(world):
    officer = world.users["county_officer"]
    ent = enterprise_create(actor=officer, data=new_data(revenue=Decimal("1234.5600")))
    change = ent.changes.get()
    assert change.action == EnterpriseChange.Action.CREATE and change.actor == officer
    assert change.changes["revenue"] == [None, "1234.56"]
    assert change.changes["county"] == [None, "东湖区"]


@pytest.mark.parametrize(
    "role", ["commissioner", "clinic_staff", "provider_staff", "enterprise_user", "no_role"]
)
def test_only_officers_create(world, role):
    with pytest.raises(PermissionDenied):
        enterprise_create(actor=world.users[role], data=new_data())
    assert not Enterprise.objects.filter(name="新建企业1").exists()


def test_officer_cannot_create_outside_region(world):
    with pytest.raises(ValidationError) as exc:
        enterprise_create(actor=world.users["county_officer"], data=new_data(county="360103"))
    assert "管辖范围" in str(exc.value)


def test_invalid_credit_code_rejected(world):
    with pytest.raises(ValidationError) as exc:
        enterprise_create(actor=None, data=new_data() | {"credit_code": "91360102000000000X"})
    assert "credit_code" in exc.value.message_dict


def test_duplicate_credit_code_rejected(world):
    with pytest.raises(ValidationError):
        enterprise_create(actor=None, data=new_data() | {"credit_code": world.ent_xihu.credit_code})


def test_update_records_before_and_after_exactly(world):
    ent = world.ent_donghu
    ent.revenue = Decimal("100.1000")
    ent.save()
    changes = enterprise_update(
        actor=world.users["city_officer"], enterprise=ent, data={"revenue": Decimal("100.1"), "employees": 30}
    )
    assert changes == {"employees": [None, 30]}
    change = ent.changes.get(action=EnterpriseChange.Action.UPDATE)
    assert change.changes == {"employees": [None, 30]} and change.actor == world.users["city_officer"]
    changes = enterprise_update(actor=None, enterprise=ent, data={"revenue": Decimal("99999999999.9999")})
    assert changes == {"revenue": ["100.1", "99999999999.9999"]}
    ent.refresh_from_db()
    assert ent.revenue == Decimal("99999999999.9999")


def test_update_without_change_writes_nothing(world):
    ent = world.ent_donghu
    assert enterprise_update(actor=None, enterprise=ent, data={"name": ent.name}) == {}
    assert not ent.changes.filter(action=EnterpriseChange.Action.UPDATE).exists()


def test_commissioner_updates_visit_facts_only(world):
    ent = world.ent_donghu
    comm = world.users["commissioner"]
    assert enterprise_update(
        actor=comm, enterprise=ent, data={"cloud_adopted": True, "contact_phone": "13800000000"}
    )
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=comm, enterprise=ent, data={"name": "改名"})
    ent.refresh_from_db()
    assert ent.name == "东湖电子有限公司" and ent.cloud_adopted is True


@pytest.mark.parametrize("role", ["clinic_staff", "provider_staff", "enterprise_user", "no_role"])
def test_others_cannot_update(world, role):
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=world.users[role], enterprise=world.ent_donghu, data={"address": "x"})


def test_officer_cannot_move_archive_out_of_region(world):
    with pytest.raises(ValidationError):
        enterprise_update(
            actor=world.users["county_officer"],
            enterprise=world.ent_donghu,
            data={"county": region("360103")},
        )
    world.ent_donghu.refresh_from_db()
    assert world.ent_donghu.county.code == "360102"


def test_integration_level_needs_certification(world):
    with pytest.raises(ValidationError):
        enterprise_update(actor=None, enterprise=world.ent_donghu, data={"integration_level": "AA"})
    enterprise_update(
        actor=None,
        enterprise=world.ent_donghu,
        data={"integration_certified": True, "integration_level": "AA"},
    )


def test_negative_money_rejected(world):
    with pytest.raises(ValidationError):
        enterprise_update(actor=None, enterprise=world.ent_donghu, data={"revenue": Decimal("-1")})


def test_commissioner_must_cover_the_county(world):
    with pytest.raises(ValidationError) as exc:
        enterprise_update(
            actor=None, enterprise=world.ent_xihu, data={"commissioner": world.users["commissioner"]}
        )
    assert "commissioner" in exc.value.message_dict
    with pytest.raises(ValidationError):
        enterprise_update(
            actor=None, enterprise=world.ent_xihu, data={"commissioner": world.users["county_officer"]}
        )
    changes = enterprise_update(
        actor=world.users["city_officer"], enterprise=world.ent_donghu, data={"commissioner": None}
    )
    assert changes == {"commissioner": ["dh_comm", None]}


def test_inactive_commissioner_cannot_be_assigned(world):
    comm = world.users["commissioner"]
    comm.is_active = False
    comm.save()
    world.ent_donghu.commissioner = None
    world.ent_donghu.save()
    with pytest.raises(ValidationError):
        enterprise_update(actor=None, enterprise=world.ent_donghu, data={"commissioner": comm})


def test_commissioner_change_on_the_archive_keeps_assignment_history(world):
    from diagnosis.models import Assignment
    from tests.factories import make_role_user

    city_comm = make_role_user("commissioner", username="nc_city_comm", region_code="360100")
    officer = world.users["city_officer"]
    enterprise_update(actor=officer, enterprise=world.ent_xihu, data={"commissioner": city_comm})
    enterprise_update(actor=officer, enterprise=world.ent_xihu, data={"commissioner": None})
    rows = list(Assignment.objects.filter(enterprise=world.ent_xihu))
    assert len(rows) == 1 and rows[0].commissioner == city_comm and rows[0].ended_at is not None
    assert rows[0].assigned_by == officer
