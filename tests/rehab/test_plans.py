"""Prescribing plans: the safety check against precautions, overrides, versions (API and service)."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import PatientFactory, UserFactory
from tests.rehab.conftest import NOW, ex, prescribe, set_precautions, spec
from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import Role, SpinalStability
from tracker.rehab.models import ExerciseLog, ExercisePlan, PlanItem, PlanStatus, PlanVersion
from tracker.rehab.services import PlanConflictError, exercise_log_create, plan_end

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/"


def body(patient, *items, **extra):
    return {
        "patient": patient.pk,
        "items": [
            {"exercise": ex(slug).pk, "days": days or ["mon", "wed", "fri"]} for slug, days in [_item(i) for i in items]
        ],
        **extra,
    }


def _item(value):
    return value if isinstance(value, tuple) else (value, None)


# --------------------------------------------------------------------------------------------------
# The conflict checks, one by one, through the public API
# --------------------------------------------------------------------------------------------------

RESTRICTION_CASES = [
    # restriction, an exercise it refuses, an exercise it allows
    ({"no_spinal_flexion": True}, "knee-to-chest", "bridging"),
    ({"no_spinal_extension": True}, "bridging", "knee-to-chest"),
    ({"no_spinal_rotation": True}, "seated-trunk-rotation", "sit-to-stand"),
    ({"no_axial_loading": True}, "sit-to-stand", "seated-trunk-rotation"),
    ({"no_lifting_over_kg": Decimal(2)}, "lift-box-5kg-from-table", "carry-shopping-bag-2kg"),
    ({"no_lifting_over_kg": Decimal(0)}, "arm-raise-holding-tin", "sit-to-stand"),
]


@pytest.mark.parametrize(("restriction", "refused", "allowed"), RESTRICTION_CASES)
def test_each_restriction_flag_refuses_the_exercise_that_breaks_it(
    api_as, patient, therapist, restriction, refused, allowed
):
    set_precautions(patient, **restriction)
    response = api_as(therapist).post(URL, body(patient, allowed, refused), format="json")
    assert response.status_code == 400, response.content
    [conflict] = response.json()["conflicts"]
    assert conflict["exercise"] == ex(refused).pk
    assert conflict["name"] == ex(refused).name
    assert conflict["item"] == 1
    assert conflict["reasons"]
    assert "override_reason" in response.json()
    assert not ExercisePlan.objects.filter(patient=patient).exists()

    response = api_as(therapist).post(URL, body(patient, allowed), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("stability", "code"),
    [(SpinalStability.UNSTABLE, "unstable_spine"), (SpinalStability.UNKNOWN, "unknown_stability")],
)
def test_an_unstable_or_unknown_spine_refuses_exercises_not_suitable_for_it(
    api_as, patient, therapist, stability, code
):
    set_precautions(patient, stability=stability)
    response = api_as(therapist).post(URL, body(patient, "ankle-pumps", "sit-to-stand", "step-ups"), format="json")
    assert response.status_code == 400
    conflicts = response.json()["conflicts"]
    assert [c["name"] for c in conflicts] == [ex("sit-to-stand").name, ex("step-ups").name]
    assert all(c["codes"][0] == code for c in conflicts)

    response = api_as(therapist).post(URL, body(patient, "ankle-pumps", "tummy-tighten-lying"), format="json")
    assert response.status_code == 201


def test_a_potentially_unstable_spine_is_not_refused_on_suitability_alone(api_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.POTENTIALLY_UNSTABLE)
    response = api_as(therapist).post(URL, body(patient, "sit-to-stand"), format="json")
    assert response.status_code == 201


def test_a_new_patient_is_not_yet_assessed_so_standing_exercises_are_refused(api_as, patient, therapist):
    assert patient.spinal_stability == SpinalStability.UNKNOWN
    response = api_as(therapist).post(URL, body(patient, "walk-outdoors"), format="json")
    assert response.status_code == 400
    assert response.json()["conflicts"][0]["codes"] == ["unknown_stability"]


def test_every_conflicting_exercise_is_named_with_all_its_reasons(api_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNSTABLE, no_spinal_flexion=True, no_spinal_extension=True)
    response = api_as(therapist).post(URL, body(patient, "cat-cow", "ankle-pumps", "knee-to-chest"), format="json")
    assert response.status_code == 400
    conflicts = {c["name"]: c["codes"] for c in response.json()["conflicts"]}
    assert conflicts == {
        ex("cat-cow").name: ["unstable_spine", "flexion", "extension"],
        ex("knee-to-chest").name: ["unstable_spine", "flexion"],
    }


# --------------------------------------------------------------------------------------------------
# Override with and without a reason
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(api_as, patient, therapist, reason):
    set_precautions(patient, stability=SpinalStability.UNSTABLE)
    response = api_as(therapist).post(URL, body(patient, "sit-to-stand", override_reason=reason), format="json")
    assert response.status_code == 400
    assert response.json()["conflicts"][0]["name"] == ex("sit-to-stand").name
    assert not PlanItem.objects.exists()
    assert not AuditLog.objects.filter(action=AuditAction.OVERRIDE).exists()


def test_an_override_with_a_reason_saves_the_item_and_audits_who_overrode_what_and_why(api_as, patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNSTABLE, no_axial_loading=True)
    reason = "Cleared by the spinal surgeon on 17 Nov for supervised sit to stand."
    response = api_as(therapist).post(
        URL, body(patient, "ankle-pumps", "sit-to-stand", override_reason=reason), format="json"
    )
    assert response.status_code == 201, response.content
    items = {i["exercise_name"]: i for i in response.json()["version"]["items"]}
    sit = items[ex("sit-to-stand").name]
    assert sit["overridden_conflicts"] == ["unstable_spine", "axial_loading"]
    assert sit["override_reason"] == reason
    assert items[ex("ankle-pumps").name]["overridden_conflicts"] == []
    assert items[ex("ankle-pumps").name]["override_reason"] == ""

    [entry] = AuditLog.objects.filter(action=AuditAction.OVERRIDE)
    assert entry.actor == therapist
    assert entry.patient == patient
    assert entry.target == f"plan item {sit['id']}"
    assert reason in entry.detail and "unstable_spine" in entry.detail and str(ex("sit-to-stand").pk) in entry.detail


def test_the_database_refuses_a_conflicting_item_without_a_reason(patient, therapist):
    set_precautions(patient)
    version = prescribe(patient, therapist, spec("ankle-pumps"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.create(
            version=version, exercise=ex("sit-to-stand"), sets=1, reps=1, conflict_codes="unstable_spine"
        )


def test_the_service_refuses_conflicts_without_a_reason(patient, therapist):
    set_precautions(patient, stability=SpinalStability.UNSTABLE)
    with pytest.raises(PlanConflictError) as caught:
        prescribe(patient, therapist, spec("ankle-pumps"), spec("step-ups"))
    assert [c.exercise.slug for c in caught.value.conflicts] == ["step-ups"]
    assert not ExercisePlan.objects.exists()


def test_the_check_endpoint_reports_conflicts_without_saving(api_as, patient, therapist):
    set_precautions(patient, no_spinal_rotation=True)
    payload = body(patient, "ankle-pumps", "seated-trunk-rotation")
    response = api_as(therapist).post("/api/v1/plans/check/", payload, format="json")
    assert response.status_code == 200
    assert [c["codes"] for c in response.json()["conflicts"]] == [["rotation"]]
    assert not ExercisePlan.objects.exists()


# --------------------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------------------


def test_changing_a_plan_makes_a_new_version_and_past_logs_stay_with_what_was_prescribed(
    api_as, stable_patient, therapist, frozen
):
    patient = stable_patient
    first = api_as(therapist).post(URL, body(patient, "sit-to-stand", "ankle-pumps"), format="json").json()
    item = PlanItem.objects.get(pk=first["version"]["items"][0]["id"])
    exercise_log_create(patient=patient, plan_item=item, completed=True, pain_before=2, pain_during=3, difficulty="ok")

    frozen.shift(timedelta(days=3))
    payload = body(patient, "heel-raises-standing", change_note="Progressed")
    payload["items"][0].update(sets=3, reps=12)
    second = api_as(therapist).post(URL, payload, format="json")
    assert second.status_code == 201
    data = second.json()
    assert data["id"] == first["id"]
    assert data["version"]["number"] == 2
    assert data["version"]["effective_from"] == (NOW.date() + timedelta(days=3)).isoformat()
    assert [v["number"] for v in data["versions"]] == [2, 1]
    assert data["version"]["items"][0]["sets"] == 3

    # Version 1 is unchanged, and the log still points at its item.
    v1 = PlanVersion.objects.get(plan_id=data["id"], number=1)
    assert [i.exercise.slug for i in v1.items.order_by("position")] == ["sit-to-stand", "ankle-pumps"]
    log = ExerciseLog.objects.get()
    assert log.plan_item.version == v1
    assert ExercisePlan.objects.filter(patient=patient).count() == 1


def test_one_active_plan_per_patient_is_a_database_rule(stable_patient, therapist):
    prescribe(stable_patient, therapist, spec("ankle-pumps"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ExercisePlan.objects.create(patient=stable_patient)


def test_an_ended_plan_keeps_its_history_and_the_next_plan_starts_at_version_one(stable_patient, therapist):
    version = prescribe(stable_patient, therapist, spec("ankle-pumps"))
    plan_end(plan=version.plan, therapist=therapist)
    plan_end(plan=version.plan, therapist=therapist)  # a second click changes nothing
    assert ExercisePlan.objects.get(pk=version.plan_id).status == PlanStatus.ENDED
    new = prescribe(stable_patient, therapist, spec("sit-to-stand"))
    assert new.plan_id != version.plan_id and new.number == 1
    assert AuditLog.objects.filter(target=f"exercise plan {version.plan_id}", detail="ended").count() == 1


def test_doses_default_to_the_exercise_and_can_be_set(api_as, stable_patient, therapist):
    payload = body(stable_patient, "tummy-tighten-lying", "ankle-pumps")
    payload["items"][1].update(sets=4, reps=20, hold_seconds=0, notes="Before getting up")
    response = api_as(therapist).post(URL, payload, format="json")
    assert response.status_code == 201
    first, second = response.json()["version"]["items"]
    tummy = ex("tummy-tighten-lying")
    assert (first["sets"], first["reps"], first["hold_seconds"]) == (
        tummy.default_sets,
        tummy.default_reps,
        tummy.default_hold_seconds,
    )
    assert (second["sets"], second["reps"], second["hold_seconds"], second["notes"]) == (4, 20, 0, "Before getting up")
    assert first["days"] == ["mon", "wed", "fri"]


# --------------------------------------------------------------------------------------------------
# Never trust ids, bad input
# --------------------------------------------------------------------------------------------------


def test_a_patient_outside_the_therapists_reach_is_a_400_that_reveals_nothing(api_as, other_patient, therapist):
    response = api_as(therapist).post(URL, body(other_patient, "ankle-pumps"), format="json")
    assert response.status_code == 400
    assert response.json() == {"patient": ["No such patient."]}
    missing = api_as(therapist).post(URL, {**body(other_patient, "ankle-pumps"), "patient": 999999}, format="json")
    assert missing.json() == response.json()


def test_a_therapist_from_another_team_cannot_prescribe(api_as, patient):
    outsider = UserFactory(username="tess_othertherapist", role=Role.THERAPIST)
    PatientFactory(team=[outsider])
    response = api_as(outsider).post(URL, body(patient, "ankle-pumps"), format="json")
    assert response.status_code == 400
    assert not ExercisePlan.objects.exists()


def test_exercise_ids_outside_the_library_are_a_400_on_that_item(api_as, stable_patient, therapist):
    retired = ex("step-ups")
    retired.is_active = False
    retired.save()
    payload = body(stable_patient, "ankle-pumps", "step-ups")
    payload["items"].append({"exercise": 987654, "days": ["mon"]})
    response = api_as(therapist).post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["items"] == [
        {},
        {"exercise": ["No such exercise in the library."]},
        {"exercise": ["No such exercise in the library."]},
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"items": []}, "items"),
        ({"items": "ankle-pumps"}, "items"),
        ({"patient": "1"}, "patient"),
        ({"start": "2026-11-20", "end": "2026-11-19"}, "end"),
        ({"end": "2020-01-01", "start": "2019-12-01"}, "end"),
        ({"override_reason": 5}, "override_reason"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_plan_bodies_are_400_field_errors(api_as, stable_patient, therapist, change, field, frozen):
    response = api_as(therapist).post(URL, {**body(stable_patient, "ankle-pumps"), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "item",
    [
        {"days": ["mon"]},  # no exercise
        {"exercise": "x", "days": ["mon"]},
        {"exercise": True, "days": ["mon"]},
        {"exercise": "ankle-pumps"},  # no days
        {"exercise": "ankle-pumps", "days": []},
        {"exercise": "ankle-pumps", "days": ["mon", "mon"]},
        {"exercise": "ankle-pumps", "days": ["someday"]},
        {"exercise": "ankle-pumps", "days": ["mon"], "sets": 0},
        {"exercise": "ankle-pumps", "days": ["mon"], "sets": 21},
        {"exercise": "ankle-pumps", "days": ["mon"], "reps": 101},
        {"exercise": "ankle-pumps", "days": ["mon"], "reps": "10"},
        {"exercise": "ankle-pumps", "days": ["mon"], "hold_seconds": -1},
        {"exercise": "ankle-pumps", "days": ["mon"], "hold_seconds": 601},
        {"exercise": "ankle-pumps", "days": ["mon"], "notes": "x" * 501},
        {"exercise": "ankle-pumps", "days": ["mon"], "colour": "red"},
    ],
)
def test_bad_items_are_400_field_errors(api_as, stable_patient, therapist, item):
    if item.get("exercise") == "ankle-pumps":
        item = {**item, "exercise": ex("ankle-pumps").pk}
    response = api_as(therapist).post(URL, {"patient": stable_patient.pk, "items": [item]}, format="json")
    assert response.status_code == 400
    assert "items" in response.json()
    assert not ExercisePlan.objects.exists()


@pytest.mark.parametrize("role_fixture", ["nurse", "physician", "psychologist", "admin_user"])
def test_only_therapists_prescribe(api_as, stable_patient, role_fixture, request):
    response = api_as(request.getfixturevalue(role_fixture)).post(
        URL, body(stable_patient, "ankle-pumps"), format="json"
    )
    assert response.status_code == 403


def test_patients_cannot_prescribe(api_as, stable_patient):
    response = api_as(stable_patient.user).post(URL, body(stable_patient, "ankle-pumps"), format="json")
    assert response.status_code == 403


# --------------------------------------------------------------------------------------------------
# Reading plans
# --------------------------------------------------------------------------------------------------


def test_listing_plans_is_scoped_audited_and_a_fixed_number_of_queries(
    api_as, stable_patient, other_patient, therapist, nurse, other_nurse, django_assert_max_num_queries
):
    prescribe(stable_patient, therapist, spec("ankle-pumps"), spec("sit-to-stand"))
    set_precautions(other_patient)
    other_therapist = UserFactory(username="tom_t2", role=Role.THERAPIST)
    other_patient.memberships.create(clinician=other_therapist, role=Role.THERAPIST)
    prescribe(other_patient, other_therapist, spec("ankle-pumps"))
    for _ in range(5):
        extra = set_precautions(PatientFactory(team=[nurse, therapist]))
        prescribe(extra, therapist, spec("ankle-pumps"), spec("heel-raises-standing"))

    client = api_as(nurse)
    # Queries: token with user, count, plans (+ patient), versions (+ author, template), items (+ exercise),
    # audit insert.
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert AuditLog.objects.filter(actor=nurse, target="exercise plans").count() == 6

    assert api_as(nurse).get(URL, {"patient": stable_patient.pk}).json()["count"] == 1
    assert api_as(nurse).get(URL, {"patient": other_patient.pk}).status_code == 404
    assert api_as(other_nurse).get(URL).json()["count"] == 1
    mine = api_as(stable_patient.user).get(URL).json()
    assert [p["patient"] for p in mine["results"]] == [stable_patient.pk]
    assert api_as(stable_patient.user).get(URL, {"patient": other_patient.pk}).status_code == 404


def test_plan_detail_is_404_outside_reach(api_as, stable_patient, other_patient, therapist, other_nurse):
    plan = prescribe(stable_patient, therapist, spec("ankle-pumps")).plan
    assert api_as(therapist).get(f"{URL}{plan.pk}/").status_code == 200
    assert api_as(stable_patient.user).get(f"{URL}{plan.pk}/").status_code == 200
    assert api_as(other_nurse).get(f"{URL}{plan.pk}/").status_code == 404
    assert api_as(other_patient.user).get(f"{URL}{plan.pk}/").status_code == 404


def test_the_patient_sets_their_reminder_time_on_their_own_plan_only(api_as, stable_patient, other_patient, therapist):
    plan = prescribe(stable_patient, therapist, spec("ankle-pumps")).plan
    response = api_as(stable_patient.user).patch(f"{URL}{plan.pk}/", {"reminder_time": "07:45"}, format="json")
    assert response.status_code == 200
    assert response.json()["reminder_time"] == "07:45"
    assert (
        api_as(stable_patient.user)
        .patch(f"{URL}{plan.pk}/", {"reminder_time": None}, format="json")
        .json()["reminder_time"]
        is None
    )
    assert (
        api_as(stable_patient.user).patch(f"{URL}{plan.pk}/", {"reminder_time": "25:00"}, format="json").status_code
        == 400
    )
    assert (
        api_as(other_patient.user).patch(f"{URL}{plan.pk}/", {"reminder_time": "07:45"}, format="json").status_code
        == 404
    )
    assert api_as(therapist).patch(f"{URL}{plan.pk}/", {"reminder_time": "07:45"}, format="json").status_code == 403


def test_the_library_lists_in_a_fixed_number_of_queries(api_as, patient, django_assert_max_num_queries):
    client = api_as(patient.user)
    with django_assert_max_num_queries(3):  # token with user, count, one page of exercises
        response = client.get("/api/v1/exercises/")
    assert response.json()["count"] == 39


def test_the_library_is_open_to_every_signed_in_user_and_closed_to_anonymous(api, api_as, actors):
    for user in actors.values():
        response = api_as(user).get("/api/v1/exercises/")
        assert response.status_code == 200
        assert response.json()["count"] >= 24
    assert api.get("/api/v1/exercises/").status_code == 401
    one = api_as(actors["patient"]).get(f"/api/v1/exercises/{ex('lift-box-5kg-from-table').pk}/").json()
    assert one["movements"] == {
        "flexion": False,
        "extension": False,
        "rotation": False,
        "axial_loading": True,
        "lifting_kg": 5.0,
    }
    assert one["suitable_for_unstable_spine"] is False
    assert len(one["instructions"]) >= 3


def test_a_plan_sent_again_with_its_client_id_answers_200_and_saves_no_new_version(api_as, stable_patient, therapist):
    client = api_as(therapist)
    sent = body(stable_patient, "ankle-pumps", client_id=str(uuid.uuid4()))
    first = client.post(URL, sent, format="json")
    again = client.post(URL, sent, format="json")
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json() == first.json()
    assert PlanVersion.objects.filter(plan__patient=stable_patient).count() == 1
    assert client.post(URL, dict(sent, client_id=str(uuid.uuid4())), format="json").status_code == 201
    assert PlanVersion.objects.filter(plan__patient=stable_patient).count() == 2
    assert client.post(URL, dict(sent, client_id="not-a-uuid"), format="json").status_code == 400
