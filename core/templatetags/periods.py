"""``{{ "202610"|period }}``: a statistics period as people write it (see ``core.periods``)."""

from django import template

from core.periods import period_label

register = template.Library()


@register.filter(name="period")
def period_filter(value) -> str:
    return period_label(value)
