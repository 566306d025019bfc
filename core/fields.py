"""Id inputs: one rule for every place a client names a row by its numeric id.

Why: an id typed into a form, a filter or an API body reaches the database as an integer. Values
outside the column's range crash the query instead of matching nothing — on SQLite
``OverflowError: Python int too large to convert to SQLite INTEGER``, on PostgreSQL
``NumericValueOutOfRange`` — wherever Django does not guard the lookup itself (``__in``, a foreign
key compared with ``=``, an insert). Python's ``int()`` also reads full-width digits (``"１２"``)
and underscores (``"1_2"``), which no client should send as an id.

Contract:
- ``parse_id(value, model=None)`` returns the id as an ``int`` when ``value`` is an ``int`` (not a
  ``bool``) or a string of ASCII digits (surrounding spaces allowed) between 1 and the largest
  value of ``model``'s primary-key column on the current database (the ``BigAutoField`` range,
  2**63 - 1, when no model is given); otherwise ``None``. It never raises.
- Forms: ``ModelChoiceField`` and ``ModelMultipleChoiceField`` (drop-in subclasses of Django's)
  reject a malformed or out-of-range id with the field's ordinary "invalid choice" error before
  any query. With ``to_field_name`` they select by that field and behave like Django's.
- django-filter: ``IdFilter`` (instead of ``NumberFilter`` on an id or foreign key),
  ``ModelChoiceFilter``/``ModelMultipleChoiceFilter`` built on the fields above. A bad value makes
  the FilterSet invalid (a page shows the error, the API answers 400).
- DRF: ``IdField`` (an ``IntegerField`` accepting only the ids above) and
  ``PrimaryKeyRelatedField`` (the same check before the lookup); both answer 400 with a reason.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

#: The id column of a model without one given (``DEFAULT_AUTO_FIELD`` is ``BigAutoField``).
DEFAULT_ID_TYPE = "BigAutoField"
_DIGITS = re.compile(r"[0-9]{1,30}")


def id_max(model=None) -> int:
    """The largest id ``model``'s primary key can hold on the current database."""
    internal_type = DEFAULT_ID_TYPE
    if model is not None:
        pk = model._meta.pk
        internal_type = getattr(pk, "target_field", pk).get_internal_type()
    try:
        high = connection.ops.integer_field_range(internal_type)[1]
    except KeyError:  # not an integer key
        high = None
    if high is None:
        high = connection.ops.integer_field_range(DEFAULT_ID_TYPE)[1]
    return high


def parse_id(value, model=None) -> int | None:
    """``value`` as an id (1 ≤ id ≤ ``id_max(model)``), or ``None`` when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
    else:
        return None
    if 1 <= number <= id_max(model):
        return number
    return None


def _is_pk_lookup(field) -> bool:
    return field.to_field_name in (None, "pk", "id")


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ``ModelChoiceField``, refusing a malformed or out-of-range id before the query."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and _is_pk_lookup(self)
            and parse_id(value, self.queryset.model) is None
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ``ModelMultipleChoiceField``, refusing malformed or out-of-range ids before the query."""

    def _check_values(self, value):
        if _is_pk_lookup(self) and isinstance(value, (list, tuple)):
            model = self.queryset.model
            for item in value:
                if not isinstance(item, model) and parse_id(item, model) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super()._check_values(value)


class IdFormField(forms.Field):
    """A bare id (``IdFilter``'s form field): the cleaned value is an ``int`` or ``None``."""

    default_error_messages = {"invalid": _("请输入有效的编号（正整数）。")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class _FilterModelChoiceField(ModelChoiceField, filter_fields.ModelChoiceField):
    pass


class _FilterModelMultipleChoiceField(ModelMultipleChoiceField, filter_fields.ModelMultipleChoiceField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """Filter on an id or foreign-key column (``field_name="provider_id"``); use instead of ``NumberFilter``."""

    field_class = IdFormField


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _FilterModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = _FilterModelMultipleChoiceField


@extend_schema_field(OpenApiTypes.INT)
class IdField(serializers.IntegerField):
    """An id in an API body: an integer (or a string of ASCII digits) from 1 to the id column's maximum."""

    default_error_messages = {"invalid": _("请提供有效的编号（正整数）。")}

    def __init__(self, *, model=None, **kwargs):
        self.model = model
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        number = parse_id(data, self.model)
        if number is None:
            self.fail("invalid")
        return number


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's ``PrimaryKeyRelatedField``, refusing a malformed or out-of-range id before the lookup."""

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        if parse_id(data, queryset.model if queryset is not None else None) is None:
            numeric = isinstance(data, int) or (isinstance(data, str) and _DIGITS.fullmatch(data.strip()))
            if numeric and not isinstance(data, bool):
                self.fail("does_not_exist", pk_value=data)  # a number no row can have
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
