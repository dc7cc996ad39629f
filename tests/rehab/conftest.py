"""Rehab test helpers. The library itself comes from the data migration, as on every fresh database."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from tracker.core.vocab import SpinalStability
from tracker.rehab import rules
from tracker.rehab.library import load_library
from tracker.rehab.models import Exercise, PlanTemplate, PlanTemplateItem
from tracker.rehab.services import ItemSpec, plan_save

# A Wednesday morning (UTC is the test site's time zone).
NOW = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)


@pytest.fixture
def library(db):
    """The starter library. Transactional tests (the browser's) flush the database between tests, data
    migrations' rows included, so they load it again (a no-op when it is there)."""
    load_library(exercise_model=Exercise, template_model=PlanTemplate, template_item_model=PlanTemplateItem)


@pytest.fixture
def frozen():
    """Time stands still at NOW (move it with frozen.move_to(...))."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ex(slug: str) -> Exercise:
    return Exercise.objects.get(slug=slug)


def spec(slug: str, days=rules.WEEKDAYS, **dose) -> ItemSpec:
    exercise = ex(slug)
    return ItemSpec(
        exercise=exercise,
        sets=dose.get("sets", exercise.default_sets),
        reps=dose.get("reps", exercise.default_reps),
        hold_seconds=dose.get("hold_seconds", exercise.default_hold_seconds),
        days_mask=rules.days_to_mask(days),
        notes=dose.get("notes", ""),
    )


def set_precautions(patient, *, stability=SpinalStability.STABLE, **flags):
    patient.spinal_stability = stability
    for name, value in flags.items():
        setattr(patient, name, value)
    patient.save()
    return patient


@pytest.fixture
def stable_patient(patient):
    return set_precautions(patient)


def prescribe(patient, therapist, *specs, start=None, **kwargs):
    version, _created = plan_save(
        patient=patient, therapist=therapist, items=list(specs), starts_on=start or timezone.localdate(), **kwargs
    )
    return version
