"""Adherence from stored plans, versions, pauses and logs, with frozen time (the arithmetic itself is
table-tested in test_rules.py)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.rehab.conftest import NOW, prescribe, spec
from tracker.alerts.models import Alert
from tracker.audit.models import AuditLog
from tracker.core.vocab import AlertStatus, RuleCode, Severity
from tracker.rehab.models import ExerciseLog
from tracker.rehab.selectors import adherence_for, adherence_for_patients
from tracker.rehab.services import plan_end, plan_resume

pytestmark = pytest.mark.django_db

WEDNESDAY = NOW.date()  # 2026-11-18
MONDAY = WEDNESDAY - timedelta(days=2)
TWO_WEEKS_AGO = MONDAY - timedelta(weeks=2)  # Monday 2 Nov


def at(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def log(patient, item, day, *, completed=True):
    return ExerciseLog.objects.create(
        patient=patient,
        plan_item=item,
        recorded_at=at(day),
        performed_on=day,
        completed=completed,
        pain_before=2,
        pain_during=2,
        difficulty="ok",
    )


@pytest.fixture
def history(stable_patient, therapist, frozen):
    """Two and a half weeks of a plan that changed once, with a two-day pause.

    - Version 1 from Monday 2 Nov: ankle pumps every day, sit to stand Mon/Wed/Fri (10 a week).
    - Version 2 from Monday 16 Nov: heel raises every day.
    - A neuro_deficit alert open from Thursday 5 Nov to Friday 6 Nov, resolved with an urgent MRI at 16:00 and the
      plan resumed by the therapist at 17:00 (both days paused).
    """
    patient = stable_patient
    frozen.move_to(at(TWO_WEEKS_AGO, 8))
    v1 = prescribe(patient, therapist, spec("ankle-pumps"), spec("sit-to-stand", days=["mon", "wed", "fri"]))
    frozen.move_to(at(MONDAY, 8))
    v2 = prescribe(patient, therapist, spec("heel-raises-standing"), start=TWO_WEEKS_AGO)
    frozen.move_to(NOW)
    alert = Alert.objects.create(
        patient=patient,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="x",
        reported_at=at(TWO_WEEKS_AGO + timedelta(days=3), 9),
        status=AlertStatus.RESOLVED,
        resolved_at=at(TWO_WEEKS_AGO + timedelta(days=4), 16),
        outcome="urgent_mri",
    )
    Alert.objects.filter(pk=alert.pk).update(created_at=at(TWO_WEEKS_AGO + timedelta(days=3), 9))
    plan_resume(plan=v1.plan, user=therapist, note="MRI clear", now=at(TWO_WEEKS_AGO + timedelta(days=4), 17))
    pumps = v1.items.get(exercise__slug="ankle-pumps")
    sit = v1.items.get(exercise__slug="sit-to-stand")
    heel = v2.items.get()
    # Week 1 (2-8 Nov): pumps Mon-Wed and Sat; sit Mon; a log on the paused Thursday; one not completed.
    for offset in (0, 1, 2, 5):
        log(patient, pumps, TWO_WEEKS_AGO + timedelta(days=offset))
    log(patient, sit, TWO_WEEKS_AGO)
    log(patient, pumps, TWO_WEEKS_AGO + timedelta(days=3))  # paused day: not counted
    log(patient, sit, TWO_WEEKS_AGO + timedelta(days=2), completed=False)
    # Week 2 (9-15 Nov): every session of version 1, one logged twice.
    for offset in range(7, 14):
        log(patient, pumps, TWO_WEEKS_AGO + timedelta(days=offset))
    for offset in (7, 9, 11):
        log(patient, sit, TWO_WEEKS_AGO + timedelta(days=offset))
    log(patient, sit, TWO_WEEKS_AGO + timedelta(days=7))
    # Week 3 (16 Nov-): version 2; heel raises on Monday only; a version-1 item logged on Tuesday.
    log(patient, heel, MONDAY)
    log(patient, pumps, MONDAY + timedelta(days=1))
    return patient


def test_weekly_adherence_across_versions_pauses_and_weeks(history):
    weeks = adherence_for(history, today=WEDNESDAY, weeks=4)
    assert [(w.week_start, w.prescribed, w.done) for w in weeks] == [
        (TWO_WEEKS_AGO - timedelta(weeks=1), 0, 0),
        # 7 pumps + 3 sit-to-stand, minus Thursday and Friday paused (2 pumps, 1 sit) = 7; done 5.
        (TWO_WEEKS_AGO, 7, 5),
        (TWO_WEEKS_AGO + timedelta(weeks=1), 10, 10),
        # Mon, Tue, Wed (today) of heel raises: 3; done 1.
        (MONDAY, 3, 1),
    ]
    assert [w.percent for w in weeks] == [None, 71, 100, 33]


def test_an_ended_plan_prescribes_nothing_after_it_ended(history, therapist, frozen):
    plan = history.exercise_plans.get()
    frozen.move_to(at(MONDAY + timedelta(days=1), 9))  # ended on Tuesday: only Monday counts
    plan_end(plan=plan, therapist=therapist)
    frozen.move_to(NOW)
    assert adherence_for(history, today=WEDNESDAY, weeks=1)[0].prescribed == 1


def test_a_pause_still_open_covers_every_day_since_it_started(history, frozen):
    Alert.objects.create(
        patient=history, rule=RuleCode.NEURO_DEFICIT, severity=Severity.EMERGENCY, summary="x", reported_at=NOW
    )
    Alert.objects.filter(status=AlertStatus.OPEN).update(created_at=at(MONDAY + timedelta(days=1), 7))
    assert adherence_for(history, today=WEDNESDAY, weeks=1)[0].prescribed == 1  # Monday only


def test_many_patients_cost_the_same_queries(history, django_assert_num_queries, other_patient):
    # plans, versions, items, clearances (plan resumes), neuro alerts, completed logs
    with django_assert_num_queries(6):
        result = adherence_for_patients([history.pk, other_patient.pk], today=WEDNESDAY, weeks=4)
    assert [w.prescribed for w in result[other_patient.pk]] == [0, 0, 0, 0]
    assert result[history.pk][-1].prescribed == 3


def test_the_adherence_endpoint_for_the_patient_and_staff(api_as, history, nurse, other_nurse, other_patient):
    mine = api_as(history.user).get("/api/v1/adherence/", {"weeks": 4})
    assert mine.status_code == 200
    assert [w["percent"] for w in mine.json()["weeks"]] == [None, 71, 100, 33]
    assert api_as(history.user).get("/api/v1/adherence/", {"patient": other_patient.pk}).status_code == 404

    theirs = api_as(nurse).get("/api/v1/adherence/", {"patient": history.pk, "weeks": 2})
    assert [w["done"] for w in theirs.json()["weeks"]] == [10, 1]
    assert AuditLog.objects.filter(actor=nurse, patient=history, target="exercise adherence").exists()
    assert api_as(other_nurse).get("/api/v1/adherence/", {"patient": history.pk}).status_code == 404
    assert api_as(nurse).get("/api/v1/adherence/").status_code == 400
    assert api_as(nurse).get("/api/v1/adherence/", {"patient": history.pk, "weeks": "0"}).status_code == 400
    assert api_as(nurse).get("/api/v1/adherence/", {"patient": history.pk, "weeks": "x"}).status_code == 400
    # A digit to str.isdigit() but not a number to int(): a superscript two.
    assert api_as(nurse).get("/api/v1/adherence/", {"patient": history.pk, "weeks": "\u00b2"}).status_code == 400


def test_a_pause_counts_from_when_the_patient_reported_it_even_if_the_alert_came_later(history, frozen):
    """The broker was down: the alert was raised on Wednesday for a report made on Monday."""
    Alert.objects.create(
        patient=history,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="x",
        reported_at=at(MONDAY, 7),
    )
    assert adherence_for(history, today=WEDNESDAY, weeks=1)[0].prescribed == 0


def test_days_a_plan_waits_for_clearance_do_not_count_until_it_is_resumed(history, therapist, frozen):
    # Resolved with "admitted" on Monday 10:00: waits for clearance until resumed on Tuesday at 9:00 (the day
    # it is resumed counts as paused, as the day an alert is resolved does).
    Alert.objects.create(
        patient=history,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="x",
        reported_at=at(MONDAY - timedelta(days=1), 9),
        status=AlertStatus.RESOLVED,
        resolved_at=at(MONDAY, 10),
        outcome="admitted",
    )
    Alert.objects.filter(outcome="admitted").update(created_at=at(MONDAY - timedelta(days=1), 9))
    assert adherence_for(history, today=WEDNESDAY, weeks=1)[0].prescribed == 0  # still waiting: nothing due
    resumed = at(MONDAY + timedelta(days=1), 9)
    plan_resume(plan=history.exercise_plans.get(), user=therapist, note="Home again, plan checked", now=resumed)
    assert adherence_for(history, today=WEDNESDAY, weeks=1)[0].prescribed == 1  # Wednesday only


def test_a_false_alarm_does_not_hold_the_plan_in_adherence(history, frozen):
    Alert.objects.create(
        patient=history,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="x",
        reported_at=at(MONDAY, 9),
        status=AlertStatus.RESOLVED,
        resolved_at=at(MONDAY, 10),
        outcome="no_action_needed",
    )
    Alert.objects.filter(outcome="no_action_needed").update(created_at=at(MONDAY, 9))
    assert adherence_for(history, today=WEDNESDAY, weeks=1)[0].prescribed == 2  # Tuesday and Wednesday
