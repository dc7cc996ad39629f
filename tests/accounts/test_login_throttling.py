import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_web_login_works_and_lands_on_home(client, patient, password):
    response = client.post(reverse("login"), {"username": "pat_patient", "password": password})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_web_login_locks_out_after_repeated_failures(client, patient, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "pat_patient", "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post(reverse("login"), {"username": "pat_patient", "password": password})
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content


def test_token_endpoint_locks_out_after_repeated_failures(api, patient, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert api.post(
            "/api/v1/auth/token/", {"username": "pat_patient", "password": "bad"}, format="json"
        ).status_code in (400, 429)
    response = api.post("/api/v1/auth/token/", {"username": "pat_patient", "password": password}, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_lockout_is_per_username(api, patient, other_patient, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": "pat_patient", "password": "bad"}, format="json")
    ok = api.post("/api/v1/auth/token/", {"username": "oscar_otherpatient", "password": password}, format="json")
    assert ok.status_code == 200


def test_logout_needs_post_and_ends_session(client, patient, password):
    client.post(reverse("login"), {"username": "pat_patient", "password": password})
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
