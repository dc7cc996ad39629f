"""Staff pages: patient support page with completion, programme assignment, overview, library."""

import json
import re
import uuid
from datetime import timedelta

import plotly.graph_objects as go
import pytest
from django.utils import timezone

from tests.factories import PatientFactory
from tests.pages import form_client_id
from tracker.audit.models import AuditLog
from tracker.core.vocab import Instrument
from tracker.psych.models import ContentDelivery, ProgrammeAssignment
from tracker.psych.services import content_complete, programme_assign, screen_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


def test_assigning_a_programme_from_the_patient_page_is_audited_and_delivers_day_0(
    web_as, patient, psychologist, programme
):
    client = web_as(psychologist)
    response = client.post(
        f"/psych/patients/{patient.pk}/programmes/",
        {"programme": programme.pk, "start_date": timezone.localdate().isoformat(), "notify_by_email": "on"},
    )
    assert response.status_code == 302
    assignment = ProgrammeAssignment.objects.get(patient=patient)
    assert assignment.assigned_by == psychologist and assignment.notify_by_email is True
    assert ContentDelivery.objects.filter(assignment=assignment).count() == 1
    assert AuditLog.objects.filter(
        actor=psychologist, action="create", target=f"programme assignment {assignment.pk}"
    ).exists()


def test_assignment_refuses_a_past_start_and_a_second_active_copy(web_as, patient, psychologist, programme):
    client = web_as(psychologist)
    url = f"/psych/patients/{patient.pk}/programmes/"
    past = client.post(
        url, {"programme": programme.pk, "start_date": (timezone.localdate() - timedelta(days=1)).isoformat()}
    )
    assert past.status_code == 400 and "cannot be in the past" in past.content.decode()
    today = timezone.localdate().isoformat()
    assert client.post(url, {"programme": programme.pk, "start_date": today}).status_code == 302
    again = client.post(url, {"programme": programme.pk, "start_date": today})
    assert again.status_code == 400 and "already on this programme" in again.content.decode()
    assert ProgrammeAssignment.objects.count() == 1


def test_the_patient_page_shows_completion_and_ratings(web_as, patient, psychologist, programme):
    start = timezone.localdate() - timedelta(days=6)
    assignment, _created = programme_assign(
        patient=patient, programme=programme, start_date=start, assigned_by=psychologist
    )
    first, second = ContentDelivery.objects.filter(assignment=assignment).order_by("due_on")
    content_complete(delivery=first, helpful=True)
    response = web_as(psychologist).get(f"/psych/patients/{patient.pk}/")
    page = response.content.decode()
    assert "2 of 6 sessions delivered, 1 done." in page
    assert "Rated helpful 1, not helpful 0." in page
    assert AuditLog.objects.filter(actor=psychologist, patient=patient, target="psychological support").exists()


def test_the_patient_page_draws_the_screen_chart_server_side(web_as, patient, psychologist):
    screen_submit(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=3)
    page = web_as(psychologist).get(f"/psych/patients/{patient.pk}/").content.decode()
    assert "vendor/plotly/plotly.min.js" in page and "Plotly.newPlot" in page
    assert '"name":"Distress thermometer"' in page and 'id="screen-chart-data"' in page
    figure = json.loads(re.search(r'<script type="application/json" id="screen-chart-data">(.*?)</script>', page)[1])
    go.Figure(figure)  # built from the saved screen, and valid as plotly's validator judges it
    assert [(t["name"], t["y"]) for t in figure["data"]] == [("Distress thermometer", [3])]


def test_stopping_a_programme_from_the_page(web_as, patient, psychologist, programme):
    assignment, _created = programme_assign(
        patient=patient, programme=programme, start_date=timezone.localdate(), assigned_by=psychologist
    )
    assert web_as(psychologist).post(f"/psych/assignments/{assignment.pk}/stop/").status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "stopped"


