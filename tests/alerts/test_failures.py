"""Nothing lost, nothing doubled (docs/clinical.md "Alert lifecycle", never lost, never doubled), with real processes:

- 20 concurrent triggers for one patient and rule make one alert (threads on separate database
  connections, and 20 tasks on a real worker with 4 pool processes);
- a check-in POSTed while Redis is stopped is saved without its alert, and gets exactly one once Redis
  is back and the sweep runs;
- a worker SIGKILLed in the middle of an evaluation leaves nothing half-made, and after a restart the
  evaluation happens exactly once.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.alerts.conftest import wait_for
from tests.alerts.util import LABEL
from tests.factories import CheckInFactory
from tracker.alerts.models import Alert, AlertEvent, AlertTrigger
from tracker.alerts.services import submission_evaluate
from tracker.notifications.models import Notification
from tracker.symptoms.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(targets) -> list[BaseException]:
    """Start every target at the same moment (a barrier), each on its own database connection."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def runner(target):
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def assert_one_alert_from(patient, checkins) -> Alert:
    alert = Alert.objects.get(patient=patient, rule="neuro_deficit")  # exactly one, or this raises
    assert alert.trigger_count == len(checkins)
    assert sorted(e["source"]["id"] for e in alert.evidence) == sorted(c.pk for c in checkins)
    assert AlertTrigger.objects.filter(alert=alert).count() == len(checkins)
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds.count("created") == 1 and kinds.count("retriggered") == len(checkins) - 1
    assert not CheckIn.objects.filter(pk__in=[c.pk for c in checkins], evaluated_at__isnull=True).exists()
    return alert


def test_twenty_concurrent_triggers_make_one_alert(patient, nurse):
    now = timezone.now()
    checkins = [
        CheckInFactory(patient=patient, recorded_at=now - timedelta(seconds=i), red_flag=True) for i in range(20)
    ]
    errors = run_in_threads([lambda c=c: submission_evaluate(label=LABEL, pk=c.pk) for c in checkins])
    assert errors == []
    assert_one_alert_from(patient, checkins)
    # The nurse was told once, not twenty times.
    assert Notification.objects.filter(recipient=nurse, channel="in_app").count() == 1


def test_twenty_concurrent_evaluations_of_one_submission_make_one_alert_and_one_trigger(patient):
    checkin = CheckInFactory(patient=patient, red_flag=True)
    results: list[str] = []
    errors = run_in_threads([lambda: results.append(submission_evaluate(label=LABEL, pk=checkin.pk))] * 20)
    assert errors == []
    assert results.count("already evaluated") == 19
    assert_one_alert_from(patient, [checkin])


@pytest.mark.worker
def test_twenty_tasks_on_a_real_worker_make_one_alert(patient, celery_worker_process):
    celery_worker_process.start(concurrency=4)
    now = timezone.now()
    checkins = [
        CheckInFactory(patient=patient, queued=True, recorded_at=now - timedelta(seconds=i), red_flag=True)
        for i in range(20)
    ]
    wait_for(
        lambda: not CheckIn.objects.filter(pk__in=[c.pk for c in checkins], evaluated_at__isnull=True).exists(),
        timeout=120,
        what="the worker to evaluate 20 check-ins",
    )
    assert_one_alert_from(patient, checkins)


@pytest.mark.worker
def test_a_checkin_posted_while_redis_is_down_gets_its_alert_after_redis_returns_and_a_sweep(
    patient, api_as, private_redis, celery_app_broker, celery_worker_process, caplog
):
    from tracker.alerts.tasks import evaluate_submission

    celery_app_broker(private_redis.url)
    private_redis.stop()

    started = time.monotonic()
    response = api_as(patient.user).post(
        "/api/v1/checkins/", {"pain": {"now": 1, "worst_24h": 2}, "neuro": {"numbness": ["saddle"]}}, format="json"
    )
    # Publishing fails at once: no sleeping through kombu's reconnect loop (2 s) or the result store's (20 s).
    assert time.monotonic() - started < 1.5, "a broker outage must not hang the patient's request"
    assert response.status_code == 201, response.content
    assert response.json()["advice"]["level"] == "emergency"  # the patient is told at once, broker or not
    assert "could not enqueue tracker.alerts.tasks.evaluate_submission" in caplog.text
    checkin = CheckIn.objects.get(pk=response.json()["id"])
    assert checkin.evaluated_at is None, "saved, and durably marked as not yet evaluated"
    assert not Alert.objects.exists()

    private_redis.start()
    redis_env = {"REDIS_URL": private_redis.url, "CELERY_BROKER_URL": private_redis.url}
    worker = celery_worker_process.start(env=redis_env)
    time.sleep(3)  # the queued message was lost with the outage: nothing happens by itself
    assert not Alert.objects.exists()

    call_command("sweep", "--only", "evaluate_pending")
    alert = assert_one_alert_from(patient, [checkin])
    assert alert.severity == "emergency"

    # A late duplicate of the lost message (or a second sweep) changes nothing.
    evaluate_submission.delay(LABEL, checkin.pk)
    worker.wait_for_log("already evaluated", timeout=60)
    call_command("sweep", "--only", "evaluate_pending")
    assert_one_alert_from(patient, [checkin])


