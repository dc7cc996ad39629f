"""Check-in reminders: due and not done by the patient's time -> one reminder (in-app + e-mail)."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PatientFactory
from tracker.core.vocab import CheckinSchedule
from tracker.notifications import tasks
from tracker.notifications.models import Notification, NotificationStatus
from tracker.symptoms.jobs import send_checkin_reminders
from tracker.symptoms.models import CheckIn
from tracker.symptoms.reminders import REMINDER_KIND, checkin_reminders_send

pytestmark = pytest.mark.django_db

# A Wednesday; the site's time zone is UTC unless a test says otherwise.
DAY = datetime(2026, 11, 18, tzinfo=UTC)


def at(day_offset: int, hh: int, mm: int = 0) -> datetime:
    return DAY + timedelta(days=day_offset, hours=hh, minutes=mm)


@pytest.fixture
def run(django_capture_on_commit_callbacks, monkeypatch):
    """run(now) -> the job's summary, with its e-mail tasks executed in-process (Celery's apply())."""
    monkeypatch.setattr(
        tasks.send_notifications, "apply_async", lambda args, retry: tasks.send_notifications.apply(args=args)
    )

    def go(now):
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            return send_checkin_reminders(now=now)

    return go


def enrolled(**kwargs):
    kwargs.setdefault("enrolled_at", DAY - timedelta(days=30))
    kwargs.setdefault("reminder_time", time(18, 0))
    return PatientFactory(**kwargs)


def checked_in(patient, when):
    with time_machine.travel(when, tick=False):
        return CheckIn.objects.create(patient=patient, recorded_at=when, pain_now=1, pain_worst_24h=2)


def reminders(patient, channel="in_app"):
    return Notification.objects.filter(recipient=patient.user, kind=REMINDER_KIND, channel=channel)


def test_daily_reminder_is_sent_once_after_the_chosen_time(run, patient):
    patient.reminder_time = time(18, 0)
    patient.enrolled_at = DAY - timedelta(days=30)
    patient.save()
    checked_in(patient, at(-1, 9))
    assert run(at(0, 17, 59)) == "no reminders due"
    assert run(at(0, 18, 0)) == "1 reminder(s) sent"
    assert run(at(0, 18, 5)) == "no reminders due"
    assert run(at(0, 23, 55)) == "no reminders due"
    assert reminders(patient).count() == 1
    assert reminders(patient, "email").get().status == NotificationStatus.SENT
    assert len(mail.outbox) == 1
    # The next day it is due again.
    assert run(at(1, 18, 0)) == "1 reminder(s) sent"
    assert reminders(patient).count() == 2


def test_no_reminder_when_todays_check_in_is_done(run):
    patient = enrolled()
    checked_in(patient, at(0, 7, 30))
    assert run(at(0, 19)) == "no reminders due"
    assert not reminders(patient).exists()


def test_a_check_in_done_after_the_reminder_stops_nothing_that_was_sent_and_sends_nothing_more(run):
    patient = enrolled()
    run(at(0, 18))
    checked_in(patient, at(0, 18, 30))
    assert run(at(0, 18, 35)) == "no reminders due"
    assert reminders(patient).count() == 1


def test_each_patient_has_their_own_time(run):
    early, late = enrolled(reminder_time=time(8, 0)), enrolled(reminder_time=time(20, 30))
    run(at(0, 9))
    assert reminders(early).count() == 1 and not reminders(late).exists()
    run(at(0, 20, 30))
    assert reminders(late).count() == 1 and reminders(early).count() == 1


def test_reminder_times_are_in_the_sites_time_zone(run, settings):
    settings.TIME_ZONE = "Asia/Singapore"  # UTC+8
    patient = enrolled(reminder_time=time(18, 0))
    assert run(datetime(2026, 11, 18, 9, 59, tzinfo=UTC)) == "no reminders due"  # 17:59 in Singapore
    assert run(datetime(2026, 11, 18, 10, 0, tzinfo=UTC)) == "1 reminder(s) sent"
    # A check-in at 01:00 Singapore time (17:00 UTC the day before) counts for the Singapore day.
    other = enrolled(reminder_time=time(18, 0))
    checked_in(other, datetime(2026, 11, 18, 17, 0, tzinfo=UTC))
    assert run(datetime(2026, 11, 19, 10, 0, tzinfo=UTC)) == "1 reminder(s) sent"  # only `patient`, for the 19th
    assert not reminders(other).exists()
    assert reminders(patient).count() == 2


def test_weekly_is_due_on_the_seventh_day_after_the_last_check_in_and_reminded_once(run):
    patient = enrolled(checkin_schedule=CheckinSchedule.WEEKLY)
    checked_in(patient, at(0, 9))
    for day in range(1, 7):
        assert run(at(day, 18)) == "no reminders due", day
    assert run(at(7, 18)) == "1 reminder(s) sent"
    for day in range(8, 14):
        assert run(at(day, 18)) == "no reminders due", day
    # Still not done a week later: one more reminder.
    assert run(at(14, 18)) == "1 reminder(s) sent"
    assert reminders(patient).count() == 2
    checked_in(patient, at(14, 19))
    assert run(at(15, 18)) == "no reminders due"


def test_a_new_patient_is_reminded_about_their_first_check_in(run):
    daily = enrolled(enrolled_at=at(0, 9))
    weekly = enrolled(enrolled_at=at(0, 9), checkin_schedule=CheckinSchedule.WEEKLY)
    assert run(at(0, 18)) == "2 reminder(s) sent"
    assert reminders(daily).exists() and reminders(weekly).exists()


def test_nobody_enrolled_later_or_inactive_is_reminded(run):
    enrolled(enrolled_at=at(1, 0))
    gone = enrolled()
    gone.user.is_active = False
    gone.user.save()
    assert run(at(0, 18)) == "no reminders due"
    assert not Notification.objects.exists()


def test_the_e_mail_is_neutral_and_links_to_the_check_in(run):
    patient = enrolled()
    patient.user.email = "pat@example.org"
    patient.user.save()
    run(at(0, 18))
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    text = (message.subject + " " + message.body).lower()
    for word in ("pain", "symptom", "check-in", "cancer", "spine", patient.user.last_name.lower()):
        assert word not in message.subject.lower(), word
    for word in ("pain", "symptom", "cancer", "weakness"):
        assert word not in text, word
    assert "/checkin/" in message.body
    in_app = reminders(patient).get()
    assert in_app.link == "/checkin/" and in_app.status == NotificationStatus.SENT


def test_without_an_e_mail_address_the_reminder_is_in_app_only(run):
    patient = enrolled()
    patient.user.email = ""
    patient.user.save()
    run(at(0, 18))
    assert reminders(patient).count() == 1
    assert not reminders(patient, "email").exists()
    assert mail.outbox == []


def test_two_runs_at_once_still_send_one_reminder(patient, django_capture_on_commit_callbacks, monkeypatch):
    """Two sweeps that both decided a patient is due (before either wrote) send one reminder."""
    from tracker.symptoms import reminders as module

    monkeypatch.setattr(
        tasks.send_notifications, "apply_async", lambda args, retry: tasks.send_notifications.apply(args=args)
    )
    patient.enrolled_at = DAY - timedelta(days=3)
    patient.save()
    due = list(module.patients_due_reminder(now=at(0, 18)))
    monkeypatch.setattr(module, "patients_due_reminder", lambda now: due)
    with time_machine.travel(at(0, 18), tick=False), django_capture_on_commit_callbacks(execute=True):
        checkin_reminders_send(now=at(0, 18))
        checkin_reminders_send(now=at(0, 18))
    assert reminders(patient).count() == 1 and reminders(patient, "email").count() == 1
    assert len(mail.outbox) == 1


def test_the_cost_does_not_grow_with_the_number_of_patients(settings, monkeypatch):
    monkeypatch.setattr(tasks.send_notifications, "apply_async", lambda args, retry: None)

    def queries_for(count, day):
        for _ in range(count):
            enrolled()
        with time_machine.travel(at(day, 18), tick=False), CaptureQueriesContext(connection) as ctx:
            sent = checkin_reminders_send(now=at(day, 18))
        return sent, len(ctx.captured_queries)

    sent_few, few = queries_for(3, 0)
    sent_many, many = queries_for(60, 1)
    assert (sent_few, sent_many) == (3, 63)
    assert many == few
    assert many <= 8


def test_the_job_is_registered_for_beat_and_sweep(settings):
    assert settings.TRACKER_PERIODIC_JOBS["checkin_reminders"] == ("tracker.symptoms.jobs.send_checkin_reminders", 300)
    assert settings.CELERY_BEAT_SCHEDULE["checkin_reminders"]["schedule"] == 300


def test_manage_py_sweep_runs_it(monkeypatch, capsys):
    monkeypatch.setattr(tasks.send_notifications, "apply_async", lambda args, retry: None)
    enrolled()
    with time_machine.travel(at(0, 18, 30), tick=False):
        call_command("sweep", only=["checkin_reminders"])
    assert "checkin_reminders: 1 reminder(s) sent" in capsys.readouterr().out
