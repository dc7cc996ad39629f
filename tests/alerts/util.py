"""Helpers shared by the alert tests."""

from django.db import transaction
from django.utils import timezone

from tracker.alerts.evaluation import submission_saved
from tracker.symptoms.models import CheckIn

LABEL = "symptoms.checkin"


def make_checkin(patient, *, recorded_at=None, saved=True, **fields) -> CheckIn:
    """A committed-or-not check-in (inside the caller's transaction), queued for evaluation like the API does.

    Defaults to an all-clear report (pain 0); pass fields such as numbness=["saddle"] to fire rules.
    """
    values = {"pain_now": 0, "pain_worst_24h": 0, **fields}
    with transaction.atomic():
        checkin = CheckIn.objects.create(patient=patient, recorded_at=recorded_at or timezone.now(), **values)
        if saved:
            submission_saved(checkin)
    return checkin


RED_FLAG = {"numbness": ["saddle"]}  # saddle numbness fires neuro_deficit every time, even when not new
