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
