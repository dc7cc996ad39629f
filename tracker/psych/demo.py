"""Demo history for psychological support (settings.TRACKER_DEMO_SEEDERS). Safe to run twice.

- Six weeks of screens for every demo patient: a weekly distress thermometer, PHQ-9 and GAD-7 every
  four weeks. Most are low; a few are positive (see POSITIVE), and patient3 answered PHQ-9 item 9 > 0
  yesterday.
- Programmes for three patients, some sessions done and rated.
- patient2's positive distress thermometer was referred to psychology and the first contact recorded.

Screens go through `screen_submit` with deterministic client ids, so a second run adds nothing; their
alert evaluation is queued like any other submission's.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from tracker.core.vocab import DistressProblem, Instrument
from tracker.psych.models import ContactOutcome, ContentDelivery, Programme, ProgrammeAssignment, Referral
from tracker.psych.services import (
    content_complete,
    programme_assign,
    referral_create,
    referral_record_contact,
    screen_submit,
)

NAMESPACE = uuid.UUID("2f0b7c36-4a57-4c53-8f0f-6b8e3e1c9a11")

# username -> [(instrument, days ago, score or answers, problems)]
POSITIVE = {
    "patient2": [(Instrument.DISTRESS_THERMOMETER, 4, 6, ["emotional", "practical"])],
    "patient3": [(Instrument.PHQ9, 1, [2, 3, 1, 2, 2, 2, 1, 2, 1], [])],
    "patient5": [(Instrument.GAD7, 5, [2, 2, 2, 2, 1, 2, 1], [])],
    "patient7": [(Instrument.DISTRESS_THERMOMETER, 2, 5, ["family", "emotional"])],
}

# username, programme slug, started days ago, sessions done (with helpful ratings)
PROGRAMMES = [
    ("patient", "coping-with-pain-and-worry", 12, [True, None]),
    ("patient2", "calm-body-calmer-mind", 15, [True, False, True]),
    ("patient7", "living-with-uncertainty", 8, []),
]


def _client_id(username: str, instrument: str, days_ago: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{username}:{instrument}:{days_ago}")


def _submit(patient, instrument: str, when: datetime, value, problems=(), *, days_ago: int) -> bool:
    kwargs = {"score": value, "problems": list(problems)} if instrument == Instrument.DISTRESS_THERMOMETER else {}
    if instrument != Instrument.DISTRESS_THERMOMETER:
        kwargs["answers"] = list(value)
    _screen, created = screen_submit(
        patient=patient,
        instrument=instrument,
        client_id=_client_id(patient.user.username, instrument, days_ago),
        recorded_at=when,
        now=when,  # a historical entry: judged against its own time
        **kwargs,
    )
    return created


def seed(*, patients, staff, now=None, rng) -> str:
    now = now or timezone.now()
    screens = 0
    for patient in patients:
        username = patient.user.username
        special = POSITIVE.get(username, [])

        def replaced(instrument, days_ago, special=special):
            # A special (positive) screen stands in for the routine one within a week of it.
            return any(i == instrument and abs(d - days_ago) < 7 for i, d, _v, _p in special)

        for week in range(6, 0, -1):
            days_ago = week * 7 - 3
            when = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
            problems = rng.sample(DistressProblem.values, k=rng.randint(0, 2))
            score = rng.randint(0, 3)
            if not replaced(Instrument.DISTRESS_THERMOMETER, days_ago):
                screens += _submit(patient, Instrument.DISTRESS_THERMOMETER, when, score, problems, days_ago=days_ago)
            if week in (5, 1):
                for instrument, items in ((Instrument.PHQ9, 9), (Instrument.GAD7, 7)):
                    answers = [rng.choice((0, 0, 0, 1)) for _ in range(items)]
                    if instrument == Instrument.PHQ9:
                        answers[8] = 0
                    if not replaced(instrument, days_ago):
                        screens += _submit(patient, instrument, when + timedelta(minutes=5), answers, days_ago=days_ago)
        for instrument, days_ago, value, problems in special:
            screens += _submit(patient, instrument, now - timedelta(days=days_ago), value, problems, days_ago=days_ago)

    by_username = {p.user.username: p for p in patients}
    psychologist = staff["psychologist"]
    assigned = 0
    for username, slug, started_days_ago, ratings in PROGRAMMES:
        patient = by_username.get(username)
        programme = Programme.objects.filter(slug=slug).first()
        if patient is None or programme is None:
            continue
        if ProgrammeAssignment.objects.filter(patient=patient, programme=programme).exists():
            continue
        start = timezone.localdate(now) - timedelta(days=started_days_ago)
        assignment, _created = programme_assign(
            patient=patient, programme=programme, start_date=start, assigned_by=psychologist, now=now
        )
        assigned += 1
        delivered = ContentDelivery.objects.filter(assignment=assignment).order_by("due_on", "pk")
        for delivery, helpful in zip(delivered, ratings, strict=False):
            content_complete(delivery=delivery, helpful=helpful, now=now - timedelta(days=1))

    referrals = 0
    patient2 = by_username.get("patient2")
    if patient2 is not None and not Referral.objects.filter(patient=patient2).exists():
        referral, _created = referral_create(
            patient=patient2,
            service="psychology",
            created_by=psychologist,
            reason="Distress thermometer 6 with emotional and practical problems; agreed to a call.",
        )
        referral_record_contact(
            referral=referral,
            contacted_at=now - timedelta(days=2),
            outcome=ContactOutcome.APPOINTMENT_BOOKED,
            note="Phoned; first appointment booked for next week.",
            recorded_by=psychologist,
            now=now,
        )
        referrals += 1
    return f"{screens} screens added, {assigned} programmes assigned, {referrals} referral contacted"
