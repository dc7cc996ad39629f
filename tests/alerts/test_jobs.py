"""The periodic jobs: escalation with frozen time, untreated distress, missed check-ins, `manage.py sweep`."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.factories import AlertFactory, PatientFactory, UserFactory
from tracker.alerts.evaluation import _DISTRESS_ACTION_CHECKS, register_distress_action_check
from tracker.alerts.models import Alert, AlertEvent, AlertTrigger, OncallPage
from tracker.alerts.services import alert_acknowledge, alert_resolve, alerts_escalate, untreated_distress_check
from tracker.core.jobs import run_job
from tracker.core.vocab import Role
from tracker.notifications.models import Notification
from tracker.symptoms.models import CheckIn

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def in_app_to(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, channel="in_app").values_list("dedupe_key", flat=True))


def escalation_notices(user) -> list[tuple[str, str]]:
    """(link, body) of the user's in-app escalation notices, oldest first."""
    rows = Notification.objects.filter(recipient=user, channel="in_app", kind="alert_escalated").order_by("id")
    return list(rows.values_list("link", "body"))


# --- escalation ----------------------------------------------------------------------------------


@pytest.fixture
def oncall(settings):
    settings.TRACKER_ONCALL_EMAILS = ["oncall@example.org"]
    return "oncall@example.org"


def test_an_unacknowledged_emergency_steps_up_every_15_minutes_until_acknowledged(
    patient, nurse, therapist, psychologist, physician, oncall, django_capture_on_commit_callbacks
):
    admin = UserFactory(role=Role.ADMIN, username="site_admin")
    with time_machine.travel(T0, tick=False):
        alert = AlertFactory(patient=patient, rule="neuro_deficit")

    # 14:59 after: nothing yet.
    with time_machine.travel(T0 + 15 * MIN - timedelta(seconds=1), tick=False):
        assert alerts_escalate(now=T0 + 15 * MIN - timedelta(seconds=1))["escalated"] == 0
    alert.refresh_from_db()
    assert alert.escalation_level == 0

    # 15:00: level 1, the whole care team (not only the routed nurses) is told.
    with time_machine.travel(T0 + 15 * MIN, tick=False):
        assert alerts_escalate(now=T0 + 15 * MIN)["escalated"] == 1
        assert alerts_escalate(now=T0 + 15 * MIN)["escalated"] == 0  # a second beat at once: no-op
    alert.refresh_from_db()
    assert (alert.escalation_level, alert.last_escalated_at) == (1, T0 + 15 * MIN)
    link = f"/alerts/{alert.pk}/"
    for member in (nurse, therapist, psychologist, physician):
        [(member_link, body)] = escalation_notices(member)
        assert member_link == link and "escalation level 1" in body
    assert escalation_notices(admin) == []

    # 29 minutes: still level 1. 30 minutes: level 2, the admins and the on-call list.
    with time_machine.travel(T0 + 29 * MIN, tick=False):
        alerts_escalate(now=T0 + 29 * MIN)
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    with time_machine.travel(T0 + 30 * MIN, tick=False), django_capture_on_commit_callbacks(execute=True):
        alerts_escalate(now=T0 + 30 * MIN)
    alert.refresh_from_db()
    assert alert.escalation_level == 2
    [(admin_link, admin_body)] = escalation_notices(admin)
    assert admin_link == link and "escalation level 2" in admin_body
    assert len(escalation_notices(nurse)) == 1  # level 2 goes to the next tier, not the team again
    page = OncallPage.objects.get(alert=alert, level=2)
    assert (page.address, page.status) == (oncall, "sent")

    # 45 minutes: level 3, told again.
    with time_machine.travel(T0 + 45 * MIN, tick=False):
        alerts_escalate(now=T0 + 45 * MIN)
    alert.refresh_from_db()
    assert alert.escalation_level == 3
    assert OncallPage.objects.filter(alert=alert).count() == 2
    assert [body[-40:] for _link, body in escalation_notices(admin)][1:] and len(escalation_notices(admin)) == 2

    # Acknowledged: no more escalation, ever.
    with time_machine.travel(T0 + 50 * MIN, tick=False):
        alert_acknowledge(alert=alert, user=nurse)
    with time_machine.travel(T0 + 5 * 60 * MIN, tick=False):
        assert alerts_escalate(now=T0 + 5 * 60 * MIN)["escalated"] == 0
    alert.refresh_from_db()
    assert alert.escalation_level == 3
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", "detail"))
    assert [d["level"] for k, d in kinds if k == "escalated"] == [1, 2, 3]


