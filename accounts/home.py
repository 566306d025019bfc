"""Home-page contributions of accounts: unread notifications (``core.home``)."""

from django.urls import reverse
from django.utils.translation import ngettext

from core.home import INFO, Todo, register_todos

from .notifications import unread_count


@register_todos
def notification_todos(actor):
    """Everyone signed in: unread notifications (one query)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    count = unread_count(actor=actor)
    return [
        Todo(
            key="notifications",
            label=ngettext("%(n)d 条未读提醒", "%(n)d 条未读提醒", count) % {"n": count},
            count=count,
            url=reverse("accounts:notifications"),
            tone=INFO,
            order=5,
        )
    ]
