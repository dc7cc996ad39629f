"""Psychology closes its loop (issue 17): a referral and its first contact are recorded on the distress alert.

Making a referral from a distress / self_harm alert (or from the questionnaire that raised it) acknowledges the
alert as the referrer; a first contact that reached the patient and agreed a plan resolves it; an unanswered call
or a patient who declines leaves it acknowledged. The triage queue and the distress queue then say the same.
"""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from tests.factories import AlertFactory, UserFactory
from tracker.accounts.models import CareTeamMembership
from tracker.alerts.models import Alert, AlertEvent, AlertEventKind
from tracker.alerts.services import alert_acknowledge, alert_resolve, submissions_evaluate_pending
from tracker.audit.models import AuditLog
from tracker.core.vocab import AlertStatus, Instrument, Role, RuleCode
from tracker.psych.models import Referral, ReferralContactAttempt
from tracker.psych.selectors import distress_action_taken_since, distress_queue
from tracker.psych.services import referral_create, referral_record_contact, screen_submit
from tracker.psych.services import referrals as psych_referrals

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
PHQ9_SELF_HARM_AND_LOW_MOOD = [2, 2, 2, 2, 1, 1, 1, 1, 1]  # total 13 (distress) and item 9 > 0 (self_harm)


def screen_with_alerts(patient, answers=PHQ9_SELF_HARM_AND_LOW_MOOD):
    # sent a few minutes ago: a contact recorded on the page (to the minute) comes after it
    screen, _created = screen_submit(
        patient=patient, instrument=Instrument.PHQ9, answers=answers, recorded_at=timezone.now() - timedelta(minutes=5)
    )
    submissions_evaluate_pending()
    return screen


def alert_of(patient, rule) -> Alert:
    return Alert.objects.select_related("acknowledged_by", "resolved_by").get(patient=patient, rule=rule)


def reached(referral, user, outcome, note=""):
    return referral_record_contact(
        referral=referral, contacted_at=timezone.now(), outcome=outcome, note=note, recorded_by=user
    )


# --- making the referral acknowledges -------------------------------------------------------------


def test_a_referral_from_an_open_alert_acknowledges_it_as_the_referrer(patient, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2])  # self_harm only
    alert = alert_of(patient, RuleCode.SELF_HARM)
    assert alert.status == AlertStatus.OPEN

    referral, _created = referral_create(patient=patient, service="psychology", created_by=psychologist, alert=alert)

    alert = alert_of(patient, RuleCode.SELF_HARM)
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, psychologist)
    assert referral.alert == alert
    # the same history as any acknowledgement: an event with the actor, an audit row, the escalation clock stopped
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.ACKNOWLEDGED, actor=psychologist).count() == 1
    assert AuditLog.objects.filter(actor=psychologist, target=f"alert {alert.pk}", detail="acknowledged").exists()


def test_an_alert_someone_already_acknowledged_stays_as_it_was(patient, nurse, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = alert_of(patient, RuleCode.SELF_HARM)
    alert_acknowledge(alert=alert, user=nurse)
    before = alert_of(patient, RuleCode.SELF_HARM)

    referral, created = referral_create(patient=patient, service="psychology", created_by=psychologist, alert=alert)

    after = alert_of(patient, RuleCode.SELF_HARM)
    assert created and referral.alert == after
    assert (after.status, after.acknowledged_by, after.acknowledged_at) == (
        AlertStatus.ACKNOWLEDGED,
        nurse,
        before.acknowledged_at,
    )
    assert AlertEvent.objects.filter(alert=after, kind=AlertEventKind.ACKNOWLEDGED).count() == 1


def test_a_referral_from_the_questionnaire_is_linked_to_its_alerts_and_acknowledges_both(patient, nurse, web_as):
    screen = screen_with_alerts(patient)
    url = f"/psych/patients/{patient.pk}/referrals/new/?screen={screen.pk}"
    assert web_as(nurse).post(url, {"service": "psychology", "screen": screen.pk}).status_code == 302

    referral = Referral.objects.get()
    self_harm, distress = alert_of(patient, RuleCode.SELF_HARM), alert_of(patient, RuleCode.DISTRESS)
    assert referral.alert == self_harm  # the most severe of the screen's alerts
    assert referral.screen == screen
    # one report seen by two rules: both are in hand now
    assert {a.status for a in (self_harm, distress)} == {AlertStatus.ACKNOWLEDGED}
    assert {a.acknowledged_by for a in (self_harm, distress)} == {nurse}


def test_a_referral_does_not_touch_an_alert_of_another_questionnaire_or_rule(patient, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2])
    pain = AlertFactory(patient=patient, rule=RuleCode.PAIN_ESCALATION, severity="urgent")
    referral_create(
        patient=patient, service="psychology", created_by=psychologist, alert=alert_of(patient, "self_harm")
    )
    pain.refresh_from_db()
    assert pain.status == AlertStatus.OPEN


