import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tracker.core.tasks import enqueue_on_commit
from tracker.notifications.channels import ChannelUnavailable, get_channels
from tracker.notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Notifications one `send_notifications` task sends: a job that sends thousands of e-mails queues a
# few dozen tasks, not thousands, and the worker still spreads them over its processes.
SEND_BATCH = 100


def notification_create(
    *,
    recipient,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    dedupe_key: str | None = None,
    channels: Iterable[str] = ("in_app", "email"),
) -> list[Notification]:
    """Record a notification on each channel (once per dedupe_key) and send it after commit.

    In-app rows are delivered at once (they are the delivery). Other channels are
    sent by `notification_send` after the surrounding transaction commits, outside
    it; the retry job finishes any that a crash or an outage left unsent.
    """
    from tracker.notifications.tasks import send_notification  # the task module imports this one

    created = []
    for channel in channels:
        defaults = {"kind": kind, "subject": subject, "body": body, "link": link}
        if channel == "in_app":
            defaults.update(status=NotificationStatus.SENT, sent_at=timezone.now())
        try:
            with transaction.atomic():
                if dedupe_key:
                    row, was_created = Notification.objects.get_or_create(
                        recipient=recipient, channel=channel, dedupe_key=dedupe_key, defaults=defaults
                    )
                else:
                    row, was_created = (
                        Notification.objects.create(recipient=recipient, channel=channel, **defaults),
                        True,
                    )
        except IntegrityError:
            continue  # the same dedupe_key on this channel already went to someone: sent once
        if was_created:
            created.append(row)
            if channel != "in_app":
                enqueue_on_commit(send_notification, row.pk)
    return created


def notifications_send_after_commit(notification_ids: Sequence[int]) -> None:
    """Queue the sending of these notifications for after the transaction commits, SEND_BATCH a task.

    For jobs that create many at once (reminders, support content); `notification_create` queues its
    own. If the broker is down, the rows stay pending and the `retry_notifications` job sends them.
    """
    from tracker.notifications.tasks import send_notifications  # the task module imports this one

    ids = list(notification_ids)
    for start in range(0, len(ids), SEND_BATCH):
        enqueue_on_commit(send_notifications, ids[start : start + SEND_BATCH])


def notification_send(*, notification_id: int) -> str:
    """Send one notification if nobody else is sending it. Safe to call twice."""
    claimed = Notification.objects.filter(
        pk=notification_id,
        status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=NotificationStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "not claimed"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    channel = get_channels().get(notification.channel)
    try:
        if channel is None:
            raise ChannelUnavailable(f"channel {notification.channel} is not configured")
        channel.send(notification)
    except ChannelUnavailable as exc:
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.SKIPPED, last_error=str(exc)[:200]
        )
        return "skipped"
    except Exception as exc:  # noqa: BLE001 - record any delivery failure and retry later
        logger.warning("notification %s failed on %s: %s", notification_id, notification.channel, type(exc).__name__)
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.FAILED, last_error=type(exc).__name__
        )
        return "failed"
    Notification.objects.filter(pk=notification_id).update(status=NotificationStatus.SENT, sent_at=timezone.now())
    return "sent"


def notifications_retry(*, now) -> dict[str, int]:
    """Send what is pending or failed, and what a dead worker left 'sending' for 10+ minutes."""
    stale = now - timedelta(minutes=10)
    Notification.objects.filter(status=NotificationStatus.SENDING, created_at__lt=stale).update(
        status=NotificationStatus.FAILED
    )
    counts: dict[str, int] = {}
    ids = Notification.objects.filter(
        status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED], attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)[:1000]
    for pk in list(ids):
        result = notification_send(notification_id=pk)
        counts[result] = counts.get(result, 0) + 1
    return counts


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, channel="in_app", read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
