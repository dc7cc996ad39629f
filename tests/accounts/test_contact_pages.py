"""Phone numbers, emergency contacts and spinal levels on the pages: enrolment, the staff patient page and
the patient's own "My details" page."""

import pytest

from tests.accounts.test_enrol_page import FORM
from tests.accounts.test_precautions_page import precautions_form
from tracker.accounts.models import PatientProfile
from tracker.audit.models import AuditLog

pytestmark = pytest.mark.django_db

CONTACT = {
    "phone": "+44 (0)161 496 0000",
    "emergency_contact_name": "Sam Moreau",
    "emergency_contact_relationship": "Son",
    "emergency_contact_phone": "07700 900123",
}


def test_enrol_page_takes_a_range_as_clinicians_write_it_and_the_contact_details(web_as, nurse):
    response = web_as(nurse).post("/patients/new/", dict(FORM, spinal_levels="t12\u2013l2", **CONTACT))
    assert response.status_code == 302
    created = PatientProfile.objects.get(user__username="ines")
    assert created.spinal_levels == ["T12", "L1", "L2"]
    assert created.phone == "+44 (0)161 496 0000"
    assert created.emergency_contact == {"name": "Sam Moreau", "relationship": "Son", "phone": "07700 900123"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"spinal_levels": "T10-T8"}, "spinal_levels", "T10-T8 runs upwards"),
        ({"spinal_levels": "T8, T13"}, "spinal_levels", "Unknown spinal level: T13"),
        ({"phone": "ring me"}, "phone", "6 to 20 digits"),
        ({"emergency_contact_phone": "123"}, "emergency_contact_phone", "6 to 20 digits"),
    ],
)
def test_enrol_page_explains_a_bad_level_or_number_and_saves_nothing(web_as, nurse, change, field, words):
    response = web_as(nurse).post("/patients/new/", dict(FORM, **change))
    assert response.status_code == 200
    assert words in response.context["form"].errors[field][0]
    assert words in response.content.decode()
    assert not PatientProfile.objects.filter(user__username="ines").exists()


def test_staff_patient_page_shows_the_numbers_as_tap_to_call_links(web_as, nurse, patient):
    PatientProfile.objects.filter(pk=patient.pk).update(
        phone="+44 (0)161 496 0000",
        emergency_contact_name="Sam",
        emergency_contact_relationship="Son",
        emergency_contact_phone="07700 900-123",
    )
    html = web_as(nurse).get(f"/patients/{patient.pk}/").content.decode()
    assert 'href="tel:+441614960000">Call +44 (0)161 496 0000</a>' in html
    assert 'href="tel:07700900123">Call 07700 900-123</a>' in html
    assert "Sam (Son)" in html


def test_staff_change_levels_and_contact_details_on_the_patient_page_and_it_is_audited(web_as, nurse, patient):
    form = precautions_form(patient, spinal_levels="C7/T1", phone="0161 496 0000", emergency_contact_name="Sam")
    response = web_as(nurse).post(f"/patients/{patient.pk}/precautions/", form)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.spinal_levels == ["C7", "T1"]
    assert (patient.phone, patient.emergency_contact_name) == ("0161 496 0000", "Sam")
    (row,) = AuditLog.objects.filter(actor=nurse, patient=patient, action="update")
    assert row.detail == "changed: emergency_contact_name, phone, spinal_levels"


def test_staff_patient_form_refuses_a_bad_number_in_plain_words(web_as, nurse, patient):
    response = web_as(nurse).post(f"/patients/{patient.pk}/precautions/", precautions_form(patient, phone="12"))
    assert response.status_code == 200
    assert "6 to 20 digits" in response.context["form"].errors["phone"][0]
    patient.refresh_from_db()
    assert patient.phone == ""


def test_the_sign_in_page_shows_the_sites_name_not_the_host(client, settings):
    html = client.get("/accounts/login/").content.decode()
    assert f'class="brand" href="/">{settings.TRACKER_SITE_NAME}</a>' in html
    assert "testserver" not in html


def test_the_patient_page_form_shows_the_stored_levels_as_text(web_as, nurse, patient):
    PatientProfile.objects.filter(pk=patient.pk).update(spinal_levels=["T8", "T9"])
    html = web_as(nurse).get(f"/patients/{patient.pk}/").content.decode()
    assert 'name="spinal_levels" value="T8, T9"' in html


# --- The patient's own page --------------------------------------------------------------------


def test_a_patient_finds_my_details_in_their_navigation(web_as, patient):
    html = web_as(patient.user).get("/").content.decode()
    assert 'href="/my/details/"' in html


def test_a_patient_sees_and_changes_their_phone_and_emergency_contact(web_as, patient):
    client = web_as(patient.user)
    response = client.post("/my/details/", CONTACT)
    assert response.status_code == 302 and response.url == "/my/details/"
    patient.refresh_from_db()
    assert patient.emergency_contact == {"name": "Sam Moreau", "relationship": "Son", "phone": "07700 900123"}
    html = client.get("/my/details/").content.decode()
    assert "Your details are saved" in html
    assert 'href="tel:+441614960000"' in html and 'href="tel:07700900123"' in html


def test_my_details_explains_a_bad_number_in_plain_words_and_keeps_what_was_typed(web_as, patient):
    response = web_as(patient.user).post("/my/details/", dict(CONTACT, emergency_contact_phone="my son's mobile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please write a phone number with 6 to 20 digits" in html
    assert "Some details need another look" in html
    assert "my son&#x27;s mobile" in html
    # What the care team has is what is stored, not what the refused form held.
    assert "Not given yet" in html and 'href="tel:' not in html.split("Change them")[0]
    patient.refresh_from_db()
    assert patient.phone == ""  # nothing saved


def test_a_refused_staff_form_does_not_show_its_values_as_the_stored_ones(web_as, nurse, patient):
    form = precautions_form(patient, phone="0161 496 0000", emergency_contact_phone="12")
    html = web_as(nurse).post(f"/patients/{patient.pk}/precautions/", form).content.decode()
    assert 'href="tel:01614960000"' not in html
    patient.refresh_from_db()
    assert patient.phone == ""


def test_my_details_is_for_patients_only(web_as, nurse, client, db):
    assert web_as(nurse).get("/my/details/").status_code == 403
    assert client.get("/my/details/").status_code == 302