def test_the_api_referral_from_an_alert_acknowledges_it(api_as, patient, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = alert_of(patient, RuleCode.SELF_HARM)
    response = api_as(psychologist).post(
        "/api/v1/referrals/", {"patient": patient.pk, "service": "psychology", "alert": alert.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["alert"] == alert.pk and response.json()["attempts"] == []
    shown = api_as(psychologist).get(f"/api/v1/alerts/{alert.pk}/").json()
    assert shown["status"] == "acknowledged" and shown["acknowledged_by"] is not None


def test_a_referral_for_another_patients_alert_or_a_non_distress_alert_is_a_400(
    api_as, patient, other_patient, nurse, other_nurse
):
    CareTeamMembership.objects.create(patient=other_patient, clinician=nurse, role=nurse.role)
    screen_with_alerts(other_patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    theirs = alert_of(other_patient, RuleCode.SELF_HARM)
    pain = AlertFactory(patient=patient, rule=RuleCode.PAIN_ESCALATION, severity="urgent")
    client = api_as(nurse)

    wrong_patient = client.post(
        "/api/v1/referrals/", {"patient": patient.pk, "service": "psychology", "alert": theirs.pk}
    )
    not_distress = client.post("/api/v1/referrals/", {"patient": patient.pk, "service": "psychology", "alert": pain.pk})

    assert wrong_patient.status_code == 400 and "alert" in wrong_patient.json()
    assert not_distress.status_code == 400 and "alert" in not_distress.json()
    assert not Referral.objects.exists()
    assert {a.status for a in Alert.objects.all()} == {AlertStatus.OPEN}


# --- the first contact resolves (or not) ----------------------------------------------------------


def test_a_first_contact_that_reached_the_patient_resolves_the_alert(patient, nurse, psychologist):
    screen = screen_with_alerts(patient)
    referral, _created = referral_create(patient=patient, service="psychology", created_by=nurse, screen=screen)

    reached(referral, psychologist, "appointment_booked", note="Seen Thursday, safety plan agreed")

    for rule in (RuleCode.SELF_HARM, RuleCode.DISTRESS):
        alert = alert_of(patient, rule)
        assert (alert.status, alert.resolved_by, alert.outcome) == (AlertStatus.RESOLVED, psychologist, "referred")
        assert alert.acknowledged_by == nurse  # who referred
        assert "Appointment booked" in alert.resolution_note and "safety plan agreed" in alert.resolution_note
    assert list(distress_queue(psychologist)) == []


@pytest.mark.parametrize(
    ("outcome", "resolved_with"),
    [("support_started", "referred"), ("advice_given", "advised"), ("no_need", "no_action_needed")],
)
def test_each_outcome_that_agreed_a_plan_maps_to_an_alert_outcome(patient, psychologist, outcome, resolved_with):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    referral, _c = referral_create(
        patient=patient, service="psychology", created_by=psychologist, alert=alert_of(patient, "self_harm")
    )
    reached(referral, psychologist, outcome)
    assert alert_of(patient, RuleCode.SELF_HARM).outcome == resolved_with


def test_a_patient_who_declines_leaves_the_alert_acknowledged_for_a_clinician_to_resolve(patient, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2])
    referral, _c = referral_create(
        patient=patient, service="psychology", created_by=psychologist, alert=alert_of(patient, "self_harm")
    )
    reached(referral, psychologist, "declined")
    referral.refresh_from_db()
    assert referral.is_contacted
    assert alert_of(patient, RuleCode.SELF_HARM).status == AlertStatus.ACKNOWLEDGED


def test_no_answer_is_an_attempt_not_a_contact_and_does_not_resolve(api_as, patient, psychologist):
    screen = screen_with_alerts(patient)
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        referral, _c = referral_create(patient=patient, service="psychology", created_by=psychologist, screen=screen)
        body = {"contacted_at": timezone.now().isoformat(), "result": "no_answer", "note": "Rang twice"}
        client = api_as(psychologist)
        first = client.post(f"/api/v1/referrals/{referral.pk}/contact/", body)
        again = client.post(f"/api/v1/referrals/{referral.pk}/contact/", body)  # a retry: stored once

        assert (first.status_code, again.status_code) == (200, 200), first.content
        data = again.json()
        assert data["contacted"] is False and data["contacted_at"] is None
        assert [(a["result"], a["note"], a["by"]) for a in data["attempts"]] == [
            ("no_answer", "Rang twice", "paula_psych")
        ]
        assert ReferralContactAttempt.objects.count() == 1
        assert alert_of(patient, RuleCode.SELF_HARM).status == AlertStatus.ACKNOWLEDGED
        assert alert_of(patient, RuleCode.DISTRESS).status == AlertStatus.ACKNOWLEDGED
        assert distress_action_taken_since(patient, screen.recorded_at) is False  # the untreated clock runs on
        # then the call that reaches the patient closes the loop
        done = client.post(
            f"/api/v1/referrals/{referral.pk}/contact/",
            {"contacted_at": timezone.now().isoformat(), "outcome": "support_started"},
        )
    assert done.status_code == 200 and done.json()["contacted"] is True
    assert alert_of(patient, RuleCode.SELF_HARM).status == AlertStatus.RESOLVED


def test_the_contact_api_refuses_a_bad_result_and_mismatched_outcome(api_as, patient, psychologist):
    referral, _c = referral_create(patient=patient, service="psychology", created_by=psychologist)
    url = f"/api/v1/referrals/{referral.pk}/contact/"
    now = timezone.now().isoformat()
    client = api_as(psychologist)
    assert "result" in client.post(url, {"contacted_at": now, "result": "carrier_pigeon"}).json()
    assert "outcome" in client.post(url, {"contacted_at": now, "result": "no_answer", "outcome": "declined"}).json()
    assert "outcome" in client.post(url, {"contacted_at": now}).json()
    assert not ReferralContactAttempt.objects.exists()
    referral.refresh_from_db()
    assert not referral.is_contacted


def test_a_no_answer_call_via_the_page_keeps_the_referral_waiting(patient, psychologist, web_as):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    referral, _c = referral_create(
        patient=patient, service="psychology", created_by=psychologist, alert=alert_of(patient, "self_harm")
    )
    client = web_as(psychologist)
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        f"/psych/referrals/{referral.pk}/contact/", {"contacted_at": when, "result": "no_answer"}, follow=True
    ).content.decode()
    assert "Call recorded. The referral still waits for a first contact." in page
    assert "No answer" in page and "acknowledged by" in page
    referral.refresh_from_db()
    assert not referral.is_contacted
    # "reached" without an outcome is a form error in plain words, not a 500
    refused = client.post(f"/psych/referrals/{referral.pk}/contact/", {"contacted_at": when, "result": "reached"})
    assert refused.status_code == 200 and "Say what came of the contact." in refused.content.decode()


# --- two people at once ---------------------------------------------------------------------------


def test_a_referral_racing_a_nurse_who_acknowledges_is_stored_and_the_nurses_acknowledgement_stands(
    patient, nurse, psychologist
):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = alert_of(patient, RuleCode.SELF_HARM)
    stale = alert_of(patient, RuleCode.SELF_HARM)  # read as open by the referral...
    alert_acknowledge(alert=alert, user=nurse)  # ...and acknowledged by the nurse before it writes
    with mock.patch.object(psych_referrals, "referral_alerts", return_value=[stale]):
        referral, created = referral_create(patient=patient, service="psychology", created_by=psychologist, alert=stale)
    assert created and Referral.objects.filter(pk=referral.pk).exists()
    assert alert_of(patient, RuleCode.SELF_HARM).acknowledged_by == nurse


def test_a_contact_racing_a_nurse_who_resolves_is_stored_and_the_nurses_resolution_stands(patient, nurse, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = alert_of(patient, RuleCode.SELF_HARM)
    referral, _c = referral_create(patient=patient, service="psychology", created_by=psychologist, alert=alert)
    stale = alert_of(patient, RuleCode.SELF_HARM)
    alert_resolve(alert=alert, user=nurse, outcome="advised", note="Spoke by phone, crisis plan in place")
    with mock.patch.object(psych_referrals, "referral_alerts", return_value=[stale]):
        reached(referral, psychologist, "appointment_booked")
    referral.refresh_from_db()
    resolved = alert_of(patient, RuleCode.SELF_HARM)
    assert referral.is_contacted
    assert (resolved.resolved_by, resolved.outcome) == (nurse, "advised")


def test_two_referrals_from_one_alert_by_two_people_both_stored_one_acknowledgement(patient, nurse, psychologist):
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = alert_of(patient, RuleCode.SELF_HARM)
    referral_create(patient=patient, service="psychology", created_by=nurse, alert=alert)
    referral_create(patient=patient, service="social_work", created_by=psychologist, alert=alert)
    assert Referral.objects.filter(alert=alert).count() == 2
    assert alert_of(patient, RuleCode.SELF_HARM).acknowledged_by == nurse
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.ACKNOWLEDGED).count() == 1


# --- the two queues agree -------------------------------------------------------------------------


def test_triage_and_the_distress_queue_agree_after_the_referral_and_after_the_contact(
    patient, nurse, psychologist, web_as
):
    psychologist.first_name, psychologist.last_name = "Paula", "Reyes"
    psychologist.save(update_fields=["first_name", "last_name"])
    screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2])
    alert = alert_of(patient, RuleCode.SELF_HARM)
    nurse_web, psych_web = web_as(nurse), web_as(psychologist)
    assert "Alert not yet acknowledged" in psych_web.get("/psych/queue/").content.decode()

    psych_web.post(
        f"/psych/patients/{patient.pk}/referrals/new/?alert={alert.pk}", {"service": "psychology", "alert": alert.pk}
    )
    referral = Referral.objects.get()

    triage = nurse_web.get("/triage/").content.decode()
    queue = psych_web.get("/psych/queue/").content.decode()
    assert f'id="alert-{alert.pk}"' in triage and "Acknowledged by Paula Reyes" in triage
    assert "Alert acknowledged by Paula Reyes" in queue and "no contact yet" in queue

    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    psych_web.post(f"/psych/referrals/{referral.pk}/contact/", {"contacted_at": when, "outcome": "support_started"})

    triage = nurse_web.get("/triage/").content.decode()
    waiting = psych_web.get("/psych/queue/").content.decode()
    recent = psych_web.get("/psych/queue/?show=recent").content.decode()
    assert f'id="alert-{alert.pk}"' not in triage  # resolved: out of the queue
    assert "No positive questionnaire is waiting for action." in waiting
    assert "Contacted" in recent and "Alert resolved by Paula Reyes: Referred" in recent


def test_staff_outside_the_psych_roles_may_refer_and_the_acknowledger_is_named(patient, physician, web_as):
    colleague = UserFactory(username="pia_psych", role=Role.PSYCHOLOGIST, first_name="Pia", last_name="Lund")
    CareTeamMembership.objects.create(patient=patient, clinician=colleague, role=colleague.role)
    with time_machine.travel(T0, tick=False):
        screen_with_alerts(patient, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
        alert = alert_of(patient, RuleCode.SELF_HARM)
        referral_create(patient=patient, service="psychology", created_by=colleague, alert=alert)
    page = web_as(physician).get(f"/psych/patients/{patient.pk}/").content.decode()
    assert f"Alert #{alert.pk} acknowledged by Pia Lund" in page