def test_oncall_email_has_no_health_details(patient, oncall, django_capture_on_commit_callbacks):
    from django.core import mail

    with time_machine.travel(T0, tick=False):
        alert = AlertFactory(patient=patient, rule="self_harm", summary="PHQ-9 item 9 scored 2/3")
    with django_capture_on_commit_callbacks(execute=True):
        alerts_escalate(now=T0 + 15 * MIN)
        alerts_escalate(now=T0 + 30 * MIN)
    [message] = [m for m in mail.outbox if m.to == [oncall]]
    text = (message.subject + message.body).lower()
    assert "phq" not in text and "harm" not in text and patient.name.lower() not in text
    assert f"/alerts/{alert.pk}/" in message.body


@pytest.mark.parametrize(
    "rule,interval",
    [
        ("neuro_deficit", timedelta(minutes=15)),
        ("pain_escalation", timedelta(hours=4)),
        ("distress", timedelta(days=2)),
    ],
)
def test_each_severity_has_its_own_interval(patient, rule, interval):
    with time_machine.travel(T0, tick=False):
        alert = AlertFactory(patient=patient, rule=rule)
    alerts_escalate(now=T0 + interval - timedelta(seconds=1))
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    alerts_escalate(now=T0 + interval)
    alert.refresh_from_db()
    assert alert.escalation_level == 1


def test_intervals_come_from_the_thresholds_setting(patient, settings):
    settings.TRACKER_THRESHOLDS = {"escalate_emergency_minutes": 5}
    with time_machine.travel(T0, tick=False):
        alert = AlertFactory(patient=patient, rule="neuro_deficit")
    alerts_escalate(now=T0 + 5 * MIN)
    alert.refresh_from_db()
    assert alert.escalation_level == 1


def test_acknowledged_and_resolved_alerts_do_not_escalate(patient, nurse):
    with time_machine.travel(T0, tick=False):
        acknowledged = AlertFactory(patient=patient, rule="neuro_deficit")
        resolved = AlertFactory(patient=patient, rule="self_harm")
        alert_acknowledge(alert=acknowledged, user=nurse)
        alert_resolve(alert=resolved, user=nurse, outcome="advised", note="Talked it through.")
    assert alerts_escalate(now=T0 + timedelta(days=3))["escalated"] == 0


# --- untreated distress ---------------------------------------------------------------------------


@pytest.fixture
def no_distress_checks():
    saved = list(_DISTRESS_ACTION_CHECKS)
    _DISTRESS_ACTION_CHECKS.clear()
    yield _DISTRESS_ACTION_CHECKS
    _DISTRESS_ACTION_CHECKS[:] = saved


def distress_alert(patient, *, reported_at):
    evidence = [{"evidence": {"instrument": "phq9", "total": 14, "band": "moderate", "rule_version": "x"}}]
    return AlertFactory(patient=patient, rule="distress", reported_at=reported_at, evidence=evidence)


def test_untreated_distress_fires_after_72_hours_once(patient, psychologist, no_distress_checks):
    distress = distress_alert(patient, reported_at=T0)
    assert untreated_distress_check(now=T0 + timedelta(hours=72))["raised"] == 0  # exactly 72 h: not yet
    assert untreated_distress_check(now=T0 + timedelta(hours=72, seconds=1))["raised"] == 1
    assert untreated_distress_check(now=T0 + timedelta(hours=80))["raised"] == 0
    alert = Alert.objects.get(rule="untreated_distress")
    assert (alert.severity, alert.reported_at) == ("urgent", T0)
    assert alert.evidence[0]["evidence"]["screen"]["instrument"] == "phq9"
    assert AlertTrigger.objects.get(alert=alert).source_id == distress.pk
    assert in_app_to(psychologist)


