"""The change-history mechanism: what changed on a model instance, as JSON-safe before/after pairs.

No model here: each app keeps its own history model (``diagnosis.EnterpriseChange``, …) with a
``changes`` JSON field of the shape ``{field: [before, after]}`` that these functions produce.

Values (``history_value``): ``None``, booleans, integers and text as they are; ``Decimal`` as an
exact string without exponent or trailing zeros (``Decimal("12.50")`` → ``"12.5"``); a related
object as its label (``str(obj)``, what a person reads in the history); anything else (dates) as
``str``. Comparison (``instance_diff``) is by value: foreign keys by id, decimals numerically, so
``Decimal("1.0")`` and ``Decimal("1")`` are the same and a reloaded instance compares equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

Changes = dict[str, list[Any]]


def history_value(value: Any) -> Any:
    """A JSON-safe, exact rendering of a field value for the change history."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) and new is not None and not isinstance(new, bool):
        try:
            return old == Decimal(new)
        except (ArithmeticError, TypeError, ValueError):
            return False
    return old == new


def instance_diff(
    instance: models.Model, data: Mapping[str, Any], *, fields: Iterable[str] | None = None
) -> Changes:
    """{field: [before, after]} for each field in ``data`` whose value on ``instance`` would change.

    ``data`` maps field names to new values (related objects or ids for foreign keys). With
    ``fields``, a name outside it raises ``ValidationError`` (a caller passing a field that the
    history does not record is a bug in the caller, not a silent no-op). ``instance`` is not
    modified. A foreign key's before value is read through the relation only when it changed.
    """
    allowed = set(fields) if fields is not None else None
    changes: Changes = {}
    for name, new in data.items():
        if allowed is not None and name not in allowed:
            raise ValidationError({name: _("未知字段")})
        model_field = instance._meta.get_field(name)
        if model_field.is_relation and model_field.many_to_one:
            old_cmp = getattr(instance, model_field.attname)
            if old_cmp == _comparable(new):
                continue
            before = getattr(instance, name) if old_cmp is not None else None
        else:
            before = getattr(instance, name)
            if _same(before, new):
                continue
        changes[name] = [history_value(before), history_value(new)]
    return changes


def creation_changes(instance: models.Model, fields: Iterable[str]) -> Changes:
    """{field: [None, value]} for ``fields`` of a newly created ``instance`` (its first history row)."""
    return {name: [None, history_value(getattr(instance, name))] for name in fields}
