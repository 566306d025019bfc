"""The role predicates of ``accounts.permissions`` as template filters, so templates don't spell
them out again: ``{% load permissions %}{% if user|is_province %}…{% endif %}``."""

from django import template

from accounts import permissions

register = template.Library()


@register.filter
def is_officer(user) -> bool:
    return permissions.is_officer(user)


@register.filter
def is_province(user) -> bool:
    return permissions.is_province(user)
