"""A database failure in an API request is a 503 whose message is true.

Views that write and then read their reply do both in one transaction, so any failure means "Nothing was
saved". The check-in POST commits before it works out the advice (a fault there must never cost the
patient the check-in): a failure in the advice is a 503 that says the check-in was saved, and the
phone's retry with the same client_id gets the advice, stored once.

The failures are injected into the queries (both CI passes); tests/proof/test_drills.py drops a real
PostgreSQL connection at the same two moments of a check-in.
"""

import re
import uuid
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection
from django.urls import resolve
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, AlertFactory
from tests.proof.access import all_routes
from tests.proof.conftest import CHECKINS, checkin_body
from tests.rehab.conftest import prescribe, set_precautions, spec
from tracker.accounts.models import PatientProfile
from tracker.alerts.models import Alert, AlertContact, AlertEvent
from tracker.alerts.services import alert_resolve
from tracker.audit.models import AuditLog
from tracker.psych.library import library_load
from tracker.psych.models import ContentDelivery, Programme, ProgrammeAssignment, Referral, Screen
from tracker.psych.services import programme_assign, referral_create
from tracker.rehab.models import Exercise, ExerciseLog, ExercisePlan, PlanVersion
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


def test_without_a_client_id_the_patient_is_told_not_to_send_it_again(api_as, patient):
    body = checkin_body(red_flag=False)
    del body["client_id"]
    with database_fails(after=r'INSERT INTO "symptoms_checkin"', at="SELECT"):
        response = api_as(patient.user).post(CHECKINS, body, format="json")
    assert_saved_but_unavailable(response)
    assert "do not send it again" in response.json()["detail"]
    assert CheckIn.objects.count() == 1


def test_a_failure_before_the_checkin_is_stored_says_nothing_was_saved(api_as, patient):
    with database_fails(at=r'INSERT INTO "symptoms_checkin"'):
        response = api_as(patient.user).post(CHECKINS, checkin_body(red_flag=True), format="json")
    assert response.status_code == 503
    assert "Nothing was saved" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_a_failed_staff_read_asks_to_try_again_without_talking_of_saving(api_as, patient, nurse):
    # The nurse's read stores its audit row, then the check-ins query fails: nothing of theirs was sent
    # to be saved, so the reply must not claim "Nothing was saved".
    with database_fails(after=r'INSERT INTO "audit_auditlog"', at=r'SELECT .* FROM "symptoms_checkin"'):
        response = api_as(nurse).get(CHECKINS, {"patient": patient.pk})
    assert response.status_code == 503, response.content
    assert response.json() == {"detail": "The service is temporarily unavailable; please try again in a moment."}


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


def test_content_completion_and_its_reply_are_one_transaction(api_as, patient, psychologist):
    """A failure while the reply is read undoes the completion, so "Nothing was saved" is true."""
    library_load()  # a transactional test's flush removes what the data migration loaded
    programme = Programme.objects.get(slug="coping-with-pain-and-worry")
    programme_assign(patient=patient, programme=programme, start_date=timezone.localdate(), assigned_by=psychologist)
    delivery = ContentDelivery.objects.get(patient=patient)
    client = api_as(patient.user)
    url = f"/api/v1/content/{delivery.pk}/complete/"
    with database_fails(after=r'UPDATE "psych_contentdelivery"', at="SELECT"):
        response = client.post(url, {"helpful": True}, format="json")
    assert response.status_code == 503 and "Nothing was saved" in response.json()["detail"]
    delivery.refresh_from_db()
    assert delivery.completed_at is None and delivery.helpful is None

    again = client.post(url, {"helpful": True}, format="json")
    assert again.status_code == 200 and again.json()["done"] is True and again.json()["helpful"] is True


# ------------------------------------------------------------------------------------------------------
# Every writing endpoint: a database failure after its data is committed says so (or none can happen)
# ------------------------------------------------------------------------------------------------------

CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b")


class FailAfterCommit:
    """An execute wrapper that fails the first query run after some write has become committed.

    The test runs in a transaction, so the view's atomic blocks are savepoints: a write is committed when
    the outermost savepoint around it is released, or at once when it runs outside any."""

    def __init__(self):
        self.open = []  # writes inside each open savepoint, innermost last
        self.committed = False
        self.failed = None

    def __call__(self, execute, sql, params, many, context):
        control = CONTROL.match(sql)
        if self.committed and not control and self.failed is None:
            self.failed = sql
            raise OperationalError("server closed the connection unexpectedly")
        result = execute(sql, params, many, context)
        kind = control.group(1) if control else None
        if kind == "SAVEPOINT":
            self.open.append(0)
        elif kind == "ROLLBACK TO SAVEPOINT":
            self.open[-1] = 0
        elif kind == "RELEASE SAVEPOINT":
            writes = self.open.pop()
            if writes and self.open:
                self.open[-1] += writes
            elif writes:
                self.committed = True
        elif WRITE.match(sql):
            if self.open:
                self.open[-1] += 1
            else:
                self.committed = True
        return result


