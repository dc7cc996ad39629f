from celery import shared_task

from tracker.notifications.services import notification_send


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_notification(notification_id: int) -> str:
    return notification_send(notification_id=notification_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_notifications(notification_ids: list[int]) -> str:
    """Send a batch of notifications (queued by `notifications_send_after_commit`). Each send claims its
    row first, so a retry, or the retry job running at the same time, never sends one twice; any left
    unsent (worker killed) is sent by the `retry_notifications` job."""
    results: dict[str, int] = {}
    for notification_id in notification_ids:
        result = notification_send(notification_id=notification_id)
        results[result] = results.get(result, 0) + 1
    return ", ".join(f"{n} {state}" for state, n in sorted(results.items())) or "nothing to send"