@pytest.mark.worker
def test_a_worker_killed_mid_evaluation_leaves_nothing_and_after_a_restart_makes_exactly_one_alert(
    patient, celery_worker_process
):
    from tracker.core.tasks import run_job

    slow = celery_worker_process.start(env={"TRACKER_TEST_EVALUATION_DELAY": "60"})
    checkin = CheckInFactory(patient=patient, queued=True, red_flag=True)
    slow.wait_for_log(f"evaluating {LABEL} #{checkin.pk}", timeout=60)
    slow.kill()  # SIGKILL, main process and pool children, while the evaluation's transaction is open

    checkin.refresh_from_db()
    assert checkin.evaluated_at is None
    assert not Alert.objects.exists() and not AlertTrigger.objects.exists() and not AlertEvent.objects.exists()
    assert not Notification.objects.exists()

    restarted = celery_worker_process.start(purge=False)
    run_job.delay("evaluate_pending")  # what beat sends every minute
    restarted.wait_for_log("periodic job evaluate_pending", timeout=60)
    wait_for(lambda: CheckIn.objects.filter(pk=checkin.pk, evaluated_at__isnull=False).exists(), timeout=60)
    alert = assert_one_alert_from(patient, [checkin])
    assert Notification.objects.filter(channel="in_app").count() == 1
    assert alert.status == "open"


@pytest.mark.worker
def test_a_pool_process_killed_mid_evaluation_is_retried_by_its_worker_exactly_once(patient, celery_worker_process):
    """acks_late + reject_on_worker_lost: the worker hands the message back and evaluates it again."""
    import os
    import signal
    import subprocess

    worker = celery_worker_process.start(concurrency=1, env={"TRACKER_TEST_EVALUATION_DELAY": "4"})
    checkin = CheckInFactory(patient=patient, queued=True, red_flag=True)
    worker.wait_for_log(f"evaluating {LABEL} #{checkin.pk}", timeout=60)
    children = subprocess.run(["pgrep", "-P", str(worker.process.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the prefork pool has child processes"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    assert not Alert.objects.exists()

    wait_for(
        lambda: CheckIn.objects.filter(pk=checkin.pk, evaluated_at__isnull=False).exists(),
        timeout=90,
        what="the redelivered evaluation",
    )
    assert worker.log_text().count(f"evaluating {LABEL} #{checkin.pk}") == 2
    assert_one_alert_from(patient, [checkin])


def test_two_escalation_runs_at_once_escalate_each_alert_once(patient, nurse):
    from tests.factories import AlertFactory
    from tracker.alerts.services import alerts_escalate

    past = timezone.now() - timedelta(hours=1)
    alerts = [AlertFactory(patient=patient, rule=rule) for rule in ("neuro_deficit", "self_harm", "pain_escalation")]
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(created_at=past - timedelta(hours=4))
    results = []
    now = timezone.now()
    errors = run_in_threads([lambda: results.append(alerts_escalate(now=now)["escalated"])] * 4)
    assert errors == []
    assert sum(results) == 3
    assert set(Alert.objects.values_list("escalation_level", flat=True)) == {1}
    assert AlertEvent.objects.filter(kind="escalated").count() == 3


def test_two_missed_checkin_runs_at_once_make_one_alert_per_patient(nurse):
    from tests.factories import PatientFactory
    from tracker.symptoms.missed import missed_checkins_check

    patients = [PatientFactory(team=[nurse], enrolled_at=timezone.now() - timedelta(days=10)) for _ in range(30)]
    now = timezone.now()
    results = []
    errors = run_in_threads([lambda: results.append(missed_checkins_check(now=now))] * 4)
    assert errors == []
    assert sum(r["raised"] for r in results) == 30
    assert Alert.objects.filter(rule="missed_checkins").count() == 30
    assert AlertTrigger.objects.filter(rule="missed_checkins").count() == 30
    assert set(Alert.objects.values_list("patient_id", flat=True)) == {p.pk for p in patients}