def _programme():
    library_load()
    return Programme.objects.get(slug="coping-with-pain-and-worry")


def _plan_version(a):
    set_precautions(a.patient)
    return prescribe(a.patient, a.therapist, spec(Exercise.objects.order_by("id").first().slug), override_reason="x")


def _exercise_log(a, *, client_id: bool):
    item = _plan_version(a).items.order_by("id").first()
    body = {"plan_item": item.pk, "completed": True, "pain_before": 1, "pain_during": 2, "difficulty": "ok"}
    if client_id:
        body["client_id"] = str(uuid.uuid4())
    return a.api_as(a.patient.user), "post", "/api/v1/exercise-logs/", body, ExerciseLog.objects.count


def _content_complete(a):
    today = timezone.localdate()
    programme_assign(patient=a.patient, programme=_programme(), start_date=today, assigned_by=a.psychologist)
    delivery = ContentDelivery.objects.get(patient=a.patient)
    done = ContentDelivery.objects.exclude(completed_at=None).count
    return a.api_as(a.patient.user), "post", f"/api/v1/content/{delivery.pk}/complete/", {"helpful": True}, done


def _referral_contact(a):
    referral, _created = referral_create(patient=a.patient, service="social_work", created_by=a.nurse)
    body = {"contacted_at": (timezone.now() - timedelta(minutes=1)).isoformat(), "outcome": "advice_given"}
    url = f"/api/v1/referrals/{referral.pk}/contact/"
    return a.api_as(a.psychologist), "post", url, body, Referral.objects.exclude(contacted_at=None).count


def _programme_assignment(a):
    _programme()
    body = {"patient": a.patient.pk, "programme": "coping-with-pain-and-worry", "start_date": str(timezone.localdate())}
    return a.api_as(a.psychologist), "post", "/api/v1/programme-assignments/", body, ProgrammeAssignment.objects.count


def _plan_resume(a):
    plan_id = _plan_version(a).plan_id
    open_alert = Alert.objects.filter(patient=a.patient, rule="neuro_deficit", resolved_at=None).first()
    alert = open_alert or AlertFactory(patient=a.patient, rule="neuro_deficit")
    alert_resolve(alert=alert, user=a.nurse, outcome="urgent_mri", note="MRI booked")
    resumed = ExercisePlan.objects.exclude(resumed_at=None).count
    return a.api_as(a.therapist), "post", f"/api/v1/plans/{plan_id}/resume/", {"note": "Checked: safe."}, resumed


def _checkin_without_client_id(a):
    body = checkin_body(red_flag=False)
    del body["client_id"]
    return a.api_as(a.patient.user), "post", CHECKINS, body, CheckIn.objects.count


