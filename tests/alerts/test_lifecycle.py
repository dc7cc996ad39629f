"""Acknowledge and resolve (docs/clinical.md "Alert lifecycle"): services, pages and API."""

import pytest
from django.urls import reverse

from tests.factories import AlertFactory, PatientFactory
from tracker.alerts.models import Alert, AlertEvent, AlertEventKind
from tracker.alerts.services import AlertStateConflict, alert_acknowledge, alert_resolve
from tracker.audit.models import AuditLog
from tracker.core.vocab import AlertStatus


@pytest.fixture
def alert(patient):
    return AlertFactory(patient=patient, rule="neuro_deficit")


def test_acknowledging_records_who_and_when_and_an_event(alert, nurse):
    result = alert_acknowledge(alert=alert, user=nurse)
    assert result.status == AlertStatus.ACKNOWLEDGED
    assert result.acknowledged_by == nurse and result.acknowledged_at is not None
    assert list(AlertEvent.objects.filter(alert=alert).values_list("kind", "actor")) == [
        (AlertEventKind.ACKNOWLEDGED, nurse.pk)
    ]
    assert AuditLog.objects.filter(actor=nurse, target=f"alert {alert.pk}", detail="acknowledged").exists()


def test_acknowledging_one_alert_never_touches_another(patient, nurse):
    first = AlertFactory(patient=patient, rule="neuro_deficit")
    second = AlertFactory(patient=patient, rule="pain_escalation")
    alert_acknowledge(alert=first, user=nurse)
    second.refresh_from_db()
    assert second.status == AlertStatus.OPEN and second.acknowledged_at is None


def test_second_nurse_is_told_who_acknowledged_first(alert, nurse, physician):
    alert_acknowledge(alert=alert, user=nurse)
    with pytest.raises(AlertStateConflict) as caught:
        alert_acknowledge(alert=alert, user=physician)
    assert nurse.display_name in caught.value.message
    assert "already acknowledged" in caught.value.message
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.ACKNOWLEDGED).count() == 1


def test_acknowledging_twice_by_the_same_person_is_a_no_op(alert, nurse):
    alert_acknowledge(alert=alert, user=nurse)
    again = alert_acknowledge(alert=alert, user=nurse)
    assert again.acknowledged_by == nurse
    assert AlertEvent.objects.filter(alert=alert).count() == 1


def test_resolving_an_open_alert_acknowledges_it_too(alert, nurse):
    result = alert_resolve(alert=alert, user=nurse, outcome="urgent_mri", note="MRI booked today.")
    assert result.status == AlertStatus.RESOLVED
    assert (result.outcome, result.resolution_note) == ("urgent_mri", "MRI booked today.")
    assert result.acknowledged_by == nurse and result.acknowledged_at == result.resolved_at
    kinds = list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds == [AlertEventKind.ACKNOWLEDGED, AlertEventKind.RESOLVED]


def test_resolving_keeps_the_first_acknowledgement(alert, nurse, physician):
    alert_acknowledge(alert=alert, user=nurse)
    result = alert_resolve(alert=alert, user=physician, outcome="advised", note="Phoned, advised rest.")
    assert result.acknowledged_by == nurse and result.resolved_by == physician


def test_resolving_a_resolved_alert_names_who_resolved_it(alert, nurse, physician):
    alert_resolve(alert=alert, user=nurse, outcome="advised", note="Done.")
    with pytest.raises(AlertStateConflict) as caught:
        alert_resolve(alert=alert, user=physician, outcome="admitted", note="Admitted.")
    assert "already resolved" in caught.value.message and nurse.display_name in caught.value.message
    alert.refresh_from_db()
    assert alert.outcome == "advised" and alert.resolved_by == nurse


@pytest.mark.parametrize("outcome,note", [("", "note"), ("made_up", "note"), ("advised", "   ")])
def test_resolving_needs_a_known_outcome_and_a_note(alert, nurse, outcome, note):
    with pytest.raises(ValueError):
        alert_resolve(alert=alert, user=nurse, outcome=outcome, note=note)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_site_may_add_outcomes(alert, nurse, settings):
    settings.TRACKER_EXTRA_OUTCOMES = {"hospice_referral": "Referred to hospice"}
    result = alert_resolve(alert=alert, user=nurse, outcome="hospice_referral", note="Agreed with family.")
    assert result.outcome == "hospice_referral"


