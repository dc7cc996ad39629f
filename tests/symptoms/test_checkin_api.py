"""POST /api/v1/checkins/ (docs/api.md "Check-ins"): every field's valid and invalid values, recorded_at,
idempotent client_id, and the advice in the response."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import CheckInFactory
from tests.symptoms.conftest import valid_body
from tracker.core.vocab import Bladder, Bowel, Limb, NumbnessSite, PainSite, Walking, WeaknessLevel
from tracker.symptoms.models import CheckIn

pytestmark = pytest.mark.django_db

URL = "/api/v1/checkins/"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def post(api_as, patient):
    client = api_as(patient.user)

    def send(body):
        return client.post(URL, body, format="json")

    return send


def error_at(response, *path):
    """The error messages at `path` in DRF's nested error shape (fails the test if there are none)."""
    node = response.json()
    for key in path:
        assert isinstance(node, dict) and key in node, f"no error at {path}: {response.json()}"
        node = node[key]
    assert node, f"empty error at {path}"
    return node


# --- the happy path -------------------------------------------------------------------------------


def test_a_full_check_in_is_stored_and_returned_with_id_and_advice(post, patient):
    body = valid_body(client_id=str(uuid.uuid4()), neuro={"weakness": {"left_leg": "mild"}, "numbness": ["left_leg"]})
    response = post(body)
    assert response.status_code == 201, response.json()
    data = response.json()
    row = CheckIn.objects.get(pk=data["id"])
    assert row.patient == patient
    assert str(row.client_id) == body["client_id"]
    assert (row.pain_now, row.pain_worst_24h, row.pain_sites) == (3, 5, ["mid_back"])
    assert (row.breakthrough_doses, row.weakness_left_leg, row.weakness_right_leg) == (1, "mild", "none")
    assert (row.numbness, row.bowel, row.fatigue, row.skin_reaction) == (["left_leg"], "constipation", 2, 1)
    assert row.note == "Slept badly."
    assert row.evaluated_at is None  # the alert job still has to evaluate it
    # The stored check-in in the same nested shape, plus id and advice.
    assert data["pain"] == body["pain"]
    assert data["neuro"]["weakness"] == {
        "left_arm": "none",
        "right_arm": "none",
        "left_leg": "mild",
        "right_leg": "none",
    }
    assert data["neuro"]["numbness"] == ["left_leg"]
    assert data["side_effects"] == body["side_effects"]
    assert data["client_id"] == body["client_id"]
    assert set(data["advice"]) == {"level", "message"}
    assert data["advice"]["level"] == "emergency"  # new weakness and numbness against the all-clear


def test_only_pain_now_and_worst_are_required_and_the_rest_defaults_to_nothing_wrong(post):
    response = post({"pain": {"now": 2, "worst_24h": 2}})
    assert response.status_code == 201, response.json()
    row = CheckIn.objects.get(pk=response.json()["id"])
    assert row.pain_sites == [] and row.numbness == [] and row.weakness == {}
    assert (row.walking, row.bladder, row.bowel, row.falls, row.breakthrough_doses) == (
        "normal",
        "normal",
        "normal",
        0,
        0,
    )
    assert row.side_effects == {"fatigue": 0, "nausea": 0, "diarrhoea": 0, "skin_reaction": 0, "rash": 0}
    assert (row.night_pain, row.worse_with_straining, row.note) == (False, False, "")
    assert response.json()["advice"]["level"] == "none"


@pytest.mark.parametrize(
    ("section", "key", "value", "attribute", "stored"),
    [
        ("pain", "now", 0, "pain_now", 0),
        ("pain", "now", 10, "pain_now", 10),
        ("pain", "worst_24h", 10, "pain_worst_24h", 10),
        ("pain", "sites", PainSite.values, "pain_sites", PainSite.values),
        ("pain", "sites", ["neck", "neck", "chest_wall"], "pain_sites", ["neck", "chest_wall"]),
        ("pain", "sites", [], "pain_sites", []),
        ("pain", "night_pain", True, "night_pain", True),
        ("pain", "worse_with_straining", True, "worse_with_straining", True),
        ("pain", "breakthrough_doses", 0, "breakthrough_doses", 0),
        ("pain", "breakthrough_doses", 50, "breakthrough_doses", 50),
        ("neuro", "numbness", NumbnessSite.values, "numbness", NumbnessSite.values),
        ("neuro", "falls", 50, "falls", 50),
        *[("neuro", "walking", w, "walking", w) for w in Walking.values],
        *[("neuro", "bladder", b, "bladder", b) for b in Bladder.values],
        *[("neuro", "bowel", b, "bowel", b) for b in Bowel.values],
        *[
            ("side_effects", s, n, s, n)
            for s in ("fatigue", "nausea", "diarrhoea", "skin_reaction", "rash")
            for n in range(5)
        ],
    ],
)
def test_every_allowed_value_is_stored(post, section, key, value, attribute, stored):
    body = valid_body(**{section: {key: value}})
    if section == "pain" and key == "now":
        body["pain"]["worst_24h"] = 10
    response = post(body)
    assert response.status_code == 201, response.json()
    assert getattr(CheckIn.objects.get(pk=response.json()["id"]), attribute) == stored