# name -> (actors) -> (client, method, url, body, count of what the request stores)
WRITES = {
    "token": lambda a: (
        APIClient(),
        "post",
        "/api/v1/auth/token/",
        {"username": a.nurse.username, "password": PASSWORD},
        Token.objects.count,
    ),
    "patient create": lambda a: (
        a.api_as(a.nurse),
        "post",
        "/api/v1/patients/",
        {
            "username": "new_patient",
            "password": "Str0ng-pass-123x",
            "first_name": "Ann",
            "last_name": "Bee",
            "date_of_birth": "1970-01-01",
            "primary_cancer": "Lung",
            "spinal_levels": ["T8"],
        },
        PatientProfile.objects.count,
    ),
    "patient update": lambda a: (
        a.api_as(a.nurse),
        "patch",
        f"/api/v1/patients/{a.patient.pk}/",
        {"primary_cancer": "Prostate"},
        AuditLog.objects.filter(action="update").count,
    ),
    "me update": lambda a: (
        a.api_as(a.patient.user),
        "patch",
        "/api/v1/me/",
        {"phone": "0161 496 0000"},
        PatientProfile.objects.filter(phone="0161 496 0000").count,
    ),
    "check-in": lambda a: (
        a.api_as(a.patient.user),
        "post",
        CHECKINS,
        checkin_body(red_flag=True),
        CheckIn.objects.count,
    ),
    "check-in without client_id": _checkin_without_client_id,
    "alert acknowledge": lambda a: (
        a.api_as(a.nurse),
        "post",
        f"/api/v1/alerts/{AlertFactory(patient=a.patient).pk}/acknowledge/",
        None,
        AlertEvent.objects.count,
    ),
    "alert contact": lambda a: (
        a.api_as(a.nurse),
        "post",
        f"/api/v1/alerts/{AlertFactory(patient=a.patient, rule='missed_checkins').pk}/contacts/",
        {"method": "phone", "result": "no_answer", "note": ""},
        AlertContact.objects.count,
    ),
    "alert resolve": lambda a: (
        a.api_as(a.nurse),
        "post",
        f"/api/v1/alerts/{AlertFactory(patient=a.patient, rule='pain_escalation').pk}/resolve/",
        {"outcome": "advised", "note": "Rang."},
        AlertEvent.objects.count,
    ),
    "screen": lambda a: (
        a.api_as(a.patient.user),
        "post",
        SCREENS,
        {"instrument": "phq9", "answers": [3, 3, 3, 3, 3, 3, 3, 3, 1], "client_id": str(uuid.uuid4())},
        Screen.objects.count,
    ),
    "content complete": lambda a: _content_complete(a),
    "referral create": lambda a: (
        a.api_as(a.nurse),
        "post",
        "/api/v1/referrals/",
        {"patient": a.patient.pk, "service": "psychology", "reason": "low mood"},
        Referral.objects.count,
    ),
    "referral contact": lambda a: _referral_contact(a),
    "programme assignment": lambda a: _programme_assignment(a),
    "plan create": lambda a: (
        a.api_as(a.therapist),
        "post",
        "/api/v1/plans/",
        {
            "patient": set_precautions(a.patient).pk,
            "items": [{"exercise": Exercise.objects.order_by("id").first().pk, "days": ["mon", "wed", "fri"]}],
            "override_reason": "x",
        },
        PlanVersion.objects.count,
    ),
    "plan check": lambda a: (
        a.api_as(a.therapist),
        "post",
        "/api/v1/plans/check/",
        {
            "patient": set_precautions(a.patient).pk,
            "items": [{"exercise": Exercise.objects.order_by("id").first().pk, "days": ["mon"]}],
        },
        AuditLog.objects.count,
    ),
    "plan resume": _plan_resume,
    "plan reminder": lambda a: (
        a.api_as(a.patient.user),
        "patch",
        f"/api/v1/plans/{_plan_version(a).plan_id}/",
        {"reminder_time": "09:00"},
        ExercisePlan.objects.filter(reminder_time="09:00").count,
    ),
    "exercise log": lambda a: _exercise_log(a, client_id=True),
    "exercise log without client_id": lambda a: _exercise_log(a, client_id=False),
}


@pytest.fixture
def actors(patient, nurse, therapist, psychologist, api_as):
    return SimpleNamespace(patient=patient, nurse=nurse, therapist=therapist, psychologist=psychologist, api_as=api_as)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_database_failure_after_the_commit_never_says_nothing_was_saved(name, actors):
    client, method, url, body, count = WRITES[name](actors)
    before = count()
    fail = FailAfterCommit()
    with connection.execute_wrapper(fail):
        response = getattr(client, method)(url, body, format="json")
    connection.needs_rollback = False  # the test's own transaction: read what the request left behind
    if fail.failed is None:
        # Nothing ran after the commit, so any database failure came before it, and "Nothing was saved" holds.
        assert response.status_code in (200, 201), response.content
        assert fail.committed, "the request saved nothing: the scenario is wrong"
        return
    assert_saved_but_unavailable(response)
    assert count() > before, "it says it was saved"


def _writes(callback) -> set[str]:
    cls = getattr(callback, "cls", None)  # DRF views; the API serves no other kind that writes
    if cls is None:
        return set()
    return {m.upper() for m in ("post", "put", "patch", "delete") if m in cls.http_method_names and hasattr(cls, m)}


def test_every_writing_api_endpoint_is_checked_above(actors):
    checked = set()
    for make in WRITES.values():
        _client, method, url, _body, _count = make(actors)
        checked.add((resolve(url).route, method.upper()))
    served = {(r.route, m) for r in all_routes() if r.is_api for m in _writes(r.callback)}
    assert served - checked == set(), "a writing endpoint with no scenario in WRITES"
    assert len(served) >= 15
