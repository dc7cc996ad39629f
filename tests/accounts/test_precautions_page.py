"""The precautions form on the patient page: what it saves, what it audits, and what it leaves alone."""

import datetime

import pytest

from tracker.accounts.models import PatientProfile
from tracker.accounts.services import patient_update
from tracker.audit.models import AuditLog
from tracker.core.vocab import SpinalStability

pytestmark = pytest.mark.django_db


def precautions_form(patient, **changes) -> dict:
    data = {
        "spinal_stability": patient.spinal_stability,
        "no_spinal_flexion": patient.no_spinal_flexion,
        "no_spinal_extension": patient.no_spinal_extension,
        "no_spinal_rotation": patient.no_spinal_rotation,
        "no_axial_loading": patient.no_axial_loading,
        "no_lifting_over_kg": "" if patient.no_lifting_over_kg is None else str(patient.no_lifting_over_kg),
        "checkin_schedule": patient.checkin_schedule,
        "reminder_time": patient.reminder_time.strftime("%H:%M"),
        "emergency_number": patient.emergency_number,
        # The rest of the form, as the browser sends it back (issue #17 added these fields).
        "spinal_levels": ", ".join(patient.spinal_levels),
        "phone": patient.phone,
        "emergency_contact_name": patient.emergency_contact_name,
        "emergency_contact_relationship": patient.emergency_contact_relationship,
        "emergency_contact_phone": patient.emergency_contact_phone,
        **changes,
    }
    return {name: value for name, value in data.items() if value is not False}  # unticked boxes are not sent


def test_a_change_of_precautions_is_saved_and_audited_by_field_name(web_as, therapist, patient):
    form = precautions_form(patient, spinal_stability=SpinalStability.UNSTABLE, no_axial_loading=True)
    response = web_as(therapist).post(f"/patients/{patient.pk}/precautions/", form)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.spinal_stability == SpinalStability.UNSTABLE and patient.no_axial_loading
    (row,) = AuditLog.objects.filter(actor=therapist, patient=patient, action="update")
    assert row.detail == "changed: no_axial_loading, spinal_stability"


def test_saving_the_form_unchanged_audits_no_change(web_as, therapist, patient):
    assert web_as(therapist).post(f"/patients/{patient.pk}/precautions/", precautions_form(patient)).status_code == 302
    assert not AuditLog.objects.filter(patient=patient, action="update").exists()


def test_a_change_saved_from_a_stale_copy_keeps_what_others_changed_meanwhile(therapist, patient):
    # The therapist's request loaded the patient; the patient then moved their reminder from their phone.
    stale = PatientProfile.objects.get(pk=patient.pk)
    patient_update(patient=patient, changed_by=patient.user, reminder_time=datetime.time(7, 15))
    patient_update(patient=stale, changed_by=therapist, no_spinal_rotation=True)
    patient.refresh_from_db()
    assert patient.no_spinal_rotation is True
    assert patient.reminder_time == datetime.time(7, 15)  # not put back by the therapist's stale copy
    assert AuditLog.objects.get(actor=therapist, action="update").detail == "changed: no_spinal_rotation"