@pytest.mark.parametrize("limb", Limb.values)
@pytest.mark.parametrize("level", WeaknessLevel.values)
def test_every_weakness_level_of_every_limb_is_stored(post, limb, level):
    response = post(valid_body(neuro={"weakness": {limb: level}}))
    assert response.status_code == 201, response.json()
    row = CheckIn.objects.get(pk=response.json()["id"])
    assert getattr(row, f"weakness_{limb}") == level
    assert response.json()["neuro"]["weakness"][limb] == level


def test_a_note_of_2000_characters_is_accepted(post):
    response = post(valid_body(note="x" * 2000))
    assert response.status_code == 201
    assert len(CheckIn.objects.get().note) == 2000


# --- invalid values: 400 with the field named, nothing stored ------------------------------------

INVALID = [
    # (what, body change, error path)
    # "pain missing" is no longer an error: sections are optional (issue #17); see test_checkin_sections.py.
    ("pain not an object", {"pain": 5}, ("pain",)),
    ("now missing", {"pain": {"now": "__drop__"}}, ("pain", "now")),
    ("now below 0", {"pain": {"now": -1}}, ("pain", "now")),
    ("now above 10", {"pain": {"now": 11, "worst_24h": 11}}, ("pain", "now")),
    ("now as a string", {"pain": {"now": "3"}}, ("pain", "now")),
    ("now a fraction", {"pain": {"now": 3.5}}, ("pain", "now")),
    ("now a boolean", {"pain": {"now": True}}, ("pain", "now")),
    ("now null", {"pain": {"now": None}}, ("pain", "now")),
    ("worst missing", {"pain": {"worst_24h": "__drop__"}}, ("pain", "worst_24h")),
    ("worst below 0", {"pain": {"now": 0, "worst_24h": -1}}, ("pain", "worst_24h")),
    ("worst above 10", {"pain": {"worst_24h": 11}}, ("pain", "worst_24h")),
    ("worst lower than now", {"pain": {"now": 6, "worst_24h": 5}}, ("pain", "worst_24h")),
    ("unknown pain site", {"pain": {"sites": ["mid_back", "tail"]}}, ("pain", "sites")),
    ("sites not a list", {"pain": {"sites": "mid_back"}}, ("pain", "sites")),
    ("site not a string", {"pain": {"sites": [7]}}, ("pain", "sites")),
    ("too many sites", {"pain": {"sites": ["neck"] * 51}}, ("pain", "sites")),
    ("night_pain as a string", {"pain": {"night_pain": "yes"}}, ("pain", "night_pain")),
    ("night_pain as a number", {"pain": {"night_pain": 1}}, ("pain", "night_pain")),
    ("straining as 'true'", {"pain": {"worse_with_straining": "true"}}, ("pain", "worse_with_straining")),
    ("straining null", {"pain": {"worse_with_straining": None}}, ("pain", "worse_with_straining")),
    ("doses below 0", {"pain": {"breakthrough_doses": -1}}, ("pain", "breakthrough_doses")),
    ("doses above 50", {"pain": {"breakthrough_doses": 51}}, ("pain", "breakthrough_doses")),
    ("doses a fraction", {"pain": {"breakthrough_doses": 1.5}}, ("pain", "breakthrough_doses")),
    ("unknown key in pain", {"pain": {"colour": "red"}}, ("pain", "colour")),
    ("neuro not an object", {"neuro": ["weakness"]}, ("neuro",)),
    ("unknown limb", {"neuro": {"weakness": {"tail": "mild"}}}, ("neuro", "weakness", "tail")),
    ("unknown weakness level", {"neuro": {"weakness": {"left_leg": "very"}}}, ("neuro", "weakness", "left_leg")),
    ("weakness not an object", {"neuro": {"weakness": "left_leg"}}, ("neuro", "weakness")),
    ("weakness level null", {"neuro": {"weakness": {"left_arm": None}}}, ("neuro", "weakness", "left_arm")),
    ("unknown numbness site", {"neuro": {"numbness": ["nose"]}}, ("neuro", "numbness")),
    ("numbness not a list", {"neuro": {"numbness": "saddle"}}, ("neuro", "numbness")),
    ("unknown walking", {"neuro": {"walking": "running"}}, ("neuro", "walking")),
    ("walking as a number", {"neuro": {"walking": 2}}, ("neuro", "walking")),
    ("falls below 0", {"neuro": {"falls": -1}}, ("neuro", "falls")),
    ("falls above 50", {"neuro": {"falls": 51}}, ("neuro", "falls")),
    ("falls as a string", {"neuro": {"falls": "1"}}, ("neuro", "falls")),
    ("unknown bladder", {"neuro": {"bladder": "leaky"}}, ("neuro", "bladder")),
    ("unknown bowel", {"neuro": {"bowel": "fine"}}, ("neuro", "bowel")),
    ("unknown key in neuro", {"neuro": {"tremor": True}}, ("neuro", "tremor")),
    ("side effect above 4", {"side_effects": {"fatigue": 5}}, ("side_effects", "fatigue")),
    ("side effect below 0", {"side_effects": {"nausea": -1}}, ("side_effects", "nausea")),
    ("side effect as a string", {"side_effects": {"rash": "2"}}, ("side_effects", "rash")),
    ("side effect as words", {"side_effects": {"diarrhoea": "mild"}}, ("side_effects", "diarrhoea")),
    ("skin reaction null", {"side_effects": {"skin_reaction": None}}, ("side_effects", "skin_reaction")),
    ("unknown side effect", {"side_effects": {"headache": 2}}, ("side_effects", "headache")),
    ("note too long", {"note": "x" * 2001}, ("note",)),
    ("note not text", {"note": ["x"]}, ("note",)),
    ("note null", {"note": None}, ("note",)),
    ("unknown top-level key", {"mood": "low"}, ("mood",)),
    ("read-only id sent", {"id": 5}, ("id",)),
    ("client_id not a uuid", {"client_id": "not-a-uuid"}, ("client_id",)),
    ("client_id a number", {"client_id": 5}, ("client_id",)),
    ("recorded_at not a time", {"recorded_at": "yesterday"}, ("recorded_at",)),
    ("recorded_at an impossible date", {"recorded_at": "2026-13-45T08:00:00Z"}, ("recorded_at",)),
    ("recorded_at a number", {"recorded_at": 1700000000}, ("recorded_at",)),
]


