"""The base cast of actors (healthchecks' alice/bob/charlie pattern).

- `patient` and `other_patient`: two patients on different teams.
- `nurse`, `therapist`, `psychologist`, `physician`: on `patient`'s care team.
- `other_nurse`: on `other_patient`'s team only.
- `admin_user`: site admin, sees everyone.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, PatientFactory, UserFactory
from tracker.core.vocab import Role


@pytest.fixture
def nurse(db):
    return UserFactory(username="nina_nurse", role=Role.NURSE)


@pytest.fixture
def therapist(db):
    return UserFactory(username="theo_therapist", role=Role.THERAPIST)


@pytest.fixture
def psychologist(db):
    return UserFactory(username="paula_psych", role=Role.PSYCHOLOGIST)


@pytest.fixture
def physician(db):
    return UserFactory(username="phil_physician", role=Role.PHYSICIAN)


@pytest.fixture
def other_nurse(db):
    return UserFactory(username="olga_othernurse", role=Role.NURSE)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada_admin", role=Role.ADMIN)


@pytest.fixture
def patient(db, nurse, therapist, psychologist, physician):
    return PatientFactory(user__username="pat_patient", team=[nurse, therapist, psychologist, physician])


@pytest.fixture
def other_patient(db, other_nurse):
    return PatientFactory(user__username="oscar_otherpatient", team=[other_nurse])


@pytest.fixture
def actors(patient, other_patient, nurse, therapist, psychologist, physician, other_nurse, admin_user):
    """Every actor by name, for matrix tests."""
    return {
        "patient": patient.user,
        "other_patient": other_patient.user,
        "nurse": nurse,
        "therapist": therapist,
        "psychologist": psychologist,
        "physician": physician,
        "other_nurse": other_nurse,
        "admin": admin_user,
    }


@pytest.fixture
def api():
    """An unauthenticated API client."""
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient sending that user's token."""

    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def web_as(client):
    """web_as(user) -> Django's test client logged in as that user (a fresh one each call)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make


@pytest.fixture
def password():
    return PASSWORD
