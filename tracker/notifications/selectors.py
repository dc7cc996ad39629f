from tracker.notifications.models import Notification


def inbox_for(user):
    return Notification.objects.filter(recipient=user, channel="in_app").order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, channel="in_app", read_at__isnull=True).count()
