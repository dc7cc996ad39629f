from celery import shared_task

from tracker.notifications.services import notification_send


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_notification(notification_id: int) -> str:
    return notification_send(notification_id=notification_id)
