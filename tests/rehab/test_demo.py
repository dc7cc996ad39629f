import random

import pytest
from django.utils import timezone

from tracker.accounts.demo import seed_accounts
from tracker.alerts.evaluation import evaluators
from tracker.alerts.models import Alert
from tracker.alerts.services import submission_evaluate
from tracker.core.vocab import RuleCode
from tracker.rehab import demo, rules
from tracker.rehab.models import ExerciseLog, ExercisePlan, PlanItem
from tracker.rehab.selectors import adherence_for

pytestmark = pytest.mark.django_db


def test_the_demo_gives_most_patients_a_safe_plan_and_weeks_of_logs_and_is_safe_to_run_twice(settings):
    assert "tracker.rehab.demo.seed" in settings.TRACKER_DEMO_SEEDERS
    now = timezone.now()
    patients, staff = seed_accounts(now=now)
    summary = demo.seed(patients=patients, staff=staff, now=now, rng=random.Random(2026))
    assert summary.startswith("10 exercise plans")

    plans = ExercisePlan.objects.select_related("patient__user")
    assert {p.patient.user.username for p in plans}.isdisjoint(demo.WITHOUT_PLAN)
    assert plans.count() == len(patients) - len(demo.WITHOUT_PLAN)
    # Suited to each patient's precautions: nothing needed an override.
    for item in PlanItem.objects.select_related("exercise", "version__plan__patient"):
        precautions = rules.Precautions.of(item.version.plan.patient)
        assert rules.exercise_conflicts(item.exercise.movements, precautions) == [], item
        assert item.conflict_codes == ""
    # Weeks of logs, with adherence between "struggling" and "keeping it up".
    for plan in plans:
        weeks = [w for w in adherence_for(plan.patient, weeks=4) if w.prescribed][:-1]
        assert weeks and all(0.2 <= w.ratio <= 1 for w in weeks), plan.patient.user.username
    # The first patient's plan was progressed once: two versions, logs against both.
    first = plans.get(patient=patients[0])
    assert first.versions.count() == 2
    assert ExerciseLog.objects.filter(patient=patients[0]).values("plan_item__version").distinct().count() == 2

    # Exactly one log meets the exercise_pain rule, and evaluating everything raises exactly one alert.
    assert ExerciseLog.objects.filter(evaluated_at__isnull=True).count() == ExerciseLog.objects.count()
    assert "rehab.exerciselog" in evaluators()
    for pk in ExerciseLog.objects.values_list("pk", flat=True):
        submission_evaluate(label="rehab.exerciselog", pk=pk)
    [alert] = Alert.objects.filter(rule=RuleCode.EXERCISE_PAIN)
    assert alert.patient == patients[0]

    logs = ExerciseLog.objects.count()
    again = demo.seed(patients=patients, staff=staff, now=now, rng=random.Random(2026))
    assert again == "exercise plans already there"
    assert ExerciseLog.objects.count() == logs
    assert ExercisePlan.objects.count() == plans.count()


def test_the_library_is_in_every_fresh_database_and_loading_it_again_changes_nothing():
    from io import StringIO

    from django.core.management import call_command

    from tracker.rehab.library_data import EXERCISES
    from tracker.rehab.models import Exercise, PlanTemplate

    assert Exercise.objects.count() == len(EXERCISES) >= 24
    assert PlanTemplate.objects.count() == 3
    bridge = Exercise.objects.get(slug="bridging")
    bridge.name = "Bridge (edited by the site)"
    bridge.save()
    out = StringIO()
    call_command("load_exercise_library", stdout=out)
    assert out.getvalue().strip() == "0 exercise(s) and 0 template(s) added."
    assert Exercise.objects.get(slug="bridging").name == "Bridge (edited by the site)"
    Exercise.objects.filter(slug="bridging").update(slug="bridge-old")
    call_command("load_exercise_library", stdout=StringIO())
    assert Exercise.objects.filter(slug="bridging").exists()
    # Every exercise can be shown: steps, a purpose, a sensible usual dose.
    for exercise in Exercise.objects.all():
        assert exercise.steps and exercise.purpose and exercise.default_sets >= 1 and exercise.default_reps >= 1
