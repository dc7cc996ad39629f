"""Referrals close the loop: made from a distress alert, first contact recorded, untreated clock stops."""

import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db.models import QuerySet
from django.utils import timezone

from tests.factories import UserFactory
from tests.pages import form_client_id
from tracker.accounts.models import CareTeamMembership
from tracker.alerts.models import Alert
from tracker.alerts.services import alert_resolve, submissions_evaluate_pending, untreated_distress_check
from tracker.audit.models import AuditLog
from tracker.core.vocab import Instrument, Role, RuleCode
from tracker.notifications.models import Notification
from tracker.psych.models import Referral
from tracker.psych.selectors import distress_action_taken_since, distress_queue
from tracker.psych.services import referral_create, referral_record_contact, screen_submit

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def positive_screen(patient, when=T0):
    with time_machine.travel(when, tick=False):
        screen, _ = screen_submit(patient=patient, instrument=Instrument.PHQ9, answers=[2, 2, 2, 2, 1, 1, 1, 1, 0])
        submissions_evaluate_pending()
    return screen


def untreated_alerts(patient):
    return Alert.objects.filter(patient=patient, rule=RuleCode.UNTREATED_DISTRESS)


def test_a_recorded_contact_stops_the_untreated_distress_clock(patient, psychologist):
    screen = positive_screen(patient)
    distress = Alert.objects.get(patient=patient, rule=RuleCode.DISTRESS)
    with time_machine.travel(T0 + timedelta(hours=10), tick=False):
        referral, _created = referral_create(
            patient=patient, service="psychology", created_by=psychologist, alert=distress, screen=screen
        )
    with time_machine.travel(T0 + timedelta(hours=30), tick=False):
        referral_record_contact(
            referral=referral, contacted_at=timezone.now(), outcome="appointment_booked", recorded_by=psychologist
        )
    with time_machine.travel(T0 + timedelta(hours=73), tick=False):
        untreated_distress_check(now=timezone.now())
    assert not untreated_alerts(patient).exists()


def test_a_referral_without_a_contact_does_not_stop_the_clock(patient, psychologist):
    positive_screen(patient)
    with time_machine.travel(T0 + timedelta(hours=10), tick=False):
        referral_create(patient=patient, service="social_work", created_by=psychologist)
    with time_machine.travel(T0 + timedelta(hours=71), tick=False):
        untreated_distress_check(now=timezone.now())
        assert not untreated_alerts(patient).exists()  # not yet 72 hours
    with time_machine.travel(T0 + timedelta(hours=73), tick=False):
        untreated_distress_check(now=timezone.now())
    assert untreated_alerts(patient).count() == 1


def test_a_contact_before_the_screen_does_not_count(patient, psychologist):
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        old, _created = referral_create(patient=patient, service="psychology", created_by=psychologist)
        referral_record_contact(
            referral=old, contacted_at=timezone.now(), outcome="support_started", recorded_by=psychologist
        )
    positive_screen(patient)
    assert distress_action_taken_since(patient, T0) is False
    with time_machine.travel(T0 + timedelta(hours=73), tick=False):
        untreated_distress_check(now=timezone.now())
    assert untreated_alerts(patient).count() == 1


def test_distress_action_taken_since_accepts_the_keyword_call_of_the_alerts_job(patient, psychologist):
    with time_machine.travel(T0, tick=False):
        referral, _created = referral_create(patient=patient, service="psychology", created_by=psychologist)
        referral_record_contact(referral=referral, contacted_at=T0, outcome="advice_given", recorded_by=psychologist)
    assert distress_action_taken_since(patient=patient, since=T0) is True
    assert distress_action_taken_since(patient=patient.pk, since=T0 + timedelta(seconds=1)) is False


def test_the_queue_shows_the_untreated_clock_until_contact(patient, psychologist, web_as):
    positive_screen(patient)
    with time_machine.travel(T0 + timedelta(hours=50), tick=False):
        [waiting] = distress_queue(psychologist)
        assert waiting.contacted is False and waiting.alert_resolved is False
        page = web_as(psychologist).get("/psych/queue/")
        assert page.status_code == 200
        assert "50 hours" in page.content.decode()
        referral, _created = referral_create(patient=patient, service="psychology", created_by=psychologist)
        referral_record_contact(
            referral=referral, contacted_at=timezone.now(), outcome="appointment_booked", recorded_by=psychologist
        )
        assert list(distress_queue(psychologist)) == []
        [recent] = distress_queue(psychologist, waiting_only=False)
        assert recent.contacted is True and recent.referral_id == referral.pk


