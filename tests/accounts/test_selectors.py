import pytest

from tracker.accounts.selectors import patients_visible_to, scope_to_user
from tracker.audit.models import AuditLog

pytestmark = pytest.mark.django_db


def test_each_role_sees_exactly_its_patients(actors, patient, other_patient):
    expected = {
        "patient": {patient.pk},
        "other_patient": {other_patient.pk},
        "nurse": {patient.pk},
        "therapist": {patient.pk},
        "psychologist": {patient.pk},
        "physician": {patient.pk},
        "other_nurse": {other_patient.pk},
        "admin": {patient.pk, other_patient.pk},
    }
    for name, user in actors.items():
        assert set(patients_visible_to(user).values_list("pk", flat=True)) == expected[name], name


def test_inactive_user_sees_nobody(nurse, patient):
    nurse.is_active = False
    assert not patients_visible_to(nurse).exists()


def test_scope_to_user_filters_patient_owned_rows(nurse, other_nurse, patient, other_patient):
    AuditLog.objects.create(actor=nurse, actor_role="nurse", action="view", patient=patient, target="x")
    AuditLog.objects.create(actor=other_nurse, actor_role="nurse", action="view", patient=other_patient, target="x")
    assert [r.patient_id for r in scope_to_user(nurse, AuditLog.objects.all())] == [patient.pk]