@pytest.mark.parametrize(("what", "change", "path"), INVALID, ids=[case[0] for case in INVALID])
def test_invalid_values_are_400_with_a_field_error_and_nothing_is_stored(post, what, change, path):
    body = valid_body()
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            for inner, inner_value in value.items():
                if inner_value == "__drop__":
                    body[key].pop(inner)
                else:
                    body[key][inner] = inner_value
        elif value is None and key == "pain":
            body.pop("pain")
        else:
            body[key] = value
    response = post(body)
    assert response.status_code == 400, response.json()
    error_at(response, *path)
    assert not CheckIn.objects.exists()


def test_several_problems_are_all_reported_at_once(post):
    response = post(valid_body(pain={"now": 12, "shape": "sharp"}, neuro={"walking": "running"}, extra=1))
    assert response.status_code == 400
    error_at(response, "pain", "now")
    error_at(response, "pain", "shape")
    error_at(response, "neuro", "walking")
    error_at(response, "extra")


def test_a_body_that_is_not_an_object_is_400(post):
    response = post([valid_body()])
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


# --- recorded_at ----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("recorded_at", "accepted"),
    [
        ("2026-11-20T09:04:59Z", True),  # 4 min 59 s in the future: a phone clock running fast
        ("2026-11-20T09:05:00Z", True),
        ("2026-11-20T09:05:01Z", False),  # more than 5 minutes in the future
        ("2026-11-21T09:00:00Z", False),
        ("2026-11-13T09:00:00Z", True),  # exactly 7 days ago
        ("2026-11-13T08:59:59Z", False),  # more than 7 days ago
        ("2026-11-01T09:00:00Z", False),
        ("2026-11-20T17:00:00+08:00", True),  # = 09:00Z
        ("2026-11-20T17:06:00+08:00", False),  # = 09:06Z
        ("2026-11-20T08:30:00", False),  # no UTC offset
        ("2026-11-20 08:30", False),
        ("9999-12-31T23:59:59-12:00", False),  # overflows when turned into UTC
    ],
)
def test_recorded_at_window_and_offset(post, recorded_at, accepted):
    response = post(valid_body(recorded_at=recorded_at))
    if accepted:
        assert response.status_code == 201, response.json()
        assert CheckIn.objects.get().recorded_at == datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    else:
        assert response.status_code == 400, response.json()
        error_at(response, "recorded_at")
        assert not CheckIn.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_recorded_at_keeps_the_moment_and_is_returned_with_an_offset(post):
    response = post(valid_body(recorded_at="2026-11-20T08:30:00+08:00"))
    assert response.status_code == 201
    assert CheckIn.objects.get().recorded_at == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    returned = datetime.fromisoformat(response.json()["recorded_at"].replace("Z", "+00:00"))
    assert returned.utcoffset() is not None and returned == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_recorded_at_defaults_to_now(post):
    response = post(valid_body())
    assert CheckIn.objects.get(pk=response.json()["id"]).recorded_at == NOW


