"""``python manage.py send_reminders [--day YYYY-MM-DD]``: send a day's reminders now (default: the day due).

Runs ``diagnosis.services.reminders.reminders_run`` in this process. A day already sent is left as
it is (its run row is DONE) and nobody is notified twice; a FAILED day is sent afresh.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.jobs import JobStatus
from diagnosis.models import ReminderRun
from diagnosis.services.reminders import due_day, reminders_run


class Command(BaseCommand):
    help = "发送某日的走访提醒（默认今天，7 点前为昨天）；已发送的日期不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--day", default="", help="日期 YYYY-MM-DD")

    def handle(self, *args, day: str, **options):
        try:
            when = datetime.date.fromisoformat(day) if day else due_day()
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{day!r}") from exc
        with transaction.atomic():
            run = ReminderRun.objects.select_for_update().filter(day=when).first()
            if run is not None and run.status == JobStatus.FAILED:
                run.reset()
        run = reminders_run(day=when)
        self.stdout.write(
            f"{when}: {run.get_status_display()}（提醒 {run.notified_count} 人，邮件 {run.emailed_count} 封）"
            + (f" {run.message}" if run.message else "")
        )
