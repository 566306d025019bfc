"""``core.fields``: the one rule for ids typed by clients (forms, filters, API bodies)."""

import pytest
from django import forms
from rest_framework import serializers

from core.fields import (
    IdField,
    IdFormField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    PrimaryKeyRelatedField,
    id_max,
    parse_id,
)
from regions.models import Region

BIG = "99999999999999999999"
HOSTILE = [
    BIG,
    str(2**63),
    "-1",
    "0",
    "1e5",
    "１２",
    "1_2",
    "abc",
    " ",
    "1.0",
    "+1",
    None,
    True,
    [],
    {},
    2**64,
    -5,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_parse_id_refuses_what_cannot_be_an_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (" 42 ", 42), (7, 7), (str(2**63 - 1), 2**63 - 1)])
def test_parse_id_accepts_ascii_digits_in_range(value, expected):
    assert parse_id(value) == expected


def test_id_max_is_the_primary_key_column_s(db):
    assert id_max(Region) == id_max() == 2**63 - 1  # BigAutoField on SQLite and PostgreSQL


@pytest.mark.parametrize("value", [BIG, str(2**63), "-1", "1e5", "１２", "abc"])
def test_model_choice_fields_report_an_invalid_choice_without_querying(db, value, django_assert_num_queries):
    single = ModelChoiceField(queryset=Region.objects.all())
    multiple = ModelMultipleChoiceField(queryset=Region.objects.all())
    with django_assert_num_queries(0):
        with pytest.raises(forms.ValidationError) as single_error:
            single.clean(value)
        with pytest.raises(forms.ValidationError) as multiple_error:
            multiple.clean(["1", value])
    assert single_error.value.code == "invalid_choice"
    assert multiple_error.value.code == "invalid_pk_value"


def test_model_choice_fields_still_select_real_rows(db):
    region = Region.objects.get(code="360102")
    assert ModelChoiceField(queryset=Region.objects.all()).clean(str(region.pk)) == region
    assert list(ModelMultipleChoiceField(queryset=Region.objects.all()).clean([str(region.pk)])) == [region]
    by_code = ModelMultipleChoiceField(queryset=Region.objects.all(), to_field_name="code")
    assert list(by_code.clean(["360102"])) == [region]


@pytest.mark.parametrize("value", [BIG, "-1", "1e5", "１２", "abc"])
def test_id_form_field(value):
    with pytest.raises(forms.ValidationError):
        IdFormField().clean(value)
    assert IdFormField(required=False).clean("") is None
    assert IdFormField().clean("12") == 12


class _Body(serializers.Serializer):
    ids = serializers.ListField(child=IdField())
    region = PrimaryKeyRelatedField(queryset=Region.objects.all())


@pytest.mark.parametrize(
    "value", [BIG, 2**63, 10**30, -1, 0, "1e5", "１２", "abc", "", None, True, 1.5, [1], {"a": 1}]
)
def test_serializer_fields_answer_errors_not_crashes(db, value):
    body = _Body(data={"ids": [value], "region": value})
    assert not body.is_valid()
    assert set(body.errors) == {"ids", "region"}


def test_serializer_fields_accept_ids(db):
    region = Region.objects.get(code="360102")
    body = _Body(data={"ids": [1, "2"], "region": region.pk})
    assert body.is_valid(), body.errors
    assert body.validated_data == {"ids": [1, 2], "region": region}
