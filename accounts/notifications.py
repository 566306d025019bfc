"""Notifications: writes and reads of ``Notification`` (in the product, and by e-mail).

- ``notify(user, key=…, title=…, body=…, url=…)`` creates the person's notification for ``key``
  once (a second call with the same key returns the existing row, ``created`` False) and, when
  ``NOTIFY_BY_EMAIL`` is on and the person has an address, sends the e-mail once the row is
  committed (``notification_email``). A failed e-mail is logged and left unsent (``emailed_at``
  stays empty); the in-product notification stands either way.
- ``notification_list(actor)`` / ``unread_count(actor)`` read the actor's own notifications;
  ``notification_read(actor, pk)`` marks one read (another person's id is a 404).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def notify(
    *, user, key: str, title: str, body: str = "", url: str = "", email: bool = True
) -> tuple[Notification, bool]:
    """The person's notification for ``key``, created once; see the module."""
    notification, created = Notification.objects.get_or_create(
        user=user, key=key[:100], defaults={"title": title[:200], "body": body, "url": url[:300]}
    )
    if created and email and settings.NOTIFY_BY_EMAIL and user.email:
        transaction.on_commit(lambda: notification_email(notification.pk))
    return notification, created


def notification_email(pk: int) -> bool:
    """Send the notification's e-mail unless it has gone already; True when sent now."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("user").filter(pk=pk).first()
        if notification is None or notification.emailed_at or not notification.user.email:
            return False
        body = notification.body
        if notification.url:
            base = getattr(settings, "SITE_URL", "").rstrip("/")
            body = f"{body}\n\n{base}{notification.url}" if base else f"{body}\n\n{notification.url}"
        try:
            send_mail(notification.title, body, None, [notification.user.email])
        except Exception:  # SMTP refused, timed out, DNS…: the in-product notification stands
            logger.warning(
                "notification %s: e-mail to user %s failed", pk, notification.user_id, exc_info=True
            )
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True


def notification_list(*, actor):
    return Notification.objects.visible_to(actor).order_by("-created_at", "-id")


def unread_count(*, actor) -> int:
    return notification_list(actor=actor).filter(read_at__isnull=True).count()


def notification_read(*, actor, pk: int | None = None) -> int:
    """Mark one of the actor's notifications read (``pk``), or all of them; returns how many changed."""
    qs = notification_list(actor=actor).filter(read_at__isnull=True)
    if pk is not None:
        if not notification_list(actor=actor).filter(pk=pk).exists():
            raise Http404
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
