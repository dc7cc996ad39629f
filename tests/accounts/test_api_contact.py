"""Patients' phone and emergency contact, and spinal levels as clinicians write them, through the API
(docs/api.md "Accounts")."""

import pytest

from tests.accounts.test_api_accounts import NEW_PATIENT
from tracker.accounts.models import PatientProfile
from tracker.audit.models import AuditLog

pytestmark = pytest.mark.django_db

CONTACT = {"name": "Sam Quinn", "relationship": "Son", "phone": "07700 900123"}


def test_enrolment_takes_phone_and_emergency_contact_and_answers_them(api_as, nurse):
    body = dict(NEW_PATIENT, phone="+44 (0)20 7946-0001", emergency_contact=CONTACT)
    response = api_as(nurse).post("/api/v1/patients/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+44 (0)20 7946-0001"
    assert response.json()["emergency_contact"] == CONTACT
    stored = PatientProfile.objects.get(user__username="newpatient")
    assert (stored.phone, stored.emergency_contact_name, stored.emergency_contact_phone) == (
        "+44 (0)20 7946-0001",
        "Sam Quinn",
        "07700 900123",
    )


def test_enrolment_without_contact_details_answers_them_empty(api_as, nurse):
    data = api_as(nurse).post("/api/v1/patients/", NEW_PATIENT, format="json").json()
    assert data["phone"] == ""
    assert data["emergency_contact"] == {"name": "", "relationship": "", "phone": ""}


@pytest.mark.parametrize(
    "phone",
    ["12345", "123456789012345678901", "call me", "0207 946 0000 ext 2", "+44 20 7946 0000#", "٠١٢٣٤٥٦٧"],
)
def test_enrolment_refuses_a_bad_phone_number_with_a_field_error(api_as, nurse, phone):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, phone=phone), format="json")
    assert response.status_code == 400
    assert "6 to 20 digits" in response.json()["phone"][0]
    assert not PatientProfile.objects.filter(user__username="newpatient").exists()


def test_enrolment_refuses_a_bad_emergency_contact_phone_inside_emergency_contact(api_as, nurse):
    body = dict(NEW_PATIENT, emergency_contact=dict(CONTACT, phone="999"))
    response = api_as(nurse).post("/api/v1/patients/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["emergency_contact"]
    assert "6 to 20 digits" in response.json()["emergency_contact"]["phone"][0]


@pytest.mark.parametrize(
    "contact", [{"name": "Sam", "email": "sam@example.org"}, "Sam 07700 900123", {"name": "x" * 121}]
)
def test_enrolment_refuses_an_emergency_contact_of_another_shape(api_as, nurse, contact):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, emergency_contact=contact), format="json")
    assert response.status_code == 400 and "emergency_contact" in response.json()


def test_care_team_reads_and_patches_phone_and_emergency_contact_and_it_is_audited(api_as, nurse, patient):
    client = api_as(nurse)
    response = client.patch(
        f"/api/v1/patients/{patient.pk}/", {"phone": "0161 496 0000", "emergency_contact": CONTACT}, format="json"
    )
    assert response.status_code == 200, response.json()
    # A later PATCH of one part of the contact keeps the rest.
    response = client.patch(
        f"/api/v1/patients/{patient.pk}/", {"emergency_contact": {"phone": "07700 900999"}}, format="json"
    )
    assert response.json()["emergency_contact"] == dict(CONTACT, phone="07700 900999")
    read = client.get(f"/api/v1/patients/{patient.pk}/").json()
    assert read["phone"] == "0161 496 0000"
    assert read["emergency_contact"] == dict(CONTACT, phone="07700 900999")
    rows = list(AuditLog.objects.filter(actor=nurse, patient=patient, action="update").order_by("id"))
    assert [row.detail for row in rows] == [
        "changed: emergency_contact_name, emergency_contact_phone, emergency_contact_relationship, phone",
        "changed: emergency_contact_phone",
    ]
    assert all("0161" not in row.detail and "Sam" not in row.detail for row in rows)


def test_care_team_patch_refuses_bad_phone_numbers_and_changes_nothing(api_as, nurse, patient):
    client = api_as(nurse)
    r1 = client.patch(f"/api/v1/patients/{patient.pk}/", {"phone": "abc"}, format="json")
    r2 = client.patch(
        f"/api/v1/patients/{patient.pk}/",
        {"phone": "0161 496 0000", "emergency_contact": {"phone": "1"}},
        format="json",
    )
    assert r1.status_code == 400 and "phone" in r1.json()
    assert r2.status_code == 400 and "phone" in r2.json()["emergency_contact"]
    patient.refresh_from_db()
    assert patient.phone == "" and patient.emergency_contact_phone == ""


