"""Token authentication (tracker.accounts.api.authentication): DRF's, with the patient profile in the same query."""

import pytest
from rest_framework.authtoken.models import Token

from tracker.accounts.selectors import patient_of

pytestmark = pytest.mark.django_db


def test_a_patients_request_loads_token_user_and_profile_in_one_query(api_as, patient, django_assert_num_queries):
    client = api_as(patient.user)
    with django_assert_num_queries(1):
        response = client.get("/api/v1/me/")
    assert response.json()["patient_id"] == patient.pk


def test_staff_have_no_patient_profile_and_no_extra_query(api_as, nurse, django_assert_num_queries):
    client = api_as(nurse)
    with django_assert_num_queries(1):
        response = client.get("/api/v1/me/")
    assert response.json() == {"id": nurse.pk, "username": nurse.username, "role": "nurse", "patient_id": None}


def test_patient_of_still_queries_when_the_profile_was_not_loaded(patient, django_assert_num_queries):
    from tracker.accounts.models import User

    user = User.objects.get(pk=patient.user.pk)
    with django_assert_num_queries(1):
        assert patient_of(user) == patient


def test_an_unknown_token_is_refused_as_before(api):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"


def test_an_inactive_users_token_is_refused_as_before(api, patient):
    token = Token.objects.create(user=patient.user)
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
