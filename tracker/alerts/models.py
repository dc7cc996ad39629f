from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.vocab import AlertStatus, Outcome, RuleCode, Severity

ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


def _label(vocabulary, code: str) -> str:
    try:
        return str(vocabulary(code).label)
    except ValueError:
        return code


class Alert(models.Model):
    """A red flag for a patient's care team (docs/clinical.md "Alert rules").

    At most one unresolved (open or acknowledged) alert per (patient, rule), enforced
    by a partial unique constraint: a new trigger adds evidence to it instead.
    """

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=24, choices=RuleCode.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    summary = models.CharField(max_length=300)
    evidence = models.JSONField(default=list, help_text=_("One entry per trigger, oldest first."))
    trigger_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the untreated/escalation clocks start: the patient's report time, not when the job ran.
    reported_at = models.DateTimeField()
    escalation_level = models.PositiveSmallIntegerField(default=0)
    last_escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="one_active_alert_per_patient_rule",
            ),
            models.CheckConstraint(condition=Q(rule__in=RuleCode.values), name="alert_rule_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="alert_severity_valid"),
            models.CheckConstraint(condition=Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="resolved") | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="resolved_alert_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "severity", "created_at"], name="alert_queue"),
            models.Index(fields=["patient", "status"], name="alert_patient_status"),
        ]

    def __str__(self) -> str:
        return f"Alert #{self.pk} {self.rule} ({self.status})"

    # Django's generated get_<field>_display() rebuilds the field's whole choices dict on every call;
    # the triage queue shows these two on every row, so they look the label up in the vocabulary
    # (the fields' choices) instead. Same result, an unknown code shown as itself.
    def get_rule_display(self) -> str:
        return _label(RuleCode, self.rule)

    def get_severity_display(self) -> str:
        return _label(Severity, self.severity)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def latest_contact_words(self) -> str:
        """The latest contact attempt in a few words ("Called, no answer"), when the queryset was annotated
        by ``selectors.with_latest_contact``; "" otherwise or when nobody has tried yet."""
        method = getattr(self, "latest_contact_method", None)
        result = getattr(self, "latest_contact_result", None)
        if not method or not result:
            return ""
        return _("%(method)s, %(result)s") % {
            "method": _label(ContactAttempt, method),
            "result": str(_label(ContactResult, result)).lower(),
        }


class AlertEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    RETRIGGERED = "retriggered", _("Triggered again")
    SEVERITY_RAISED = "severity_raised", _("Severity raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")


class AlertEvent(models.Model):
    """Every state change of an alert, with who (None = the system) and when."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=AlertEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of alert #{self.alert_id}"


class AlertTrigger(models.Model):
    """Which submission fed which alert: makes re-evaluating a submission a no-op."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="triggers")
    source_type = models.CharField(max_length=40)  # e.g. "symptoms.checkin"
    source_id = models.BigIntegerField()
    rule = models.CharField(max_length=24, choices=RuleCode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "rule"], name="one_trigger_per_source_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.source_type} #{self.source_id} -> alert #{self.alert_id}"


class OncallPageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OncallPage(models.Model):
    """An escalation e-mail to an on-call address (settings.TRACKER_ONCALL_EMAILS), with its status.

    On-call addresses are not user accounts, so these are recorded here rather than as notifications.
    Like every e-mail the tracker sends, it carries no health details: only that an alert is waiting
    and a link to it. One row per (alert, escalation level, address): sent once.
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="oncall_pages")
    level = models.PositiveSmallIntegerField()
    address = models.EmailField()
    status = models.CharField(max_length=10, choices=OncallPageStatus.choices, default=OncallPageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level", "address"], name="oncall_page_sent_once"),
        ]
        indexes = [
            models.Index(
                fields=["status"], condition=Q(status__in=["pending", "sending", "failed"]), name="oncall_page_unsent"
            ),
        ]

    def __str__(self) -> str:
        return f"On-call page for alert #{self.alert_id} level {self.level} ({self.status})"


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    VIDEO = "video", _("Video call")
    IN_PERSON = "in_person", _("In person")


class ContactAttempt(models.TextChoices):
    """How an attempt reads in the triage queue ("Called, no answer"): the same codes as ContactMethod."""

    PHONE = "phone", _("Called")
    SMS = "sms", _("Texted")
    VIDEO = "video", _("Video call")
    IN_PERSON = "in_person", _("Seen in person")


class ContactResult(models.TextChoices):
    """Whether a call or visit reached the patient: the contact log's, and a referral's attempts' (tracker.psych)."""

    REACHED = "reached", _("Reached the patient")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class AlertContact(models.Model):
    """One attempt by the care team to reach the patient about an alert (docs/api.md "Alerts",
    contacts): how, with what result, and a note. Recording one on an open alert acknowledges it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("how"), max_length=12, choices=ContactMethod.choices)
    result = models.CharField(_("result"), max_length=16, choices=ContactResult.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=ContactMethod.values), name="alert_contact_method_valid"),
            models.CheckConstraint(condition=Q(result__in=ContactResult.values), name="alert_contact_result_valid"),
        ]
        indexes = [models.Index(fields=["alert", "-at"], name="alert_contact_latest")]

    def __str__(self) -> str:
        return f"{self.method} contact ({self.result}) for alert #{self.alert_id}"
