"""The nurse acts in one place (issue #17): the contact log, the alert's sources and the patient's other
alerts, through the API and the alert page (docs/api.md "Alerts")."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.alerts.util import LABEL
from tests.dashboard.helpers import exercise_plan
from tests.factories import AlertFactory, CheckInFactory, ExerciseLogFactory, PatientFactory, ScreenFactory
from tracker.alerts import contacts
from tracker.alerts.contacts import alert_contact_record
from tracker.alerts.models import Alert, AlertContact, AlertEvent, AlertEventKind
from tracker.alerts.rules import Finding
from tracker.alerts.services import alert_acknowledge, alert_raise, alert_resolve, submission_evaluate
from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import AlertStatus

pytestmark = pytest.mark.django_db

NOTE = "leg gave way on the stairs"


def contacts_url(alert) -> str:
    return f"/api/v1/alerts/{alert.pk}/contacts/"


@pytest.fixture
def alert(patient):
    return AlertFactory(patient=patient, rule="neuro_deficit")


@pytest.fixture
def reported(patient):
    """A neuro_deficit alert raised by a check-in whose note says what happened."""
    checkin = CheckInFactory(patient=patient, note=NOTE, red_flag=True)
    submission_evaluate(label=LABEL, pk=checkin.pk)
    return Alert.objects.get(patient=patient, rule="neuro_deficit"), checkin


# --- contacts: POST ------------------------------------------------------------------------------


def test_recording_a_contact_answers_201_with_the_contract_fields(api_as, nurse, alert):
    response = api_as(nurse).post(
        contacts_url(alert), {"method": "phone", "result": "no_answer", "note": "Rang twice."}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "at", "by", "method", "result", "note"}
    assert (body["method"], body["result"], body["note"]) == ("phone", "no_answer", "Rang twice.")
    assert body["by"]["id"] == nurse.pk and body["by"]["name"] == nurse.display_name
    assert AlertContact.objects.get(pk=body["id"]).by == nurse


def test_a_contact_on_an_open_alert_acknowledges_it_once_with_event_and_audit(api_as, nurse, alert):
    api_as(nurse).post(contacts_url(alert), {"method": "phone", "result": "no_answer"}, format="json")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == nurse
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.ACKNOWLEDGED, actor=nurse).count() == 1
    assert AuditLog.objects.filter(actor=nurse, target=f"alert {alert.pk}", detail="acknowledged").exists()
    assert AuditLog.objects.filter(actor=nurse, action=AuditAction.CREATE, target=f"alert {alert.pk}").exists()
    # A second call leaves the acknowledgement as it was.
    api_as(nurse).post(contacts_url(alert), {"method": "phone", "result": "reached"}, format="json")
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.ACKNOWLEDGED).count() == 1


def test_a_contact_after_someone_else_acknowledged_keeps_their_acknowledgement(api_as, nurse, physician, alert):
    alert_acknowledge(alert=alert, user=physician)
    response = api_as(nurse).post(contacts_url(alert), {"method": "sms", "result": "left_message"}, format="json")
    assert response.status_code == 201
    alert.refresh_from_db()
    assert alert.acknowledged_by == physician


def test_a_race_with_an_acknowledgement_is_never_an_error(api_as, nurse, physician, alert, monkeypatch):
    """The physician acknowledges between the nurse's "is it open?" and her conditional update."""
    real = contacts.alert_acknowledge

    def physician_first(*, alert, user):
        real(alert=alert, user=physician)
        return real(alert=alert, user=user)

    monkeypatch.setattr(contacts, "alert_acknowledge", physician_first)
    response = api_as(nurse).post(contacts_url(alert), {"method": "phone", "result": "reached"}, format="json")
    assert response.status_code == 201
    alert.refresh_from_db()
    assert alert.acknowledged_by == physician
    assert AlertContact.objects.get().by == nurse


