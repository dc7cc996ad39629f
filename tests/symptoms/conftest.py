from datetime import timedelta

import pytest
from django.utils import timezone

from tracker.symptoms.models import CheckIn


def valid_body(**overrides) -> dict:
    """A complete, valid API body (the docs/api.md example), with nested overrides: pain={"now": 5}."""
    body = {
        "pain": {
            "now": 3,
            "worst_24h": 5,
            "sites": ["mid_back"],
            "night_pain": False,
            "worse_with_straining": False,
            "breakthrough_doses": 1,
        },
        "neuro": {
            "weakness": {},
            "numbness": [],
            "walking": "normal",
            "falls": 0,
            "bladder": "normal",
            "bowel": "constipation",
        },
        "side_effects": {"fatigue": 2, "nausea": 0, "diarrhoea": 0, "skin_reaction": 1, "rash": 0},
        "note": "Slept badly.",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


@pytest.fixture
def make_checkin():
    """make_checkin(patient, days_ago=1, **fields) -> a stored, already evaluated check-in."""

    def make(patient, *, days_ago: float = 1, **fields):
        values = {"pain_now": 2, "pain_worst_24h": 3, "evaluated_at": timezone.now()}
        values.update(fields)
        return CheckIn.objects.create(patient=patient, recorded_at=timezone.now() - timedelta(days=days_ago), **values)

    return make
