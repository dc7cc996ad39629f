"""POST/GET /api/v1/screens/ (docs/api.md): contract fields, refusals as field errors, idempotency, reach."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker.alerts.models import Alert
from tracker.alerts.services import submissions_evaluate_pending
from tracker.audit.models import AuditLog
from tracker.psych.models import Screen

pytestmark = pytest.mark.django_db

URL = "/api/v1/screens/"
CONTRACT = {"id", "instrument", "total", "band", "positive", "advice"}


@pytest.mark.parametrize(
    ("body", "total", "band", "positive"),
    [
        (
            {"instrument": "distress_thermometer", "score": 6, "problems": ["emotional", "practical"]},
            6,
            "significant",
            True,
        ),
        ({"instrument": "phq9", "answers": [1, 2, 0, 1, 1, 0, 0, 1, 0]}, 6, "mild", False),
        ({"instrument": "gad7", "answers": [1, 1, 2, 0, 1, 0, 1]}, 6, "mild", False),
        ({"instrument": "gad7", "answers": [3, 3, 2, 2, 2, 2, 2]}, 16, "severe", True),
    ],
)
def test_post_returns_201_with_the_contract_fields(api_as, patient, body, total, band, positive):
    response = api_as(patient.user).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert CONTRACT <= set(data)
    assert (data["instrument"], data["total"], data["band"], data["positive"]) == (
        body["instrument"],
        total,
        band,
        positive,
    )
    assert set(data["advice"]) == {"level", "message"}
    assert data["advice"]["level"] == "none"
    assert Screen.objects.get(pk=data["id"]).patient == patient


def test_a_positive_screen_says_the_team_will_be_in_touch(api_as, patient):
    data = api_as(patient.user).post(URL, {"instrument": "phq9", "answers": [2, 2, 2, 1, 1, 1, 1, 1, 0]}).json()
    assert data["positive"] is True
    assert "care team will contact you" in data["advice"]["message"]


def test_item9_above_zero_gives_emergency_advice_with_the_crisis_line_at_once(api_as, patient, settings):
    settings.TRACKER_CRISIS_LINE = "Crisis line: call 0800 000 111"
    data = api_as(patient.user).post(URL, {"instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]}).json()
    assert data["advice"]["level"] == "emergency"
    assert "Crisis line: call 0800 000 111" in data["advice"]["message"]
    assert patient.effective_emergency_number in data["advice"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1]}, "answers"),
        ({"instrument": "phq9"}, "answers"),
        ({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 9]}, "answers"),
        ({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, "x"]}, "answers"),
        ({"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1, 1]}, "answers"),
        ({"instrument": "gad7", "answers": [0, 0, 0, 0, 0, 0, 0], "score": 2}, "score"),
        ({"instrument": "distress_thermometer"}, "score"),
        ({"instrument": "distress_thermometer", "score": 11}, "score"),
        ({"instrument": "distress_thermometer", "score": 4, "problems": ["money"]}, "problems"),
        ({"instrument": "k10", "answers": [1]}, "instrument"),
        ({"answers": [1] * 9}, "instrument"),
        ({"instrument": "gad7", "answers": [1] * 7, "client_id": "not-a-uuid"}, "client_id"),
    ],
)
def test_incomplete_or_out_of_range_answers_get_400_field_errors_and_save_nothing(api_as, patient, body, field):
    response = api_as(patient.user).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Screen.objects.exists()


def test_a_repeated_client_id_returns_the_original_with_200(api_as, patient):
    client = api_as(patient.user)
    client_id = str(uuid.uuid4())
    first = client.post(URL, {"instrument": "gad7", "answers": [1] * 7, "client_id": client_id})
    again = client.post(URL, {"instrument": "gad7", "answers": [3] * 7, "client_id": client_id})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["total"] == 7
    assert Screen.objects.count() == 1


def test_the_same_client_id_from_two_patients_is_two_screens(api_as, patient, other_patient):
    client_id = str(uuid.uuid4())
    body = {"instrument": "gad7", "answers": [1] * 7, "client_id": client_id}
    assert api_as(patient.user).post(URL, body).status_code == 201
    assert api_as(other_patient.user).post(URL, body).status_code == 201


@pytest.mark.parametrize(
    ("offset", "ok"),
    [
        (timedelta(minutes=-30), True),
        (timedelta(days=-6, hours=-23), True),
        (timedelta(minutes=4), True),
        (timedelta(minutes=10), False),
        (timedelta(days=-8), False),
    ],
)
def test_recorded_at_window_is_the_same_as_check_ins(api_as, patient, offset, ok):
    when = (timezone.now() + offset).isoformat()
    response = api_as(patient.user).post(URL, {"instrument": "gad7", "answers": [0] * 7, "recorded_at": when})
    assert response.status_code == (201 if ok else 400)
    if not ok:
        assert "recorded_at" in response.json()


def test_a_saved_screen_is_evaluated_into_alerts(api_as, patient):
    api_as(patient.user).post(URL, {"instrument": "phq9", "answers": [3, 3, 2, 2, 1, 1, 1, 1, 1]})
    submissions_evaluate_pending()
    assert set(Alert.objects.filter(patient=patient).values_list("rule", flat=True)) == {"distress", "self_harm"}
    assert Screen.objects.get().evaluated_at is not None


def test_get_lists_own_screens_newest_first(api_as, patient, other_patient):
    client = api_as(patient.user)
    client.post(
        URL, {"instrument": "gad7", "answers": [0] * 7, "recorded_at": (timezone.now() - timedelta(days=1)).isoformat()}
    )
    client.post(URL, {"instrument": "distress_thermometer", "score": 2})
    api_as(other_patient.user).post(URL, {"instrument": "distress_thermometer", "score": 9})
    results = client.get(URL).json()["results"]
    assert [r["instrument"] for r in results] == ["distress_thermometer", "gad7"]


def test_staff_read_a_patients_screens_with_patient_param_and_it_is_audited(api_as, patient, psychologist):
    api_as(patient.user).post(URL, {"instrument": "distress_thermometer", "score": 2})
    response = api_as(psychologist).get(URL, {"patient": patient.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert AuditLog.objects.filter(actor=psychologist, patient=patient, action="view", target="screens").exists()


def test_staff_need_the_patient_param(api_as, psychologist):
    assert api_as(psychologist).get(URL).status_code == 400


def test_staff_outside_the_team_get_404(api_as, patient, other_nurse):
    assert api_as(other_nurse).get(URL, {"patient": patient.pk}).status_code == 404


def test_staff_cannot_post_screens(api_as, psychologist):
    assert api_as(psychologist).post(URL, {"instrument": "distress_thermometer", "score": 2}).status_code == 403


def test_anonymous_gets_401(api):
    assert api.get(URL).status_code == 401


def test_list_query_count_does_not_grow_with_screens(api_as, patient, django_assert_max_num_queries):
    client = api_as(patient.user)
    for score in range(10):
        client.post(URL, {"instrument": "distress_thermometer", "score": score})
    # token auth, patient profile, count, page
    with django_assert_max_num_queries(5):
        assert client.get(URL).json()["count"] == 10


def test_due_endpoint_lists_what_is_due(api_as, patient):
    due = api_as(patient.user).get("/api/v1/screens/due/").json()
    assert [d["instrument"] for d in due] == ["distress_thermometer", "phq9", "gad7"]
