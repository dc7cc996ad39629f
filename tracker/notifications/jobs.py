from tracker.notifications.services import notifications_retry


def retry_notifications(*, now) -> str:
    counts = notifications_retry(now=now)
    if not counts:
        return "nothing to send"
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
