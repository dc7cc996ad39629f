"""An enrolment sent twice at the same moment (a double tap that got past the page's send-once guard, or
a phone retrying while its first request is still running) enrols one patient and answers both requests
with that patient: never a 500 and never a second account. The database's unique username decides."""

import threading
import time
import uuid

import pytest
from django.db import connection

from tests.pages import form_client_id
from tracker.accounts import services
from tracker.accounts.models import PatientProfile, User
from tracker.audit.models import AuditLog

from .test_api_accounts import NEW_PATIENT as API_PATIENT
from .test_enrol_page import FORM

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PATIENT = dict(API_PATIENT, username="ines")


def race(send_first, send_second, monkeypatch):
    """Run two requests so that the second checks the username and client_id while the first has stored
    its patient but not committed; the second's insert then waits on the first's row. Returns both answers."""
    first_stored, let_first_commit = threading.Event(), threading.Event()
    results, errors = {}, []
    real_audit_log = services.audit_log

    def hold_first(**kwargs):  # the last step of patient_create, inside its transaction
        real_audit_log(**kwargs)
        if threading.current_thread().name == "first":
            first_stored.set()
            let_first_commit.wait(10)

    monkeypatch.setattr(services, "audit_log", hold_first)

    def run(name, send):
        try:
            results[name] = send()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", send_first), name="first")
    first.start()
    assert first_stored.wait(10)
    second = threading.Thread(target=run, args=("second", send_second), name="second")
    second.start()
    time.sleep(0.5)  # the second request has passed its checks and waits on the first one's row
    let_first_commit.set()
    first.join(20)
    second.join(20)
    assert not errors, errors
    return results["first"], results["second"]


def test_the_enrol_page_sent_twice_at_once_enrols_one_patient_and_opens_it_for_both(web_as, nurse, monkeypatch):
    client_id = form_client_id(web_as(nurse).get("/patients/new/").content.decode())
    data = dict(FORM, client_id=client_id)
    one, two = web_as(nurse), web_as(nurse)
    first, second = race(
        lambda: one.post("/patients/new/", data),
        lambda: two.post("/patients/new/", data),
        monkeypatch,
    )
    patient = PatientProfile.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/patients/{patient.pk}/"
    assert User.objects.filter(username="ines").count() == 1
    assert AuditLog.objects.filter(patient=patient, action="create").count() == 1


def test_two_enrolments_taking_one_username_at_once_refuse_the_second_with_a_form_error(web_as, nurse, monkeypatch):
    one, two = web_as(nurse), web_as(nurse)
    forms = [dict(FORM, client_id=form_client_id(c.get("/patients/new/").content.decode())) for c in (one, two)]
    first, second = race(
        lambda: one.post("/patients/new/", forms[0]),
        lambda: two.post("/patients/new/", dict(forms[1], first_name="Inès")),
        monkeypatch,
    )
    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].errors["username"] == ["That username is taken."]
    # What the nurse typed is still in the form, so nothing is lost; one patient, the first one.
    assert second.context["form"]["first_name"].value() == "Inès"
    assert PatientProfile.objects.get().user.first_name == "Ines"


def test_the_api_enrolment_sent_twice_at_once_answers_201_then_200_with_the_same_patient(api_as, nurse, monkeypatch):
    body = dict(NEW_PATIENT, client_id=str(uuid.uuid4()))
    one, two = api_as(nurse), api_as(nurse)
    first, second = race(
        lambda: one.post("/api/v1/patients/", body, format="json"),
        lambda: two.post("/api/v1/patients/", body, format="json"),
        monkeypatch,
    )
    assert (first.status_code, second.status_code) == (201, 200), second.content
    assert second.json() == first.json()
    assert PatientProfile.objects.count() == 1


def test_two_api_enrolments_taking_one_username_at_once_refuse_the_second_with_400(api_as, nurse, monkeypatch):
    one, two = api_as(nurse), api_as(nurse)
    first, second = race(
        lambda: one.post("/api/v1/patients/", dict(NEW_PATIENT, client_id=str(uuid.uuid4())), format="json"),
        lambda: two.post("/api/v1/patients/", NEW_PATIENT, format="json"),
        monkeypatch,
    )
    assert (first.status_code, second.status_code) == (201, 400), second.content
    assert second.json() == {"username": ["That username is taken."]}
    assert PatientProfile.objects.count() == 1