def test_untreated_distress_stays_quiet_when_the_distress_alert_was_resolved(patient, nurse, no_distress_checks):
    distress = distress_alert(patient, reported_at=T0)
    alert_resolve(alert=distress, user=nurse, outcome="referred", note="Referred to psychology.")
    assert untreated_distress_check(now=T0 + timedelta(days=5))["raised"] == 0


def test_untreated_distress_asks_the_registered_action_checks(patient, no_distress_checks):
    distress_alert(patient, reported_at=T0)
    asked = []

    def referral_contacted(*, patient, since):
        asked.append((getattr(patient, "pk", patient), since))
        return True

    register_distress_action_check(referral_contacted)
    assert untreated_distress_check(now=T0 + timedelta(days=4))["raised"] == 0
    assert asked == [(patient.pk, T0)]
    no_distress_checks.clear()
    assert untreated_distress_check(now=T0 + timedelta(days=4))["raised"] == 1


@pytest.mark.parametrize("contacted_after", [timedelta(hours=1), timedelta(0), -timedelta(seconds=1)])
def test_untreated_distress_uses_the_bulk_form_of_a_check(patient, no_distress_checks, contacted_after):
    other = PatientFactory()
    distress_alert(patient, reported_at=T0)
    distress_alert(other, reported_at=T0)
    asked = []

    def latest(patient_ids):
        asked.append(sorted(patient_ids))
        return {patient.pk: T0 + contacted_after}

    register_distress_action_check(lambda **kw: pytest.fail("the bulk form is used"), latest=latest)
    result = untreated_distress_check(now=T0 + timedelta(days=4))
    assert asked == [sorted([patient.pk, other.pk])]
    acted = contacted_after >= timedelta(0)  # a contact at or after the screen stops the clock
    assert result["raised"] == (1 if acted else 2)
    assert Alert.objects.filter(rule="untreated_distress", patient=other).exists()
    assert Alert.objects.filter(rule="untreated_distress", patient=patient).exists() is not acted


# --- missed check-ins ------------------------------------------------------------------------------


def make_patient(team, *, schedule="daily", enrolled_at=T0 - timedelta(days=30)):
    return PatientFactory(team=team, checkin_schedule=schedule, enrolled_at=enrolled_at)


def checkin_at(patient, when):
    return CheckIn.objects.create(patient=patient, recorded_at=when, pain_now=0, pain_worst_24h=0, evaluated_at=when)


def run_missed(now):
    from tracker.symptoms.missed import missed_checkins_check

    return missed_checkins_check(now=now)


def test_missed_checkins_edges_daily_and_weekly(db, nurse):
    now = T0
    daily_ok = make_patient([nurse])
    checkin_at(daily_ok, now - timedelta(days=3))  # exactly 3 days: not yet
    daily_late = make_patient([nurse])
    checkin_at(daily_late, now - timedelta(days=3, seconds=1))
    weekly_ok = make_patient([nurse], schedule="weekly")
    checkin_at(weekly_ok, now - timedelta(days=14))
    weekly_late = make_patient([nurse], schedule="weekly")
    checkin_at(weekly_late, now - timedelta(days=14, seconds=1))
    never_new = make_patient([nurse], enrolled_at=now - timedelta(days=2))
    never_old = make_patient([nurse], enrolled_at=now - timedelta(days=4))
    assert run_missed(now)["raised"] == 3
    flagged = set(Alert.objects.filter(rule="missed_checkins").values_list("patient_id", flat=True))
    assert flagged == {daily_late.pk, weekly_late.pk, never_old.pk}
    assert never_new.pk not in flagged and daily_ok.pk not in flagged and weekly_ok.pk not in flagged
    evidence = Alert.objects.get(patient=never_old).evidence[0]["evidence"]
    assert evidence["counted_from"] == "enrolment"


