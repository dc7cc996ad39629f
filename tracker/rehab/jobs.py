"""Periodic jobs of the rehab app (settings.TRACKER_PERIODIC_JOBS)."""

from tracker.rehab.services import pause_notices_send, reminders_send


def exercise_reminders(*, now) -> str:
    """Pause and resume notices first (a plan that has just paused gets no reminder), then reminders."""
    notices = pause_notices_send(now=now)
    count = reminders_send(now=now)
    done = f"{count} exercise reminder(s) sent" if count else "no exercise reminders due"
    told = sum(notices.values())
    return f"{done}; {notices['paused']} pause and {notices['resumed']} resume notice(s)" if told else done