def test_a_missing_offset_is_explained(post):
    response = post(valid_body(recorded_at="2026-11-20T08:30:00"))
    assert "offset" in " ".join(error_at(response, "recorded_at"))


# --- idempotency ----------------------------------------------------------------------------------


def test_the_same_client_id_five_times_stores_one_check_in(post, patient):
    body = valid_body(client_id=str(uuid.uuid4()))
    responses = [post(body) for _ in range(5)]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200]
    assert CheckIn.objects.filter(patient=patient).count() == 1
    first = responses[0].json()
    for repeat in responses[1:]:
        assert repeat.json() == first  # the original, with its advice


def test_a_repeat_returns_the_original_even_when_the_body_differs(post):
    client_id = str(uuid.uuid4())
    first = post(valid_body(client_id=client_id, pain={"now": 1, "worst_24h": 1}))
    again = post(valid_body(client_id=client_id, pain={"now": 9, "worst_24h": 9}))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["pain"]["now"] == 1
    assert CheckIn.objects.count() == 1


def test_a_retry_after_the_window_closed_still_gets_the_original(post):
    client_id = str(uuid.uuid4())
    with time_machine.travel(NOW, tick=False):
        first = post(valid_body(client_id=client_id, recorded_at="2026-11-20T08:00:00Z"))
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        retry = post(valid_body(client_id=client_id, recorded_at="2026-11-20T08:00:00Z"))
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert CheckIn.objects.count() == 1


def test_client_ids_are_per_patient(api_as, patient, other_patient):
    body = valid_body(client_id=str(uuid.uuid4()))
    assert api_as(patient.user).post(URL, body, format="json").status_code == 201
    assert api_as(other_patient.user).post(URL, body, format="json").status_code == 201
    assert CheckIn.objects.count() == 2
    assert {row.patient_id for row in CheckIn.objects.all()} == {patient.pk, other_patient.pk}


def test_check_ins_without_client_id_are_each_stored(post):
    post(valid_body())
    post(valid_body())
    assert CheckIn.objects.count() == 2


# --- advice (docs/clinical.md "Immediate advice") -------------------------------------------------------------


def test_advice_none_for_a_stable_report(post, patient):
    CheckInFactory(patient=patient, days_ago=1, pain_now=3, pain_worst_24h=5, pain_sites=["mid_back"], evaluated=True)
    response = post(valid_body(side_effects={"fatigue": 1}))
    advice = response.json()["advice"]
    assert advice["level"] == "none"
    assert patient.effective_emergency_number not in advice["message"]


def test_advice_urgent_for_rising_pain_names_the_number(post, patient):
    for days_ago in (3, 2, 1):
        CheckInFactory(patient=patient, days_ago=days_ago, pain_now=2, pain_worst_24h=3, evaluated=True)
    response = post(valid_body(pain={"now": 4, "worst_24h": 6}, side_effects={"fatigue": 0, "skin_reaction": 0}))
    advice = response.json()["advice"]
    assert advice["level"] == "urgent"
    assert "24 hours" in advice["message"]
    assert patient.effective_emergency_number in advice["message"]


def test_advice_urgent_for_a_severe_side_effect(post, patient):
    CheckInFactory(patient=patient, days_ago=1, pain_now=3, pain_worst_24h=5, fatigue=2, evaluated=True)
    response = post(valid_body(side_effects={"fatigue": 3, "skin_reaction": 0}))
    assert response.json()["advice"]["level"] == "urgent"


