"""CSRF on every form and every state-changing page URL, and sessions that end.

- Every <form method="post"> on every page the matrix reaches carries Django's CSRF token.
- Every page URL that accepts a POST refuses one without the token (403), and accepts it with the token,
  so it is the CSRF check that refused it; the session-authenticated API does the same.
- A web session ends after SESSION_COOKIE_AGE, and at logout.
(Secure cookies and HTTPS in production: `manage.py check --deploy` in .ci/run.)
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from tests.proof.access import ACTORS
from tests.proof.test_access_control import MATRIX, _row, client_for, url_for, user_of

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
POST_METHOD = re.compile(r"""method\s*=\s*["']?post""", re.IGNORECASE)


def _page_rows(method: str):
    rows = []
    for row in MATRIX:
        m, route, codes, _audit = _row(row)
        if m == method and not route.startswith("api/") and "ok" in codes.split()[1:]:
            allowed = [a for a, c in zip(ACTORS, codes.split(), strict=True) if c == "ok" and a != "anon"]
            rows.append((route, allowed))
    return rows


@pytest.mark.django_db
def test_every_post_form_on_every_page_carries_the_csrf_token(demo):
    checked_forms = 0
    for route, allowed in _page_rows("GET"):
        url, owner, _api = url_for(route, demo)
        for actor in allowed:
            response = client_for(actor, api=False, demo=demo, owner=owner).get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for attrs, body in FORM.findall(response.content.decode()):
                if POST_METHOD.search(attrs):
                    checked_forms += 1
                    assert 'name="csrfmiddlewaretoken"' in body, f"{actor} GET {url}: a POST form without the token"
    assert checked_forms >= 20, f"only {checked_forms} forms found: the page matrix is not being rendered"


@pytest.mark.django_db
@pytest.mark.parametrize("route,allowed", _page_rows("POST"), ids=[r for r, _a in _page_rows("POST")])
def test_every_page_post_is_refused_without_the_csrf_token(route, allowed, demo):
    url, owner, _api = url_for(route, demo)
    actor = allowed[0]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user_of(actor, demo, owner), backend="django.contrib.auth.backends.ModelBackend")

    sid = transaction.savepoint()
    refused = strict.post(url, {})
    transaction.savepoint_rollback(sid)
    assert refused.status_code == 403, f"{actor} POST {url} without a CSRF token: {refused.status_code}"

    strict.get("/")  # the home page sets the CSRF cookie
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    sid = transaction.savepoint()
    accepted = strict.post(url, {"csrfmiddlewaretoken": token})
    transaction.savepoint_rollback(sid)
    assert accepted.status_code != 403, f"{actor} POST {url} with the token was still refused"


@pytest.mark.django_db
def test_the_api_with_a_session_cookie_needs_the_csrf_token(patient):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(patient.user, backend="django.contrib.auth.backends.ModelBackend")
    body = {"pain": {"now": 1, "worst_24h": 2}}
    refused = strict.post("/api/v1/checkins/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    strict.get("/")
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = strict.post("/api/v1/checkins/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code in (201, 400)


def _log_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the login form refused the test's credentials"
    return client


@pytest.mark.django_db
def test_a_session_ends_after_session_cookie_age(patient, nurse):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        patient_client, nurse_client = _log_in(patient.user.username), _log_in(nurse.username)
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), tick=False):
        assert patient_client.get("/checkin/").status_code == 200
        assert nurse_client.get(f"/patients/{patient.pk}/").status_code == 200
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60), tick=False):
        for client, url in ((patient_client, "/checkin/"), (nurse_client, f"/patients/{patient.pk}/")):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_logging_out_ends_the_session_for_good(patient):
    client = _log_in(patient.user.username)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get("/checkin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_login_form_is_csrf_protected_too(patient):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/accounts/login/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    refused = strict.post("/accounts/login/", {"username": patient.user.username, "password": PASSWORD})
    assert refused.status_code == 403
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = strict.post(
        "/accounts/login/", {"username": patient.user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