def test_resolving_the_distress_alert_with_an_outcome_also_empties_the_queue(patient, nurse, psychologist):
    positive_screen(patient)
    alert = Alert.objects.get(patient=patient, rule=RuleCode.DISTRESS)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        alert_resolve(alert=alert, user=nurse, outcome="advised", note="Talked it through by phone.")
    assert list(distress_queue(psychologist)) == []


def test_the_queue_lists_self_harm_first_then_oldest(patient, other_patient, psychologist):
    from tests.factories import PatientFactory

    third = PatientFactory(team=[psychologist])
    positive_screen(patient, T0)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        screen_submit(patient=third, instrument=Instrument.PHQ9, answers=[0, 0, 0, 0, 0, 0, 0, 0, 1])
        screen_submit(patient=other_patient, instrument=Instrument.DISTRESS_THERMOMETER, score=8)  # not in reach
        screen_submit(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=2)  # negative
    assert [(s.patient_id, s.self_harm) for s in distress_queue(psychologist)] == [
        (third.pk, True),
        (patient.pk, False),
    ]


def test_queue_page_query_count_is_bounded_and_reads_are_audited(
    patient, psychologist, web_as, django_assert_max_num_queries
):
    from tests.factories import PatientFactory

    for _ in range(6):
        p = PatientFactory(team=[psychologist])
        screen_submit(patient=p, instrument=Instrument.DISTRESS_THERMOMETER, score=7)
    client = web_as(psychologist)
    # session, user, count, page rows (annotated), audit insert, nav/notifications context
    with django_assert_max_num_queries(10):
        response = client.get("/psych/queue/")
    assert response.status_code == 200
    assert AuditLog.objects.filter(actor=psychologist, target="distress queue").count() == 6


# --- pages -------------------------------------------------------------------------------------


def test_referral_from_an_alert_via_the_page_is_audited(patient, psychologist, nurse, web_as):
    positive_screen(patient)
    alert = Alert.objects.get(patient=patient, rule=RuleCode.DISTRESS)
    client = web_as(nurse)
    url = f"/psych/patients/{patient.pk}/referrals/new/?alert={alert.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"service": "psychology", "reason": "Low mood, agreed to referral", "alert": alert.pk})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.alert, referral.service, referral.created_by) == (alert, "psychology", nurse)
    assert AuditLog.objects.filter(actor=nurse, action="create", target=f"referral {referral.pk}").exists()
    # the psychologist on the team is told (in-app and e-mail, nothing clinical in the subject)
    notes = Notification.objects.filter(recipient=psychologist, kind="psych_referral")
    assert notes.count() == 2 and {n.subject for n in notes} == {"New referral"}


def test_referral_to_other_needs_the_service_named(patient, nurse, web_as):
    response = web_as(nurse).post(f"/psych/patients/{patient.pk}/referrals/new/", {"service": "other"})
    assert response.status_code == 200
    assert "Say which service." in response.content.decode()
    assert not Referral.objects.exists()


def test_an_alert_of_another_patient_is_404(patient, other_patient, nurse, other_nurse, web_as):
    positive_screen(other_patient)
    alert = Alert.objects.get(patient=other_patient, rule=RuleCode.DISTRESS)
    assert web_as(nurse).get(f"/psych/patients/{patient.pk}/referrals/new/?alert={alert.pk}").status_code == 404


def test_recording_contact_via_the_page_once(patient, psychologist, web_as):
    referral, _created = referral_create(patient=patient, service="spiritual_care", created_by=psychologist)
    client = web_as(psychologist)
    url = f"/psych/referrals/{referral.pk}/contact/"
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"contacted_at": when, "outcome": "appointment_booked", "note": "Chaplain visit Tuesday"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.is_contacted and referral.contact_outcome == "appointment_booked"
    assert referral.contact_recorded_by == psychologist
    assert AuditLog.objects.filter(actor=psychologist, action="update", target=f"referral {referral.pk}").exists()
    again = client.post(url, {"contacted_at": when, "outcome": "declined"}, follow=True)
    assert "already been recorded" in again.content.decode()
    referral.refresh_from_db()
    assert referral.contact_outcome == "appointment_booked"


