"""The daily reminders task (``diagnosis.services.reminders``): enqueued by ``core.jobs`` for a
``ReminderRun`` row; the row decides whether there is work left, so a duplicate delivery does nothing."""

import datetime

from celery import shared_task

from diagnosis.services import reminders


@shared_task(name="diagnosis.tasks.send_reminders", acks_late=True)
def send_reminders(day: str | None = None) -> str:
    """Send one day's reminders (``YYYY-MM-DD``; None → the day due now); returns the run's status."""
    when = datetime.date.fromisoformat(day) if day else reminders.due_day()
    return reminders.reminders_run(day=when).status
