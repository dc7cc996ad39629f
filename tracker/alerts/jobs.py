"""The red-flag engine's periodic jobs (settings.TRACKER_PERIODIC_JOBS): run by beat through
tracker.core.tasks.run_job, and all at once by `manage.py sweep` (or one: `manage.py sweep --only NAME`).
Each is idempotent and returns a one-line summary."""

from datetime import datetime

from tracker.alerts.services import alerts_escalate, submissions_evaluate_pending, untreated_distress_check


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())


def evaluate_pending(*, now: datetime) -> str:
    """Evaluate every check-in, screen and exercise log still marked not evaluated."""
    return _summary(submissions_evaluate_pending())


def escalate_alerts(*, now: datetime) -> str:
    """Escalate open alerts nobody acknowledged in time; retry unsent on-call e-mails."""
    return _summary(alerts_escalate(now=now))


def untreated_distress(*, now: datetime) -> str:
    """Raise untreated_distress for positive screens with no care-team action after 72 hours."""
    return _summary(untreated_distress_check(now=now))
