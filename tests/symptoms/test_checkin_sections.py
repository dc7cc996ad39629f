"""Issue #17, "Nothing a patient reports is lost" and "The patient sees the answer": optional check-in
sections (API, rules, history), the `alerts` of check-ins and screens, GET /api/v1/checkins/{id}/."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import CheckInFactory
from tests.symptoms.conftest import valid_body
from tracker.alerts.models import Alert, AlertTrigger
from tracker.alerts.rules import Thresholds
from tracker.alerts.services import alert_acknowledge, submission_evaluate
from tracker.audit.models import AuditLog
from tracker.core.vocab import RuleCode
from tracker.symptoms.models import CheckIn
from tracker.symptoms.rules import CheckInFacts, evaluate_checkin
from tracker.symptoms.selectors import checkin_history_facts

pytestmark = pytest.mark.django_db

URL = "/api/v1/checkins/"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T = Thresholds()


def only(*sections, **overrides) -> dict:
    body = valid_body(**overrides)
    return {key: value for key, value in body.items() if key not in {"pain", "neuro", "side_effects"} - set(sections)}


def evaluate(checkin_id: int) -> None:
    submission_evaluate(label="symptoms.checkin", pk=checkin_id)


# --- the API: each section optional, one required ---------------------------------------------------


@pytest.mark.parametrize(
    ("sections", "missing"),
    [
        (("pain",), ["neuro", "side_effects"]),
        (("neuro",), ["pain", "side_effects"]),
        (("side_effects",), ["pain", "neuro"]),
        (("pain", "neuro", "side_effects"), []),
    ],
)
def test_each_section_may_be_sent_alone_and_the_others_read_back_as_null(api_as, patient, sections, missing):
    response = api_as(patient.user).post(URL, only(*sections), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    row = CheckIn.objects.get(pk=data["id"])
    assert row.sections_missing == missing
    for name in ("pain", "neuro", "side_effects"):
        assert (data[name] is None) == (name in missing), name
    assert data["alerts"] == []  # not evaluated yet


def test_a_check_in_with_no_section_is_400_and_nothing_is_stored(api_as, patient):
    response = api_as(patient.user).post(URL, {"note": "Just a note."}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send at least one of pain, neuro and side_effects."]}
    assert not CheckIn.objects.exists()


def test_a_section_sent_still_follows_its_rules(api_as, patient):
    response = api_as(patient.user).post(URL, {"pain": {"now": 6, "worst_24h": 4}}, format="json")
    assert response.status_code == 400 and "worst_24h" in response.json()["pain"]
    response = api_as(patient.user).post(URL, {"neuro": {"walking": "running"}}, format="json")
    assert response.status_code == 400 and "walking" in response.json()["neuro"]


def test_neuro_only_gets_the_emergency_advice_and_raises_the_alert(api_as, patient):
    body = {"neuro": {"weakness": {"left_leg": "moderate"}, "falls": 1}}
    response = api_as(patient.user).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["advice"]["level"] == "emergency"
    assert patient.effective_emergency_number in response.json()["advice"]["message"]
    evaluate(response.json()["id"])
    assert Alert.objects.get(patient=patient).rule == RuleCode.NEURO_DEFICIT


def test_side_effects_only_gets_urgent_advice_and_pain_only_none(api_as, patient):
    client = api_as(patient.user)
    severe = client.post(URL, {"side_effects": {"nausea": 3}}, format="json").json()
    assert severe["advice"]["level"] == "urgent"
    calm = client.post(URL, {"pain": {"now": 1, "worst_24h": 2}}, format="json").json()
    assert calm["advice"]["level"] == "none"


# --- the rules skip what was not answered -----------------------------------------------------------


def facts(days_ago: float, **values) -> CheckInFacts:
    return CheckInFacts(recorded_at=NOW - timedelta(days=days_ago), **values)


def test_a_check_in_without_pain_is_neither_a_pain_baseline_point_nor_a_rise():
    no_pain = {"pain_now": None, "pain_worst_24h": None}
    earlier = [facts(3, pain_now=2, pain_worst_24h=2), facts(2, **no_pain), facts(1, **no_pain)]
    # One pain check-in in the window: no baseline (two are needed), so 5 is not a "rise".
    assert evaluate_checkin(facts(0, pain_now=5, pain_worst_24h=5), earlier, T) == []
    # And the pain-less check-in itself fires no pain rule, whatever came before.
    assert evaluate_checkin(facts(0, **no_pain), [facts(1, pain_now=9, pain_worst_24h=9)], T) == []


def test_severe_pain_compares_with_the_last_check_in_that_had_pain():
    earlier = [facts(2, pain_now=8, pain_worst_24h=8), facts(1, pain_now=None, pain_worst_24h=None)]
    # Worst 8 again after a pain-less check-in: not "newly severe" (the previous pain was 8, not the all-clear).
    assert evaluate_checkin(facts(0, pain_now=8, pain_worst_24h=8), earlier, T) == []


def test_a_check_in_without_neuro_does_not_hide_a_new_weakness():
    earlier = [
        facts(2, weakness={"left_leg": "mild"}),
        facts(1, neuro_answered=False),  # says nothing about the legs
    ]
    current = facts(0, weakness={"left_leg": "moderate"})
    [finding] = evaluate_checkin(current, earlier, T)
    assert finding.rule == RuleCode.NEURO_DEFICIT
    assert finding.evidence["previous_recorded_at"] == earlier[0].recorded_at.isoformat()
    # ...nor, left out, does it fire anything against the weakness before it.
    assert evaluate_checkin(facts(0, neuro_answered=False), earlier[:1], T) == []


def test_side_effects_left_out_are_not_a_fall_to_zero_nor_a_jump_from_zero():
    earlier = [facts(2, side_effects={"nausea": 2}), facts(1, side_effects_answered=False)]
    # Nausea 2 again: compared with the 2 before the check-in that left side effects out, not with 0.
    assert evaluate_checkin(facts(0, side_effects={"nausea": 2}), earlier, T) == []


def test_the_history_read_reaches_back_for_the_last_check_in_that_answered_each_section(patient):
    with time_machine.travel(NOW, tick=False):
        CheckInFactory(
            patient=patient, days_ago=20, weakness_left_leg="mild", mild_pain=True, evaluated=True
        )  # older than the 7-day window
        CheckInFactory(patient=patient, days_ago=2, neuro_answered=False, mild_pain=True, evaluated=True)
        history = checkin_history_facts(patient, before=timezone.now())
    assert [fact.neuro_answered for fact in history] == [True, False]
    assert history[0].weakness == {"left_leg": "mild"}


def test_a_new_weakness_after_a_pain_only_check_in_raises_the_alert_end_to_end(api_as, patient):
    CheckInFactory(patient=patient, days_ago=3, weakness_left_leg="mild", mild_pain=True, evaluated=True)
    client = api_as(patient.user)
    client.post(URL, only("pain"), format="json")  # pain only, after the weakness
    response = client.post(URL, only("neuro", neuro={"weakness": {"left_leg": "moderate"}}), format="json")
    assert response.json()["advice"]["level"] == "emergency"
    evaluate(response.json()["id"])
    assert Alert.objects.filter(patient=patient, rule=RuleCode.NEURO_DEFICIT).exists()


# --- alerts on check-ins and screens; the detail endpoint -------------------------------------------


def test_check_ins_carry_the_alerts_they_raised_with_their_status(api_as, patient, nurse):
    client = api_as(patient.user)
    checkin_id = client.post(URL, only("neuro", neuro={"bladder": "retention"}), format="json").json()["id"]
    calm_id = client.post(URL, only("pain"), format="json").json()["id"]
    evaluate(checkin_id)
    evaluate(calm_id)
    alert = Alert.objects.get(patient=patient)
    detail = client.get(f"{URL}{checkin_id}/").json()
    assert detail["alerts"] == [
        {
            "id": alert.pk,
            "rule": "neuro_deficit",
            "severity": "emergency",
            "status": "open",
            "acknowledged_at": None,
            "resolved_at": None,
        }
    ]
    assert client.get(f"{URL}{calm_id}/").json()["alerts"] == []
    alert_acknowledge(alert=alert, user=nurse)
    listed = {item["id"]: item for item in client.get(URL).json()["results"]}
    assert listed[checkin_id]["alerts"][0]["status"] == "acknowledged"
    assert listed[checkin_id]["alerts"][0]["acknowledged_at"] is not None
    assert listed[calm_id]["alerts"] == []


def test_a_missed_check_ins_alert_is_not_one_the_check_in_raised(api_as, patient):
    checkin = CheckInFactory(patient=patient, days_ago=10, mild_pain=True, evaluated=True)
    alert = Alert.objects.create(
        patient=patient, rule=RuleCode.MISSED_CHECKINS, severity="routine", summary="x", reported_at=timezone.now()
    )
    AlertTrigger.objects.create(alert=alert, source_type="symptoms.checkin", source_id=checkin.pk, rule=alert.rule)
    assert api_as(patient.user).get(f"{URL}{checkin.pk}/").json()["alerts"] == []


def test_the_list_costs_the_same_queries_however_many_check_ins_raised_alerts(
    api_as, patient, nurse, django_assert_max_num_queries
):
    for day in range(20):
        checkin = CheckInFactory(patient=patient, days_ago=day + 1, mild_pain=True, evaluated=True)
        resolved = {"status": "resolved", "resolved_at": timezone.now(), "outcome": "advised"} if day else {}
        alert = Alert.objects.create(
            patient=patient,
            rule=RuleCode.SIDE_EFFECT,
            severity="urgent",
            summary="x",
            reported_at=timezone.now(),
            **resolved,
        )
        AlertTrigger.objects.create(alert=alert, source_type="symptoms.checkin", source_id=checkin.pk, rule=alert.rule)
    client = api_as(nurse)
    # token user, patient, audit insert (+ savepoints), count, page of rows, the page's alerts
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"patient": patient.pk})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 20 and all(len(item["alerts"]) == 1 for item in results)


def test_the_detail_is_the_patients_own_or_the_care_teams_and_audited(
    api_as, patient, other_patient, nurse, other_nurse
):
    mine = CheckInFactory(patient=patient, days_ago=1, mild_pain=True, evaluated=True)
    theirs = CheckInFactory(patient=other_patient, days_ago=1, mild_pain=True, evaluated=True)
    assert api_as(patient.user).get(f"{URL}{mine.pk}/").status_code == 200
    assert api_as(patient.user).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_as(patient.user).get(f"{URL}99999999999999999999/").status_code == 404
    assert api_as(other_nurse).get(f"{URL}{mine.pk}/").status_code == 404
    response = api_as(nurse).get(f"{URL}{mine.pk}/")
    assert response.status_code == 200 and response.json()["id"] == mine.pk
    assert AuditLog.objects.filter(actor=nurse, patient=patient, target="check-in").count() == 1


def test_screens_carry_the_alerts_they_raised(api_as, patient):
    client = api_as(patient.user)
    screen = client.post("/api/v1/screens/", {"instrument": "phq9", "answers": [0] * 8 + [1]}, format="json").json()
    submission_evaluate(label="psych.screen", pk=screen["id"])
    [item] = client.get("/api/v1/screens/").json()["results"]
    assert {alert["rule"] for alert in item["alerts"]} == {"self_harm"}
    assert all(alert["status"] == "open" for alert in item["alerts"])


def test_a_section_sent_as_null_is_a_section_left_out_and_reads_back_as_null(api_as, patient):
    """The response shows a section not answered as null, so a client may send it back the same way."""
    client = api_as(patient.user)

    pain_only = client.post(URL, {"pain": {"now": 2, "worst_24h": 3}, "neuro": {}, "side_effects": None}, format="json")
    neuro_only = client.post(URL, {"pain": None, "neuro": {"weakness": {"left_leg": "mild"}}}, format="json")
    nothing = client.post(URL, {"pain": None, "neuro": None, "side_effects": None}, format="json")

    assert pain_only.status_code == 201 and pain_only.json()["side_effects"] is None
    assert pain_only.json()["neuro"]["walking"] == "normal"
    assert neuro_only.status_code == 201 and neuro_only.json()["pain"] is None
    assert CheckIn.objects.get(pk=neuro_only.json()["id"]).pain_now is None
    assert nothing.status_code == 400
    assert nothing.json()["non_field_errors"] == ["Send at least one of pain, neuro and side_effects."]
