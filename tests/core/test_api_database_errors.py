"""A database failure in an API request is a 503 whose message is true: "Nothing was saved" when it failed
before anything was stored, and "it was saved" when it failed after the commit, while the reply (the
advice, the updated item) was being read. The phone's retry with the same client_id then gets the reply,
and nothing is stored twice.

The failures are injected into the queries (both CI passes); tests/proof/test_drills.py drops a real
PostgreSQL connection at the same two moments of a check-in.
"""

import re
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from tests.proof.conftest import CHECKINS, checkin_body
from tracker.psych.library import library_load
from tracker.psych.models import ContentDelivery, Programme
from tracker.psych.services import programme_assign
from tracker.symptoms.models import CheckIn

pytestmark = pytest.mark.django_db

SCREENS = "/api/v1/screens/"


@contextmanager
def database_fails(*, at: str, after: str | None = None):
    """The first query matching `at` (a regex), once one matching `after` has run, fails as a lost connection."""
    seen_after = after is None
    failed = []

    def wrapper(execute, sql, params, many, context):
        nonlocal seen_after
        if seen_after and not failed and re.match(at, sql):
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        result = execute(sql, params, many, context)
        if after is not None and re.match(after, sql):
            seen_after = True
        return result

    with connection.execute_wrapper(wrapper):
        yield failed
    assert failed, f"no query matched {at!r}" + (f" after {after!r}" if after else "")


def assert_saved_but_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    detail = response.json()["detail"]
    assert "was saved" in detail and "Nothing was saved" not in detail


def test_a_failure_after_the_checkin_is_stored_says_it_was_saved_and_the_retry_gets_the_advice(api_as, patient):
    client = api_as(patient.user)
    body = checkin_body(red_flag=True)
    with database_fails(after=r'INSERT INTO "symptoms_checkin"', at="SELECT"):
        response = client.post(CHECKINS, body, format="json")
    assert_saved_but_unavailable(response)
    assert "same client_id" in response.json()["detail"]
    stored = CheckIn.objects.get(patient=patient)
    assert str(stored.client_id) == body["client_id"]

    retry = client.post(CHECKINS, body, format="json")
    assert retry.status_code == 200, retry.content
    assert retry.json()["id"] == stored.pk
    assert retry.json()["advice"]["level"] == "emergency"
    assert CheckIn.objects.count() == 1


def test_a_failure_before_the_checkin_is_stored_says_nothing_was_saved(api_as, patient):
    with database_fails(at=r'INSERT INTO "symptoms_checkin"'):
        response = api_as(patient.user).post(CHECKINS, checkin_body(red_flag=True), format="json")
    assert response.status_code == 503
    assert "Nothing was saved" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_the_screen_reply_reads_nothing_after_the_screen_is_stored(api_as, patient):
    """So a database failure in a screen POST always happens before its commit, and "Nothing was saved" is true."""
    after_insert = []

    def wrapper(execute, sql, params, many, context):
        if after_insert or sql.startswith('INSERT INTO "psych_screen"'):
            after_insert.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = api_as(patient.user).post(
            SCREENS, {"instrument": "phq9", "answers": [3, 3, 3, 3, 3, 3, 3, 3, 1]}, format="json"
        )
    assert response.status_code == 201 and response.json()["advice"]["level"] == "emergency"
    assert after_insert and not [sql for sql in after_insert[1:] if not sql.startswith("RELEASE SAVEPOINT")]


def test_a_failure_after_content_is_marked_done_says_it_was_saved(api_as, patient, psychologist):
    library_load()  # a transactional test's flush removes what the data migration loaded
    programme = Programme.objects.get(slug="coping-with-pain-and-worry")
    programme_assign(patient=patient, programme=programme, start_date=timezone.localdate(), assigned_by=psychologist)
    delivery = ContentDelivery.objects.get(patient=patient)
    client = api_as(patient.user)
    url = f"/api/v1/content/{delivery.pk}/complete/"
    with database_fails(after=r'UPDATE "psych_contentdelivery"', at="SELECT"):
        response = client.post(url, {"helpful": True}, format="json")
    assert_saved_but_unavailable(response)
    delivery.refresh_from_db()
    assert delivery.completed_at is not None and delivery.helpful is True

    again = client.post(url, {"helpful": True}, format="json")
    assert again.status_code == 200 and again.json()["done"] is True
