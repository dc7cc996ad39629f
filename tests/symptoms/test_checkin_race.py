"""Two requests with the same client_id at the same moment store one check-in (the database decides)."""

import threading
import time
import uuid

import pytest
from django.db import connection

from tracker.alerts import evaluation
from tracker.symptoms.models import CheckIn
from tracker.symptoms.services import checkin_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_racing_duplicate_gets_the_original_row(patient, monkeypatch):
    client_id = uuid.uuid4()
    first_saved, let_first_commit = threading.Event(), threading.Event()
    results, errors = {}, []
    real_submission_saved = evaluation.submission_saved

    def hold_first_transaction(obj):
        # The first request has inserted its row but not committed: the second one now tries to insert
        # the same client_id and waits on the first one's row until it commits.
        if threading.current_thread().name == "first":
            first_saved.set()
            let_first_commit.wait(10)
        real_submission_saved(obj)

    monkeypatch.setattr(evaluation, "submission_saved", hold_first_transaction)

    def send(name):
        try:
            results[name] = checkin_create(patient=patient, pain_now=2, pain_worst_24h=4, client_id=client_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",), name="first")
    first.start()
    assert first_saved.wait(10)
    second = threading.Thread(target=send, args=("second",), name="second")
    second.start()
    time.sleep(0.5)  # the second request is now waiting on the first one's uncommitted row / write lock
    let_first_commit.set()
    first.join(20)
    second.join(20)

    assert not errors, errors
    (row1, created1), (row2, created2) = results["first"], results["second"]
    assert created1 is True and created2 is False
    assert row1.pk == row2.pk
    assert CheckIn.objects.filter(patient=patient, client_id=client_id).count() == 1
