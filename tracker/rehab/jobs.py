"""Periodic jobs of the rehab app (settings.TRACKER_PERIODIC_JOBS)."""

from tracker.rehab.services import reminders_send


def exercise_reminders(*, now) -> str:
    count = reminders_send(now=now)
    return f"{count} exercise reminder(s) sent" if count else "no exercise reminders due"
