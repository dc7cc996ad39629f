import pytest

from tests.pages import form_client_id
from tracker.accounts.models import PatientProfile
from tracker.audit.models import AuditLog

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Ines",
    "last_name": "Moreau",
    "date_of_birth": "1959-08-02",
    "primary_cancer": "Kidney",
    "spinal_levels": "t11, L2",
    "checkin_schedule": "daily",
    "email": "",
    "username": "ines",
    "password": "a-long-first-pass",
}


def test_nurse_enrols_patient_from_the_page(web_as, nurse, therapist):
    response = web_as(nurse).post("/patients/new/", dict(FORM, care_team=[therapist.pk]))
    created = PatientProfile.objects.get(user__username="ines")
    assert response.status_code == 302 and response.url == f"/patients/{created.pk}/"
    assert created.spinal_levels == ["T11", "L2"]
    assert set(created.memberships.values_list("clinician__username", flat=True)) == {
        nurse.username,
        therapist.username,
    }
    assert AuditLog.objects.filter(actor=nurse, patient=created, action="create").exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"spinal_levels": "Q9"}, "spinal_levels"),
        ({"date_of_birth": "2990-01-01"}, "date_of_birth"),
        ({"password": "12345678"}, "password"),
        ({"username": "bad name"}, "username"),
        ({"care_team": "999999999999999999999"}, "care_team"),  # no database holds such an id
        ({"care_team": ["9223372036854775808", "1"]}, "care_team"),
        ({"care_team": "+9223372036854775808"}, "care_team"),
        ({"care_team": "9_223_372_036_854_775_808"}, "care_team"),
        ({"care_team": "-1"}, "care_team"),
        ({"care_team": "abc"}, "care_team"),
        ({"checkin_schedule": "hourly"}, "checkin_schedule"),
    ],
)
def test_enrol_page_shows_field_errors_and_saves_nothing(web_as, nurse, change, field):
    response = web_as(nurse).post("/patients/new/", dict(FORM, **change))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PatientProfile.objects.filter(user__username="ines").exists()


def test_only_nurses_physicians_and_admins_enrol(web_as, therapist, psychologist, patient, physician):
    assert web_as(therapist).get("/patients/new/").status_code == 403
    assert web_as(psychologist).get("/patients/new/").status_code == 403
    assert web_as(patient.user).get("/patients/new/").status_code == 403
    assert web_as(physician).get("/patients/new/").status_code == 200


def test_an_enrolment_sent_again_goes_to_the_patient_instead_of_saying_the_username_is_taken(web_as, nurse):
    client = web_as(nurse)
    data = dict(FORM, client_id=form_client_id(client.get("/patients/new/").content.decode()))
    first = client.post("/patients/new/", data)
    again = client.post("/patients/new/", data)  # the reply to the first was lost; the browser sends it again
    created = PatientProfile.objects.get(user__username="ines")
    assert first.status_code == again.status_code == 302 and again.url == first.url == f"/patients/{created.pk}/"
    assert "This patient is enrolled." in client.get(again.url).content.decode()
    assert PatientProfile.objects.count() == 1
    assert AuditLog.objects.filter(patient=created, action="create").count() == 1
    # A new form is a new enrolment: the same username is refused as usual.
    fresh = dict(FORM, client_id=form_client_id(client.get("/patients/new/").content.decode()))
    refused = client.post("/patients/new/", fresh)
    assert refused.status_code == 200 and "username" in refused.context["form"].errors


def test_a_client_id_out_of_reach_is_no_shortcut(web_as, nurse, other_nurse):
    data = dict(FORM, client_id=form_client_id(web_as(nurse).get("/patients/new/").content.decode()))
    assert web_as(nurse).post("/patients/new/", data).status_code == 302
    # Another team's nurse sending the same id learns nothing about that patient: the form is judged as it is.
    response = web_as(other_nurse).post("/patients/new/", data)
    assert response.status_code == 200 and "username" in response.context["form"].errors