def test_advice_emergency_for_new_leg_weakness_with_the_patients_own_number(post, patient):
    patient.emergency_number = "+1 555 0100"
    patient.save()
    CheckInFactory(patient=patient, days_ago=1, pain_now=3, pain_worst_24h=5, evaluated=True)
    response = post(valid_body(neuro={"weakness": {"right_leg": "moderate"}}))
    advice = response.json()["advice"]
    assert advice["level"] == "emergency"
    assert "+1 555 0100" in advice["message"]
    assert "emergency" in advice["message"]


def test_advice_is_judged_against_the_check_ins_before_recorded_at(post, patient):
    """A late check-in from an offline phone is compared with the one recorded before it."""
    CheckInFactory(patient=patient, days_ago=3, weakness_left_leg="moderate", mild_pain=True, evaluated=True)
    CheckInFactory(patient=patient, days_ago=0.1, weakness_left_leg="none", mild_pain=True, evaluated=True)
    late = (timezone.now() - timedelta(days=2)).isoformat()
    response = post(
        valid_body(
            recorded_at=late,
            neuro={"weakness": {"left_leg": "moderate"}},
            side_effects={"fatigue": 0, "skin_reaction": 0},
        )
    )
    assert response.status_code == 201
    # Same weakness as the check-in recorded before it: not new, whatever arrived since.
    assert response.json()["advice"]["level"] == "none"


def test_the_emergency_number_setting_is_used_when_the_patient_has_none(post, settings):
    settings.TRACKER_EMERGENCY_NUMBER = "+44 1632 960000"
    response = post(valid_body(neuro={"walking": "unable"}))
    assert "+44 1632 960000" in response.json()["advice"]["message"]


def test_a_check_in_costs_a_few_queries_however_long_the_history(post, patient, django_assert_max_num_queries):
    for day in range(60):
        CheckInFactory(patient=patient, days_ago=day + 1, mild_pain=True, evaluated=True)
    # token with user and patient profile, insert (in a savepoint: + 2 statements), the 7-day history for
    # the advice. No client_id lookup: the unique constraint decides.
    with django_assert_max_num_queries(5):
        response = post(valid_body(client_id=str(uuid.uuid4())))
    assert response.status_code == 201


BODIES = [
    valid_body(),
    valid_body(client_id=str(uuid.uuid4()), recorded_at="2026-11-20T07:15:30.123456+08:00", note=""),
    {"pain": {"now": 0, "worst_24h": 0}},
    valid_body(
        pain={"now": 9, "worst_24h": 10, "sites": ["right_leg", "neck", "lower_back", "neck"], "night_pain": True},
        neuro={
            "weakness": {"left_arm": "mild", "right_leg": "severe"},
            "numbness": ["saddle", "left_leg"],
            "walking": "unable",
            "falls": 3,
            "bladder": "retention",
            "bowel": "incontinence",
        },
        side_effects={"fatigue": 4, "nausea": 3, "diarrhoea": 2, "skin_reaction": 0, "rash": 1},
        note="Ünïcode, <b>tags</b> and\nnew lines.",
    ),
]


@pytest.mark.parametrize("body", BODIES)
def test_the_response_is_the_check_in_created_serializers_representation(post, patient, body):
    from rest_framework.renderers import JSONRenderer

    from tracker.symptoms.api.serializers import CheckInCreatedSerializer
    from tracker.symptoms.services import checkin_advice

    with time_machine.travel(NOW, tick=False):
        CheckInFactory(patient=patient, days_ago=1, pain_now=1, pain_worst_24h=2, evaluated=True)
        response = post(body)
        assert response.status_code == 201, response.json()
        row = CheckIn.objects.get(pk=response.json()["id"])  # as stored, read back
        row.advice = checkin_advice(row)
        assert response.json() == json.loads(JSONRenderer().render(CheckInCreatedSerializer(row).data))
        if "client_id" in body:  # a repeat answers from the stored row: the same body
            assert post(body).json() == response.json()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("null", {"non_field_errors": ["No data provided"]}),
        ("[]", {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
        ('"text"', {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
        # Sections are optional since issue #17, but one must be sent.
        ("{}", {"non_field_errors": ["Send at least one of pain, neuro and side_effects."]}),
    ],
)
def test_bodies_that_are_not_a_check_in_get_drfs_own_errors(api_as, patient, raw, expected):
    response = api_as(patient.user).post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == expected
