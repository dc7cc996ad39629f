"""Demo exercise plans and weeks of exercise logs for most demo patients.

Each plan is built from the starter template that suits the patient's precautions, leaving out any
exercise that would conflict with them. Logs follow each patient's own adherence (some keep it up,
some struggle), with low, steady pain, and one session where pain rose sharply (an `exercise_pain`
alert for the therapist once the sweep evaluates it). Rows are stored not yet evaluated, like the
check-in demo, so the first `manage.py sweep` evaluates them. Safe to run twice: a patient who
already has a plan is left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from tracker.core.vocab import Difficulty, SpinalStability
from tracker.rehab import rules
from tracker.rehab.models import ExerciseLog, ExercisePlan, PlanTemplate
from tracker.rehab.services import ItemSpec, plan_save

# Demo patients left without a plan, so a therapist can build one in the demo (by username).
WITHOUT_PLAN = {"patient4", "patient11"}
LYING_DOWN = "Lying-down programme"
EARLY = "Early mobility (stable spine)"
STRENGTH = "Strength and walking (stable spine, cleared to lift)"


def _template_for(patient) -> str:
    if patient.spinal_stability in (SpinalStability.UNSTABLE, SpinalStability.UNKNOWN):
        return LYING_DOWN
    restricted = any(value not in (False, None) for value in patient.restrictions.values())
    if patient.spinal_stability == SpinalStability.STABLE and not restricted:
        return STRENGTH
    return EARLY


def _specs(template: PlanTemplate, patient) -> list[ItemSpec]:
    precautions = rules.Precautions.of(patient)
    specs = []
    for item in template.items.select_related("exercise").order_by("position"):
        if rules.exercise_conflicts(item.exercise.movements, precautions):
            continue
        specs.append(
            ItemSpec(
                exercise=item.exercise,
                sets=item.sets,
                reps=item.reps,
                hold_seconds=item.hold_seconds,
                days_mask=item.days_mask,
            )
        )
    return specs


def _when(day, rng: random.Random) -> datetime:
    moment = time(hour=rng.randint(11, 17), minute=rng.choice((0, 10, 15, 30, 45, 50)))
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


def _log(patient, item, day, rng, *, base_pain: int) -> ExerciseLog:
    completed = rng.random() > 0.08
    before = max(0, min(5, base_pain + rng.randint(-1, 1)))
    during = min(6, before + rng.choice((0, 0, 1, 1, 2)))  # never meets the exercise_pain rule
    if completed:
        difficulty = rng.choice((Difficulty.EASY, Difficulty.OK, Difficulty.OK, Difficulty.HARD))
    else:
        difficulty = rng.choice((Difficulty.HARD, Difficulty.COULD_NOT))
    recorded_at = _when(day, rng)
    return ExerciseLog(
        patient=patient,
        plan_item=item,
        recorded_at=recorded_at,
        performed_on=day,
        completed=completed,
        pain_before=before,
        pain_during=during,
        difficulty=difficulty,
        evaluated_at=None,
    )


def seed(*, patients, staff, now, rng) -> str:
    therapist = staff["therapist"]
    today = timezone.localdate(now)
    have_plans = set(ExercisePlan.objects.filter(patient__in=patients).values_list("patient_id", flat=True).distinct())
    templates = {t.name: t for t in PlanTemplate.objects.all()}
    rows: list[ExerciseLog] = []
    seeded = 0
    for index, patient in enumerate(patients):
        if patient.pk in have_plans or patient.user.username in WITHOUT_PLAN:
            continue
        template = templates.get(_template_for(patient))
        if template is None:
            continue
        specs = _specs(template, patient)
        if not specs:
            continue
        started = today - timedelta(days=28 + 2 * index)
        plan_save(
            patient=patient,
            therapist=therapist,
            items=specs,
            starts_on=started,
            template=template,
            change_note="First plan.",
            now=timezone.make_aware(datetime.combine(started, time(9)), timezone.get_default_timezone()),
        )
        if index == 0:
            # A second version two weeks ago: the therapist progressed the plan (history stays).
            changed = today - timedelta(days=14)
            more = [s for s in _specs(templates[STRENGTH], patient) if s.exercise.slug == "walk-outdoors"]
            plan_save(
                patient=patient,
                therapist=therapist,
                items=[s for s in specs if s.exercise.slug != "short-walk-indoors"] + more,
                starts_on=started,
                change_note="Walking indoors is going well: moved on to short walks outdoors.",
                now=timezone.make_aware(datetime.combine(changed, time(9)), timezone.get_default_timezone()),
            )
        plan = ExercisePlan.objects.prefetch_related("versions__items").get(patient=patient, status="active")
        spans = [version.span(list(version.items.all())) for version in plan.versions.all()]
        items = {item.pk: item for version in plan.versions.all() for item in version.items.all()}
        adherence = 0.85 if index == 0 else rng.uniform(0.45, 0.95)
        base_pain = rng.randint(1, 4)
        day = started
        while day < today:
            for item_id in rules.items_due(spans, day):
                if rng.random() < adherence:
                    rows.append(_log(patient, items[item_id], day, rng, base_pain=base_pain))
            day += timedelta(days=1)
        if index == 0:
            # One session where the pain rose sharply: the therapist gets an exercise_pain alert.
            day = today - timedelta(days=2)
            item_id = rules.items_due(spans, day)[0]
            rows = [r for r in rows if not (r.patient_id == patient.pk and r.performed_on == day)]
            rows.append(
                ExerciseLog(
                    patient=patient,
                    plan_item=items[item_id],
                    recorded_at=_when(day, rng),
                    performed_on=day,
                    completed=False,
                    pain_before=3,
                    pain_during=8,
                    difficulty=Difficulty.COULD_NOT,
                    note="Sharp pain in my back halfway through, so I stopped.",
                    evaluated_at=None,
                )
            )
        seeded += 1
    ExerciseLog.objects.bulk_create(rows, batch_size=500)
    return f"{seeded} exercise plans, {len(rows)} exercise logs" if seeded else "exercise plans already there"