def test_missed_checkins_is_idempotent_and_one_per_silence(db, nurse):
    patient = make_patient([nurse])
    checkin_at(patient, T0 - timedelta(days=4))
    assert run_missed(T0)["raised"] == 1
    assert run_missed(T0 + timedelta(hours=1)) == {"overdue": 1, "raised": 0, "added": 0, "made_urgent": 0}
    alert = Alert.objects.get()
    alert_resolve(alert=alert, user=nurse, outcome="advised", note="Was in hospital.")
    assert run_missed(T0 + timedelta(hours=2))["raised"] == 0  # the same silence never alerts twice
    checkin_at(patient, T0 + timedelta(hours=3))
    assert run_missed(T0 + timedelta(days=4))["raised"] == 1  # a new silence does
    assert Alert.objects.filter(rule="missed_checkins").count() == 2


def test_missed_checkins_is_urgent_with_open_pain_escalation_and_becomes_urgent_later(db, nurse):
    with_pain = make_patient([nurse])
    AlertFactory(patient=with_pain, rule="pain_escalation")
    without = make_patient([nurse])
    run_missed(T0)
    assert Alert.objects.get(patient=with_pain, rule="missed_checkins").severity == "urgent"
    assert Alert.objects.get(patient=without, rule="missed_checkins").severity == "routine"
    AlertFactory(patient=without, rule="pain_escalation")
    assert run_missed(T0 + MIN)["made_urgent"] == 1
    assert Alert.objects.get(patient=without, rule="missed_checkins").severity == "urgent"


def test_missed_checkins_tells_each_nurse_once_per_run(db, nurse, other_nurse):
    patients = [make_patient([nurse]) for _ in range(3)]
    make_patient([other_nurse])
    run_missed(T0)
    assert Alert.objects.filter(rule="missed_checkins").count() == 4
    [note] = Notification.objects.filter(recipient=nurse, channel="in_app")
    assert note.body.startswith("New: 3 alerts (Check-ins missed)")
    assert note.link == "/triage/"  # several alerts: the triage queue
    assert Notification.objects.filter(recipient=other_nurse, channel="in_app").count() == 1
    assert len(patients) == 3


def test_missed_checkins_skips_inactive_patients(db, nurse):
    patient = make_patient([nurse])
    patient.user.is_active = False
    patient.user.save()
    assert run_missed(T0)["overdue"] == 0


def test_missed_checkins_query_count_does_not_grow_with_patients(db, nurse, django_assert_max_num_queries):
    for _ in range(30):
        checkin_at(make_patient([nurse]), T0 - timedelta(days=1))  # fine
    for _ in range(30):
        make_patient([nurse])  # overdue since enrolment
    # overdue query, triggers, open pain, open missed, bulk alerts/triggers/events, memberships, admins,
    # users, one nurse's notification (2 channels, savepoints), the make-urgent query, transaction control
    with django_assert_max_num_queries(30):
        assert run_missed(T0)["raised"] == 30


# --- the registry and the sweep ----------------------------------------------------------------------


def test_jobs_are_registered_for_beat_and_sweep(settings):
    jobs = settings.TRACKER_PERIODIC_JOBS
    assert jobs["evaluate_pending"][1] == 60 and jobs["escalate_alerts"][1] == 60
    assert jobs["untreated_distress"][1] == 600 and jobs["missed_checkins"][1] == 900
    for name in ("evaluate_pending", "escalate_alerts", "untreated_distress", "missed_checkins"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["args"] == [name]


def test_sweep_runs_every_alert_job_and_prints_what_it_did(patient):
    CheckIn.objects.create(patient=patient, pain_now=0, pain_worst_24h=0, numbness=["saddle"])
    out = StringIO()
    call_command("sweep", stdout=out)
    text = out.getvalue()
    for name in ("evaluate_pending", "untreated_distress", "missed_checkins", "escalate_alerts"):
        assert f"{name}: " in text
    assert "evaluate_pending: 1 evaluated, 0 failed" in text
    assert Alert.objects.filter(rule="neuro_deficit").count() == 1


def test_each_job_runs_by_hand(patient):
    for name in ("evaluate_pending", "untreated_distress", "missed_checkins", "escalate_alerts"):
        assert isinstance(run_job(name), str)
