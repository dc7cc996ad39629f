import re
from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.vocab import CLINICIAN_ROLES, STAFF_ROLES, CheckinSchedule, Role, SpinalStability

SPINAL_LEVEL_RE = re.compile(r"^(C[1-7]|T(?:[1-9]|1[0-2])|L[1-5]|S[1-5]|Sacrum|Coccyx)$")


def validate_spinal_levels(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_('Give the spinal levels as a list such as ["T8", "L1"].'))
    bad = [v for v in value if not SPINAL_LEVEL_RE.match(v)]
    if bad:
        raise ValidationError(
            _("Unknown spinal level(s): %(levels)s. Use C1-C7, T1-T12, L1-L5, S1-S5."),
            params={"levels": ", ".join(bad)},
        )


PHONE_RE = re.compile(r"^\+?[0-9 ()\-]+$")


def validate_phone(value: str) -> None:
    """A telephone number as people write it: digits, spaces, +, - and brackets, with 6 to 20 digits (docs/api.md)."""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_RE.match(value) or not 6 <= digits <= 20 or not value.isascii():
        raise ValidationError(
            _("Enter a phone number: digits, spaces, +, - and brackets, with 6 to 20 digits."), code="invalid_phone"
        )


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PATIENT)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid")]

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role in CLINICIAN_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_site_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class PatientProfile(models.Model):
    """A patient's clinical profile. Identified everywhere outside the app by its opaque id."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_profile")
    date_of_birth = models.DateField(_("date of birth"))
    primary_cancer = models.CharField(_("primary cancer"), max_length=120)
    spinal_levels = models.JSONField(_("spinal levels"), default=list, blank=True, validators=[validate_spinal_levels])
    # Precautions (docs/clinical.md "Exercise safety")
    spinal_stability = models.CharField(
        _("spinal stability"), max_length=24, choices=SpinalStability.choices, default=SpinalStability.UNKNOWN
    )
    no_spinal_flexion = models.BooleanField(_("no spinal flexion"), default=False)
    no_spinal_extension = models.BooleanField(_("no spinal extension"), default=False)
    no_spinal_rotation = models.BooleanField(_("no spinal rotation"), default=False)
    no_axial_loading = models.BooleanField(_("no axial loading"), default=False)
    no_lifting_over_kg = models.DecimalField(
        _("no lifting over (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    # Schedules and contact
    checkin_schedule = models.CharField(
        _("check-in schedule"), max_length=10, choices=CheckinSchedule.choices, default=CheckinSchedule.DAILY
    )
    reminder_time = models.TimeField(
        _("reminder time"), default=time(18, 0), help_text=_("If the check-in is not done by this time, remind me.")
    )
    emergency_number = models.CharField(
        _("emergency number override"),
        max_length=40,
        blank=True,
        help_text=_("Leave empty to use the site's emergency number."),
    )
    # How the care team reaches the patient, and whom to call when the patient cannot answer (docs/api.md).
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    emergency_contact_name = models.CharField(_("emergency contact: name"), max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(_("emergency contact: relationship"), max_length=60, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact: phone"), max_length=40, blank=True, validators=[validate_phone]
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    # Sent by the enrolment page (and optionally by API clients): an enrolment sent again is the same patient.
    client_id = models.UUIDField(_("client id"), null=True, blank=True, editable=False)
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CareTeamMembership", related_name="care_team_patients"
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(spinal_stability__in=SpinalStability.values), name="patient_stability_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(checkin_schedule__in=CheckinSchedule.values), name="patient_schedule_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(no_lifting_over_kg__isnull=True) | models.Q(no_lifting_over_kg__gte=0),
                name="patient_lifting_limit_non_negative",
            ),
            models.UniqueConstraint(
                fields=["client_id"], condition=models.Q(client_id__isnull=False), name="patient_unique_client_id"
            ),
        ]

    def __str__(self) -> str:
        return f"Patient #{self.pk}"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def restrictions(self) -> dict:
        return {
            "no_spinal_flexion": self.no_spinal_flexion,
            "no_spinal_extension": self.no_spinal_extension,
            "no_spinal_rotation": self.no_spinal_rotation,
            "no_axial_loading": self.no_axial_loading,
            "no_lifting_over_kg": float(self.no_lifting_over_kg) if self.no_lifting_over_kg is not None else None,
        }

    @property
    def emergency_contact(self) -> dict[str, str]:
        """{"name", "relationship", "phone"} as the API gives it (empty strings when not known)."""
        return {
            "name": self.emergency_contact_name,
            "relationship": self.emergency_contact_relationship,
            "phone": self.emergency_contact_phone,
        }

    @property
    def effective_emergency_number(self) -> str:
        return self.emergency_number or settings.TRACKER_EMERGENCY_NUMBER


class CareTeamMembership(models.Model):
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="memberships")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role on the team"), max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "clinician"], name="unique_care_team_member"),
            models.CheckConstraint(condition=~models.Q(role="patient"), name="care_team_role_is_clinical"),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} ({self.role}) for patient #{self.patient_id}"
