"""Small builders for the workspace tests (check-ins and screens with only the fields a test cares about)."""

from datetime import timedelta

from django.utils import timezone

from tracker.psych.models import Screen
from tracker.symptoms.models import CheckIn


def checkin(patient, *, ago=timedelta(0), at=None, pain=3, worst=None, **fields):
    recorded_at = at or timezone.now() - ago
    worst = max(pain, worst if worst is not None else pain)
    return CheckIn.objects.create(
        patient=patient, recorded_at=recorded_at, pain_now=pain, pain_worst_24h=worst, **fields
    )


def distress(patient, score, *, ago=timedelta(0)):
    return Screen.objects.create(
        patient=patient,
        instrument="distress_thermometer",
        score=score,
        total=score,
        positive=score >= 4,
        recorded_at=timezone.now() - ago,
    )


def exercise_plan(patient, therapist, *, starts_on=None, days_mask=127):
    """A one-exercise plan (an exercise safe for any spine), prescribed every day by default."""
    from tracker.rehab.models import Exercise
    from tracker.rehab.services import ItemSpec, plan_save

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


def exercise_log(patient, item, *, at, completed=True, pain_before=2, pain_during=3):
    from tracker.rehab.services import exercise_log_create

    return exercise_log_create(
        patient=patient,
        plan_item=item,
        completed=completed,
        pain_before=pain_before,
        pain_during=pain_during,
        difficulty="ok",
        recorded_at=at,
    ).log