def test_a_patient_reads_and_changes_their_own_contact_details_through_me(api_as, patient):
    client = api_as(patient.user)
    response = client.patch("/api/v1/me/", {"phone": "0161 496 0000", "emergency_contact": CONTACT}, format="json")
    assert response.status_code == 200, response.json()
    me = client.get("/api/v1/me/").json()
    assert me["patient_id"] == patient.pk
    assert me["phone"] == "0161 496 0000"
    assert me["emergency_contact"] == CONTACT
    patient.refresh_from_db()
    assert patient.emergency_contact_relationship == "Son"


def test_me_patch_refuses_bad_numbers_with_field_errors(api_as, patient):
    client = api_as(patient.user)
    r1 = client.patch("/api/v1/me/", {"phone": "12"}, format="json")
    r2 = client.patch("/api/v1/me/", {"emergency_contact": {"phone": "not a number"}}, format="json")
    assert r1.status_code == 400 and "6 to 20 digits" in r1.json()["phone"][0]
    assert r2.status_code == 400 and "6 to 20 digits" in r2.json()["emergency_contact"]["phone"][0]


def test_me_patch_changes_nothing_but_the_patients_contact_details(api_as, patient):
    response = api_as(patient.user).patch(
        "/api/v1/me/", {"role": "admin", "spinal_stability": "stable", "phone": "0161 496 0000"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "patient"
    patient.refresh_from_db()
    assert patient.spinal_stability == "unknown" and patient.phone == "0161 496 0000"


def test_staff_have_no_contact_details_in_me_and_cannot_patch_them(api_as, nurse):
    client = api_as(nurse)
    me = client.get("/api/v1/me/").json()
    assert "phone" not in me and "emergency_contact" not in me
    assert client.patch("/api/v1/me/", {"phone": "0161 496 0000"}, format="json").status_code == 403


# --- spinal_levels as clinicians write them --------------------------------------------------


@pytest.mark.parametrize(
    ("written", "levels"),
    [
        ("T8-T10", ["T8", "T9", "T10"]),
        ("t12\u2013l2", ["T12", "L1", "L2"]),
        ("C7/T1", ["C7", "T1"]),
        (["T10", "L1"], ["T10", "L1"]),
        (["t8-t9", "L1"], ["T8", "T9", "L1"]),
    ],
)
def test_enrolment_reads_spinal_levels_as_clinicians_write_them(api_as, nurse, written, levels):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, spinal_levels=written), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["spinal_levels"] == levels
    assert PatientProfile.objects.get(user__username="newpatient").spinal_levels == levels


@pytest.mark.parametrize(
    ("written", "named"),
    [("T10-T8", "T10-T8"), ("T13", "T13"), (["T8", "Q1"], "Q1"), ("L1-L9", "L1-L9")],
)
def test_enrolment_refuses_unknown_or_reversed_levels_naming_them(api_as, nurse, written, named):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, spinal_levels=written), format="json")
    assert response.status_code == 400
    assert named in response.json()["spinal_levels"][0]
    assert not PatientProfile.objects.filter(user__username="newpatient").exists()


@pytest.mark.parametrize("written", [7, {"from": "T8"}, None, ["T8"] * 34])
def test_spinal_levels_of_another_shape_are_a_field_error(api_as, nurse, written):
    response = api_as(nurse).post("/api/v1/patients/", dict(NEW_PATIENT, spinal_levels=written), format="json")
    assert response.status_code == 400 and "spinal_levels" in response.json()


def test_patch_reads_a_range_and_refuses_a_reversed_one(api_as, physician, patient):
    client = api_as(physician)
    ok = client.patch(f"/api/v1/patients/{patient.pk}/", {"spinal_levels": "T8 - T10"}, format="json")
    assert ok.status_code == 200 and ok.json()["spinal_levels"] == ["T8", "T9", "T10"]
    bad = client.patch(f"/api/v1/patients/{patient.pk}/", {"spinal_levels": "L2-T12"}, format="json")
    assert bad.status_code == 400 and "L2-T12" in bad.json()["spinal_levels"][0]
    patient.refresh_from_db()
    assert patient.spinal_levels == ["T8", "T9", "T10"]
