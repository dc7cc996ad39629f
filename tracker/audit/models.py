from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    OVERRIDE = "override", _("Overrode a safety check")


class AuditLog(models.Model):
    """Who read or changed which patient's data, and when. Append-only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.PROTECT, related_name="+", null=True)
    target = models.CharField(
        _("what"), max_length=120, help_text=_("The kind of record, e.g. 'checkins' or 'alert 12'.")
    )
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.target} (patient #{self.patient_id})"
