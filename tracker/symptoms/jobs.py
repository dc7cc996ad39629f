"""Periodic jobs of the symptoms app (settings.TRACKER_PERIODIC_JOBS; beat and `manage.py sweep`)."""

from datetime import datetime

from tracker.symptoms.reminders import checkin_reminders_send


def send_checkin_reminders(*, now: datetime) -> str:
    """Remind each patient whose check-in is due and not done by their reminder time, once."""
    count = checkin_reminders_send(now=now)
    return f"{count} reminder(s) sent" if count else "no reminders due"