@pytest.mark.parametrize(
    ("offset", "ok"), [(timedelta(hours=-2), True), (timedelta(hours=2), False), (timedelta(days=-9), False)]
)
def test_contact_time_cannot_be_in_the_future_or_long_ago(patient, psychologist, offset, ok):
    from django.core.exceptions import ValidationError

    referral, _created = referral_create(patient=patient, service="psychiatry", created_by=psychologist)
    if ok:
        referral_record_contact(
            referral=referral, contacted_at=timezone.now() + offset, outcome="no_need", recorded_by=psychologist
        )
    else:
        with pytest.raises(ValidationError):
            referral_record_contact(
                referral=referral, contacted_at=timezone.now() + offset, outcome="no_need", recorded_by=psychologist
            )
        referral.refresh_from_db()
        assert not referral.is_contacted


def test_referral_pages_are_404_outside_the_team_and_403_for_patients(patient, psychologist, other_nurse, web_as):
    referral, _created = referral_create(patient=patient, service="psychology", created_by=psychologist)
    assert web_as(other_nurse).get(f"/psych/referrals/{referral.pk}/contact/").status_code == 404
    assert web_as(other_nurse).get(f"/psych/patients/{patient.pk}/referrals/new/").status_code == 404
    assert web_as(patient.user).get(f"/psych/referrals/{referral.pk}/contact/").status_code == 403


# --- API ---------------------------------------------------------------------------------------


def test_referral_api_create_and_contact(api_as, patient, nurse):
    client = api_as(nurse)
    created = client.post(
        "/api/v1/referrals/", {"patient": patient.pk, "service": "social_work", "reason": "Money worries"}
    )
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    contacted = client.post(
        f"/api/v1/referrals/{rid}/contact/", {"contacted_at": timezone.now().isoformat(), "outcome": "support_started"}
    )
    assert contacted.status_code == 200 and contacted.json()["contacted"] is True
    twice = client.post(
        f"/api/v1/referrals/{rid}/contact/", {"contacted_at": timezone.now().isoformat(), "outcome": "declined"}
    )
    assert twice.status_code == 400 and "contacted_at" in twice.json()
    listed = client.get("/api/v1/referrals/", {"patient": patient.pk}).json()
    assert [r["id"] for r in listed["results"]] == [rid]


def test_referral_api_refuses_bad_input_and_out_of_reach(api_as, patient, other_patient, nurse):
    client = api_as(nurse)
    assert client.post("/api/v1/referrals/", {"patient": patient.pk, "service": "astrology"}).status_code == 400
    assert client.post("/api/v1/referrals/", {"patient": patient.pk, "service": "other"}).json() == {
        "service_other": ["Say which service."]
    }
    assert client.post("/api/v1/referrals/", {"patient": other_patient.pk, "service": "psychology"}).status_code == 404
    assert (
        client.post("/api/v1/referrals/", {"patient": patient.pk, "service": "psychology", "alert": 999999}).status_code
        == 400
    )
    assert not Referral.objects.exists()


# --- sent twice --------------------------------------------------------------------------------


def test_a_referral_form_sent_twice_makes_one_referral_and_tells_the_psychologist_once(
    patient, psychologist, nurse, web_as
):
    client = web_as(nurse)
    url = f"/psych/patients/{patient.pk}/referrals/new/"
    data = {
        "service": "psychology",
        "reason": "Low mood",
        "client_id": form_client_id(client.get(url).content.decode()),
    }
    first, again = client.post(url, data), client.post(url, data)  # a double click, or a retry after a lost reply
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    referral = Referral.objects.get()
    assert str(referral.client_id) == data["client_id"]
    assert AuditLog.objects.filter(action="create", target=f"referral {referral.pk}").count() == 1
    assert Notification.objects.filter(recipient=psychologist, kind="psych_referral").count() == 2  # in-app + e-mail
    # The next form shown is a new referral.
    assert form_client_id(client.get(url).content.decode()) != data["client_id"]


