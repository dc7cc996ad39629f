"""Questionnaire reminders (the `screen_reminders` job): one in-app notice per questionnaire and due
period, to exactly the patients `screens_due` says have it due, in the site's time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.factories import PatientFactory
from tracker.accounts.models import PatientProfile
from tracker.core.vocab import Instrument
from tracker.notifications.models import Notification, NotificationStatus
from tracker.psych.selectors import screens_due
from tracker.psych.services import screen_reminders_send, screen_schedule_set, screen_submit

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
DT, PHQ9, GAD7 = Instrument.DISTRESS_THERMOMETER, Instrument.PHQ9, Instrument.GAD7


def local(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def submit(patient, instrument, at: datetime):
    if instrument == DT:
        return screen_submit(patient=patient, instrument=DT, score=1, now=at)
    return screen_submit(patient=patient, instrument=instrument, answers=[0] * (9 if instrument == PHQ9 else 7), now=at)


def reminder_keys() -> set[str]:
    keys = Notification.objects.filter(kind="psych_screen_due").values_list("dedupe_key", flat=True)
    return set(keys)


def expected_keys(today) -> set[str]:
    """What the job must have sent by ``today``: each active patient's due questionnaires, asked of the
    one-patient read that the home page uses."""
    return {
        f"psych-screen-due:{patient.pk}:{due.instrument}:{due.due_on.isoformat()}"
        for patient in PatientProfile.objects.filter(user__is_active=True)
        for due in screens_due(patient, today=today)
    }


def test_every_hour_for_two_weeks_the_job_reminds_exactly_whom_the_schedule_says(settings):
    """The job's set-based reads must agree with the one-patient read at every hour, across local
    midnights (New York is 4 or 5 hours behind UTC, so the local day and the UTC day differ in the
    evening) and the end of daylight saving time on 1 November 2026."""
    settings.TIME_ZONE = "America/New_York"
    start = local(2026, 10, 24, 0, 0)

    def make(name, *, enrolled_at=None, active=True):
        patient = PatientFactory(user__username=name, user__is_active=active)
        patient.enrolled_at = enrolled_at or start - timedelta(days=60)
        patient.save()
        return patient

    never = make("never_screened", enrolled_at=local(2026, 10, 26, 22, 30))  # due from the day of enrolment
    late = make("late_evening")  # answers at 22:30 local: the next UTC day
    midnight = make("at_midnight")  # answers at 00:00 local exactly
    own = make("own_schedule")  # thermometer every 3 days (shorter than the default 7), GAD-7 every 10, PHQ-9 off
    longer = make("longer_schedule")  # thermometer every 14 days (longer than the default)
    prompt = make("answers_each_reminder")  # answers what was due the day after each reminder
    inactive = make("inactive", active=False)  # never reminded
    future = make("enrols_later", enrolled_at=local(2026, 11, 5, 9, 0))
    screen_schedule_set(patient=own, every_days={"distress_thermometer": 3, "phq9": 0, "gad7": 10}, changed_by=None)
    screen_schedule_set(patient=longer, every_days={"distress_thermometer": 14}, changed_by=None)
    for instrument in (DT, PHQ9, GAD7):
        submit(late, instrument, local(2026, 10, 1, 22, 30) if instrument != DT else local(2026, 10, 19, 22, 30))
        submit(midnight, instrument, local(2026, 10, 18, 0, 0))
        submit(own, instrument, local(2026, 10, 22, 23, 45))
        submit(longer, instrument, local(2026, 10, 12, 21, 0))
        submit(prompt, instrument, local(2026, 10, 10, 20, 0))
        submit(inactive, instrument, local(2026, 9, 1, 12, 0))
    assert never and future  # used through expected_keys()

    sent: set[str] = set()
    answer_at: dict[str, datetime] = {}
    now = start
    while now < local(2026, 11, 7, 0, 0):
        with time_machine.travel(now, tick=False):
            for instrument, at in list(answer_at.items()):
                if at <= now:
                    submit(prompt, instrument, at)
                    del answer_at[instrument]
            count = screen_reminders_send(now=now, batch_size=2)
            today = timezone.localdate(now)
        keys = reminder_keys()
        assert keys == sent | expected_keys(today), now
        assert count == len(keys - sent), now
        for key in keys - sent:
            _, patient_id, instrument, _due_on = key.split(":")
            if int(patient_id) == prompt.pk:
                answer_at[instrument] = now + timedelta(hours=22)
        sent = keys
        now = (now.astimezone(UTC) + timedelta(hours=1)).astimezone(NEW_YORK)

    reminded = {int(key.split(":")[1]) for key in sent}
    assert reminded == {never.pk, late.pk, midnight.pk, own.pk, longer.pk, prompt.pk, future.pk}
    assert Notification.objects.filter(kind="psych_screen_due").count() == len(sent)
    # Spot checks of the schedule itself (the loop above holds the job to the one-patient read).
    assert f"psych-screen-due:{never.pk}:distress_thermometer:2026-10-26" in sent
    assert f"psych-screen-due:{late.pk}:distress_thermometer:2026-10-26" in sent  # 7 local days after 19 Oct
    assert f"psych-screen-due:{own.pk}:distress_thermometer:2026-10-25" in sent
    assert f"psych-screen-due:{own.pk}:gad7:2026-11-01" in sent  # the day the clocks go back
    assert not any(key.startswith(f"psych-screen-due:{own.pk}:phq9:") for key in sent)
    assert f"psych-screen-due:{midnight.pk}:distress_thermometer:2026-10-25" in sent
    assert f"psych-screen-due:{longer.pk}:distress_thermometer:2026-10-19" not in sent
    assert f"psych-screen-due:{longer.pk}:distress_thermometer:2026-10-26" in sent
    assert f"psych-screen-due:{future.pk}:distress_thermometer:2026-11-05" in sent


def test_a_reminder_says_which_questionnaire_and_links_to_the_list(patient):
    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    patient.enrolled_at = now - timedelta(days=1)
    patient.save()
    screen_schedule_set(patient=patient, every_days={"distress_thermometer": 0, "gad7": 0}, changed_by=None)
    assert screen_reminders_send(now=now) == 1
    reminder = Notification.objects.get(kind="psych_screen_due")
    assert reminder.recipient == patient.user
    assert reminder.channel == "in_app"
    assert reminder.subject == "A short questionnaire is ready for you"
    assert reminder.body == "Please take a few minutes to answer the PHQ-9 (mood)."
    assert reminder.link == "/screens/"
    assert reminder.dedupe_key == f"psych-screen-due:{patient.pk}:phq9:2026-05-31"
    assert reminder.status == NotificationStatus.SENT and reminder.sent_at == now
    assert screen_reminders_send(now=now + timedelta(hours=1)) == 0


def test_with_no_questionnaire_scheduled_by_default_only_patients_with_their_own_schedule_are_reminded(settings):
    settings.TRACKER_SCREEN_EVERY_DAYS = {"distress_thermometer": 0, "phq9": 0, "gad7": 0}
    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    scheduled, unscheduled = (PatientFactory(user__username=name) for name in ("scheduled", "unscheduled"))
    for patient in (scheduled, unscheduled):
        patient.enrolled_at = now - timedelta(days=30)
        patient.save()
    screen_schedule_set(patient=scheduled, every_days={"gad7": 14}, changed_by=None)
    assert screen_reminders_send(now=now) == 1
    assert reminder_keys() == {f"psych-screen-due:{scheduled.pk}:gad7:2026-05-02"}


def test_with_nothing_due_the_job_reads_the_patients_once(django_assert_num_queries):
    """Whether anything is due is decided in the database: patients up to date cost no per-batch reads."""
    now = timezone.now()
    for n in range(5):
        patient = PatientFactory(user__username=f"up_to_date{n}")
        for instrument in (DT, PHQ9, GAD7):
            submit(patient, instrument, now - timedelta(days=2))
    with django_assert_num_queries(1):  # one page of patients who might have something due: none
        assert screen_reminders_send(now=now, batch_size=2) == 0
