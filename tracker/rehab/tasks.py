from celery import shared_task

from tracker.notifications.services import notification_send


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_reminder_emails(notification_ids: list[int]) -> str:
    """Send a batch of exercise-reminder e-mails. Each send claims its row first, so a retry or the
    notifications retry job running at the same time never sends one twice."""
    results: dict[str, int] = {}
    for pk in notification_ids:
        result = notification_send(notification_id=pk)
        results[result] = results.get(result, 0) + 1
    return ", ".join(f"{n} {state}" for state, n in sorted(results.items())) or "nothing to send"
