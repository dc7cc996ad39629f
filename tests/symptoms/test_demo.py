"""The demo check-ins: six weeks of stories, left for the sweep to evaluate, safe to run twice."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from tracker.accounts.demo import seed_accounts
from tracker.alerts.rules import thresholds_from_settings
from tracker.symptoms import demo
from tracker.symptoms.models import CheckIn
from tracker.symptoms.rules import evaluate_checkin

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded():
    patients, staff = seed_accounts(now=NOW)
    summary = demo.seed(patients=patients, staff=staff, now=NOW, rng=random.Random(2026))
    return {p.user.username: p for p in patients}, summary


def rows(patient):
    return list(CheckIn.objects.filter(patient=patient).order_by("recorded_at"))


def test_every_demo_patient_gets_about_six_weeks_waiting_for_evaluation(seeded):
    patients, summary = seeded
    assert summary.endswith("for 12 patients")
    for username, patient in patients.items():
        history = rows(patient)
        assert history, username
        assert NOW - history[0].recorded_at >= timedelta(days=41), username
        assert all(row.recorded_at <= NOW for row in history)
        assert all(row.evaluated_at is None for row in history)
        assert all(row.pain_worst_24h >= row.pain_now for row in history)
    assert 35 <= len(rows(patients["patient"])) <= 43
    assert len(rows(patients["patient6"])) == 7  # weekly


def test_the_stories(seeded):
    patients, _summary = seeded
    t = thresholds_from_settings()

    def findings(patient, index=-1):
        facts = [row.to_facts() for row in rows(patient)]
        return [f.rule for f in evaluate_checkin(facts[index], facts[:index], t)]

    # New leg weakness two days ago, worse since: an emergency when it first appeared.
    weak = rows(patients["patient3"])
    first_weak = next(i for i, row in enumerate(weak) if row.weakness_left_leg != "none")
    assert NOW - weak[first_weak].recorded_at < timedelta(days=3)
    assert "neuro_deficit" in findings(patients["patient3"], first_weak)
    assert weak[-1].weakness_left_leg == "moderate" and weak[-1].walking == "unsteady"
    # Rising pain: the latest worst pain is well above the one three weeks ago.
    rising = rows(patients["patient2"])
    assert rising[-1].pain_worst_24h >= 7 > rising[-20].pain_worst_24h
    assert "pain_escalation" in findings(patients["patient2"])
    # Stopped checking in five days ago.
    assert NOW - rows(patients["patient4"])[-1].recorded_at >= timedelta(days=5)
    # The main demo login still has today's check-in to do.
    assert rows(patients["patient"])[-1].recorded_at.date() < NOW.date()
    # Stable patients raise nothing on their latest check-in.
    assert findings(patients["patient11"]) == []


def test_seeding_twice_adds_nothing(seeded):
    patients, _summary = seeded
    before = CheckIn.objects.count()
    again = demo.seed(patients=list(patients.values()), staff={}, now=NOW, rng=random.Random(2026))
    assert CheckIn.objects.count() == before
    assert again == "check-ins already there"


def test_the_seeder_is_registered(settings):
    assert "tracker.symptoms.demo.seed" in settings.TRACKER_DEMO_SEEDERS
