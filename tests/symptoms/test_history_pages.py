"""The patient's own charts, the staff page for a patient's check-ins, the home panel and reminder settings."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.factories import CheckInFactory
from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import CheckinSchedule

pytestmark = pytest.mark.django_db

PLOTLY = "vendor/plotly/plotly.min.js"


def test_my_charts_page_draws_the_three_charts_and_loads_plotly(web_as, patient):
    for day in range(10):
        CheckInFactory(
            patient=patient, days_ago=day + 0.5, pain_now=day % 4, pain_worst_24h=5, fatigue=1, evaluated=True
        )
    html = web_as(patient.user).get(reverse("symptoms:my_history")).content.decode()
    assert PLOTLY in html
    for name in ("pain", "side_effects", "walking"):
        assert f'data-figure="chart-{name}-data"' in html and f'id="chart-{name}-data"' in html
    assert html.count("<tr>") == 11  # the table alternative: header + 10 check-ins


def test_the_period_can_be_chosen_and_bad_values_fall_back(web_as, patient):
    CheckInFactory(patient=patient, days_ago=20, mild_pain=True, evaluated=True)
    CheckInFactory(patient=patient, days_ago=100, mild_pain=True, evaluated=True)
    client = web_as(patient.user)
    assert len(client.get(reverse("symptoms:my_history")).context["rows"]) == 1  # 90 days
    assert len(client.get(reverse("symptoms:my_history"), {"days": 365}).context["rows"]) == 2
    assert client.get(reverse("symptoms:my_history"), {"days": "7; drop"}).context["days"] == 90
    assert client.get(reverse("symptoms:my_history"), {"days": 12}).context["days"] == 90


def test_patients_see_only_their_own_check_ins(web_as, patient, other_patient):
    CheckInFactory(patient=other_patient, days_ago=1, note="not yours", mild_pain=True, evaluated=True)
    html = web_as(patient.user).get(reverse("symptoms:my_history")).content.decode()
    assert "not yours" not in html and "No check-ins in this period" in html


def test_plotly_is_not_loaded_on_pages_without_charts(web_as, patient):
    client = web_as(patient.user)
    for url in ("/", reverse("symptoms:checkin"), reverse("symptoms:reminders")):
        assert PLOTLY not in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("patient", 403),
        ("other_patient", 403),
        ("nurse", 200),
        ("therapist", 200),
        ("psychologist", 200),
        ("physician", 200),
        ("other_nurse", 404),
        ("admin", 200),
    ],
)
def test_staff_history_page_access(web_as, actors, patient, actor, status):
    response = web_as(actors[actor]).get(reverse("symptoms:patient_history", args=[patient.pk]))
    assert response.status_code == status


def test_staff_history_page_is_audited_and_shows_the_charts(web_as, nurse, patient):
    CheckInFactory(patient=patient, days_ago=1, note="Bad night", mild_pain=True, evaluated=True)
    response = web_as(nurse).get(f"/patients/{patient.pk}/checkins/")
    html = response.content.decode()
    assert PLOTLY in html and 'data-figure="chart-pain-data"' in html and "Bad night" in html
    entry = AuditLog.objects.get(actor=nurse)
    assert (entry.action, entry.patient_id, entry.target) == (AuditAction.VIEW, patient.pk, "check-in history")


def test_an_unknown_patient_is_404_and_not_audited(web_as, nurse):
    assert web_as(nurse).get("/patients/999999/checkins/").status_code == 404
    assert not AuditLog.objects.exists()


def test_history_pages_cost_a_fixed_number_of_queries(web_as, nurse, patient, django_assert_max_num_queries):
    for day in range(60):
        CheckInFactory(patient=patient, days_ago=day + 0.5, mild_pain=True, evaluated=True)
    staff, own = web_as(nurse), web_as(patient.user)
    # session, user, nav badge, patient, audit insert, the check-ins (+ savepoints)
    with django_assert_max_num_queries(9):
        assert staff.get(f"/patients/{patient.pk}/checkins/?days=90").status_code == 200
    with django_assert_max_num_queries(8):
        assert own.get(reverse("symptoms:my_history")).status_code == 200


# --- home panel -------------------------------------------------------------------------------

MORNING = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def test_home_panel_says_due_today_with_the_big_button(web_as, patient):
    with time_machine.travel(MORNING, tick=False):
        CheckInFactory(patient=patient, days_ago=1, mild_pain=True, evaluated=True)
        html = web_as(patient.user).get("/").content.decode()
    assert "Check-in due today" in html
    assert f'class="button primary block big" href="{reverse("symptoms:checkin")}"' in html


def test_home_panel_says_done_today_after_a_check_in(web_as, patient):
    with time_machine.travel(MORNING, tick=False):
        CheckInFactory(patient=patient, days_ago=0.1, mild_pain=True, evaluated=True)
        html = web_as(patient.user).get("/").content.decode()
    assert "Done today, thank you" in html and "Check-in due today" not in html
    assert "Next check-in: Thursday 19 November" in html


def test_home_panel_for_a_weekly_patient(web_as, patient):
    patient.checkin_schedule = CheckinSchedule.WEEKLY
    patient.save()
    with time_machine.travel(MORNING, tick=False):
        CheckInFactory(patient=patient, days_ago=3, mild_pain=True, evaluated=True)
        html = web_as(patient.user).get("/").content.decode()
        assert "Done this week, thank you" in html and "Next check-in: Sunday 22 November" in html
    with time_machine.travel(MORNING + timedelta(days=4), tick=False):
        assert "Check-in due this week" in web_as(patient.user).get("/").content.decode()


def test_staff_have_no_check_in_panel(web_as, nurse):
    html = web_as(nurse).get("/").content.decode()
    assert "Check-in due" not in html and "Done today" not in html


# --- reminder time ----------------------------------------------------------------------------


def test_patients_change_their_reminder_time(web_as, patient):
    client = web_as(patient.user)
    assert client.get(reverse("symptoms:reminders")).status_code == 200
    response = client.post(reverse("symptoms:reminders"), {"reminder_time": "07:45"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.reminder_time == time(7, 45)


@pytest.mark.parametrize("value", ["25:00", "soon", ""])
def test_a_bad_reminder_time_is_a_form_error(web_as, patient, value):
    before = patient.reminder_time
    response = web_as(patient.user).post(reverse("symptoms:reminders"), {"reminder_time": value})
    assert response.status_code == 200 and "reminder_time" in response.context["form"].errors
    patient.refresh_from_db()
    assert patient.reminder_time == before


def test_staff_cannot_open_the_reminder_page(web_as, nurse):
    assert web_as(nurse).get(reverse("symptoms:reminders")).status_code == 403
