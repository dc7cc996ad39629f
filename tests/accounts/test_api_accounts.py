import uuid

import pytest
from django.urls import reverse

from tracker.accounts.models import PatientProfile
from tracker.audit.models import AuditLog

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "username": "newpatient",
    "password": "a-long-enough-pass",
    "first_name": "Nora",
    "last_name": "Quinn",
    "date_of_birth": "1961-03-04",
    "primary_cancer": "Lung",
    "spinal_levels": ["T10", "L1"],
    "care_team": [],
}


def test_token_is_issued_for_good_credentials_and_works(api, patient, password):
    response = api.post("/api/v1/auth/token/", {"username": "pat_patient", "password": password}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api.get("/api/v1/me/").json()
    assert me == {
        "id": patient.user.pk,
        "username": "pat_patient",
        "role": "patient",
        "patient_id": patient.pk,
        "phone": "",
        "emergency_contact": {"name": "", "relationship": "", "phone": ""},
    }


def test_token_refused_with_400_on_bad_credentials(api, patient):
    response = api.post("/api/v1/auth/token/", {"username": "pat_patient", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_needs_both_fields(api, db):
    response = api.post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_me_for_staff_has_null_patient_id(api_as, nurse):
    assert api_as(nurse).get("/api/v1/me/").json()["patient_id"] is None


def test_me_needs_authentication(api, db):
    assert api.get("/api/v1/me/").status_code == 401


def test_an_enrolment_sent_again_with_its_client_id_answers_200_with_the_patient(api_as, nurse):
    body = dict(NEW_PATIENT, client_id=str(uuid.uuid4()))
    first = api_as(nurse).post("/api/v1/patients/", body, format="json")
    again = api_as(nurse).post("/api/v1/patients/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200), again.json()
    assert again.json() == first.json()
    assert PatientProfile.objects.count() == 1
    # Without one (it stays optional), sending it again is refused as before.
    plain = dict(NEW_PATIENT, username="another")
    assert api_as(nurse).post("/api/v1/patients/", plain, format="json").status_code == 201
    assert api_as(nurse).post("/api/v1/patients/", plain, format="json").json() == {
        "username": ["That username is taken."]
    }


def test_a_bad_client_id_is_a_field_error(api_as, nurse):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, client_id="not-a-uuid"), format="json")
    assert response.status_code == 400 and "client_id" in response.json()
    assert not PatientProfile.objects.exists()


def test_nurse_enrols_patient_and_joins_its_care_team(api_as, nurse, therapist):
    body = dict(NEW_PATIENT, care_team=[therapist.username])
    response = api_as(nurse).post("/api/v1/patients/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert isinstance(data["id"], int)
    assert data["spinal_levels"] == ["T10", "L1"]
    team = {m["username"] for m in data["care_team"]}
    assert team == {nurse.username, therapist.username}
    created = PatientProfile.objects.get(pk=data["id"])
    assert created.user.check_password("a-long-enough-pass")
    assert AuditLog.objects.filter(actor=nurse, patient=created, action="create").exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"spinal_levels": ["T13"]}, "spinal_levels"),
        ({"spinal_levels": "banana"}, "spinal_levels"),
        ({"care_team": ["nobody-here"]}, "care_team"),
        ({"password": "short"}, "password"),
        ({"username": "pat_patient"}, "username"),
        ({"primary_cancer": ""}, "primary_cancer"),
        ({"checkin_schedule": "hourly"}, "checkin_schedule"),
        ({"spinal_stability": "wobbly"}, "spinal_stability"),
        ({"restrictions": {"no_spinal_flexion": "maybe"}}, "restrictions"),
    ],
)
def test_enrolment_refuses_bad_values_with_field_errors(api_as, nurse, patient, change, field):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PatientProfile.objects.filter(user__username="newpatient").exists()


def test_patient_list_shows_only_care_team_patients_and_audits(api_as, nurse, patient, other_patient):
    response = api_as(nurse).get("/api/v1/patients/")
    assert response.status_code == 200
    data = response.json()
    assert {"count", "next", "previous", "results"} <= set(data)
    assert [p["id"] for p in data["results"]] == [patient.pk]
    assert AuditLog.objects.filter(actor=nurse, patient=patient, action="view").count() == 1


def test_admin_lists_every_patient(api_as, admin_user, patient, other_patient):
    ids = {p["id"] for p in api_as(admin_user).get("/api/v1/patients/").json()["results"]}
    assert ids == {patient.pk, other_patient.pk}


def test_patch_changes_precautions_and_schedule(api_as, therapist, patient):
    body = {
        "spinal_stability": "unstable",
        "restrictions": {"no_spinal_flexion": True, "no_lifting_over_kg": 2.5},
        "checkin_schedule": "weekly",
    }
    response = api_as(therapist).patch(f"/api/v1/patients/{patient.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    patient.refresh_from_db()
    assert patient.spinal_stability == "unstable"
    assert patient.no_spinal_flexion is True
    assert float(patient.no_lifting_over_kg) == 2.5
    assert patient.checkin_schedule == "weekly"
    assert response.json()["restrictions"]["no_lifting_over_kg"] == 2.5
    row = AuditLog.objects.get(actor=therapist, action="update")
    assert "spinal_stability" in row.detail and "unstable" not in row.detail


def test_patch_refuses_unknown_restriction_and_negative_limit(api_as, nurse, patient):
    client = api_as(nurse)
    r1 = client.patch(f"/api/v1/patients/{patient.pk}/", {"restrictions": {"no_jumping": True}}, format="json")
    r2 = client.patch(f"/api/v1/patients/{patient.pk}/", {"restrictions": {"no_lifting_over_kg": -1}}, format="json")
    assert r1.status_code == 400 and "restrictions" in r1.json()
    assert r2.status_code == 400 and "restrictions" in r2.json()


def test_patient_reads_own_profile_but_cannot_patch_it(api_as, patient):
    client = api_as(patient.user)
    assert client.get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    assert (
        client.patch(f"/api/v1/patients/{patient.pk}/", {"spinal_stability": "stable"}, format="json").status_code
        == 403
    )


def test_detail_read_by_staff_is_audited(api_as, physician, patient):
    api_as(physician).get(f"/api/v1/patients/{patient.pk}/")
    assert AuditLog.objects.filter(actor=physician, patient=patient, action="view", target="patient profile").exists()


def test_healthz_reports_db_and_broker_without_auth(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["db"] == "ok"
    assert response.json()["broker"] in {"ok", "down"}
