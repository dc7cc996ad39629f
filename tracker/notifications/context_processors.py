from tracker.notifications.selectors import unread_count


def unread(request):
    """How many in-app messages the signed-in person has not read (the navigation's badge)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
