"""factory_boy factories shared by every test module."""

from datetime import date, timedelta

import factory
from django.db import transaction
from django.utils import timezone

from tracker.accounts.models import CareTeamMembership, PatientProfile, User
from tracker.alerts.evaluation import submission_saved
from tracker.core.vocab import Instrument, Role
from tracker.psych.models import Screen
from tracker.rehab.models import ExerciseLog
from tracker.symptoms.models import CheckIn

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.NURSE

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.lazy_attribute
    def is_staff(self):
        return self.role != Role.PATIENT

    @factory.lazy_attribute
    def is_superuser(self):
        return self.role == Role.ADMIN


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.PATIENT)
    date_of_birth = date(1960, 5, 17)
    primary_cancer = "Breast"
    spinal_levels = factory.LazyFunction(lambda: ["T8"])

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        for clinician in extracted or []:
            CareTeamMembership.objects.get_or_create(
                patient=self, clinician=clinician, defaults={"role": clinician.role}
            )


class AlertFactory(factory.django.DjangoModelFactory):
    """An open alert (tracker.alerts). Pass patient=...; severity follows the rule unless given."""

    class Meta:
        model = "alerts.Alert"

    patient = factory.SubFactory(PatientFactory)
    rule = "neuro_deficit"
    severity = factory.LazyAttribute(
        lambda a: {"neuro_deficit": "emergency", "self_harm": "emergency", "pain_escalation": "urgent"}.get(
            a.rule, "routine"
        )
    )
    summary = factory.LazyAttribute(lambda a: f"Test finding for {a.rule}")
    evidence = factory.LazyFunction(list)
    reported_at = factory.LazyFunction(timezone.now)


class _SubmissionFactory(factory.django.DjangoModelFactory):
    """What check-ins, screens and exercise logs share.

    - `ago` (a timedelta) or `days_ago` (a number) puts `recorded_at` that far before now; or pass `recorded_at`.
    - `evaluated=True` marks the row as already evaluated (`evaluated_at` now), so sweeps leave it alone.
    - `queued=True` queues its red-flag evaluation as the API does: `submission_saved` in the transaction
      that inserts the row, so the evaluation task runs after that commits.
    """

    class Meta:
        abstract = True

    class Params:
        days_ago = 0
        ago = factory.LazyAttribute(lambda o: timedelta(days=o.days_ago))
        evaluated = factory.Trait(evaluated_at=factory.LazyFunction(timezone.now))

    patient = factory.SubFactory(PatientFactory)
    recorded_at = factory.LazyAttribute(lambda o: timezone.now() - o.ago)
    queued = False  # not a field: _create takes it out

    @classmethod
    def _create(cls, model_class, *args, queued=False, **kwargs):
        if not queued:
            return super()._create(model_class, *args, **kwargs)
        with transaction.atomic():
            row = super()._create(model_class, *args, **kwargs)
            submission_saved(row)
        return row


class CheckInFactory(_SubmissionFactory):
    """A check-in: by default an all-clear report (pain 0, worst pain as now), recorded now, not yet evaluated.

    Traits: `mild_pain` (pain 2 now, 3 at worst), `red_flag` (saddle numbness, which fires neuro_deficit every
    time, even when not new).
    """

    class Meta:
        model = CheckIn

    class Params:
        mild_pain = factory.Trait(pain_now=2, pain_worst_24h=3)
        red_flag = factory.Trait(numbness=["saddle"])

    pain_now = 0
    pain_worst_24h = factory.LazyAttribute(lambda o: o.pain_now)


class ScreenFactory(_SubmissionFactory):
    """A distress thermometer screen (`score`, 0-10; 4 or more is a positive screen), recorded now."""

    class Meta:
        model = Screen

    instrument = Instrument.DISTRESS_THERMOMETER
    score = 0
    total = factory.LazyAttribute(lambda o: o.score)
    positive = factory.LazyAttribute(lambda o: o.score >= 4)


class ExerciseLogFactory(_SubmissionFactory):
    """A completed session of `plan_item` (required) by its plan's patient: pain 2 before, 3 during, "ok"."""

    class Meta:
        model = ExerciseLog

    patient = factory.LazyAttribute(lambda o: o.plan_item.version.plan.patient)
    performed_on = factory.LazyAttribute(lambda o: timezone.localdate(o.recorded_at))
    completed = True
    pain_before = 2
    pain_during = 3
    difficulty = "ok"
