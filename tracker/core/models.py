from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """Something a patient sends that the red-flag engine must evaluate exactly once.

    `evaluated_at` is the durable "not yet evaluated" marker: NULL until the alert
    evaluation that covers this row has committed. The periodic sweep evaluates every
    row still NULL, so a lost broker message or a killed worker only delays an alert.
    Concrete models add a partial index on it (see `pending_evaluation_index`).
    """

    # No index of its own: every concrete model has a composite index that starts with the patient
    # (which serves the foreign key too), so a second one would only slow inserts and tempt the
    # planner into scanning all of a patient's history to filter it by time.
    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="+", db_index=False)
    client_id = models.UUIDField(_("client id"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta:
        abstract = True


def pending_evaluation_index(name: str) -> models.Index:
    return models.Index(fields=["submitted_at"], condition=models.Q(evaluated_at__isnull=True), name=name)


def unique_client_id(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["patient", "client_id"], condition=models.Q(client_id__isnull=False), name=name
    )
