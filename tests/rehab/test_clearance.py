"""Outcomes drive the plan (docs/clinical.md "Exercise safety", docs/api.md "Rehabilitation"): after a
neuro_deficit alert is resolved with anything but no_action_needed, the plan stays paused until a therapist or
physician on the care team resumes it."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from tests.factories import UserFactory
from tests.rehab.conftest import NOW, prescribe, spec
from tracker.alerts.models import Alert
from tracker.alerts.services import alert_resolve
from tracker.audit.models import AuditLog
from tracker.core.vocab import Role, RuleCode, Severity
from tracker.notifications.models import Notification
from tracker.rehab.models import ExercisePlan, PlanResume
from tracker.rehab.selectors import today_for
from tracker.rehab.services import pause_notices_send, plan_end

pytestmark = pytest.mark.django_db

TODAY_URL = "/api/v1/today/"
MIGRATION_0006 = importlib.import_module("tracker.rehab.migrations.0006_clear_plans_resolved_before")


@pytest.fixture
def plan(stable_patient, therapist, frozen):
    return prescribe(stable_patient, therapist, spec("ankle-pumps"), spec("tummy-tighten-lying")).plan


def resolved_neuro_alert(patient, nurse, outcome):
    alert = Alert.objects.create(
        patient=patient,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="New weakness in the left leg",
        reported_at=timezone.now(),
    )
    return alert_resolve(alert=alert, user=nurse, outcome=outcome, note="Seen by the team")


def resume_url(plan):
    return f"/api/v1/plans/{plan.pk}/resume/"


def test_urgent_mri_keeps_the_plan_paused_and_today_says_why_in_plain_words(
    api_as, plan, stable_patient, nurse, frozen
):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["paused"] is True and data["waiting_for_clearance"] is True
    assert data["exercises"] == []
    assert "on hold" in data["reason"] and "scan" in data["reason"] and "alert" not in data["reason"]
    assert data["call"] == stable_patient.effective_emergency_number
    html = api_as(stable_patient.user).get(f"/api/v1/plans/{plan.pk}/").json()
    assert html["waiting_for_clearance"] is True


@pytest.mark.parametrize("outcome", ["advised", "medication_changed", "referred", "admitted"])
def test_every_outcome_but_no_action_needed_holds_the_plan(plan, stable_patient, nurse, frozen, outcome):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, outcome)
    assert today_for(stable_patient).pause.waiting_for_clearance is True


def test_no_action_needed_resumes_the_plan_at_once(api_as, plan, stable_patient, nurse, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "no_action_needed")
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["paused"] is False and data["waiting_for_clearance"] is False and data["reason"] is None
    assert len(data["exercises"]) == 2


def test_a_resolution_before_the_plan_was_made_does_not_hold_it(api_as, stable_patient, nurse, therapist, frozen):
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    frozen.move_to(NOW + timedelta(hours=1))
    prescribe(stable_patient, therapist, spec("ankle-pumps"))  # made knowing the new situation
    assert api_as(stable_patient.user).get(TODAY_URL).json()["paused"] is False


def test_the_therapist_resumes_it_with_a_note_and_the_patient_sees_the_plan_again(
    api_as, plan, stable_patient, nurse, therapist, frozen
):
    frozen.move_to(NOW + timedelta(minutes=10))
    alert = resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    pause_notices_send(now=timezone.now())
    frozen.move_to(NOW + timedelta(hours=30))
    response = api_as(therapist).post(resume_url(plan), {"note": "MRI: no cord compression. Plan checked."})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == plan.pk and body["waiting_for_clearance"] is False
    assert body["resumed_by"] == therapist.username and body["resume_note"].startswith("MRI: no cord")
    assert body["resumed_at"].startswith("2026-11-19T14:00")
    data = api_as(stable_patient.user).get(TODAY_URL).json()
    assert data["paused"] is False and len(data["exercises"]) == 2
    [resume] = PlanResume.objects.filter(plan=plan)
    assert resume.by == therapist
    entry = AuditLog.objects.filter(actor=therapist, target=f"exercise plan {plan.pk}").latest("pk")
    assert entry.detail == f"resumed after alert {alert.pk} (urgent_mri)"
    assert Notification.objects.filter(
        recipient=stable_patient.user, kind="exercise_plan_notice", channel="in_app", body__startswith="Good news"
    ).exists()
    # A second resume: the plan is no longer held.
    again = api_as(therapist).post(resume_url(plan), {"note": "again"})
    assert again.status_code == 400
    assert "not on hold" in again.json()["non_field_errors"][0]


def test_a_physician_on_the_team_may_resume_it(api_as, plan, stable_patient, nurse, physician, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "admitted")
    assert api_as(physician).post(resume_url(plan), {"note": "Discharged, fit for the plan"}).status_code == 200


def test_resume_is_400_when_the_plan_is_not_held(api_as, plan, therapist):
    response = api_as(therapist).post(resume_url(plan), {"note": "Checked"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "This plan is not on hold: no neurological alert has been resolved since it was last cleared."
    ]


def test_resume_is_400_while_the_alert_is_still_open(api_as, plan, stable_patient, therapist):
    Alert.objects.create(
        patient=stable_patient, rule=RuleCode.NEURO_DEFICIT, severity=Severity.EMERGENCY, summary="x", reported_at=NOW
    )
    response = api_as(therapist).post(resume_url(plan), {"note": "Checked"}, format="json")
    assert response.status_code == 400
    assert "unresolved alert" in response.json()["non_field_errors"][0]
    assert ExercisePlan.objects.get(pk=plan.pk).resumed_at is None


def test_resume_is_400_for_an_ended_plan(api_as, plan, therapist):
    plan_end(plan=plan, therapist=therapist)
    response = api_as(therapist).post(resume_url(plan), {"note": "Checked"}, format="json")
    assert response.status_code == 400
    assert "ended" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "   "}, {"note": 5}, {"note": "x" * 1001}])
def test_resume_needs_a_note(api_as, plan, stable_patient, nurse, therapist, frozen, body):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    response = api_as(therapist).post(resume_url(plan), body, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    assert today_for(stable_patient).paused is True


@pytest.mark.parametrize("who", ["nurse", "psychologist", "patient", "admin"])
def test_resume_is_403_for_other_roles(api_as, plan, stable_patient, nurse, frozen, actors, who):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    response = api_as(actors[who]).post(resume_url(plan), {"note": "Checked"}, format="json")
    assert response.status_code == 403
    assert today_for(stable_patient).paused is True


def test_resume_is_404_for_a_therapist_of_another_team(api_as, plan, stable_patient, nurse, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    stranger = UserFactory(username="tess_othertherapist", role=Role.THERAPIST)
    assert api_as(stranger).post(resume_url(plan), {"note": "Checked"}, format="json").status_code == 404
    assert api_as(stranger).post("/api/v1/plans/999999/resume/", {"note": "x"}, format="json").status_code == 404
    assert today_for(stable_patient).paused is True


def test_a_new_hold_after_a_resume_needs_a_new_resume(api_as, plan, stable_patient, nurse, therapist, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    frozen.move_to(NOW + timedelta(days=1))
    assert api_as(therapist).post(resume_url(plan), {"note": "MRI clear"}, format="json").status_code == 200
    frozen.move_to(NOW + timedelta(days=3))
    resolved_neuro_alert(stable_patient, nurse, "referred")
    assert today_for(stable_patient).pause.waiting_for_clearance is True


def test_the_staff_list_says_waiting_for_clearance_apart_from_paused(
    web_as, plan, stable_patient, nurse, therapist, frozen
):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    client = web_as(therapist)
    html = client.get("/rehab/").content.decode()
    assert "Waiting for clearance" in html
    assert "waiting for clearance" in client.get("/").content.decode()  # the therapist's home panel
    Alert.objects.create(
        patient=stable_patient, rule=RuleCode.NEURO_DEFICIT, severity=Severity.EMERGENCY, summary="x", reported_at=NOW
    )
    html = client.get("/rehab/").content.decode()
    assert "Waiting for clearance" not in html and "Paused" in html


# --------------------------------------------------------------------------------------------------
# The staff plan page: the resume form
# --------------------------------------------------------------------------------------------------


def page_resume_url(plan):
    return f"/rehab/patients/{plan.patient_id}/plans/{plan.pk}/resume/"


def test_the_plan_page_offers_the_resume_form_to_therapists_and_physicians_only(
    web_as, plan, stable_patient, nurse, therapist, physician, frozen
):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    for who in (therapist, physician):
        html = web_as(who).get(f"/rehab/patients/{stable_patient.pk}/").content.decode()
        assert "Waiting for clearance" in html and "Urgent MRI arranged" in html
        assert "Resume exercises" in html
    html = web_as(nurse).get(f"/rehab/patients/{stable_patient.pk}/").content.decode()
    assert "Waiting for clearance" in html and "Resume exercises" not in html
    assert web_as(nurse).post(page_resume_url(plan), {"note": "x"}).status_code == 403
    assert today_for(stable_patient).paused is True


def test_resuming_from_the_page_needs_a_note_then_confirms(web_as, plan, stable_patient, nurse, therapist, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    client = web_as(therapist)
    refused = client.post(page_resume_url(plan), {"note": "  "})
    assert refused.status_code == 400
    assert "Say what you checked before resuming the exercises." in refused.content.decode()
    assert today_for(stable_patient).paused is True
    done = client.post(page_resume_url(plan), {"note": "MRI clear; plan checked"}, follow=True)
    html = done.content.decode()
    assert "Exercises resumed." in html
    assert "Waiting for clearance" not in html and "MRI clear; plan checked" in html
    assert today_for(stable_patient).paused is False
    again = client.post(page_resume_url(plan), {"note": "again"})
    assert again.status_code == 400 and "not on hold" in again.content.decode()


def test_the_resume_page_action_is_404_outside_the_team(web_as, plan, stable_patient, nurse, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    stranger = UserFactory(username="tess_othertherapist", role=Role.THERAPIST)
    assert web_as(stranger).post(page_resume_url(plan), {"note": "x"}).status_code == 404


def test_the_patients_today_page_and_home_say_on_hold_and_show_no_exercise(web_as, plan, stable_patient, nurse, frozen):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")
    client = web_as(stable_patient.user)
    html = client.get("/exercises/today/").content.decode()
    assert "Your exercises are on hold" in html
    assert "log-form" not in html and "exercise-card" not in html
    assert "Your exercises are on hold." in client.get("/").content.decode()


def test_the_data_migration_keeps_past_resolutions_from_holding_existing_plans(
    plan, stable_patient, nurse, therapist, frozen
):
    frozen.move_to(NOW + timedelta(minutes=10))
    resolved_neuro_alert(stable_patient, nurse, "urgent_mri")  # as if resolved before the rule existed
    assert today_for(stable_patient).paused is True
    MIGRATION_0006.record_automatic_clearances(django_apps, None)
    assert today_for(stable_patient).paused is False
    [automatic] = PlanResume.objects.filter(plan=plan)
    assert automatic.by is None and automatic.at == NOW + timedelta(minutes=10)
    frozen.move_to(NOW + timedelta(days=1))
    resolved_neuro_alert(stable_patient, nurse, "admitted")  # a new one after: holds again
    assert today_for(stable_patient).pause.waiting_for_clearance is True
