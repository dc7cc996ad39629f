"""A small plan builder for the workspace tests (check-ins, screens and logs come from tests.factories)."""

from django.utils import timezone

from tracker.rehab.models import Exercise
from tracker.rehab.services import ItemSpec, plan_save


def exercise_plan(patient, therapist, *, starts_on=None, days_mask=127):
    """A one-exercise plan (an exercise safe for any spine), prescribed every day by default."""
    exercise = Exercise.objects.filter(is_active=True, suitable_for_unstable_spine=True).order_by("id").first()
    spec = ItemSpec(exercise=exercise, sets=1, reps=5, hold_seconds=0, days_mask=days_mask)
    version, _created = plan_save(
        patient=patient,
        therapist=therapist,
        items=[spec],
        starts_on=starts_on or timezone.localdate(),
        override_reason="test plan",
    )
    return version.items.get()
