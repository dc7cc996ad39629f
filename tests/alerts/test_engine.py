"""The red-flag engine in one process: evaluation, raising, merging, notifications (docs/clinical.md "Alert rules")."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.alerts.util import LABEL
from tests.factories import CheckInFactory, PatientFactory, UserFactory
from tracker.alerts.models import Alert, AlertEvent, AlertEventKind, AlertTrigger
from tracker.alerts.rules import RULE_VERSION, Finding
from tracker.alerts.services import alert_raise, alert_resolve, submission_evaluate, submissions_evaluate_pending
from tracker.core.vocab import AlertStatus, Role
from tracker.notifications.models import Notification
from tracker.symptoms.models import CheckIn


def evaluate(checkin) -> str:
    return submission_evaluate(label=LABEL, pk=checkin.pk)


def test_a_first_report_of_saddle_numbness_makes_an_emergency_alert_with_evidence(patient):
    checkin = CheckInFactory(patient=patient, queued=True, red_flag=True)
    evaluate(checkin)
    alert = Alert.objects.get(patient=patient)
    assert (alert.rule, alert.severity, alert.status) == ("neuro_deficit", "emergency", "open")
    assert alert.reported_at == checkin.recorded_at
    [entry] = alert.evidence
    assert entry["source"] == {"type": LABEL, "id": checkin.pk}
    assert entry["rule_version"] == RULE_VERSION
    assert entry["evidence"]["compared_with"] == "all_clear"
    checkin.refresh_from_db()
    assert checkin.evaluated_at is not None
    assert list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True)) == ["created"]


def test_an_all_clear_check_in_is_evaluated_and_raises_nothing(patient):
    checkin = CheckInFactory(patient=patient, queued=True)
    assert evaluate(checkin).startswith("0 finding")
    checkin.refresh_from_db()
    assert checkin.evaluated_at is not None and not Alert.objects.exists()


def test_evaluating_twice_is_a_no_op(patient):
    checkin = CheckInFactory(patient=patient, queued=True, red_flag=True)
    evaluate(checkin)
    assert evaluate(checkin) == "already evaluated"
    # Even if the marker were lost, the trigger makes a second evaluation change nothing.
    CheckIn.objects.filter(pk=checkin.pk).update(evaluated_at=None)
    evaluate(checkin)
    alert = Alert.objects.get()
    assert alert.trigger_count == 1 and len(alert.evidence) == 1
    assert AlertTrigger.objects.count() == 1


def test_a_missing_submission_is_reported_not_raised(db):
    assert submission_evaluate(label=LABEL, pk=987654) == "not found"


def test_a_retrigger_adds_evidence_to_the_open_alert(patient):
    first = CheckInFactory(patient=patient, queued=True, recorded_at=timezone.now() - timedelta(hours=2), red_flag=True)
    second = CheckInFactory(
        patient=patient, queued=True, recorded_at=timezone.now() - timedelta(hours=1), red_flag=True
    )
    evaluate(first)
    evaluate(second)
    alert = Alert.objects.get()
    assert alert.trigger_count == 2
    assert [e["source"]["id"] for e in alert.evidence] == [first.pk, second.pk]
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds == [AlertEventKind.CREATED, AlertEventKind.RETRIGGERED]


def test_a_retrigger_of_an_acknowledged_alert_adds_to_it(patient, nurse):
    from tracker.alerts.services import alert_acknowledge

    evaluate(
        CheckInFactory(patient=patient, queued=True, recorded_at=timezone.now() - timedelta(hours=1), red_flag=True)
    )
    alert_acknowledge(alert=Alert.objects.get(), user=nurse)
    evaluate(CheckInFactory(patient=patient, queued=True, red_flag=True))
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.trigger_count == 2


def test_after_resolution_a_new_trigger_makes_a_new_alert(patient, nurse):
    evaluate(
        CheckInFactory(patient=patient, queued=True, recorded_at=timezone.now() - timedelta(hours=1), red_flag=True)
    )
    alert_resolve(alert=Alert.objects.get(), user=nurse, outcome="urgent_mri", note="MRI done")
    evaluate(CheckInFactory(patient=patient, queued=True, red_flag=True))
    assert list(Alert.objects.order_by("id").values_list("status", flat=True)) == ["resolved", "open"]


def finding(rule: str, severity: str, summary: str = "x") -> Finding:
    return Finding(rule=rule, severity=severity, summary=summary, evidence={"rule_version": RULE_VERSION})


def test_a_more_severe_trigger_raises_the_severity_and_tells_the_team_again(patient, nurse):
    now = timezone.now()
    alert_raise(patient_id=patient.pk, finding=finding("missed_checkins", "routine"), source=("t", 1), reported_at=now)
    raised = alert_raise(
        patient_id=patient.pk, finding=finding("missed_checkins", "urgent"), source=("t", 2), reported_at=now
    )
    assert raised.severity_raised and raised.alert.severity == "urgent"
    events = list(AlertEvent.objects.filter(alert=raised.alert).values_list("kind", "detail"))
    assert events[-1] == (AlertEventKind.SEVERITY_RAISED, {"from": "routine", "to": "urgent"})
    assert Notification.objects.filter(recipient=nurse, channel="in_app").count() == 2


def test_a_less_severe_trigger_never_lowers_the_severity(patient):
    now = timezone.now()
    alert_raise(patient_id=patient.pk, finding=finding("missed_checkins", "urgent"), source=("t", 1), reported_at=now)
    raised = alert_raise(
        patient_id=patient.pk, finding=finding("missed_checkins", "routine"), source=("t", 2), reported_at=now
    )
    assert raised.alert.severity == "urgent" and not raised.severity_raised


def test_the_database_refuses_a_second_open_alert_for_the_same_rule(patient):
    from django.db import IntegrityError, transaction

    Alert.objects.create(patient=patient, rule="distress", severity="routine", summary="a", reported_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            patient=patient, rule="distress", severity="routine", summary="b", reported_at=timezone.now()
        )


# --- late check-ins -----------------------------------------------------------------------------


def test_a_late_check_in_is_judged_against_the_one_recorded_before_it(patient):
    now = timezone.now()
    # Monday: leg weak. Wednesday: leg still weak (sent first). Tuesday's report arrives last, from an
    # offline phone: leg fine. Judged in recorded_at order, Tuesday is no red flag, and Wednesday was
    # judged against Monday (no change) when it arrived.
    monday = CheckInFactory(
        patient=patient, queued=True, recorded_at=now - timedelta(days=2), weakness_left_leg="moderate"
    )
    evaluate(monday)
    Alert.objects.update(status="resolved", resolved_at=now, outcome="advised")
    wednesday = CheckInFactory(patient=patient, queued=True, recorded_at=now, weakness_left_leg="moderate")
    evaluate(wednesday)
    assert Alert.objects.filter(status="open").count() == 0
    tuesday = CheckInFactory(patient=patient, queued=True, recorded_at=now - timedelta(days=1))
    evaluate(tuesday)
    assert Alert.objects.filter(status="open").count() == 0


def test_a_late_check_in_with_a_new_deficit_fires_against_its_own_previous(patient):
    now = timezone.now()
    evaluate(CheckInFactory(patient=patient, queued=True, recorded_at=now - timedelta(days=2)))
    evaluate(CheckInFactory(patient=patient, queued=True, recorded_at=now))
    late = CheckInFactory(patient=patient, queued=True, recorded_at=now - timedelta(days=1), walking="unable")
    evaluate(late)
    alert = Alert.objects.get()
    assert alert.reported_at == late.recorded_at
    assert alert.evidence[0]["evidence"]["previous_recorded_at"] == (now - timedelta(days=2)).isoformat()


def test_pain_rise_uses_the_week_before_as_baseline(patient):
    now = timezone.now()
    for days in (3, 2, 1):
        evaluate(
            CheckInFactory(
                patient=patient, queued=True, recorded_at=now - timedelta(days=days), pain_now=2, pain_worst_24h=3
            )
        )
    evaluate(CheckInFactory(patient=patient, queued=True, recorded_at=now, pain_now=4, pain_worst_24h=5))
    alert = Alert.objects.get(rule="pain_escalation")
    baseline = alert.evidence[0]["evidence"]["baseline"]
    assert baseline["median_worst_24h"] == 3 and baseline["checkins"] == 3


def test_pain_one_point_under_the_rise_does_not_fire(patient):
    now = timezone.now()
    for days in (3, 2, 1):
        evaluate(
            CheckInFactory(
                patient=patient, queued=True, recorded_at=now - timedelta(days=days), pain_now=2, pain_worst_24h=3
            )
        )
    evaluate(CheckInFactory(patient=patient, queued=True, recorded_at=now, pain_now=4, pain_worst_24h=4))
    assert not Alert.objects.filter(rule="pain_escalation").exists()


# --- routing and notifications -------------------------------------------------------------------


def test_a_new_alert_notifies_the_routed_roles_in_app_and_by_email_without_health_details(
    patient, nurse, therapist, psychologist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(CheckInFactory(patient=patient, queued=True, red_flag=True))
    alert = Alert.objects.get()
    notified = set(Notification.objects.values_list("recipient__username", "channel"))
    assert notified == {(nurse.username, "in_app"), (nurse.username, "email")}
    in_app = Notification.objects.get(channel="in_app")
    assert in_app.link == f"/alerts/{alert.pk}/"
    assert "saddle" not in in_app.body.lower() and patient.name not in in_app.body


def test_email_carries_only_a_link(patient, nurse, settings):
    from tracker.notifications.services import notification_send

    settings.CELERY_TASK_ALWAYS_EAGER = False
    evaluate(CheckInFactory(patient=patient, queued=True, red_flag=True))
    email_row = Notification.objects.get(channel="email", recipient=nurse)
    assert notification_send(notification_id=email_row.pk) == "sent"
    [message] = mail.outbox
    text = (message.subject + message.body).lower()
    for word in ("saddle", "numb", "neuro", "weak", patient.name.lower(), patient.user.username):
        assert word not in text
    assert f"/alerts/{Alert.objects.get().pk}/" in message.body
    assert "needs your attention now" in message.subject  # emergency: look now


def test_distress_goes_to_the_psychologist_and_the_nurses(patient, nurse, psychologist, therapist):
    alert_raise(
        patient_id=patient.pk,
        finding=finding("distress", "routine"),
        source=("t", 1),
        reported_at=timezone.now(),
    )
    assert set(Notification.objects.filter(channel="in_app").values_list("recipient__username", flat=True)) == {
        nurse.username,
        psychologist.username,
    }


def test_exercise_pain_goes_to_the_therapist(patient, therapist):
    alert_raise(
        patient_id=patient.pk, finding=finding("exercise_pain", "routine"), source=("t", 1), reported_at=timezone.now()
    )
    assert list(Notification.objects.filter(channel="in_app").values_list("recipient__username", flat=True)) == [
        therapist.username
    ]


def test_with_nobody_in_the_routed_role_the_whole_team_hears(db, nurse):
    patient = PatientFactory(team=[nurse])
    alert_raise(
        patient_id=patient.pk, finding=finding("exercise_pain", "routine"), source=("t", 1), reported_at=timezone.now()
    )
    assert Notification.objects.filter(recipient=nurse, channel="in_app").exists()


def test_with_no_care_team_the_admins_hear(db):
    admin = UserFactory(role=Role.ADMIN)
    patient = PatientFactory()
    alert_raise(
        patient_id=patient.pk, finding=finding("neuro_deficit", "emergency"), source=("t", 1), reported_at=now()
    )
    assert Notification.objects.filter(recipient=admin, channel="in_app").exists()


def now():
    return timezone.now()


# --- the durable marker --------------------------------------------------------------------------


def test_the_sweep_evaluates_what_the_broker_never_delivered(patient):
    lost = [CheckInFactory(patient=patient, recorded_at=now() - timedelta(minutes=m), red_flag=True) for m in (3, 2)]
    fine = CheckInFactory(patient=patient)
    assert submissions_evaluate_pending() == {"evaluated": 3, "failed": 0}
    assert Alert.objects.get().trigger_count == 2
    assert not CheckIn.objects.filter(pk__in=[c.pk for c in [*lost, fine]], evaluated_at__isnull=True).exists()
    assert submissions_evaluate_pending() == {"evaluated": 0, "failed": 0}


def test_one_failing_submission_does_not_stop_the_sweep(patient, monkeypatch):
    from tracker.alerts import evaluation

    bad = CheckInFactory(patient=patient)
    good = CheckInFactory(patient=patient, red_flag=True)
    model, findings_for = evaluation.evaluator_for(LABEL)

    def flaky(obj):
        if obj.pk == bad.pk:
            raise RuntimeError("boom")
        return findings_for(obj)

    monkeypatch.setitem(evaluation._EVALUATORS, LABEL, (model, flaky))
    assert submissions_evaluate_pending() == {"evaluated": 1, "failed": 1}
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.evaluated_at is None and good.evaluated_at is not None


def test_submission_saved_queues_the_task_after_commit(patient, django_capture_on_commit_callbacks, monkeypatch):
    from tracker.alerts import tasks

    sent = []
    monkeypatch.setattr(tasks.evaluate_submission, "apply_async", lambda args, retry: sent.append(tuple(args)))
    with django_capture_on_commit_callbacks(execute=True):
        checkin = CheckInFactory(patient=patient, queued=True)
    assert sent == [(LABEL, checkin.pk)]


def test_the_task_is_idempotent_and_acks_late(patient):
    from tracker.alerts.tasks import evaluate_submission

    assert evaluate_submission.acks_late and evaluate_submission.reject_on_worker_lost
    assert evaluate_submission.retry_backoff
    checkin = CheckInFactory(patient=patient, red_flag=True)
    evaluate_submission.run(LABEL, checkin.pk)
    assert evaluate_submission.run(LABEL, checkin.pk) == "already evaluated"
    assert Alert.objects.count() == 1