def test_after_resolution_a_new_alert_of_the_same_rule_can_open(alert, nurse):
    alert_resolve(alert=alert, user=nurse, outcome="advised", note="Done.")
    AlertFactory(patient=alert.patient, rule=alert.rule)
    assert Alert.objects.filter(patient=alert.patient, rule=alert.rule).count() == 2


# --- pages -----------------------------------------------------------------------------------


def test_detail_page_shows_evidence_history_and_forms_and_is_audited(web_as, nurse, alert):
    alert_acknowledge(alert=alert, user=nurse)
    response = web_as(nurse).get(reverse("alerts:detail", args=[alert.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert alert.summary in body
    assert "Acknowledged" in body and nurse.display_name in body
    assert 'name="outcome"' in body and 'name="note"' in body
    assert AuditLog.objects.filter(actor=nurse, action="view", target=f"alert {alert.pk}").exists()


@pytest.mark.parametrize("who", ["other_nurse", "patient"])
def test_detail_and_actions_are_out_of_reach_for_others(web_as, actors, alert, who):
    client = web_as(actors[who])
    expected = 403 if who == "patient" else 404
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == expected
    assert client.post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == expected
    response = client.post(reverse("alerts:resolve", args=[alert.pk]), {"outcome": "advised", "note": "x"})
    assert response.status_code == expected
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_acknowledge_page_returns_to_a_safe_next(web_as, nurse, alert):
    response = web_as(nurse).post(reverse("alerts:acknowledge", args=[alert.pk]), {"next": "/triage/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/triage/?x=1"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_acknowledge_page_ignores_an_offsite_next(web_as, nurse, alert):
    response = web_as(nurse).post(reverse("alerts:acknowledge", args=[alert.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("alerts:detail", args=[alert.pk])


@pytest.mark.parametrize("next_", ["-1", "1e309", "NaN", "triage", "javascript:alert(1)", "//evil.example/x"])
def test_acknowledge_and_resolve_pages_ignore_a_next_that_is_not_a_path_here(web_as, nurse, alert, next_):
    client = web_as(nurse)
    acknowledged = client.post(reverse("alerts:acknowledge", args=[alert.pk]), {"next": next_})
    assert acknowledged.status_code == 302 and acknowledged["Location"] == reverse("alerts:detail", args=[alert.pk])
    body = {"next": next_, "outcome": "advised", "note": "Phoned; advice given."}
    resolved = client.post(reverse("alerts:resolve", args=[alert.pk]), body)
    assert resolved.status_code == 302 and resolved["Location"] == reverse("alerts:detail", args=[alert.pk])


def test_second_click_on_the_page_gets_a_message_not_an_error(web_as, nurse, physician, alert):
    web_as(nurse).post(reverse("alerts:acknowledge", args=[alert.pk]))
    client = web_as(physician)
    response = client.post(reverse("alerts:acknowledge", args=[alert.pk]), follow=True)
    assert response.status_code == 200
    assert "already acknowledged by" in response.content.decode()


def test_resolve_page_without_a_note_shows_the_error_and_keeps_the_choice(web_as, nurse, alert):
    response = web_as(nurse).post(reverse("alerts:resolve", args=[alert.pk]), {"outcome": "urgent_mri", "note": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please write a short note" in body
    assert '<option value="urgent_mri" selected>' in body
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_resolve_page_resolves_and_redirects_to_next(web_as, nurse, alert):
    response = web_as(nurse).post(
        reverse("alerts:resolve", args=[alert.pk]),
        {"outcome": "referred", "note": "Referred to spinal team.", "next": "/triage/"},
    )
    assert response.status_code == 302 and response["Location"] == "/triage/"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.outcome == "referred"


def test_actions_need_post(web_as, nurse, alert):
    assert web_as(nurse).get(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 405


# --- API -------------------------------------------------------------------------------------

FIELDS = {
    "id",
    "patient",
    "rule",
    "severity",
    "status",
    "created_at",
    "updated_at",
    "escalation_level",
    "summary",
    "evidence",
    "acknowledged_by",
    "acknowledged_at",
    "resolved_by",
    "resolved_at",
    "outcome",
    # issue #17: the submissions that triggered it and the patient's other unresolved alerts
    "sources",
    "other_open_alerts",
}


def test_api_list_items_have_exactly_the_contract_fields_most_severe_then_oldest_first(
    api_as, nurse, patient, django_assert_max_num_queries
):
    routine = AlertFactory(patient=patient, rule="missed_checkins")
    urgent = AlertFactory(patient=patient, rule="pain_escalation")
    emergency_old = AlertFactory(patient=patient, rule="neuro_deficit")
    emergency_new = AlertFactory(patient=PatientFactory(team=[nurse]), rule="self_harm")
    client = api_as(nurse)
    # auth token, count, page of alerts (patient, users joined), the patients' other alerts, audit rows bulk
    # insert (these alerts have no source submissions; test_alert_sources counts those queries)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/alerts/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [emergency_old.pk, emergency_new.pk, urgent.pk, routine.pk]
    assert set(results[0]) == FIELDS


def test_api_list_filters_and_rejects_unknown_values(api_as, nurse, patient):
    AlertFactory(patient=patient, rule="pain_escalation")
    resolved = AlertFactory(patient=patient, rule="neuro_deficit")
    alert_resolve(alert=resolved, user=nurse, outcome="advised", note="ok")
    client = api_as(nurse)
    assert [r["id"] for r in client.get("/api/v1/alerts/?status=resolved").json()["results"]] == [resolved.pk]
    assert client.get("/api/v1/alerts/?rule=pain_escalation").json()["count"] == 1
    assert client.get(f"/api/v1/alerts/?patient={patient.pk}").json()["count"] == 2
    assert client.get("/api/v1/alerts/?status=closed").status_code == 400
    assert "status" in client.get("/api/v1/alerts/?status=closed").json()
    assert client.get("/api/v1/alerts/?rule=nonsense").status_code == 400
    assert client.get("/api/v1/alerts/?patient=abc").status_code == 400


def test_api_scopes_to_the_care_team(api_as, other_nurse, patient, other_patient):
    mine = AlertFactory(patient=other_patient, rule="pain_escalation")
    AlertFactory(patient=patient, rule="pain_escalation")
    client = api_as(other_nurse)
    assert [r["id"] for r in client.get("/api/v1/alerts/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/alerts/?patient={patient.pk}").status_code == 404


def test_api_patients_get_403(api_as, patient):
    client = api_as(patient.user)
    assert client.get("/api/v1/alerts/").status_code == 403
    assert client.post("/api/v1/alerts/1/acknowledge/").status_code == 403


def test_api_unauthenticated_gets_401(api):
    assert api.get("/api/v1/alerts/").status_code == 401


def test_api_detail_acknowledge_and_resolve(api_as, nurse, alert):
    client = api_as(nurse)
    detail = client.get(f"/api/v1/alerts/{alert.pk}/")
    assert detail.status_code == 200 and detail.json()["events"] == []
    ack = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert ack.status_code == 200
    assert ack.json()["status"] == "acknowledged" and ack.json()["acknowledged_by"]["username"] == nurse.username
    assert set(ack.json()) == FIELDS
    bad = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "x"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()
    bad = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", {"outcome": "cured", "note": "x"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()
    bad = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", {"outcome": "advised"}, format="json")
    assert bad.status_code == 400 and "note" in bad.json()
    ok = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", {"outcome": "advised", "note": "Rang."}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "resolved" and ok.json()["outcome"] == "advised"
    events = client.get(f"/api/v1/alerts/{alert.pk}/").json()["events"]
    assert [e["kind"] for e in events] == ["acknowledged", "resolved"]


def test_api_second_acknowledgement_by_someone_else_is_a_409_naming_them(api_as, nurse, physician, alert):
    api_as(nurse).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    response = api_as(physician).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 409
    assert nurse.display_name in response.json()["detail"]
    assert response.json()["alert"]["acknowledged_by"]["username"] == nurse.username


def test_api_out_of_reach_ids_are_404(api_as, other_nurse, alert):
    client = api_as(other_nurse)
    assert client.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 404
    response = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", {"outcome": "advised", "note": "x"}, format="json")
    assert response.status_code == 404
    assert client.get("/api/v1/alerts/999999/").status_code == 404
