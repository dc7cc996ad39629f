from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (no address)")


class Notification(models.Model):
    """One message to one person on one channel, with its delivery status.

    `subject` and e-mail bodies never carry health details: only that something is
    waiting and a link. The in-app `body` is shown only to the signed-in recipient.
    `dedupe_key` makes "send once" a database fact: the same key and channel never
    produce a second row.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=20)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "channel"], name="notification_sent_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["pending", "sending", "failed"]),
                name="notification_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to user {self.recipient_id} via {self.channel} ({self.status})"
