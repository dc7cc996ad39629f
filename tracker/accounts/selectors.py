"""Who may see which patient: the one scoping layer every page, endpoint and job goes through.

- A patient sees only themselves.
- A clinician (nurse, therapist, psychologist, physician) sees the patients whose care team they are on.
- An admin sees everyone.
- Anyone else (inactive, anonymous) sees nobody.
"""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from tracker.accounts.models import CareTeamMembership, PatientProfile, User
from tracker.core.vocab import CLINICIAN_ROLES, Role


def patients_visible_to(user) -> QuerySet[PatientProfile]:
    base = PatientProfile.objects.select_related("user")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.ADMIN:
        return base.all()
    if user.role == Role.PATIENT:
        return base.filter(user=user)
    if user.role in CLINICIAN_ROLES:
        return base.filter(memberships__clinician=user)
    return base.none()


def scope_to_user(user, queryset: QuerySet, *, patient_field: str = "patient") -> QuerySet:
    """Restrict any queryset of patient-owned rows to the patients `user` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    if user.role == Role.PATIENT:
        return queryset.filter(**{f"{patient_field}__user": user})
    if user.role in CLINICIAN_ROLES:
        return queryset.filter(**{f"{patient_field}__memberships__clinician": user})
    return queryset.none()


def get_patient_for(user, patient_id) -> PatientProfile:
    """The patient with this id if `user` may see them; 404 otherwise (never reveal existence)."""
    try:
        return patients_visible_to(user).get(pk=int(patient_id))
    except (PatientProfile.DoesNotExist, ValueError, TypeError):
        raise Http404("No such patient.") from None


def patient_enrolled_with(user, client_id) -> PatientProfile | None:
    """The patient in `user`'s reach enrolled with this client_id (as sent: any value), if any."""
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError:
        return None
    return patients_visible_to(user).filter(client_id=client_id).first()


def patient_of(user) -> PatientProfile | None:
    """The user's patient profile, or None for anyone who is not a patient.

    Reuses the profile when it was loaded with the user (the API's token authentication joins it in);
    otherwise one query.
    """
    if user is None or not user.is_authenticated or user.role != Role.PATIENT:
        return None
    if User.patient_profile.related.is_cached(user):
        return getattr(user, "patient_profile", None)
    return PatientProfile.objects.filter(user=user).first()


def care_team(patient: PatientProfile, *, roles: tuple[str, ...] | None = None) -> QuerySet[User]:
    members = User.objects.filter(memberships__patient=patient, is_active=True)
    if roles:
        members = members.filter(memberships__role__in=roles)
    return members.distinct().order_by("id")


def is_on_care_team(user, patient: PatientProfile) -> bool:
    return CareTeamMembership.objects.filter(patient=patient, clinician=user).exists()
