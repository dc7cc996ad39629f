"""No health data in logs: everything logged during a red-flag flow, by this process (every logger, at
DEBUG) and by a real Celery worker (its log file), is searched for the patient's identity and what they
reported."""

import logging

import pytest
from rest_framework.test import APIClient

from tests.factories import PatientFactory, UserFactory
from tests.proof.conftest import CHECKINS, checkin_body, token_for, wait_for
from tracker.alerts.models import Alert
from tracker.core.vocab import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

NOTE = "Philippa-note-4242: my legs gave way on the stairs"
RESOLUTION = "Resolution-7777: sent for same-day MRI"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def test_a_red_flag_flow_logs_no_health_data(caplog, celery_worker_process, client):
    caplog.set_level(logging.DEBUG)
    nurse = UserFactory(username="nurse_quill", role=Role.NURSE, first_name="Nerys", last_name="Quill")
    patient = PatientFactory(
        user__username="philippa_q",
        user__first_name="Philippa",
        user__last_name="Quennell",
        user__email="philippa.quennell@example.org",
        primary_cancer="Renal cell",
        team=[nurse],
    )
    worker = celery_worker_process.start()
    caplog.clear()  # from here on: the flow (the test's own factories log at DEBUG above)

    body = checkin_body(red_flag=True)
    body["pain"].update(now=8, worst_24h=9, night_pain=True)
    body["neuro"].update(weakness={"left_leg": "severe"}, bladder="retention", walking="unable")
    body["note"] = NOTE
    created = api(patient.user).post(CHECKINS, body, format="json")
    assert created.status_code == 201
    assert created.json()["advice"]["level"] == "emergency"
    alert = wait_for(lambda: Alert.objects.filter(patient=patient, rule="neuro_deficit").first(), timeout=60)

    nurse_api = api(nurse)
    assert nurse_api.get(f"/api/v1/alerts/?patient={patient.pk}").status_code == 200
    assert nurse_api.get(f"{CHECKINS}?patient={patient.pk}").status_code == 200
    assert nurse_api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 200
    resolved = nurse_api.post(
        f"/api/v1/alerts/{alert.pk}/resolve/", {"outcome": "urgent_mri", "note": RESOLUTION}, format="json"
    )
    assert resolved.status_code == 200
    client.force_login(nurse, backend="django.contrib.auth.backends.ModelBackend")
    for page in (f"/patients/{patient.pk}/", f"/patients/{patient.pk}/timeline/", f"/alerts/{alert.pk}/", "/triage/"):
        assert client.get(page).status_code == 200
    # Out-of-reach and bad requests are logged too (django.request warnings): still nothing identifying.
    assert api(patient.user).post(CHECKINS, {"pain": {"now": 11}}, format="json").status_code == 400
    assert api(patient.user).get(f"/api/v1/alerts/{alert.pk}/").status_code == 403
    worker.stop()

    logged = "\n".join(
        [record.getMessage() + (record.exc_text or "") for record in caplog.records] + [worker.log_text()]
    )
    assert "evaluating symptoms.checkin" in logged, "the capture saw the worker's evaluation"
    secrets = {
        "first name": "Philippa",
        "last name": "Quennell",
        "username": "philippa_q",
        "e-mail": "philippa.quennell@example.org",
        "cancer": "Renal cell",
        "note": "Philippa-note-4242",
        "resolution note": "Resolution-7777",
        "symptom": "retention",
        "symptom words": "legs gave way",
        "weakness": "severe",
        "nurse's name": "Quill",
    }
    found = {what: text for what, text in secrets.items() if text.lower() in logged.lower()}
    assert not found, f"health or identity data in the logs: {found}"
