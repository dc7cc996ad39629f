import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import CareTeamMembership, PatientProfile, User
from tracker.audit.models import AuditAction
from tracker.audit.services import audit_log
from tracker.core.vocab import CLINICIAN_ROLES, STAFF_ROLES, Role

# The one wording for a username already in use, whichever check finds it (form, serializer, the database).
USERNAME_TAKEN = _("That username is taken.")


def staff_create(
    *, username: str, role: str, password: str, email: str = "", first_name: str = "", last_name: str = ""
) -> User:
    """A clinician or admin account. Admins also get the Django admin with full rights."""
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    user = User(username=username, role=role, email=email, first_name=first_name, last_name=last_name)
    validate_password(password, user)
    user.set_password(password)
    user.is_staff = True
    user.is_superuser = role == Role.ADMIN
    user.save()
    return user


@transaction.atomic
def patient_create(
    *,
    created_by: User | None,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    primary_cancer: str,
    spinal_levels: list[str],
    care_team: list[User] = (),
    email: str = "",
    client_id: uuid.UUID | None = None,
    **profile_fields,
) -> PatientProfile:
    """Enrol a patient. The enrolling clinician joins the care team.

    `client_id` marks the enrolment, so that one sent again is recognised (`patient_enrolled_with`) and
    answered with this patient instead of "that username is taken".
    """
    user = User(username=username, role=Role.PATIENT, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.save()
    patient = PatientProfile.objects.create(
        user=user,
        date_of_birth=date_of_birth,
        primary_cancer=primary_cancer,
        spinal_levels=spinal_levels,
        client_id=client_id,
        **_with_contact_flattened(profile_fields),
    )
    members = list(care_team)
    if created_by is not None and created_by.role in CLINICIAN_ROLES and created_by not in members:
        members.append(created_by)
    for member in members:
        care_team_add(patient=patient, clinician=member)
    audit_log(actor=created_by, action=AuditAction.CREATE, patient=patient, target="patient", detail="enrolled")
    return patient


def care_team_add(*, patient: PatientProfile, clinician: User) -> CareTeamMembership:
    if clinician.role not in CLINICIAN_ROLES:
        raise ValueError("only clinicians can be on a care team")
    membership, _ = CareTeamMembership.objects.get_or_create(
        patient=patient, clinician=clinician, defaults={"role": clinician.role}
    )
    return membership


def _with_contact_flattened(fields: dict) -> dict:
    """`emergency_contact={"name", "relationship", "phone"}` (as the API sends it) -> the profile's columns;
    keys not given are left out, so that a PATCH of the phone alone keeps the name."""
    fields = dict(fields)
    contact = fields.pop("emergency_contact", None) or {}
    for key, value in contact.items():
        fields[f"emergency_contact_{key}"] = value
    return fields


PROFILE_FIELDS = {
    "date_of_birth",
    "primary_cancer",
    "spinal_levels",
    "spinal_stability",
    "checkin_schedule",
    "reminder_time",
    "emergency_number",
    "no_spinal_flexion",
    "no_spinal_extension",
    "no_spinal_rotation",
    "no_axial_loading",
    "no_lifting_over_kg",
    "phone",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
}


@transaction.atomic
def patient_update(*, patient: PatientProfile, changed_by: User, **fields) -> PatientProfile:
    """Change profile fields (and the user's names); audit which fields changed, not their values.

    `emergency_contact` may be given as the API's dict ({"name", "relationship", "phone"}, any of them).

    Compares with, and writes only the changed columns of, the stored row (locked until commit), not the
    caller's copy: a ModelForm has already put its values on that copy, and a patient moving their
    reminder while a clinician saves precautions must not have either change put back by the other.
    Returns the stored profile as it now is.
    """
    patient = PatientProfile.objects.select_for_update().select_related("user").get(pk=patient.pk)
    changed = []
    for name in ("first_name", "last_name", "email"):
        if name in fields and getattr(patient.user, name) != fields[name]:
            setattr(patient.user, name, fields.pop(name))
            changed.append(name)
        fields.pop(name, None)
    if changed:
        patient.user.save(update_fields=changed)
    restrictions = fields.pop("restrictions", None) or {}
    fields.update(restrictions)
    fields = _with_contact_flattened(fields)
    changed_profile = []
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a patient profile field")
        if name == "no_lifting_over_kg" and value is not None:
            value = Decimal(str(value))
        if getattr(patient, name) != value:
            setattr(patient, name, value)
            changed_profile.append(name)
    patient.full_clean(exclude=["user", "care_team"])
    if changed_profile:
        patient.save(update_fields=changed_profile)
    changed += changed_profile
    if changed:
        audit_log(
            actor=changed_by,
            action=AuditAction.UPDATE,
            patient=patient,
            target="patient profile",
            detail="changed: " + ", ".join(sorted(changed)),
        )
    return patient