def test_patient_pages_are_404_outside_the_team_and_therapists_can_read(
    web_as, patient, other_nurse, therapist, programme
):
    assert web_as(other_nurse).get(f"/psych/patients/{patient.pk}/").status_code == 404
    assert web_as(other_nurse).post(f"/psych/patients/{patient.pk}/programmes/", {}).status_code == 404
    assert web_as(therapist).get(f"/psych/patients/{patient.pk}/").status_code == 200
    assert web_as(patient.user).get(f"/psych/patients/{patient.pk}/").status_code == 403


def test_overview_lists_patients_in_reach_with_a_bounded_number_of_queries(
    web_as, psychologist, django_assert_max_num_queries
):
    for _ in range(8):
        p = PatientFactory(team=[psychologist])
        screen_submit(patient=p, instrument=Instrument.GAD7, answers=[2] * 7)
    client = web_as(psychologist)
    # session, user, patients, last screens, active programmes, waiting queue, audit insert, context
    with django_assert_max_num_queries(12):
        response = client.get("/psych/patients/")
    assert response.status_code == 200
    assert response.content.decode().count("/psych/patients/") >= 8


def test_patient_support_page_queries_do_not_grow_with_history(
    web_as, patient, psychologist, programme, django_assert_max_num_queries
):
    programme_assign(
        patient=patient,
        programme=programme,
        start_date=timezone.localdate() - timedelta(days=40),
        assigned_by=psychologist,
    )
    for score in range(10):
        screen_submit(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=score)
    client = web_as(psychologist)
    # session, user, patient, audit, screens, assignments, deliveries, schedule x2, referrals, last screens,
    # unread count, programme choices
    with django_assert_max_num_queries(16):
        assert client.get(f"/psych/patients/{patient.pk}/").status_code == 200


def test_library_pages_render_sanitised_markdown(web_as, psychologist):
    client = web_as(psychologist)
    page = client.get("/psych/library/").content.decode()
    assert "Coping with pain and worry" in page and "Day 0" in page
    module_page = client.get("/psych/library/pacing-your-energy/").content.decode()
    assert "<h2>Boom and bust</h2>" in module_page


def test_programme_assignment_api(api_as, patient, psychologist, programme):
    client = api_as(psychologist)
    programmes = client.get("/api/v1/programmes/").json()["results"]
    assert {p["slug"] for p in programmes} >= {
        "coping-with-pain-and-worry",
        "calm-body-calmer-mind",
        "living-with-uncertainty",
    }
    created = client.post(
        "/api/v1/programme-assignments/",
        {"patient": patient.pk, "programme": programme.slug, "start_date": timezone.localdate().isoformat()},
    )
    assert created.status_code == 201, created.content
    assert created.json()["delivered"] == 1 and created.json()["modules"] == 6
    listed = client.get("/api/v1/programme-assignments/", {"patient": patient.pk}).json()
    assert listed["count"] == 1
    bad = client.post(
        "/api/v1/programme-assignments/", {"patient": patient.pk, "programme": "nope", "start_date": "2026-13-01"}
    )
    assert bad.status_code == 400 and {"programme", "start_date"} <= set(bad.json())


@pytest.mark.parametrize("slug", ["coping\x00", "\x00", 12, ["coping-with-pain-and-worry"]])
def test_a_programme_named_with_a_nul_or_not_as_text_is_not_found_not_a_database_error(
    api_as, patient, psychologist, programme, slug
):
    """PostgreSQL refuses a NUL in a query; the fuzzer found the 503 it caused."""
    body = {"patient": patient.pk, "programme": slug, "start_date": timezone.localdate().isoformat()}
    response = api_as(psychologist).post("/api/v1/programme-assignments/", body, format="json")
    assert response.status_code == 400 and "programme" in response.json()


