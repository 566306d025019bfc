"""Template filters of the diagnosis pages."""

from decimal import Decimal

from django import template

from diagnosis.scoring import decimal_text

register = template.Library()


@register.filter
def points(value) -> str:
    """A score written exactly, without trailing zeros (``48.75``, ``80``); ``—`` when there is none."""
    if value is None or value == "":
        return "—"
    return decimal_text(Decimal(value))


@register.filter
def signed_points(value) -> str:
    """A change of score with its sign (``+2.5``, ``-1``, ``0``)."""
    if value is None:
        return ""
    value = Decimal(value)
    text = decimal_text(value)
    return f"+{text}" if value > 0 else text


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (``None`` when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
