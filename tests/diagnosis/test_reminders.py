"""The daily reminders job: due and overdue follow-ups and unvisited enterprises, in the product
and by e-mail, once per commissioner and day however often it runs; caught up by the sweep."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from core.jobs import JobStatus, sweep_jobs
from diagnosis.models import ReminderRun, Visit
from diagnosis.services.reminders import due_day, reminder_catch_up, reminders_run
from diagnosis.services.visits import visit_log

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def due_follow_up(world):
    visit = visit_log(
        actor=world.users["commissioner"],
        enterprise=world.ent_donghu,
        visited_on=TODAY - datetime.timedelta(days=10),
        summary="s",
        follow_up_due=TODAY - datetime.timedelta(days=2),
    )
    return visit


def test_a_commissioner_hears_of_overdue_follow_ups_once(world, due_follow_up, settings):
    settings.NOTIFY_BY_EMAIL = True
    commissioner = world.users["commissioner"]
    commissioner.email = "zhuanyuan@example.cn"
    commissioner.save()
    run = reminders_run(day=TODAY)
    assert run.status == JobStatus.DONE
    note = Notification.objects.get(user=commissioner)
    assert "跟进 1 项" in note.title and world.ent_donghu.name in note.body and "已逾期 1 项" in note.body
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhuanyuan@example.cn"]
    assert note.emailed_at is not None and run.notified_count >= 1 and run.emailed_count == 1
    # a second run of the same day, even a fresh round, notifies and mails nobody again
    run.reset()
    reminders_run(day=TODAY)
    assert Notification.objects.filter(user=commissioner).count() == 1 and len(mail.outbox) == 1


def test_unvisited_enterprises_are_reminded_and_nothing_due_means_nothing_sent(world):
    # other_commissioner's enterprise (ent_jiujiang) was never visited
    reminders_run(day=TODAY)
    note = Notification.objects.get(user=world.users["other_commissioner"])
    assert "待走访 1 家" in note.title and "从未走访" in note.body
    # the commissioner of ent_donghu visits it today with no follow-up: nothing to say
    visit_log(actor=world.users["commissioner"], enterprise=world.ent_donghu, visited_on=TODAY, summary="s")
    day = TODAY + datetime.timedelta(days=1)
    reminders_run(day=day)
    assert not Notification.objects.filter(user=world.users["commissioner"], key=f"reminders:{day}").exists()


def test_no_email_without_an_address_or_when_switched_off(world, due_follow_up, settings):
    settings.NOTIFY_BY_EMAIL = False
    commissioner = world.users["commissioner"]
    commissioner.email = "x@example.cn"
    commissioner.save()
    reminders_run(day=TODAY)
    assert Notification.objects.filter(user=commissioner).exists() and mail.outbox == []


def test_a_failing_mail_server_keeps_the_notification(world, due_follow_up, settings, monkeypatch):
    settings.NOTIFY_BY_EMAIL = True
    commissioner = world.users["commissioner"]
    commissioner.email = "x@example.cn"
    commissioner.save()

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("accounts.notifications.send_mail", refuse)
    run = reminders_run(day=TODAY)
    assert run.status == JobStatus.DONE
    note = Notification.objects.get(user=commissioner)
    assert note.emailed_at is None


def test_the_day_is_due_from_the_reminder_hour(settings):
    settings.REMINDER_HOUR = 7
    tz = timezone.get_current_timezone()
    early = datetime.datetime(2026, 12, 2, 6, 59, tzinfo=tz)
    late = datetime.datetime(2026, 12, 2, 7, 0, tzinfo=tz)
    assert due_day(early) == datetime.date(2026, 12, 1)
    assert due_day(late) == datetime.date(2026, 12, 2)


def test_the_sweep_catches_up_the_day_and_the_task_runs_it(
    world, due_follow_up, django_capture_on_commit_callbacks
):
    now = timezone.now()
    made = reminder_catch_up(now)
    assert [r.day for r in made] == [due_day(now)] and reminder_catch_up(now) == []
    ReminderRun.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_jobs(kinds=[ReminderRun])  # eager Celery: the rung task runs on commit
    assert result["diagnosis.reminderrun"]["caught_up"]
    run = ReminderRun.objects.get()
    assert run.status == JobStatus.DONE
    assert Notification.objects.filter(user=world.users["commissioner"]).exists()


def test_command_runs_a_day(world, due_follow_up, capsys):
    call_command("send_reminders", "--day", TODAY.isoformat())
    assert "已完成" in capsys.readouterr().out
    call_command("send_reminders", "--day", TODAY.isoformat())
    assert Notification.objects.filter(user=world.users["commissioner"]).count() == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--day", "2026-02-30")


def test_notifications_page_is_personal_and_marks_read(client, world, due_follow_up):
    reminders_run(day=TODAY)
    commissioner = world.users["commissioner"]
    note = Notification.objects.get(user=commissioner)
    client.force_login(commissioner)
    home = client.get(reverse("home")).content.decode()
    assert "条未读提醒" in home
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert note.title in page
    client.force_login(world.users["other_commissioner"])
    assert note.title not in client.get(reverse("accounts:notifications")).content.decode()
    assert client.post(reverse("accounts:notifications_read"), {"id": note.pk}).status_code == 404
    assert client.post(reverse("accounts:notifications_read"), {"id": "abc"}).status_code == 404
    client.force_login(commissioner)
    assert client.post(reverse("accounts:notifications_read"), {"id": note.pk}).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "条未读提醒" not in client.get(reverse("home")).content.decode()


def test_drafts_do_not_count_as_visits(world, client):
    client.force_login(world.users["commissioner"])
    client.post(
        reverse("diagnosis:visit_log", args=[world.ent_donghu.pk]), {"action": "draft", "summary": "x"}
    )
    assert Visit.objects.count() == 0
