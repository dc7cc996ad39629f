"""Who may send and read check-ins through the API, the list's order and paging, audit, and the schema."""

import pytest

from tests.factories import CheckInFactory
from tests.symptoms.conftest import valid_body
from tracker.audit.models import AuditAction, AuditLog
from tracker.symptoms.models import CheckIn

pytestmark = pytest.mark.django_db

URL = "/api/v1/checkins/"
ACTORS = ["anon", "patient", "other_patient", "nurse", "therapist", "psychologist", "physician", "other_nurse", "admin"]


def _client(name, actors, api, api_as):
    return api if name == "anon" else api_as(actors[name])


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anon", 401),
        ("patient", 201),
        ("other_patient", 201),
        ("nurse", 403),
        ("therapist", 403),
        ("psychologist", 403),
        ("physician", 403),
        ("other_nurse", 403),
        ("admin", 403),
    ],
)
def test_only_patients_send_check_ins(actor, status, actors, api, api_as):
    response = _client(actor, actors, api, api_as).post(URL, valid_body(), format="json")
    assert response.status_code == status
    assert CheckIn.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anon", 401),
        ("patient", 200),
        ("other_patient", 404),  # asking for someone else's check-ins
        ("nurse", 200),
        ("therapist", 200),
        ("psychologist", 200),
        ("physician", 200),
        ("other_nurse", 404),
        ("admin", 200),
    ],
)
def test_reading_a_patients_check_ins(actor, status, actors, patient, api, api_as):
    CheckInFactory(patient=patient, days_ago=1, mild_pain=True, evaluated=True)
    response = _client(actor, actors, api, api_as).get(URL, {"patient": patient.pk})
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 1


def test_patients_see_only_their_own_without_a_parameter(api_as, patient, other_patient):
    mine = CheckInFactory(patient=patient, days_ago=1, mild_pain=True, evaluated=True)
    CheckInFactory(patient=other_patient, days_ago=1, mild_pain=True, evaluated=True)
    response = api_as(patient.user).get(URL)
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_staff_must_say_which_patient(api_as, nurse):
    response = api_as(nurse).get(URL)
    assert response.status_code == 400
    assert "patient" in response.json()


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5"])
def test_a_bad_or_unknown_patient_id_is_404_for_staff(api_as, admin_user, value):
    assert api_as(admin_user).get(URL, {"patient": value}).status_code == 404


def test_staff_reads_are_audited_without_health_details(api_as, nurse, patient):
    CheckInFactory(patient=patient, days_ago=1, note="private words", mild_pain=True, evaluated=True)
    api_as(nurse).get(URL, {"patient": patient.pk})
    entry = AuditLog.objects.get(actor=nurse)
    assert (entry.action, entry.patient_id, entry.target) == (AuditAction.VIEW, patient.pk, "check-ins")
    assert "private" not in entry.detail


def test_a_refused_staff_read_is_not_audited_as_a_view(api_as, other_nurse, patient):
    api_as(other_nurse).get(URL, {"patient": patient.pk})
    assert not AuditLog.objects.filter(patient=patient).exists()


def test_patients_own_reads_are_not_audited(api_as, patient):
    CheckInFactory(patient=patient, days_ago=1, mild_pain=True, evaluated=True)
    api_as(patient.user).get(URL)
    assert not AuditLog.objects.exists()


def test_the_list_is_newest_recorded_first_and_paginated(api_as, patient):
    rows = [CheckInFactory(patient=patient, days_ago=days, mild_pain=True, evaluated=True) for days in (5, 1, 3, 2, 4)]
    for day in range(60):
        CheckInFactory(patient=patient, days_ago=10 + day, mild_pain=True, evaluated=True)
    response = api_as(patient.user).get(URL)
    data = response.json()
    assert data["count"] == 65 and data["next"] and data["previous"] is None
    newest = sorted(rows, key=lambda r: r.recorded_at, reverse=True)
    assert [row["id"] for row in data["results"][:5]] == [r.pk for r in newest]
    assert len(data["results"]) == 50
    page2 = api_as(patient.user).get(data["next"]).json()
    assert len(page2["results"]) == 15
    item = data["results"][0]
    assert set(item) == {
        *("id", "client_id", "recorded_at", "submitted_at", "pain", "neuro", "side_effects", "note"),
        "alerts",  # added by issue #17
    }


def test_the_list_costs_a_fixed_number_of_queries(api_as, nurse, patient, django_assert_max_num_queries):
    for day in range(30):
        CheckInFactory(patient=patient, days_ago=day + 1, mild_pain=True, evaluated=True)
    client = api_as(nurse)
    # token user, patient lookup, audit insert, count, page of rows (+ savepoints)
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"patient": patient.pk})
    assert response.json()["count"] == 30


def test_the_openapi_schema_documents_the_check_in_contract(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/checkins/"]
    assert {"201", "200", "400", "403"} <= set(operation["post"]["responses"])
    components = schema["components"]["schemas"]
    assert components["PainRequest"]["required"] == ["now", "worst_24h"]
    # Issue #17: every section is optional (at least one must be sent, which the schema cannot say).
    assert "required" not in components["CheckInRequest"]
    assert components["CheckIn"]["properties"]["alerts"]["type"] == "array"
    assert "/api/v1/checkins/{id}/" in schema["paths"]
    for name in ("CheckInRequest", "PainRequest", "NeuroRequest", "WeaknessRequest", "SideEffectsRequest"):
        assert components[name]["additionalProperties"] is False
    assert components["NeuroRequest"]["properties"]["walking"]["default"] == "normal"
    assert "advice" in components["CheckInCreated"]["properties"]
    assert any(p["name"] == "patient" for p in operation["get"]["parameters"])
