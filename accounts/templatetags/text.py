"""Separators and joins in the active language (see ``accounts.text``).

``{% list_sep %}`` is 、 or ", "; ``{% clause_sep %}`` is ； or "; "; ``{% label_sep %}`` is ： or ": ".
``{{ items|join_list }}`` joins a list of strings as an inline list.
"""

from django import template

from accounts import text

register = template.Library()


@register.filter
def join_list(items) -> str:
    return text.join_list(items)


@register.simple_tag
def list_sep() -> str:
    return text.join_list(["", ""])


@register.simple_tag
def clause_sep() -> str:
    return text.join_clauses(["", ""])


@register.simple_tag
def label_sep() -> str:
    return text.labelled("", "")