def test_a_contact_on_a_resolved_alert_is_recorded_and_the_alert_stays_resolved(api_as, nurse, alert):
    alert_resolve(alert=alert, user=nurse, outcome="advised", note="Advised by phone.")
    response = api_as(nurse).post(contacts_url(alert), {"method": "phone", "result": "reached"}, format="json")
    assert response.status_code == 201
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"method": "pigeon", "result": "reached"}, {"method"}),
        ({"method": "phone", "result": "maybe"}, {"result"}),
        ({"method": "", "result": ""}, {"method", "result"}),
        ({}, {"method", "result"}),
        ({"method": "phone", "result": "reached", "note": "x" * 4001}, {"note"}),
    ],
)
def test_unknown_methods_and_results_are_400_with_field_errors(api_as, nurse, alert, body, fields):
    response = api_as(nurse).post(contacts_url(alert), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not AlertContact.objects.exists()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN  # nothing recorded, nothing acknowledged


def test_the_database_refuses_a_method_or_result_outside_the_vocabulary(nurse, alert):
    for fields in ({"method": "pigeon", "result": "reached"}, {"method": "phone", "result": "maybe"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AlertContact.objects.create(alert=alert, by=nurse, **fields)


# --- contacts: GET and access --------------------------------------------------------------------


def test_the_contact_log_lists_newest_first_and_the_read_is_audited(api_as, nurse, physician, alert):
    alert_contact_record(alert=alert, user=nurse, method="phone", result="no_answer")
    later = alert_contact_record(
        alert=alert, user=physician, method="video", result="reached", at=timezone.now() + timedelta(minutes=5)
    )
    response = api_as(nurse).get(contacts_url(alert))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results][0] == later.contact.pk
    assert [(r["method"], r["result"]) for r in results] == [("video", "reached"), ("phone", "no_answer")]
    assert AuditLog.objects.filter(actor=nurse, action=AuditAction.VIEW, target=f"alert {alert.pk}").exists()


def test_patients_get_403_and_other_teams_404(api_as, patient, other_nurse, alert):
    for method in ("get", "post"):
        response = getattr(api_as(patient.user), method)(contacts_url(alert), {"method": "phone", "result": "reached"})
        assert response.status_code == 403
        assert getattr(api_as(other_nurse), method)(contacts_url(alert)).status_code == 404
    assert api_as(other_nurse).get("/api/v1/alerts/999999/contacts/").status_code == 404
    assert not AlertContact.objects.exists()


def test_visitors_must_sign_in(api, alert):
    assert api.get(contacts_url(alert)).status_code in (401, 403)


# --- sources and other open alerts ---------------------------------------------------------------


def test_an_alert_lists_the_check_in_that_raised_it_with_the_note_and_who_reported_it(api_as, nurse, reported):
    alert, checkin = reported
    item = api_as(nurse).get(f"/api/v1/alerts/{alert.pk}/").json()
    assert item["sources"] == [
        {
            "type": "checkin",
            "id": checkin.pk,
            "recorded_at": item["sources"][0]["recorded_at"],
            "note": NOTE,
            "reported_by": {"role": "patient", "display_name": checkin.patient.user.display_name},
            "reported_via": "app",
        }
    ]
    assert item["other_open_alerts"] == []


def test_sources_are_every_triggering_submission_newest_first(api_as, nurse, patient):
    older = CheckInFactory(patient=patient, recorded_at=timezone.now() - timedelta(hours=2), red_flag=True)
    newer = CheckInFactory(patient=patient, note="worse today", red_flag=True)
    for checkin in (older, newer):
        submission_evaluate(label=LABEL, pk=checkin.pk)
    alert = Alert.objects.get(patient=patient, rule="neuro_deficit")
    sources = api_as(nurse).get(f"/api/v1/alerts/{alert.pk}/").json()["sources"]
    assert [(s["id"], s["note"]) for s in sources] == [(newer.pk, "worse today"), (older.pk, "")]


def test_other_open_alerts_are_the_patients_other_unresolved_ones(api_as, nurse, patient, other_patient):
    first = AlertFactory(patient=patient, rule="neuro_deficit")
    acknowledged = AlertFactory(patient=patient, rule="pain_escalation")
    alert_acknowledge(alert=acknowledged, user=nurse)
    resolved = AlertFactory(patient=patient, rule="missed_checkins")
    alert_resolve(alert=resolved, user=nurse, outcome="advised", note="ok")
    AlertFactory(patient=other_patient, rule="neuro_deficit")
    results = {r["id"]: r for r in api_as(nurse).get(f"/api/v1/alerts/?patient={patient.pk}").json()["results"]}
    assert results[first.pk]["other_open_alerts"] == [acknowledged.pk]
    assert results[acknowledged.pk]["other_open_alerts"] == [first.pk]
    assert results[resolved.pk]["other_open_alerts"] == [first.pk, acknowledged.pk]


def _raise_from(patient, source, rule="exercise_pain", severity="routine"):
    finding = Finding(rule=rule, severity=severity, summary="x", evidence={})
    return alert_raise(patient_id=patient.pk, finding=finding, source=source, reported_at=timezone.now()).alert


@pytest.mark.parametrize("patients", [2, 8])
def test_the_list_costs_a_fixed_number_of_queries_with_sources_of_every_kind(
    api_as, nurse, therapist, patients, django_assert_max_num_queries
):
    for _ in range(patients):
        person = PatientFactory(team=[nurse, therapist])
        checkin = CheckInFactory(patient=person, note=NOTE, red_flag=True)
        submission_evaluate(label=LABEL, pk=checkin.pk)
        screen = ScreenFactory(patient=person, score=9)
        _raise_from(person, ("psych.screen", screen.pk), rule="distress")
        log = ExerciseLogFactory(
            patient=person,
            plan_item=exercise_plan(person, therapist),
            recorded_at=timezone.now(),
            pain_during=3,
            queued=True,
        )
        _raise_from(person, ("rehab.exerciselog", log.pk))
    client = api_as(nurse)
    # token, count, page of alerts, one per kind of source (check-ins, screens, exercise logs),
    # the patients' other alerts, the audit rows
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/alerts/?page_size=100")
    results = response.json()["results"]
    assert len(results) == response.json()["count"] >= 3 * patients
    kinds = {s["type"] for r in results for s in r["sources"]}
    assert kinds == {"checkin", "screen", "exercise_log"}
    assert all(len(r["other_open_alerts"]) >= 2 for r in results)


def test_clocks_are_not_sources(api_as, nurse, patient):
    alert = _raise_from(patient, ("accounts.patientprofile", patient.pk), rule="missed_checkins")
    assert api_as(nurse).get(f"/api/v1/alerts/{alert.pk}/").json()["sources"] == []


# --- the alert page ------------------------------------------------------------------------------


def test_the_alert_page_shows_phones_as_tel_links_the_note_checkins_and_other_alerts(web_as, nurse, reported):
    alert, checkin = reported
    patient = checkin.patient
    patient.phone = "+44 20 7946 0018"
    patient.emergency_contact_name = "Sam Lee"
    patient.emergency_contact_relationship = "daughter"
    patient.emergency_contact_phone = "(020) 7946-0999"
    patient.save()
    other = AlertFactory(patient=patient, rule="pain_escalation")
    html = web_as(nurse).get(f"/alerts/{alert.pk}/").content.decode()
    assert 'href="tel:+442079460018"' in html and "+44 20 7946 0018" in html
    assert 'href="tel:02079460999"' in html and "Sam Lee" in html and "(daughter)" in html
    assert NOTE in html and "Reported by the patient, via the app" in html
    assert f'href="/alerts/{other.pk}/"' in html
    assert "Last check-ins" in html and "pain 0 now, 0 at worst" in html
    assert AuditLog.objects.filter(actor=nurse, action=AuditAction.VIEW, target=f"alert {alert.pk}").exists()


def test_without_a_phone_number_the_page_says_so(web_as, nurse, alert):
    html = web_as(nurse).get(f"/alerts/{alert.pk}/").content.decode()
    assert "No phone number recorded" in html and "tel:" not in html.split('id="alert-contact"')[1].split("<form")[0]


def test_recording_a_call_on_the_page_acknowledges_and_lists_it(web_as, nurse, alert):
    client = web_as(nurse)
    form = {"method": "phone", "result": "no_answer", "note": "Try again at 5."}
    response = client.post(f"/alerts/{alert.pk}/contacts/", form, follow=True)
    assert "The alert is now acknowledged by you." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == nurse
    log = response.content.decode().split('class="list contact-log"')[1].split("</ol>")[0]
    assert "Phone call" in log and "no answer" in log and "Try again at 5." in log


def test_a_contact_form_without_a_result_says_what_is_missing_and_records_nothing(web_as, nurse, alert):
    response = web_as(nurse).post(f"/alerts/{alert.pk}/contacts/", {"method": "phone", "result": ""})
    assert response.status_code == 200
    assert "Please choose what happened." in response.content.decode()
    assert not AlertContact.objects.exists()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
