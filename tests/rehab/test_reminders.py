"""Exercise reminders: at the patient's chosen time on exercise days, once, never while paused."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import AlertFactory, PatientFactory
from tests.rehab.conftest import NOW, prescribe, set_precautions, spec
from tracker.alerts.models import Alert
from tracker.alerts.services import alert_resolve
from tracker.core.jobs import run_job
from tracker.core.vocab import AlertStatus
from tracker.notifications.models import Notification, NotificationStatus
from tracker.notifications.tasks import send_notifications
from tracker.rehab.jobs import exercise_reminders
from tracker.rehab.models import ExerciseLog, ExercisePlan
from tracker.rehab.services import pause_notices_send, plan_end, plan_resume, reminders_send

pytestmark = pytest.mark.django_db

WED_0959 = NOW.replace(hour=9, minute=59)
WED_1000 = NOW.replace(hour=10, minute=0)
WED_1005 = NOW.replace(hour=10, minute=5)


def reminders(patient=None, channel="in_app"):
    rows = Notification.objects.filter(kind="exercise_reminder", channel=channel)
    return rows.filter(recipient=patient.user) if patient else rows


@pytest.fixture
def plan(stable_patient, therapist, frozen):
    """Ankle pumps Mon/Wed/Fri, reminder at 10:00 (the default)."""
    return prescribe(stable_patient, therapist, spec("ankle-pumps", days=["mon", "wed", "fri"])).plan


def test_the_reminder_comes_at_the_chosen_time_and_only_once(plan, stable_patient, frozen):
    frozen.move_to(WED_0959)
    assert reminders_send(now=timezone.now()) == 0
    frozen.move_to(WED_1000)
    assert reminders_send(now=timezone.now()) == 1
    frozen.move_to(WED_1005)
    assert reminders_send(now=timezone.now()) == 0
    frozen.move_to(NOW.replace(hour=21))
    assert reminders_send(now=timezone.now()) == 0
    [note] = reminders(stable_patient)
    assert note.link == "/exercises/today/"
    assert reminders(stable_patient, channel="email").count() == 1


def test_it_comes_again_on_the_next_exercise_day_but_not_on_rest_days(plan, stable_patient, frozen):
    for day_offset, expected in [(0, 1), (1, 0), (2, 1), (3, 0), (4, 0), (5, 1)]:  # Wed..Mon
        frozen.move_to(WED_1005 + timedelta(days=day_offset))
        assert reminders_send(now=timezone.now()) == expected, day_offset
    assert reminders(stable_patient).count() == 3


def test_no_reminder_while_paused_and_one_after_the_alert_is_resolved_as_a_false_alarm(plan, stable_patient, frozen):
    alert = AlertFactory(patient=stable_patient, summary="New weakness", status=AlertStatus.ACKNOWLEDGED)
    frozen.move_to(WED_1005)
    assert reminders_send(now=timezone.now()) == 0
    # Issue #17: only no_action_needed lets the plan resume at once (was "advised").
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.RESOLVED, resolved_at=timezone.now(), outcome="no_action_needed"
    )
    frozen.move_to(WED_1005 + timedelta(hours=2))
    assert reminders_send(now=timezone.now()) == 1


@pytest.mark.parametrize("outcome", ["urgent_mri", "advised", "admitted"])
def test_no_reminder_while_the_plan_waits_for_clearance_and_one_after_it_is_resumed(
    plan, stable_patient, therapist, frozen, outcome
):
    AlertFactory(
        patient=stable_patient,
        summary="New weakness",
        status=AlertStatus.RESOLVED,
        resolved_at=NOW + timedelta(minutes=30),
        outcome=outcome,
    )
    frozen.move_to(WED_1005)
    assert exercise_reminders(now=timezone.now()).startswith("no exercise reminders due")
    assert not reminders(stable_patient).exists()
    frozen.move_to(WED_1005 + timedelta(days=2))  # Friday, an exercise day: still waiting
    assert reminders_send(now=timezone.now()) == 0
    plan_resume(plan=plan, user=therapist, note="MRI: no cord compression; plan checked")
    frozen.move_to(WED_1005 + timedelta(days=2, minutes=5))
    assert reminders_send(now=timezone.now()) == 1


def notices(patient, channel="in_app"):
    return Notification.objects.filter(kind="exercise_plan_notice", channel=channel, recipient=patient.user)


def test_the_job_tells_the_patient_when_the_plan_pauses_and_when_it_resumes(
    plan, stable_patient, therapist, nurse, frozen
):
    alert = AlertFactory(patient=stable_patient, summary="New weakness")
    frozen.move_to(WED_0959)
    assert exercise_reminders(now=timezone.now()) == "no exercise reminders due; 1 pause and 0 resume notice(s)"
    [paused] = notices(stable_patient)
    assert "on hold" in paused.body and paused.link == "/exercises/today/"
    assert exercise_reminders(now=timezone.now()) == "no exercise reminders due"  # told once
    # Resolved with an urgent MRI: still on hold, nothing new to say; no reminder at 10:00.
    alert_resolve(alert=alert, user=nurse, outcome="urgent_mri", note="MRI booked for tomorrow")
    frozen.move_to(WED_1005)
    assert exercise_reminders(now=timezone.now()) == "no exercise reminders due"
    assert notices(stable_patient).count() == 1
    # The therapist resumes it: the patient is told at once (not by the job), then reminded.
    plan_resume(plan=plan, user=therapist, note="MRI clear; plan checked")
    resumed = notices(stable_patient).exclude(pk=paused.pk).get()
    assert "start your exercises again" in resumed.body
    assert exercise_reminders(now=timezone.now()) == "1 exercise reminder(s) sent"
    # Neutral e-mails: one per notice, saying nothing about health.
    emails = notices(stable_patient, channel="email")
    assert emails.count() == 2
    assert {e.subject for e in emails} == {"A message from Spine Tracker"}
    assert all(e.link == "/" for e in emails)


def test_a_false_alarm_resumes_the_plan_and_the_job_says_so(plan, stable_patient, nurse, frozen):
    alert = AlertFactory(patient=stable_patient, summary="New weakness")
    pause_notices_send(now=timezone.now())
    alert_resolve(alert=alert, user=nurse, outcome="no_action_needed", note="Cramp, resolved")
    assert pause_notices_send(now=timezone.now()) == {"paused": 0, "resumed": 1}
    assert pause_notices_send(now=timezone.now()) == {"paused": 0, "resumed": 0}
    assert [n.body.startswith("Good news") for n in notices(stable_patient).order_by("pk")] == [False, True]


def test_no_reminder_once_the_patient_has_logged_today(plan, stable_patient, frozen):
    ExerciseLog.objects.create(
        patient=stable_patient,
        plan_item=plan.current_version.items.get(),
        performed_on=NOW.date(),
        completed=True,
        pain_before=1,
        pain_during=1,
        difficulty="easy",
    )
    frozen.move_to(WED_1005)
    assert reminders_send(now=timezone.now()) == 0


def test_no_reminder_without_a_time_after_the_end_date_or_for_an_ended_plan(
    stable_patient, therapist, frozen, patient_factory_with_team
):
    quiet = prescribe(stable_patient, therapist, spec("ankle-pumps")).plan
    quiet.reminder_time = None
    quiet.save()
    ended_by_date = patient_factory_with_team()
    prescribe(
        ended_by_date,
        therapist,
        spec("ankle-pumps"),
        start=NOW.date() - timedelta(days=9),
        ends_on=NOW.date() - timedelta(days=1),
        now=NOW - timedelta(days=9),
    )
    stopped = patient_factory_with_team()
    plan_end(plan=prescribe(stopped, therapist, spec("ankle-pumps")).plan, therapist=therapist)
    frozen.move_to(WED_1005)
    assert reminders_send(now=timezone.now()) == 0


@pytest.fixture
def patient_factory_with_team(nurse, therapist):
    def make():
        return set_precautions(PatientFactory(team=[nurse, therapist]))

    return make


def test_the_time_is_the_sites_local_time(plan, stable_patient, frozen, settings):
    settings.TIME_ZONE = "Europe/Athens"  # UTC+2 in November
    frozen.move_to(NOW.replace(hour=7, minute=59))  # 09:59 in Athens
    assert reminders_send(now=timezone.now()) == 0
    frozen.move_to(NOW.replace(hour=8, minute=0))  # 10:00 in Athens
    assert reminders_send(now=timezone.now()) == 1


def test_a_changed_reminder_time_is_used(plan, stable_patient, frozen):
    ExercisePlan.objects.filter(pk=plan.pk).update(reminder_time=time(18, 30))
    frozen.move_to(WED_1005)
    assert reminders_send(now=timezone.now()) == 0
    frozen.move_to(NOW.replace(hour=18, minute=30))
    assert reminders_send(now=timezone.now()) == 1


def test_the_email_says_nothing_about_health(plan, stable_patient, frozen):
    frozen.move_to(WED_1005)
    reminders_send(now=timezone.now())
    [email] = reminders(stable_patient, channel="email")
    assert email.status == NotificationStatus.PENDING
    send_notifications([email.pk])
    send_notifications([email.pk])  # a retry sends nothing twice
    [message] = mail.outbox
    assert message.to == [stable_patient.user.email]
    assert "exercise" not in message.subject.lower() and "exercise" not in message.body.lower()
    assert Notification.objects.get(pk=email.pk).status == NotificationStatus.SENT


def test_the_job_runs_from_beat_and_the_sweep_command(plan, stable_patient, frozen, settings):
    from tracker.core.tasks import run_job as beat_task

    assert settings.CELERY_BEAT_SCHEDULE["exercise_reminders"] == {
        "task": "tracker.core.tasks.run_job",
        "schedule": 300,
        "args": ["exercise_reminders"],
    }
    frozen.move_to(WED_1000)
    assert beat_task.apply(args=["exercise_reminders"]).get() == "1 exercise reminder(s) sent"
    ExercisePlan.objects.filter(pk=plan.pk).update(reminded_on=None)
    Notification.objects.all().delete()
    frozen.move_to(WED_1005)
    out = StringIO()
    call_command("sweep", "--only", "exercise_reminders", stdout=out)
    assert "exercise_reminders: 1 exercise reminder(s) sent" in out.getvalue()
    assert run_job("exercise_reminders") == "no exercise reminders due"
    assert exercise_reminders(now=timezone.now()) == "no exercise reminders due"
    assert reminders(stable_patient).count() == 1


def test_a_second_worker_finds_the_reminder_already_claimed(plan, stable_patient, frozen):
    """Two sweeps at once: the conditional update lets only one of them claim each plan."""
    frozen.move_to(WED_1005)
    ExercisePlan.objects.filter(pk=plan.pk).update(reminded_on=NOW.date())  # the other worker got there
    assert reminders_send(now=timezone.now()) == 0
    assert not reminders().exists()


def test_many_patients_are_reminded_in_a_fixed_number_of_queries(
    therapist, nurse, frozen, django_assert_max_num_queries, settings
):
    patients = [set_precautions(PatientFactory(team=[nurse, therapist])) for _ in range(12)]
    for p in patients:
        prescribe(p, therapist, spec("ankle-pumps"))
    paused = patients[0]
    AlertFactory(patient=paused, summary="x", reported_at=NOW)
    frozen.move_to(WED_1005)
    # Candidates; then per chunk: savepoint, claim, claimed ids, bulk insert, e-mail ids, release.
    with django_assert_max_num_queries(8):
        sent = reminders_send(now=timezone.now())
    assert sent == 11
    assert reminders().count() == 11
    assert not reminders(paused).exists()


def test_reminder_times_are_compared_to_the_minute(plan, stable_patient, frozen):
    frozen.move_to(datetime.combine(NOW.date(), time(10, 0, 0, 500), tzinfo=NOW.tzinfo))
    assert reminders_send(now=timezone.now()) == 1
