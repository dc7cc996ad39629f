"""Periodic jobs (settings.TRACKER_PERIODIC_JOBS): run by beat and by `manage.py sweep`."""

from tracker.psych.services import content_deliver_due, screen_reminders_send


def deliver_content(*, now) -> str:
    """Deliver each support module on its day, once, with an in-app notice and optional e-mail."""
    return str(content_deliver_due(now=now))


def screen_reminders(*, now) -> str:
    """An in-app notice when a questionnaire falls due, once per due period."""
    return f"{screen_reminders_send(now=now)} reminders"
