"""Failure drills through the real check-in API (POST /api/v1/checkins/), with real processes:

- Redis stopped while 200 check-ins (20 with red flags) are posted: all 200 saved at once, and after
  Redis returns and a sweep, exactly 20 alerts, none doubled;
- a worker SIGKILLed in the middle of evaluating posted red flags: nothing half-made, and after a
  restart and a sweep every red flag has exactly one alert;
- the PostgreSQL connection dropped in the middle of a POST: a clean 503 JSON and no partial rows; dropped
  after the check-in committed (while its advice is read): a 503 that says it was saved, and the retry
  gets the original and its advice;
- 20 concurrent identical red-flag POSTs over HTTP (a live server) with a real worker: one alert
  (and, when the phone repeats one client_id, one check-in).

(tests/alerts/test_failures.py drills the same failures at the service level.)
"""

import json
import os
import threading
import time
import urllib.request
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import PatientFactory
from tests.proof.conftest import CHECKINS, checkin_body, token_for, wait_for
from tracker.alerts.models import Alert, AlertTrigger
from tracker.symptoms.models import CheckIn

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

RULE = "neuro_deficit"


def all_evaluated() -> bool:
    return not CheckIn.objects.filter(evaluated_at__isnull=True).exists()


def assert_one_alert_per_red_flag(patients_with_red_flags, *, red_flags_each: int = 1) -> None:
    alerts = Alert.objects.filter(rule=RULE)
    assert sorted(a.patient_id for a in alerts) == sorted(p.pk for p in patients_with_red_flags)
    assert all(a.trigger_count == red_flags_each for a in alerts), [a.trigger_count for a in alerts]
    assert AlertTrigger.objects.count() == len(patients_with_red_flags) * red_flags_each
    assert Alert.objects.exclude(rule=RULE).count() == 0, "the quiet check-ins raised nothing"


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="drills a Redis outage: runs in the PostgreSQL + Redis pass (this one uses the filesystem broker)",
)
def test_redis_stopped_while_200_checkins_are_posted(
    nurse, patient_api, private_redis, celery_app_broker, celery_worker_process
):
    red = [PatientFactory(team=[nurse]) for _ in range(20)]
    quiet = [PatientFactory(team=[nurse]) for _ in range(20)]
    celery_app_broker(private_redis.url)
    private_redis.stop()

    # 20 phones at a time; while the broker is down, queuing each evaluation fails (and is logged).
    def post(i):
        profile, red_flag = (red[i], True) if i < 20 else (quiet[i % 20], False)
        response = patient_api(profile).post(CHECKINS, checkin_body(red_flag=red_flag), format="json")
        return response.status_code, response.json()["advice"]["level"], red_flag

    started = time.monotonic()
    answers = _at_once(200, post, parallel=20)
    assert time.monotonic() - started < 120, "a broker outage must not hang the patients' requests"
    assert [status for status, _a, _r in answers] == [201] * 200
    advice = [level for _s, level, red_flag in answers if red_flag]
    assert advice == ["emergency"] * 20, "the patient's advice never waits for the broker"
    assert CheckIn.objects.count() == 200
    assert CheckIn.objects.filter(evaluated_at__isnull=True).count() == 200
    assert not Alert.objects.exists()

    private_redis.start()
    worker = celery_worker_process.start(env={"REDIS_URL": private_redis.url, "CELERY_BROKER_URL": private_redis.url})
    # New traffic flows again at once, without restarting anything.
    late = PatientFactory(team=[nurse])
    assert patient_api(late).post(CHECKINS, checkin_body(red_flag=True), format="json").status_code == 201
    wait_for(lambda: Alert.objects.filter(patient=late).exists(), timeout=60, what="the late red flag's alert")

    call_command("sweep")
    assert all_evaluated()
    assert_one_alert_per_red_flag([*red, late])

    # A second sweep, and a late duplicate of a lost message, change nothing.
    from tracker.alerts.tasks import evaluate_submission

    evaluate_submission.delay("symptoms.checkin", CheckIn.objects.filter(patient=red[0]).get().pk)
    worker.wait_for_log("already evaluated", timeout=60)
    call_command("sweep")
    assert_one_alert_per_red_flag([*red, late])


def test_a_worker_sigkilled_mid_evaluation_loses_and_doubles_nothing(nurse, patient_api, celery_worker_process):
    red = [PatientFactory(team=[nurse]) for _ in range(6)]
    slow = celery_worker_process.start(concurrency=2, env={"TRACKER_TEST_EVALUATION_DELAY": "60"})
    ids = []
    for profile in red:
        response = patient_api(profile).post(CHECKINS, checkin_body(red_flag=True), format="json")
        assert response.status_code == 201
        ids.append(response.json()["id"])
    wait_for(
        lambda: any(f"evaluating symptoms.checkin #{pk}" in slow.log_text() for pk in ids),
        timeout=60,
        what="the worker to start evaluating",
    )
    slow.kill()  # SIGKILL to the main process and its pool children, evaluations' transactions open

    assert not Alert.objects.exists() and not AlertTrigger.objects.exists(), "nothing half-made"
    assert CheckIn.objects.filter(evaluated_at__isnull=True).count() == 6

    restarted = celery_worker_process.start(purge=False)  # whatever is still queued is delivered to it
    call_command("sweep")  # and the sweep finishes what died with the killed worker
    wait_for(all_evaluated, timeout=60, what="every check-in to be evaluated")
    restarted.stop()
    assert_one_alert_per_red_flag(red)


