"""The daily reminders: every commissioner hears, in the product and by e-mail where configured,
of their follow-ups due today or overdue and of their enterprises not visited within their
region's interval.

One ``ReminderRun`` row per day on the shared job mechanism (``core.jobs``): the sweep creates the
day's row once ``REMINDER_HOUR`` (Beijing time) has come (``reminder_catch_up``; a machine that was
off then catches up the same day), and the task claims it (``reminders_run``), so a second
delivery, or a second worker, does nothing. Within a run each commissioner's notification has the
key ``reminders:<day>`` (``accounts.notifications.notify``), so a run retried after a crash
notifies nobody twice; e-mails then go to every notification of the day not yet e-mailed
(``emailed_at``), so a retry sends the ones a crash or a mail-server outage left unsent, and no
other. A commissioner with nothing due gets nothing.

The run also removes pending visit attachments abandoned for a week
(``pending_attachments_purge``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, Role, User
from accounts.notifications import notification_email, notify
from core.jobs import JobLost
from diagnosis.models import ReminderRun
from diagnosis.selectors.visits import follow_ups_due, revisit_days_by_county, revisit_due
from diagnosis.services.visits import pending_attachments_purge

logger = logging.getLogger(__name__)

#: How many items each kind lists by name in the message (the home page has the rest).
LISTED = 5


def due_day(now: datetime.datetime | None = None) -> datetime.date:
    """The latest day whose reminders are due at ``now``: today from ``REMINDER_HOUR``, else yesterday."""
    local = timezone.localtime(now or timezone.now())
    day = local.date()
    return day if local.hour >= int(settings.REMINDER_HOUR) else day - datetime.timedelta(days=1)


def reminder_catch_up(now: datetime.datetime) -> list[ReminderRun]:
    """Create the due day's row if it has none (the sweep rings it); returns what it made."""
    run, created = ReminderRun.objects.get_or_create(day=due_day(now))
    return [run] if created else []


def reminder_enqueue(run: ReminderRun, *, countdown: float | None = None) -> None:
    """Send the day's task (the doorbell ``core.jobs`` rings for ReminderRun)."""
    from diagnosis.tasks import reminders as tasks

    tasks.send_reminders.apply_async(kwargs={"day": run.day.isoformat()}, countdown=countdown)


def reminder_message(commissioner, day: datetime.date, intervals: dict) -> tuple[str, str] | None:
    """The title and body of ``commissioner``'s reminders for ``day``, or None when nothing is due."""
    due = list(
        follow_ups_due(actor=commissioner, commissioner=commissioner, today=day).select_related("enterprise")
    )
    stale = revisit_due(
        actor=commissioner, commissioner=commissioner, today=day, limit=LISTED, intervals=intervals
    )
    if not due and not stale["count"]:
        return None
    lines = []
    if due:
        overdue = sum(1 for v in due if v.follow_up_due < day)
        lines.append(_("到期或逾期的跟进 %(n)d 项（其中已逾期 %(o)d 项）：") % {"n": len(due), "o": overdue})
        lines += [
            _("· %(name)s，跟进期限 %(due)s")
            % {"name": v.enterprise.name, "due": v.follow_up_due.isoformat()}
            for v in due[:LISTED]
        ]
        if len(due) > LISTED:
            lines.append(_("……另有 %(n)d 项") % {"n": len(due) - LISTED})
    if stale["count"]:
        lines.append(_("超过走访间隔未走访的企业 %(n)d 家：") % {"n": stale["count"]})
        for row in stale["rows"]:
            if row["last_visit"]:
                line = _("· %(name)s，上次走访 %(last)s") % {
                    "name": row["enterprise"].name,
                    "last": row["last_visit"].isoformat(),
                }
            else:
                line = _("· %(name)s，从未走访") % {"name": row["enterprise"].name}
            lines.append(line)
        if stale["count"] > len(stale["rows"]):
            lines.append(_("……另有 %(n)d 家") % {"n": stale["count"] - len(stale["rows"])})
    title = _("%(day)s 走访提醒：跟进 %(due)d 项，待走访 %(stale)d 家") % {
        "day": day.isoformat(),
        "due": len(due),
        "stale": stale["count"],
    }
    return title, "\n".join(lines)


def reminders_run(*, day: datetime.date) -> ReminderRun:
    """Send ``day``'s reminders (see the module); returns the run row. A day DONE, or RUNNING in a
    live worker, is returned untouched."""
    run, _created = ReminderRun.objects.get_or_create(day=day)
    claimed = ReminderRun.claim(run.pk)
    if claimed is None:
        return ReminderRun.objects.get(pk=run.pk)
    run = claimed
    key = f"reminders:{day.isoformat()}"
    try:
        intervals = revisit_days_by_county()
        commissioners = User.objects.filter(role=Role.COMMISSIONER, is_active=True).order_by("pk")
        with translation.override(settings.LANGUAGE_CODE):
            for index, commissioner in enumerate(commissioners.iterator()):
                if index % 50 == 0:
                    run.heartbeat()
                message = reminder_message(commissioner, day, intervals)
                if message is not None:
                    notify(
                        user=commissioner,
                        key=key,
                        title=message[0],
                        body=message[1],
                        url=reverse("home"),
                        email=False,
                    )
            if settings.NOTIFY_BY_EMAIL:
                unsent = Notification.objects.filter(key=key, emailed_at__isnull=True).exclude(user__email="")
                for pk in unsent.values_list("pk", flat=True).iterator():
                    notification_email(pk)
        pending_attachments_purge()
        sent = Notification.objects.filter(key=key)
        run.finish(notified_count=sent.count(), emailed_count=sent.filter(emailed_at__isnull=False).count())
    except JobLost:
        return ReminderRun.objects.get(pk=run.pk)
    except OperationalError as exc:
        logger.warning("reminders %s: attempt %s interrupted: %s", day, run.attempts, exc)
        run.fail(_("发送失败：%(reason)s") % {"reason": exc})
    except Exception as exc:
        logger.exception("reminders %s failed", day)
        run.fail(_("发送失败：%(reason)s") % {"reason": exc})
    return run
