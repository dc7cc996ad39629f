"""factory_boy factories shared by every test module."""

from datetime import date

import factory

from tracker.accounts.models import CareTeamMembership, PatientProfile, User
from tracker.core.vocab import Role

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
    reported_at = factory.LazyFunction(lambda: _now())


def _now():
    from django.utils import timezone

    return timezone.now()
