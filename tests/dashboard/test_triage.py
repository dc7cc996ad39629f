"""The triage queue: order, what each role sees, filters, acknowledge/resolve round trips, the count poll."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import AlertFactory, PatientFactory
from tracker.alerts.contacts import alert_contact_record
from tracker.alerts.models import Alert
from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import AlertStatus, Role
from tracker.dashboard.views import TRIAGE_PAGE_SIZE

pytestmark = pytest.mark.django_db

TRIAGE = reverse("dashboard:triage")
COUNT = reverse("dashboard:triage_count")


def queue_ids(response):
    return [alert.pk for alert in response.context["page"].object_list]


def test_emergency_first_then_urgent_then_routine_and_oldest_first_within_each(web_as, nurse, patient):
    other = PatientFactory(team=[nurse])
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=5)):
        old_routine = AlertFactory(patient=patient, rule="missed_checkins")
        old_urgent = AlertFactory(patient=patient, rule="pain_escalation")
    with time_machine.travel(now - timedelta(hours=3)):
        old_emergency = AlertFactory(patient=other, rule="neuro_deficit")
    with time_machine.travel(now - timedelta(hours=1)):
        new_urgent = AlertFactory(patient=other, rule="side_effect", severity="urgent")
        new_emergency = AlertFactory(patient=patient, rule="self_harm")
    response = web_as(nurse).get(TRIAGE)
    assert response.status_code == 200
    assert queue_ids(response) == [old_emergency.pk, new_emergency.pk, old_urgent.pk, new_urgent.pk, old_routine.pk]


def test_each_row_says_who_what_how_long_escalation_and_who_acknowledged(web_as, nurse, physician, patient):
    with time_machine.travel(timezone.now() - timedelta(hours=2, minutes=5)):
        alert = AlertFactory(patient=patient, rule="neuro_deficit", summary="New weakness in left leg")
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_by=physician, acknowledged_at=timezone.now(), escalation_level=2
    )
    html = web_as(nurse).get(TRIAGE).content.decode()
    row = html.split(f'id="alert-{alert.pk}"')[1].split("</li>")[0]
    assert patient.name in row
    assert "New or worse weakness, numbness, walking, bladder or bowel problem" in row  # the rule in plain words
    assert "New weakness in left leg" in row  # the evidence summary
    assert "2\xa0hours" in row  # how long it has waited
    assert "Level 2" in row
    assert f"Acknowledged by {physician.display_name}" in row
    assert reverse("alerts:resolve", args=[alert.pk]) in row
    assert reverse("alerts:acknowledge", args=[alert.pk]) not in row  # already acknowledged


def test_emergencies_look_different_and_say_so_in_words(web_as, nurse, patient):
    emergency = AlertFactory(patient=patient, rule="neuro_deficit")
    routine = AlertFactory(patient=patient, rule="missed_checkins")
    html = web_as(nurse).get(TRIAGE).content.decode()
    assert f'class="card triage-item triage-emergency" id="alert-{emergency.pk}"' in html
    assert f'class="card triage-item triage-routine" id="alert-{routine.pk}"' in html
    assert 'class="card triage-item triage-emergency"' not in html.split(f'id="alert-{routine.pk}"')[1]
    assert 'class="severity-tag severity-emergency"' in html and "Emergency</span>" in html


def test_resolved_alerts_and_other_teams_alerts_are_not_in_the_queue(web_as, nurse, patient, other_patient):
    mine = AlertFactory(patient=patient, rule="neuro_deficit")
    AlertFactory(patient=other_patient, rule="neuro_deficit")
    resolved = AlertFactory(patient=patient, rule="pain_escalation")
    Alert.objects.filter(pk=resolved.pk).update(
        status=AlertStatus.RESOLVED, resolved_at=timezone.now(), outcome="advised"
    )
    assert queue_ids(web_as(nurse).get(TRIAGE)) == [mine.pk]


@pytest.mark.parametrize(
    ("role", "expected_rules"),
    [
        ("nurse", {"neuro_deficit", "distress", "missed_checkins"}),
        ("therapist", {"exercise_pain"}),
        ("psychologist", {"distress"}),
        ("physician", {"neuro_deficit", "distress", "missed_checkins", "exercise_pain"}),
    ],
)
def test_each_role_sees_the_alerts_routed_to_it(web_as, actors, patient, role, expected_rules):
    for rule in ("neuro_deficit", "distress", "missed_checkins", "exercise_pain"):
        AlertFactory(patient=patient, rule=rule)
    response = web_as(actors[role]).get(TRIAGE)
    assert {a.rule for a in response.context["page"].object_list} == expected_rules


def test_filters_by_severity_rule_and_status(web_as, nurse, patient):
    emergency = AlertFactory(patient=patient, rule="neuro_deficit")
    urgent = AlertFactory(patient=patient, rule="pain_escalation")
    routine = AlertFactory(patient=patient, rule="missed_checkins")
    Alert.objects.filter(pk=urgent.pk).update(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=timezone.now())
    client = web_as(nurse)
    assert queue_ids(client.get(TRIAGE, {"severity": "emergency"})) == [emergency.pk]
    assert queue_ids(client.get(TRIAGE, {"rule": "missed_checkins"})) == [routine.pk]
    assert queue_ids(client.get(TRIAGE, {"status": "acknowledged"})) == [urgent.pk]
    assert queue_ids(client.get(TRIAGE, {"status": "open", "severity": "routine"})) == [routine.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"severity": "catastrophic"},
        {"rule": "'; DROP TABLE alerts_alert; --"},
        {"status": "resolved"},
        {"page": "-1"},
        {"page": "lots"},
        {"severity": "x" * 5000, "status": "\x00"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_message_never_a_500(web_as, nurse, patient, params):
    alert = AlertFactory(patient=patient, rule="neuro_deficit")
    response = web_as(nurse).get(TRIAGE, params)
    assert response.status_code == 200
    assert queue_ids(response) == [alert.pk]
    if "page" not in params:
        assert "Ignored" in response.content.decode()


def test_a_rule_outside_the_role_is_not_a_filter_choice(web_as, therapist, patient):
    AlertFactory(patient=patient, rule="exercise_pain")
    response = web_as(therapist).get(TRIAGE, {"rule": "neuro_deficit"})
    assert response.status_code == 200 and "Ignored" in response.content.decode()
    assert [a.rule for a in response.context["page"].object_list] == ["exercise_pain"]


def test_acknowledging_from_the_queue_changes_only_that_alert_and_returns_to_the_filtered_queue(web_as, nurse, patient):
    first = AlertFactory(patient=patient, rule="neuro_deficit")
    second = AlertFactory(patient=patient, rule="pain_escalation")
    client = web_as(nurse)
    back = f"{TRIAGE}?severity=emergency"
    page = client.get(back).content.decode()
    assert f'name="next" value="{back}#alert-{first.pk}"' in page  # back to the same row
    response = client.post(reverse("alerts:acknowledge", args=[first.pk]), {"next": f"{back}#alert-{first.pk}"})
    assert response.status_code == 302 and response["Location"] == f"{back}#alert-{first.pk}"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AlertStatus.ACKNOWLEDGED and first.acknowledged_by == nurse
    assert second.status == AlertStatus.OPEN and second.acknowledged_at is None and second.acknowledged_by is None


def test_resolving_with_an_outcome_takes_the_alert_out_of_the_queue(web_as, nurse, patient):
    alert = AlertFactory(patient=patient, rule="neuro_deficit")
    client = web_as(nurse)
    response = client.post(
        reverse("alerts:resolve", args=[alert.pk]),
        {"outcome": "urgent_mri", "note": "MRI today at 3pm.", "next": TRIAGE},
    )
    assert response.status_code == 302 and response["Location"] == TRIAGE
    assert queue_ids(client.get(TRIAGE)) == []
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == (AlertStatus.RESOLVED, "urgent_mri")


def test_every_outcome_the_site_allows_is_offered(web_as, nurse, patient, settings):
    settings.TRACKER_EXTRA_OUTCOMES = {"hospice_referral": "Referred to hospice"}
    AlertFactory(patient=patient, rule="neuro_deficit")
    html = web_as(nurse).get(TRIAGE).content.decode()
    for value in ("advised", "medication_changed", "urgent_mri", "referred", "admitted", "no_action_needed"):
        assert f'<option value="{value}">' in html
    assert '<option value="hospice_referral">Referred to hospice</option>' in html


def test_the_count_is_numbers_only_and_follows_the_queue(web_as, nurse, patient, other_patient):
    AlertFactory(patient=patient, rule="neuro_deficit", summary="Cannot feel legs")
    urgent = AlertFactory(patient=patient, rule="pain_escalation")
    newest = AlertFactory(patient=patient, rule="missed_checkins")
    AlertFactory(patient=other_patient, rule="neuro_deficit")
    Alert.objects.filter(pk=urgent.pk).update(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=timezone.now())
    response = web_as(nurse).get(COUNT)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {"total": 3, "open": 2, "emergency": 1, "urgent": 1, "routine": 1, "newest": newest.pk}
    assert b"legs" not in response.content and patient.name.encode() not in response.content


def test_the_page_carries_the_count_poll(web_as, nurse, settings):
    settings.TRACKER_TRIAGE_POLL_SECONDS = 7
    html = web_as(nurse).get(TRIAGE).content.decode()
    assert f'data-count-url="{COUNT}" data-poll-seconds="7"' in html
    assert 'aria-live="polite"' in html
    assert "/static/js/dashboard.js" in html


@pytest.mark.parametrize("url", [TRIAGE, COUNT])
def test_patients_are_refused_and_visitors_sent_to_sign_in(client, web_as, patient, url):
    assert web_as(patient.user).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reading_the_queue_is_audited_once_per_patient_shown(web_as, nurse, patient):
    other = PatientFactory(team=[nurse])
    AlertFactory(patient=patient, rule="neuro_deficit")
    AlertFactory(patient=patient, rule="pain_escalation")
    AlertFactory(patient=other, rule="neuro_deficit")
    web_as(nurse).get(TRIAGE)
    rows = AuditLog.objects.filter(actor=nurse, target="triage queue", action=AuditAction.VIEW)
    assert sorted(rows.values_list("patient_id", flat=True)) == sorted([patient.pk, other.pk])
    web_as(nurse).get(COUNT)
    assert AuditLog.objects.filter(actor=nurse).count() == 2  # counts carry no patient data: not audited


def test_the_staff_home_shows_the_queue_and_the_nav_links_to_it(web_as, nurse, patient):
    alert = AlertFactory(patient=patient, rule="neuro_deficit")
    html = web_as(nurse).get(reverse("home")).content.decode()
    assert f'id="alert-{alert.pk}"' in html
    assert f'href="{TRIAGE}"' in html and f'href="{reverse("dashboard:panel")}"' in html
    assert AuditLog.objects.filter(actor=nurse, patient=patient, target="home triage preview").exists()


def test_the_patient_home_has_no_queue(web_as, patient):
    AlertFactory(patient=patient, rule="neuro_deficit")
    html = web_as(patient.user).get(reverse("home")).content.decode()
    assert "triage" not in html.lower()


def _queue_with(count, nurse):
    for _ in range(count):
        p = PatientFactory(team=[nurse])
        AlertFactory(patient=p, rule="neuro_deficit")
        AlertFactory(patient=p, rule="missed_checkins")
    acknowledged = AlertFactory(patient=p, rule="pain_escalation")
    Alert.objects.filter(pk=acknowledged.pk).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_by=nurse, acknowledged_at=timezone.now()
    )


# session, user, unread notifications (context processor), the counts aggregate (which is also the whole
# queue's count for the pager), the page's rows and the audit insert; a filter adds the filtered count.
TRIAGE_QUERIES = 6


@pytest.mark.parametrize("patients", [3, 30])
def test_the_queue_runs_a_fixed_number_of_queries_however_many_patients_and_alerts(
    web_as, nurse, patients, django_assert_num_queries
):
    _queue_with(patients, nurse)
    client = web_as(nurse)
    with django_assert_num_queries(TRIAGE_QUERIES):
        response = client.get(TRIAGE)
    assert len(response.context["page"].object_list) == min(2 * patients + 1, TRIAGE_PAGE_SIZE)
    assert response.context["page"].paginator.count == 2 * patients + 1
    with django_assert_num_queries(TRIAGE_QUERIES + 1):
        response = client.get(TRIAGE, {"status": "open"})
    assert response.context["page"].paginator.count == Alert.objects.filter(status="open").count()


@pytest.mark.parametrize("patients", [3, 30])
def test_the_count_runs_a_fixed_number_of_queries(web_as, nurse, patients, django_assert_num_queries):
    _queue_with(patients, nurse)
    client = web_as(nurse)
    with django_assert_num_queries(3):  # session, user, the aggregate
        assert client.get(COUNT).json()["total"] == 2 * patients + 1


def test_admin_sees_every_patients_alerts(web_as, admin_user, patient, other_patient):
    AlertFactory(patient=patient, rule="neuro_deficit")
    AlertFactory(patient=other_patient, rule="neuro_deficit")
    assert len(queue_ids(web_as(admin_user).get(TRIAGE))) == 2
    assert admin_user.role == Role.ADMIN


def test_the_card_says_the_latest_contact_and_how_long_ago(web_as, nurse, physician, patient):
    alert = AlertFactory(patient=patient, rule="neuro_deficit")
    untouched = AlertFactory(patient=patient, rule="pain_escalation")
    with time_machine.travel(timezone.now() - timedelta(minutes=30)):
        alert_contact_record(alert=alert, user=physician, method="sms", result="left_message")
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        alert_contact_record(alert=alert, user=nurse, method="phone", result="no_answer")
    html = web_as(nurse).get(TRIAGE).content.decode()
    card = html.split(f'id="alert-{alert.pk}"')[1].split("</li>")[0]
    assert "Last contact" in card and "Called, no answer · 10\xa0minutes ago" in card
    assert "Texted" not in card  # only the latest
    assert "Last contact" not in html.split(f'id="alert-{untouched.pk}"')[1].split("</li>")[0]


@pytest.mark.parametrize("patients", [3, 30])
def test_latest_contacts_cost_no_extra_query(web_as, nurse, patients, django_assert_num_queries):
    _queue_with(patients, nurse)
    for alert in Alert.objects.all():
        alert_contact_record(alert=alert, user=nurse, method="phone", result="reached")
    client = web_as(nurse)
    with django_assert_num_queries(TRIAGE_QUERIES):
        response = client.get(TRIAGE)
    assert response.content.decode().count("Called, reached") == min(2 * patients + 1, TRIAGE_PAGE_SIZE)
