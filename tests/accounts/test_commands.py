import io

import pytest
from django.core.management import CommandError, call_command

from tracker.accounts.models import PatientProfile, User
from tracker.audit.models import AuditLog

pytestmark = pytest.mark.django_db


def test_create_staff_makes_a_clinician_who_can_log_in(client):
    out = io.StringIO()
    call_command("create_staff", "sam", "--role", "nurse", "--password", "a-strong-pass-99", stdout=out)
    user = User.objects.get(username="sam")
    assert user.role == "nurse" and user.is_staff and not user.is_superuser
    response = client.post("/accounts/login/", {"username": "sam", "password": "a-strong-pass-99"})
    assert response.status_code == 302 and response.url == "/"


def test_create_staff_refuses_weak_password_and_duplicates():
    with pytest.raises(CommandError):
        call_command("create_staff", "weak", "--role", "nurse", "--password", "123")
    call_command("create_staff", "dup", "--role", "admin", "--password", "a-strong-pass-99", stdout=io.StringIO())
    assert User.objects.get(username="dup").is_superuser
    with pytest.raises(CommandError):
        call_command("create_staff", "dup", "--role", "nurse", "--password", "a-strong-pass-99")


def test_create_staff_refuses_patient_role():
    with pytest.raises(CommandError):
        call_command("create_staff", "p", "--role", "patient", "--password", "a-strong-pass-99")


def test_seed_demo_is_safe_to_run_twice_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), PatientProfile.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), PatientProfile.objects.count()) == counts
    assert PatientProfile.objects.count() >= 12
    assert "nurse" in out.getvalue() and "patient" in out.getvalue()
    nurse = User.objects.get(username="nurse")
    assert PatientProfile.objects.filter(memberships__clinician=nurse).count() >= 12
    assert not PatientProfile.objects.filter(memberships__clinician__username="nurse2").exists()


def test_audit_log_is_read_only_in_admin(web_as, admin_user, nurse, patient):
    AuditLog.objects.create(actor=nurse, actor_role="nurse", action="view", patient=patient, target="patient profile")
    c = web_as(admin_user)
    assert c.get("/admin/audit/auditlog/").status_code == 200
    assert c.get("/admin/audit/auditlog/add/").status_code == 403


def test_sweep_lists_and_runs_jobs():
    out = io.StringIO()
    call_command("sweep", stdout=out)
    assert "retry_notifications:" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("sweep", "--only", "nope")
