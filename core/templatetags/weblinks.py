"""``{% load weblinks %}``: link a stored web address only when it is ``http``/``https``.

``{% web_link provider.website %}`` renders ``<a href="…" rel="nofollow noopener noreferrer"
target="_blank">…</a>`` for a web address (``core.validators.safe_web_url``), the text alone for
anything else (a ``javascript:`` value stored before the rule existed stays inert), and "—" for
nothing. Everything is escaped.
"""

from django import template
from django.utils.html import format_html

from core.validators import safe_web_url

register = template.Library()


@register.simple_tag
def web_link(value, empty: str = "—"):
    url = safe_web_url(value)
    if url:
        return format_html('<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a>', url, url)
    return format_html("{}", value or empty)
