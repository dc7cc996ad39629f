"""The patient's day: today's exercises, the neuro pause and its end, logging a session."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tests.rehab.conftest import NOW, prescribe, set_precautions, spec
from tracker.alerts.models import Alert, AlertTrigger
from tracker.alerts.services import alert_acknowledge, alert_resolve, submission_evaluate
from tracker.core.vocab import AlertStatus, Role, RuleCode, Severity, SpinalStability
from tracker.notifications.models import Notification
from tracker.rehab.models import ExerciseLog, ExercisePlan
from tracker.rehab.selectors import today_for
from tracker.rehab.services import plan_end

pytestmark = pytest.mark.django_db

TODAY_URL = "/api/v1/today/"
LOGS_URL = "/api/v1/exercise-logs/"


def neuro_alert(patient, **fields):
    return Alert.objects.create(
        patient=patient,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="New weakness in the left leg",
        reported_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def plan(stable_patient, therapist, frozen):
    """Wednesday: ankle pumps every day, sit to stand Mon/Wed/Fri, heel raises Tue/Thu."""
    return prescribe(
        stable_patient,
        therapist,
        spec("ankle-pumps"),
        spec("sit-to-stand", days=["mon", "wed", "fri"]),
        spec("heel-raises-standing", days=["tue", "thu"]),
    ).plan


def item_of(plan, slug):
    return plan.current_version.items.get(exercise__slug=slug)


# --------------------------------------------------------------------------------------------------
# Today's exercises
# --------------------------------------------------------------------------------------------------


def test_today_lists_the_exercises_scheduled_for_this_weekday(api_as, plan, stable_patient, frozen):
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["date"] == "2026-11-18"
    assert data["paused"] is False and data["reason"] is None and data["call"] is None
    assert [e["exercise"]["slug"] for e in data["exercises"]] == ["ankle-pumps", "sit-to-stand"]
    first = data["exercises"][0]
    assert first["logged"] is False and first["on_hold"] is False
    assert first["exercise"]["instructions"] and first["exercise"]["safety_cues"]

    frozen.move_to(NOW + timedelta(days=1))  # Thursday
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert [e["exercise"]["slug"] for e in data["exercises"]] == ["ankle-pumps", "heel-raises-standing"]


def test_a_plan_starting_next_week_shows_nothing_yet(api_as, stable_patient, therapist, frozen):
    prescribe(stable_patient, therapist, spec("ankle-pumps"), start=NOW.date() + timedelta(days=5))
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["plan"] is not None and data["exercises"] == []
    frozen.move_to(NOW + timedelta(days=5))
    assert len(api_as(stable_patient.user).get(TODAY_URL).json()["exercises"]) == 1


def test_no_plan_means_no_exercises(api_as, patient, frozen):
    data = api_as(patient.user).get(TODAY_URL).json()
    assert data == {
        "date": "2026-11-18",
        "paused": False,
        "waiting_for_clearance": False,  # added by issue #17
        "reason": None,
        "call": None,
        "plan": None,
        "reminder_time": None,
        "exercises": [],
        "content": data["content"],
    }


def test_today_is_for_patients_only(api_as, api, nurse, therapist):
    assert api_as(nurse).get(TODAY_URL).status_code == 403
    assert api_as(therapist).get(TODAY_URL).status_code == 403
    assert api.get(TODAY_URL).status_code == 401


def test_an_exercise_that_now_conflicts_with_changed_precautions_is_on_hold(api_as, plan, stable_patient):
    set_precautions(stable_patient, no_axial_loading=True)
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    holds = {e["exercise"]["slug"]: e["on_hold"] for e in data["exercises"]}
    assert holds == {"ankle-pumps": False, "sit-to-stand": True}


def test_an_overridden_conflict_is_not_put_on_hold_again(api_as, stable_patient, therapist, frozen):
    set_precautions(stable_patient, no_axial_loading=True)
    prescribe(stable_patient, therapist, spec("sit-to-stand"), override_reason="Supervised by the ward team")
    assert api_as(stable_patient.user).get(TODAY_URL).json()["exercises"][0]["on_hold"] is False
    set_precautions(stable_patient, stability=SpinalStability.UNSTABLE, no_axial_loading=True)
    assert api_as(stable_patient.user).get(TODAY_URL).json()["exercises"][0]["on_hold"] is True


# --------------------------------------------------------------------------------------------------
# Pausing and resuming with the neuro_deficit alert
# --------------------------------------------------------------------------------------------------


def test_an_open_neuro_alert_pauses_the_plan_with_why_and_whom_to_call(api_as, plan, stable_patient, web_as):
    stable_patient.emergency_number = "+44 20 7946 0999"
    stable_patient.save()
    neuro_alert(stable_patient)
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["paused"] is True
    assert data["exercises"] == []
    assert "paused" in data["reason"] and "nerves" in data["reason"]
    assert data["call"] == "+44 20 7946 0999"

    page = web_as(stable_patient.user).get("/exercises/today/")
    html = page.content.decode()
    assert "Your exercises are paused" in html
    assert 'href="tel:+442079460999"' in html
    assert "log-form" not in html


def test_the_plan_stays_paused_when_acknowledged_and_resumes_when_resolved_as_a_false_alarm(
    api_as, plan, stable_patient, nurse
):
    alert = neuro_alert(stable_patient)
    alert_acknowledge(alert=alert, user=nurse)
    assert api_as(stable_patient.user).get(TODAY_URL).json()["paused"] is True
    # Issue #17: only no_action_needed resumes the plan at once (urgent_mri now holds it: test_clearance.py).
    alert_resolve(alert=alert, user=nurse, outcome="no_action_needed", note="Cramp after a long walk, gone now")
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["paused"] is False
    assert len(data["exercises"]) == 2


def test_other_alerts_do_not_pause_the_plan(api_as, plan, stable_patient):
    Alert.objects.create(
        patient=stable_patient,
        rule=RuleCode.PAIN_ESCALATION,
        severity=Severity.URGENT,
        summary="Rising pain",
        reported_at=timezone.now(),
    )
    neuro_alert(stable_patient, status=AlertStatus.RESOLVED, resolved_at=timezone.now(), outcome="advised")
    assert api_as(stable_patient.user).get(TODAY_URL).json()["paused"] is False


def test_another_patients_neuro_alert_does_not_pause_this_plan(api_as, plan, stable_patient, other_patient):
    neuro_alert(other_patient)
    assert today_for(stable_patient).paused is False


# --------------------------------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------------------------------


def log_body(item, **extra):
    return {
        "plan_item": item.pk,
        "completed": True,
        "pain_before": 2,
        "pain_during": 3,
        "difficulty": "ok",
        **extra,
    }


def test_logging_an_exercise_marks_it_done_for_today(api_as, plan, stable_patient):
    item = item_of(plan, "ankle-pumps")
    response = api_as(stable_patient.user).post(LOGS_URL, log_body(item, note="Easy today"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["performed_on"] == "2026-11-18"
    assert data["plan_version"] == 1
    assert data["therapist_told"] is False
    assert data["advice"]["level"] == "none"
    log = ExerciseLog.objects.get()
    assert (log.patient, log.plan_item, log.note, log.evaluated_at) == (stable_patient, item, "Easy today", None)
    today = api_as(stable_patient.user).get(TODAY_URL).json()
    assert {e["exercise"]["slug"]: e["logged"] for e in today["exercises"]} == {
        "ankle-pumps": True,
        "sit-to-stand": False,
    }


def test_a_repeated_client_id_returns_the_first_log_and_stores_nothing_new(api_as, plan, stable_patient):
    item = item_of(plan, "ankle-pumps")
    client_id = str(uuid.uuid4())
    first = api_as(stable_patient.user).post(LOGS_URL, log_body(item, client_id=client_id), format="json")
    again = api_as(stable_patient.user).post(
        LOGS_URL, log_body(item, client_id=client_id, pain_during=9), format="json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["pain_during"] == 3
    assert ExerciseLog.objects.count() == 1


def test_only_items_of_the_callers_active_plan_can_be_logged(api_as, plan, stable_patient, other_patient, therapist):
    set_precautions(other_patient)
    other_therapist = UserFactory(username="tina_t", role=Role.THERAPIST)
    other_patient.memberships.create(clinician=other_therapist, role=Role.THERAPIST)
    theirs = prescribe(other_patient, other_therapist, spec("ankle-pumps")).items.get()
    response = api_as(stable_patient.user).post(LOGS_URL, log_body(theirs), format="json")
    assert response.status_code == 400
    assert "plan_item" in response.json()
    assert (
        api_as(stable_patient.user).post(LOGS_URL, log_body(theirs, plan_item=10**9), format="json").status_code == 400
    )

    mine = item_of(plan, "ankle-pumps")
    plan_end(plan=ExercisePlan.objects.get(pk=plan.pk), therapist=therapist)
    assert api_as(stable_patient.user).post(LOGS_URL, log_body(mine), format="json").status_code == 400
    assert not ExerciseLog.objects.exists()


def test_an_item_of_an_earlier_version_can_still_be_logged(api_as, plan, stable_patient, therapist):
    """A phone that was offline while the therapist changed the plan logs what it showed."""
    old = item_of(plan, "ankle-pumps")
    prescribe(stable_patient, therapist, spec("heel-raises-standing"))
    response = api_as(stable_patient.user).post(LOGS_URL, log_body(old), format="json")
    assert response.status_code == 201
    assert response.json()["plan_version"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"pain_before": 11},
        {"pain_during": -1},
        {"pain_during": "3"},
        {"completed": "yes"},
        {"completed": 1},
        {"difficulty": "impossible"},
        {"note": "x" * 2001},
        {"client_id": 5},
        {"recorded_at": "2026-11-10T08:00:00+00:00"},  # more than 7 days ago
        {"recorded_at": "2026-11-18T09:00:00+00:00"},  # an hour in the future
        {"extra": 1},
    ],
)
def test_bad_logs_are_400_field_errors(api_as, plan, stable_patient, change):
    response = api_as(stable_patient.user).post(
        LOGS_URL, log_body(item_of(plan, "ankle-pumps"), **change), format="json"
    )
    assert response.status_code == 400
    assert set(change) <= set(response.json())
    assert not ExerciseLog.objects.exists()


def test_missing_fields_are_400(api_as, plan, stable_patient):
    response = api_as(stable_patient.user).post(LOGS_URL, {"plan_item": item_of(plan, "ankle-pumps").pk}, format="json")
    assert response.status_code == 400
    assert {"completed", "pain_before", "pain_during", "difficulty"} <= set(response.json())


def test_a_late_log_counts_on_the_day_it_was_done(api_as, plan, stable_patient):
    response = api_as(stable_patient.user).post(
        LOGS_URL,
        log_body(item_of(plan, "ankle-pumps"), recorded_at="2026-11-17T19:30:00+00:00"),
        format="json",
    )
    assert response.json()["performed_on"] == "2026-11-17"


def test_staff_cannot_log_for_a_patient(api_as, plan, therapist):
    assert api_as(therapist).post(LOGS_URL, log_body(item_of(plan, "ankle-pumps")), format="json").status_code == 403


# --------------------------------------------------------------------------------------------------
# exercise_pain goes to the therapist
# --------------------------------------------------------------------------------------------------


def test_high_pain_during_exercise_raises_an_exercise_pain_alert_for_the_therapist(
    api_as, plan, stable_patient, therapist, nurse, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_as(stable_patient.user).post(
            LOGS_URL, log_body(item_of(plan, "sit-to-stand"), pain_before=2, pain_during=7), format="json"
        )
    assert response.status_code == 201
    assert response.json()["therapist_told"] is True
    assert "therapist" in response.json()["advice"]["message"]
    assert callbacks, "the evaluation is queued after commit"

    log = ExerciseLog.objects.get()
    submission_evaluate(label="rehab.exerciselog", pk=log.pk)
    alert = Alert.objects.get(patient=stable_patient)
    assert (alert.rule, alert.severity) == (RuleCode.EXERCISE_PAIN, Severity.ROUTINE)
    assert alert.evidence[0]["evidence"]["pain_during"] == 7
    assert alert.evidence[0]["source"] == {"type": "rehab.exerciselog", "id": log.pk}
    assert AlertTrigger.objects.filter(source_type="rehab.exerciselog", source_id=log.pk).exists()
    assert Notification.objects.filter(recipient=therapist, channel="in_app").exists()
    assert not Notification.objects.filter(recipient=nurse).exists()
    assert ExerciseLog.objects.get(pk=log.pk).evaluated_at is not None


@pytest.mark.parametrize(("before", "during", "fires"), [(2, 4, False), (3, 6, True), (5, 7, True), (6, 6, False)])
def test_the_exercise_pain_rule_decides_what_is_flagged(api_as, plan, stable_patient, before, during, fires):
    response = api_as(stable_patient.user).post(
        LOGS_URL, log_body(item_of(plan, "ankle-pumps"), pain_before=before, pain_during=during), format="json"
    )
    assert response.json()["therapist_told"] is fires
    submission_evaluate(label="rehab.exerciselog", pk=response.json()["id"])
    assert Alert.objects.filter(patient=stable_patient, rule=RuleCode.EXERCISE_PAIN).exists() is fires


def test_logs_are_listed_for_the_patient_and_their_care_team_only(
    api_as, plan, stable_patient, nurse, other_nurse, other_patient, django_assert_max_num_queries
):
    for slug in ("ankle-pumps", "sit-to-stand"):
        api_as(stable_patient.user).post(LOGS_URL, log_body(item_of(plan, slug)), format="json")
    client = api_as(nurse)
    # Queries: token with user, the patient (reach), count, logs (+ item, exercise, version), audit.
    with django_assert_max_num_queries(5):
        response = client.get(LOGS_URL, {"patient": stable_patient.pk})
    assert response.json()["count"] == 2
    assert api_as(stable_patient.user).get(LOGS_URL).json()["count"] == 2
    assert api_as(other_patient.user).get(LOGS_URL).json()["count"] == 0
    assert api_as(other_nurse).get(LOGS_URL).json()["count"] == 0
    assert api_as(other_nurse).get(LOGS_URL, {"patient": stable_patient.pk}).status_code == 404
