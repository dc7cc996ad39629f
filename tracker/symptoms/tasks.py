from celery import shared_task

from tracker.notifications.services import notification_send


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_reminder_emails(notification_ids: list[int]) -> str:
    """Send a batch of reminder e-mails. Each is claimed before sending, so a repeat sends nothing twice;
    any left unsent (worker killed) is sent by the `retry_notifications` job."""
    results: dict[str, int] = {}
    for notification_id in notification_ids:
        result = notification_send(notification_id=notification_id)
        results[result] = results.get(result, 0) + 1
    return ", ".join(f"{n} {state}" for state, n in sorted(results.items())) or "nothing"