def test_a_referral_form_refused_by_the_service_comes_back_as_a_new_form(patient, nurse, web_as):
    client = web_as(nurse)
    url = f"/psych/patients/{patient.pk}/referrals/new/"
    sent_id = form_client_id(client.get(url).content.decode())
    refused = client.post(url, {"service": "other", "client_id": sent_id})  # the service asks which one
    assert refused.status_code == 200 and "Say which service." in refused.content.decode()
    fixed_id = form_client_id(refused.content.decode())
    assert fixed_id != sent_id
    assert client.post(url, {"service": "other", "service_other": "Chaplain", "client_id": fixed_id}).status_code == 302
    assert str(Referral.objects.get(service_other="Chaplain").client_id) == fixed_id


def test_the_referral_api_returns_the_original_for_a_repeated_client_id(api_as, patient, psychologist, nurse):
    client = api_as(nurse)
    body = {"patient": patient.pk, "service": "psychology", "client_id": str(uuid.uuid4())}
    first = client.post("/api/v1/referrals/", body)
    again = client.post("/api/v1/referrals/", {**body, "reason": "sent again"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and first.json()["client_id"] == body["client_id"]
    assert Referral.objects.count() == 1
    assert Notification.objects.filter(recipient=psychologist, kind="psych_referral").count() == 2
    # Without a client_id (it stays optional) every POST is a new referral, as before.
    plain = {"patient": patient.pk, "service": "social_work"}
    assert [client.post("/api/v1/referrals/", plain).status_code for _ in range(2)] == [201, 201]
    assert Referral.objects.count() == 3


def test_the_same_referral_arriving_twice_at_once_is_stored_once(patient, nurse):
    client_id = uuid.uuid4()
    original, created = referral_create(patient=patient, service="psychology", created_by=nurse, client_id=client_id)
    assert created
    real_first = QuerySet.first
    missed = []

    def first_misses_the_other_request_once(queryset):
        # The repeat's first look finds nothing: the other request commits just after it.
        if queryset.model is Referral and not missed:
            missed.append(True)
            return None
        return real_first(queryset)

    with mock.patch.object(QuerySet, "first", first_misses_the_other_request_once):
        again, created = referral_create(patient=patient, service="psychology", created_by=nurse, client_id=client_id)
    assert missed and (again, created) == (original, False)
    assert Referral.objects.count() == 1
    assert AuditLog.objects.filter(action="create", target__startswith="referral ").count() == 1


def test_a_contact_form_sent_twice_is_recorded_once_and_both_answers_say_so(patient, psychologist, web_as):
    referral, _created = referral_create(patient=patient, service="spiritual_care", created_by=psychologist)
    client = web_as(psychologist)
    url = f"/psych/referrals/{referral.pk}/contact/"
    data = {"contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "outcome": "appointment_booked"}
    first = client.post(url, data)
    again = client.post(url, data, follow=True)  # a double click, or the reply to the first was lost
    assert first.status_code == 302 and again.redirect_chain == [(first.url, 302)]
    page = again.content.decode()
    assert "First contact recorded." in page and "already been recorded" not in page
    assert AuditLog.objects.filter(action="update", target=f"referral {referral.pk}").count() == 1
    # Someone else on the team recording "the same" contact is told it was recorded already.
    colleague = UserFactory(username="pia_psych", role=Role.PSYCHOLOGIST)
    CareTeamMembership.objects.create(patient=patient, clinician=colleague, role=colleague.role)
    refused = web_as(colleague).post(url, data, follow=True)
    assert "already been recorded" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.contact_recorded_by == psychologist


def test_the_api_contact_sent_again_answers_200_with_the_referral_and_stores_nothing_new(api_as, patient, nurse):
    referral, _created = referral_create(patient=patient, service="social_work", created_by=nurse)
    client = api_as(nurse)
    body = {"contacted_at": timezone.now().isoformat(), "outcome": "support_started", "note": "Called"}
    first = client.post(f"/api/v1/referrals/{referral.pk}/contact/", body)
    again = client.post(f"/api/v1/referrals/{referral.pk}/contact/", body)
    assert (first.status_code, again.status_code) == (200, 200), again.content
    assert again.json() == first.json()
    assert AuditLog.objects.filter(action="update", target=f"referral {referral.pk}").count() == 1
    changed = client.post(f"/api/v1/referrals/{referral.pk}/contact/", dict(body, note="Called back"))
    assert changed.status_code == 400 and "contacted_at" in changed.json()
