"""Scoring and bands of each instrument on the Screen model, against the published cut-offs.

PHQ-9 (Kroenke, Spitzer & Williams 2001): 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately
severe, 20-27 severe. GAD-7 (Spitzer et al. 2006): 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
Distress thermometer (NCCN): 4 or more is clinically significant distress.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tracker.alerts.rules import Thresholds
from tracker.core.vocab import Instrument, RuleCode
from tracker.psych.models import Screen
from tracker.psych.services import screen_submit

pytestmark = pytest.mark.django_db


def answers_totalling(total: int, items: int) -> list[int]:
    """A valid answer list (each 0-3, item 9 left at 0 for PHQ-9) that sums to `total`."""
    answers = [0] * items
    scored = items - 1 if items == 9 else items  # keep PHQ-9 item 9 at 0
    for i in range(total):
        answers[i % scored] += 1
    assert sum(answers) == total and max(answers) <= 3
    return answers


PHQ9_PUBLISHED = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (24, "severe"),
]  # fmt: skip
GAD7_PUBLISHED = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "severe"), (21, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), PHQ9_PUBLISHED)
def test_phq9_total_and_band_follow_kroenke_2001(patient, total, band):
    screen, _ = screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=answers_totalling(total, 9))
    screen.refresh_from_db()
    assert screen.total == total
    assert screen.band == band
    assert screen.positive is (total >= 10)
    assert screen.self_harm is False


def test_phq9_maximum_is_27_and_severe(patient):
    screen, _ = screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=[3] * 9)
    assert (screen.total, screen.band, screen.positive, screen.self_harm) == (27, "severe", True, True)


@pytest.mark.parametrize(("total", "band"), GAD7_PUBLISHED)
def test_gad7_total_and_band_follow_spitzer_2006(patient, total, band):
    screen, _ = screen_submit(patient=patient, instrument=Instrument.GAD7, answers=answers_totalling(total, 7))
    screen.refresh_from_db()
    assert (screen.total, screen.band, screen.positive) == (total, band, total >= 10)


@pytest.mark.parametrize(
    ("score", "band", "positive"),
    [(0, "low", False), (3, "low", False), (4, "significant", True), (10, "significant", True)],
)
def test_distress_thermometer_is_significant_from_4(patient, score, band, positive):
    screen, _ = screen_submit(
        patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=score, problems=["practical", "family"]
    )
    screen.refresh_from_db()
    assert (screen.total, screen.band, screen.positive) == (score, band, positive)
    assert screen.problems == ["practical", "family"]
    assert screen.answers == []


def test_the_worked_example_of_the_api_contract_scores_6_mild(patient):
    screen, _ = screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=[1, 2, 0, 1, 1, 0, 0, 1, 0])
    assert (screen.total, screen.band, screen.positive, screen.self_harm) == (6, "mild", False, False)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_zero_flags_self_harm_whatever_the_total(patient, item9):
    answers = [0] * 8 + [item9]
    screen, _ = screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=answers)
    assert screen.item9 == item9
    assert screen.self_harm is True
    assert screen.positive is False  # total 1-3 is below the cut-off; the safety net still fires
    rules = [f.rule for f in screen.findings(Thresholds())]
    assert rules == [RuleCode.SELF_HARM]


def test_item9_is_a_phq9_thing_only(patient):
    screen, _ = screen_submit(patient=patient, instrument=Instrument.GAD7, answers=[0, 0, 0, 0, 0, 0, 3])
    assert screen.item9 is None and screen.self_harm is False


def test_positive_follows_the_configured_cut_off(patient, settings):
    settings.TRACKER_THRESHOLDS = {"phq9_positive": 8}
    screen, _ = screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=answers_totalling(8, 9))
    assert screen.positive is True
    assert screen.band == "mild"  # bands are the published ones, not a setting


@pytest.mark.parametrize(
    ("instrument", "kwargs", "field"),
    [
        (Instrument.PHQ9, {"answers": [1] * 8}, "answers"),
        (Instrument.PHQ9, {"answers": [1] * 10}, "answers"),
        (Instrument.PHQ9, {}, "answers"),
        (Instrument.PHQ9, {"answers": [1, 1, 1, 1, 1, 1, 1, 1, 4]}, "answers"),
        (Instrument.PHQ9, {"answers": [1, 1, 1, 1, 1, 1, 1, 1, -1]}, "answers"),
        (Instrument.PHQ9, {"answers": [1, 1, 1, 1, 1, 1, 1, 1, True]}, "answers"),
        (Instrument.GAD7, {"answers": [1] * 6}, "answers"),
        (Instrument.GAD7, {"answers": [1] * 7, "score": 3}, "score"),
        (Instrument.DISTRESS_THERMOMETER, {}, "score"),
        (Instrument.DISTRESS_THERMOMETER, {"score": 11}, "score"),
        (Instrument.DISTRESS_THERMOMETER, {"score": 5, "problems": ["money"]}, "problems"),
        (Instrument.DISTRESS_THERMOMETER, {"score": 5, "answers": [1, 2]}, "answers"),
        ("hads", {"answers": [1]}, "instrument"),
    ],
)
def test_incomplete_or_out_of_range_answers_are_refused_and_nothing_is_saved(patient, instrument, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        screen_submit(patient=patient, instrument=instrument, **kwargs)
    assert field in excinfo.value.message_dict
    assert not Screen.objects.exists()


def test_the_database_refuses_a_total_outside_the_instrument_range(patient):
    with pytest.raises(IntegrityError):
        Screen.objects.create(patient=patient, instrument=Instrument.GAD7, answers=[3] * 7, total=22)


def test_the_database_refuses_a_thermometer_total_that_is_not_its_score(patient):
    with pytest.raises(IntegrityError):
        Screen.objects.create(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=3, total=5)