def test_a_questionnaire_schedule_with_one_bad_value_changes_nothing(patient, psychologist):
    from django.core.exceptions import ValidationError

    from tracker.psych.models import ScreenSchedule
    from tracker.psych.services import screen_schedule_set

    screen_schedule_set(patient=patient, every_days={"distress_thermometer": 7}, changed_by=psychologist)
    with pytest.raises(ValidationError) as refused:
        screen_schedule_set(
            patient=patient, every_days={"distress_thermometer": 3, "phq9": 999}, changed_by=psychologist
        )
    assert "phq9" in refused.value.message_dict
    assert ScreenSchedule.objects.get(patient=patient, instrument="distress_thermometer").every_days == 7
    assert not ScreenSchedule.objects.filter(patient=patient, instrument="phq9").exists()
    assert AuditLog.objects.filter(patient=patient, target="questionnaire schedule").count() == 1


# --- sent twice --------------------------------------------------------------------------------


def test_an_assignment_form_sent_twice_assigns_once_and_both_answers_say_assigned(
    web_as, patient, psychologist, programme
):
    client = web_as(psychologist)
    page = client.get(f"/psych/patients/{patient.pk}/").content.decode()
    data = {
        "programme": programme.pk,
        "start_date": timezone.localdate().isoformat(),
        "client_id": form_client_id(page),
    }
    url = f"/psych/patients/{patient.pk}/programmes/"
    first = client.post(url, data)
    again = client.post(url, data, follow=True)  # a double click, or the reply to the first was lost
    assert first.status_code == 302 and again.redirect_chain == [(first.url, 302)]
    assert "Programme assigned." in again.content.decode()
    (assignment,) = ProgrammeAssignment.objects.filter(patient=patient)
    assert AuditLog.objects.filter(target=f"programme assignment {assignment.pk}", action="create").count() == 1
    assert ContentDelivery.objects.filter(assignment=assignment).count() == 1  # day 0, delivered once
    # A new form is a new assignment: refused while this one is active.
    fresh = dict(data, client_id=form_client_id(client.get(f"/psych/patients/{patient.pk}/").content.decode()))
    refused = client.post(url, fresh)
    assert refused.status_code == 400 and "already on this programme" in refused.content.decode()


def test_the_api_assignment_sent_again_answers_200_with_the_assignment_it_made(api_as, patient, nurse, programme):
    client = api_as(nurse)
    body = {
        "patient": patient.pk,
        "programme": programme.slug,
        "start_date": timezone.localdate().isoformat(),
        "client_id": str(uuid.uuid4()),
    }
    first = client.post("/api/v1/programme-assignments/", body)
    again = client.post("/api/v1/programme-assignments/", body)
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json() == first.json()
    assert ProgrammeAssignment.objects.filter(patient=patient).count() == 1
    refused = client.post("/api/v1/programme-assignments/", dict(body, client_id=str(uuid.uuid4())))
    assert refused.status_code == 400 and "programme" in refused.json()


def test_an_assignment_arriving_twice_at_once_returns_the_one_the_other_request_stored(
    patient, psychologist, programme, monkeypatch
):
    from tracker.psych.services import programmes as services

    client_id = uuid.uuid4()
    today = timezone.localdate()
    stored, created = programme_assign(
        patient=patient, programme=programme, start_date=today, assigned_by=psychologist, client_id=client_id
    )
    assert created
    # The repeat looked for its client_id before the first request had committed: it finds nothing, and its
    # insert then breaks the one-active-assignment and client_id constraints.
    looked = []
    real_lookup = services._assignment_with

    def not_yet_committed(patient, client_id):
        looked.append(client_id)
        return None if len(looked) == 1 else real_lookup(patient, client_id)

    monkeypatch.setattr(services, "_assignment_with", not_yet_committed)
    again, created = programme_assign(
        patient=patient, programme=programme, start_date=today, assigned_by=psychologist, client_id=client_id
    )
    assert (again.pk, created, len(looked)) == (stored.pk, False, 2)
    assert ProgrammeAssignment.objects.filter(patient=patient).count() == 1
