"""Demo check-ins: about six weeks of realistic reports for the twelve demo patients.

Each patient follows a story (stable, rising pain, radiotherapy side effects, new leg weakness, stopped
checking in...). Rows are stored with `evaluated_at=None`, as if the broker had been down, so the first
`manage.py sweep` evaluates them and raises the alerts the stories lead to. Safe to run twice: a
patient who already has check-ins is left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.utils import timezone

from tracker.core.vocab import CheckinSchedule, PainSite, Walking, WeaknessLevel
from tracker.symptoms.models import CheckIn

DAYS = 42  # six weeks of history


def _at(now: datetime, days_ago: int, rng: random.Random) -> datetime:
    """A morning time `days_ago` local days before `now`, in the site's time zone."""
    day = timezone.localtime(now).date() - timedelta(days=days_ago)
    moment = time(hour=rng.randint(7, 10), minute=rng.choice((0, 5, 10, 20, 30, 40, 45, 50)))
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


def _row(patient, recorded_at, *, now: int, worst: int, sites=("mid_back",), **fields) -> CheckIn:
    return CheckIn(
        patient=patient,
        recorded_at=recorded_at,
        evaluated_at=None,
        pain_now=now,
        pain_worst_24h=max(now, worst),
        pain_sites=[s for s in PainSite.values if s in sites],
        **fields,
    )


# A story: (patient, days_ago, rng) -> CheckIn or None (no check-in that day).
Story = Callable[[object, int, random.Random, datetime], "CheckIn | None"]


def _stable(base: int, sites=("mid_back",), skip: float = 0.05, **extra) -> Story:
    def story(patient, days_ago, rng, when):
        if rng.random() < skip:
            return None
        now = max(0, base - rng.randint(0, 1))
        return _row(patient, when, now=now, worst=base + rng.randint(0, 1), sites=sites, **extra)

    return story


def _rising_pain(patient, days_ago, rng, when):
    """Steady at 2-3 for weeks, then worse over the last ten days; night pain in the last three."""
    if days_ago > 10:
        now, worst = 2, 3 + rng.randint(0, 1)
    else:
        worst = min(9, 3 + (10 - days_ago) // 2 + rng.randint(0, 1))
        now = max(2, worst - 2)
    return _row(
        patient,
        when,
        now=now,
        worst=worst,
        sites=("lower_back", "hips_pelvis"),
        night_pain=days_ago <= 3,
        breakthrough_doses=0 if days_ago > 10 else min(4, (10 - days_ago) // 3),
    )


def _new_leg_weakness(patient, days_ago, rng, when):
    """Stable mid-back pain; the left leg became weak two days ago and worse yesterday."""
    row = _row(patient, when, now=3, worst=4 + rng.randint(0, 1), sites=("mid_back", "left_leg"))
    if days_ago == 2:
        row.weakness_left_leg, row.walking = WeaknessLevel.MILD, Walking.UNSTEADY
    elif days_ago < 2:
        row.weakness_left_leg, row.walking = WeaknessLevel.MODERATE, Walking.UNSTEADY
        row.numbness = ["left_leg"]
    return row


def _stopped_five_days_ago(patient, days_ago, rng, when):
    """Daily check-ins until six days ago, then nothing for five whole days (the missed check-ins rule)."""
    if days_ago <= 5:
        return None
    return _row(patient, when, now=2 + rng.randint(0, 1), worst=4, sites=("lower_back",))


def _radiotherapy_side_effects(patient, days_ago, rng, when):
    """Radiotherapy about three weeks ago: tiredness and sore skin rise, peak, then settle."""
    weeks_since = (DAYS - days_ago) // 7
    fatigue = (0, 1, 2, 3, 2, 1, 1)[min(weeks_since, 6)]
    skin = (0, 0, 1, 2, 2, 1, 0)[min(weeks_since, 6)]
    nausea = 1 if weeks_since in (2, 3) else 0
    return _row(
        patient, when, now=3, worst=4, sites=("upper_back",), fatigue=fatigue, skin_reaction=skin, nausea=nausea
    )


def _improving(patient, days_ago, rng, when):
    """Pain settling after radiotherapy: worst 6 down to 2 over six weeks."""
    worst = 2 + round(4 * days_ago / DAYS)
    return _row(patient, when, now=max(1, worst - 2), worst=worst, sites=("chest_wall", "mid_back"))


STORIES: list[Story] = [
    _stable(3, sites=("mid_back",), fatigue=1),  # patient: stable (today's check-in still to do)
    _rising_pain,  # patient2
    _new_leg_weakness,  # patient3
    _stopped_five_days_ago,  # patient4
    _stable(4, sites=("neck",), breakthrough_doses=1),  # patient5
    _stable(2, sites=("lower_back", "hips_pelvis"), skip=0),  # patient6 (weekly)
    _radiotherapy_side_effects,  # patient7
    _improving,  # patient8
    _stable(2, sites=("neck", "upper_back"), skip=0.15),  # patient9: forgets now and then
    _stable(3, sites=("mid_back", "lower_back"), bowel="constipation"),  # patient10
    _stable(1, sites=("lower_back",)),  # patient11
    _stable(3, sites=("hips_pelvis",), skip=0),  # patient12 (weekly)
]


def seed(*, patients, staff, now, rng) -> str:
    """Add the check-in histories (settings.TRACKER_DEMO_SEEDERS)."""
    has_checkins = set(CheckIn.objects.filter(patient__in=patients).values_list("patient_id", flat=True).distinct())
    rows: list[CheckIn] = []
    seeded = 0
    for index, patient in enumerate(patients):
        if patient.pk in has_checkins:
            continue
        story = STORIES[index % len(STORIES)]
        step = 7 if patient.checkin_schedule == CheckinSchedule.WEEKLY else 1
        for days_ago in range(DAYS, -1, -step):
            when = _at(now, days_ago, rng)
            if when > now or (index == 0 and days_ago == 0):
                continue  # not yet this morning / the main demo patient's check-in is still due today
            row = story(patient, days_ago, rng, when)
            if row is not None:
                rows.append(row)
        seeded += 1
    CheckIn.objects.bulk_create(rows, batch_size=500)
    return f"{len(rows)} check-ins for {seeded} patients" if rows else "check-ins already there"
