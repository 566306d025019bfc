"""core.history: the {field: [before, after]} diff every history row stores."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.history import creation_changes, history_value, instance_diff
from diagnosis.models import ENTERPRISE_FIELDS
from tests.factories import region


@pytest.mark.parametrize(
    ("value", "stored"),
    [(None, None), (True, True), (3, 3), ("x", "x"), (Decimal("12.50"), "12.5"), (Decimal("1E+3"), "1000")],
)
def test_history_value_is_json_safe_and_exact(value, stored):
    assert history_value(value) == stored


def test_diff_compares_by_value_and_renders_labels(world):
    enterprise = world.ent_donghu
    enterprise.revenue = Decimal("10.5")
    other_county = region("360103")
    changes = instance_diff(
        enterprise,
        {"revenue": Decimal("10.50"), "name": enterprise.name, "county": other_county, "employees": 7},
        fields=ENTERPRISE_FIELDS,
    )
    assert changes == {
        "county": [str(enterprise.county), str(other_county)],
        "employees": [enterprise.employees, 7],
    }
    assert enterprise.county_id != other_county.id  # the instance itself is not modified


def test_diff_by_foreign_key_id_and_unknown_field(world):
    enterprise = world.ent_donghu
    assert instance_diff(enterprise, {"county": enterprise.county_id}) == {}
    with pytest.raises(ValidationError):
        instance_diff(enterprise, {"id": 1}, fields=ENTERPRISE_FIELDS)


def test_creation_changes(world):
    enterprise = world.ent_donghu
    enterprise.revenue = Decimal("3.1000")
    assert creation_changes(enterprise, ["name", "revenue", "county"]) == {
        "name": [None, enterprise.name],
        "revenue": [None, "3.1"],
        "county": [None, str(enterprise.county)],
    }
