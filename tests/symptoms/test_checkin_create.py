"""checkin_create: the database's unique constraint decides idempotency; nothing is looked up first."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tracker.symptoms.models import CheckIn
from tracker.symptoms.services import checkin_create

pytestmark = pytest.mark.django_db


def _selects(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]


def test_a_new_check_in_is_inserted_without_asking_first_whether_its_client_id_exists(patient):
    with CaptureQueriesContext(connection) as queries:
        checkin, created = checkin_create(patient=patient, pain_now=2, pain_worst_24h=3, client_id=uuid.uuid4())
    assert created and CheckIn.objects.get().pk == checkin.pk
    assert _selects(queries.captured_queries) == []


def test_a_repeat_rolls_its_insert_back_and_returns_the_original(patient):
    client_id = uuid.uuid4()
    with transaction.atomic():  # inside a caller's transaction too: only the savepoint is rolled back
        original, _ = checkin_create(patient=patient, pain_now=2, pain_worst_24h=3, client_id=client_id)
        again, created = checkin_create(patient=patient, pain_now=8, pain_worst_24h=9, client_id=client_id)
        assert CheckIn.objects.count() == 1
    assert created is False
    assert (again.pk, again.pain_now) == (original.pk, 2)


@pytest.mark.parametrize(
    "bad",
    [
        {"pain_now": 11, "pain_worst_24h": 11},  # the model's validators refuse it
        {"pain_now": 1, "pain_worst_24h": 2, "weakness": {"tail": "mild"}},  # an unknown limb
    ],
)
def test_a_repeat_is_the_original_whatever_it_says_but_a_first_send_of_bad_values_fails(patient, bad):
    client_id = uuid.uuid4()
    original, _ = checkin_create(patient=patient, pain_now=2, pain_worst_24h=3, client_id=client_id)
    assert checkin_create(patient=patient, client_id=client_id, **bad) == (original, False)
    with pytest.raises((ValidationError, ValueError)):
        checkin_create(patient=patient, client_id=uuid.uuid4(), **bad)
    with pytest.raises((ValidationError, ValueError)):
        checkin_create(patient=patient, **bad)
    assert CheckIn.objects.count() == 1
