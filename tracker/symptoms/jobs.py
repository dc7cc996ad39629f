"""Periodic jobs of the symptoms app (settings.TRACKER_PERIODIC_JOBS; beat and `manage.py sweep`)."""

from datetime import datetime

from tracker.symptoms.missed import missed_checkins_check
from tracker.symptoms.reminders import checkin_reminders_send


def send_checkin_reminders(*, now: datetime) -> str:
    """Remind each patient whose check-in is due and not done by their reminder time, once."""
    count = checkin_reminders_send(now=now)
    return f"{count} reminder(s) sent" if count else "no reminders due"


def missed_checkins(*, now: datetime) -> str:
    """Raise missed_checkins for patients silent longer than their schedule allows."""
    counts = missed_checkins_check(now=now)
    return ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