def _drop_the_connection(*, after: str, then: str | None = None):
    """An execute wrapper that terminates this PostgreSQL backend (from a second connection) right after the
    first query starting with `after` has run or, given `then`, just before the first query starting with
    `then` that follows it; -> (wrapper, the dropped backends' pids)."""
    import psycopg

    settings_dict = connection.settings_dict
    killer_conninfo = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "dbname": settings_dict["NAME"],
    }
    dropped, seen_after = [], []

    def kill(context):
        pid = context["connection"].connection.info.backend_pid
        with psycopg.connect(**killer_conninfo, autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        dropped.append(pid)

    def wrapper(execute, sql, params, many, context):
        if then is not None and seen_after and not dropped and sql.startswith(then):
            kill(context)
        result = execute(sql, params, many, context)
        if not seen_after and sql.startswith(after):
            seen_after.append(sql)
            if then is None:
                kill(context)
        return result

    return wrapper, dropped


def test_postgresql_connection_dropped_mid_request_gives_a_clean_503_and_no_partial_rows(patient, patient_api):
    if connection.vendor != "postgresql":
        pytest.skip("drops a PostgreSQL backend connection: runs in the PostgreSQL + Redis pass")
    client = patient_api(patient)
    # Dropped right after the INSERT, before its COMMIT.
    drop, dropped = _drop_the_connection(after='INSERT INTO "symptoms_checkin"')
    body = checkin_body(red_flag=True)
    with connection.execute_wrapper(drop):
        response = client.post(CHECKINS, body, format="json")
    assert dropped, "the drill never reached the INSERT"
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "Nothing was saved" in response.json()["detail"]

    connection.close()  # the test's own connection was the one dropped
    assert not CheckIn.objects.exists(), "the row inserted before the drop was rolled back"
    assert not Alert.objects.exists()
    # The phone retries with the same client_id, and now it is stored once.
    retry = client.post(CHECKINS, body, format="json")
    assert retry.status_code == 201
    assert CheckIn.objects.count() == 1


def test_postgresql_connection_dropped_after_the_commit_says_the_checkin_was_saved(patient, patient_api, nurse):
    if connection.vendor != "postgresql":
        pytest.skip("drops a PostgreSQL backend connection: runs in the PostgreSQL + Redis pass")
    client = patient_api(patient)
    # Dropped as the advice reads the patient's history, after the check-in has committed.
    drop, dropped = _drop_the_connection(after='INSERT INTO "symptoms_checkin"', then="SELECT")
    body = checkin_body(red_flag=True)
    with connection.execute_wrapper(drop):
        response = client.post(CHECKINS, body, format="json")
    assert dropped, "the drill never reached the advice"
    assert response.status_code == 503
    assert "was saved" in response.json()["detail"] and "Nothing was saved" not in response.json()["detail"]

    connection.close()
    stored = CheckIn.objects.get()
    # The phone retries with the same client_id: the original and its advice, nothing stored twice.
    retry = client.post(CHECKINS, body, format="json")
    assert retry.status_code == 200 and retry.json()["id"] == stored.pk
    assert retry.json()["advice"]["level"] == "emergency"
    assert CheckIn.objects.count() == 1
    call_command("sweep")  # whatever became of its queued evaluation, the red flag reaches the team once
    assert_one_alert_per_red_flag([patient])


def _post_over_http(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own live server
        return response.status, json.loads(response.read())


def _at_once(n: int, target, *, parallel: int | None = None) -> list:
    """Run target(0..n-1) from `parallel` threads (default n) that start together; -> the results."""
    parallel = parallel or n
    barrier = threading.Barrier(parallel)
    jobs = iter(range(n))
    lock = threading.Lock()
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            while True:
                with lock:
                    i = next(jobs, None)
                if i is None:
                    return
                result = target(i)
                with lock:
                    results.append(result)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert len(results) == n
    return results


def test_twenty_concurrent_identical_red_flag_posts_make_one_alert(live_server, patient, celery_worker_process):
    celery_worker_process.start(concurrency=4)
    token = token_for(patient.user)
    url = live_server.url + CHECKINS

    # A phone repeating one check-in 20 times at once: one check-in, the same one in every answer.
    repeated = checkin_body(red_flag=True, client_id=str(uuid.uuid4()))
    answers = _at_once(20, lambda i: _post_over_http(url, token, repeated))
    assert {status for status, _b in answers} <= {200, 201}
    assert sorted(status for status, _b in answers).count(201) == 1
    assert len({body["id"] for _s, body in answers}) == 1
    assert CheckIn.objects.count() == 1

    # 20 identical red flags sent at once as separate check-ins: 20 triggers of one alert.
    answers = _at_once(20, lambda i: _post_over_http(url, token, checkin_body(red_flag=True)))
    assert [status for status, _b in answers] == [201] * 20
    assert all(body["advice"]["level"] == "emergency" for _s, body in answers)
    wait_for(all_evaluated, timeout=120, what="the worker to evaluate 21 check-ins")
    alert = Alert.objects.get(patient=patient, rule=RULE)  # exactly one
    assert alert.trigger_count == 21
    assert AlertTrigger.objects.filter(alert=alert).count() == 21
