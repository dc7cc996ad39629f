"""The patient panel: columns, missed check-ins, pain trend sparkline, sorting, search, roles, query counts."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.dashboard.helpers import exercise_plan
from tests.factories import AlertFactory, CheckInFactory, ExerciseLogFactory, PatientFactory, ScreenFactory
from tracker.audit.models import AuditAction, AuditLog
from tracker.core.vocab import CheckinSchedule
from tracker.dashboard.views import PANEL_PAGE_SIZE

pytestmark = pytest.mark.django_db

PANEL = reverse("dashboard:panel")


def rows_by_name(response):
    return {row.patient.name: row for row in response.context["rows"]}


def names(response):
    return [row.patient.name for row in response.context["rows"]]


def named(first, last, team, **extra):
    return PatientFactory(user__first_name=first, user__last_name=last, team=team, **extra)


def test_each_row_has_last_checkin_pain_trend_alerts_and_distress(web_as, nurse):
    ann = named("Ann", "Lee", [nurse])
    for days_ago, pain in ((12, 2), (8, 3), (4, 5), (1, 7)):
        CheckInFactory(patient=ann, ago=timedelta(days=days_ago), pain_now=pain)
    CheckInFactory(patient=ann, ago=timedelta(days=20), pain_now=9)  # outside the 14 days: not in the sparkline
    AlertFactory(patient=ann, rule="neuro_deficit")
    AlertFactory(patient=ann, rule="missed_checkins")
    ScreenFactory(patient=ann, score=6, ago=timedelta(days=2))
    ScreenFactory(patient=ann, score=2, ago=timedelta(days=9))
    response = web_as(nurse).get(PANEL)
    row = rows_by_name(response)["Ann Lee"]
    assert row.latest_pain == 7 and row.pain_severe
    assert row.trend.direction == "rising" and row.trend.count == 4
    assert row.open_alerts == 2 and row.has_emergency
    assert row.latest_distress == 6 and row.distress_positive
    assert not row.missed
    html = response.content.decode()
    assert html.count("<polyline") == 1
    assert "Pain over 14 days: 4 check-ins, from 2 to 7, rising." in html


def test_missed_checkins_stand_out_by_schedule(web_as, nurse):
    daily_late = named("Dan", "Daily", [nurse])
    CheckInFactory(patient=daily_late, ago=timedelta(days=4), pain_now=3)
    daily_ok = named("Dora", "Daily", [nurse])
    CheckInFactory(patient=daily_ok, ago=timedelta(days=2), pain_now=3)
    weekly_ok = named("Walt", "Weekly", [nurse], checkin_schedule=CheckinSchedule.WEEKLY)
    CheckInFactory(patient=weekly_ok, ago=timedelta(days=10), pain_now=3)
    never = named("Nell", "Never", [nurse], enrolled_at=timezone.now() - timedelta(days=5))
    response = web_as(nurse).get(PANEL)
    rows = rows_by_name(response)
    assert {name for name, row in rows.items() if row.missed} == {"Dan Daily", "Nell Never"}
    html = response.content.decode()
    assert html.count('class="tag tag-missed"') == 2
    assert rows["Nell Never"].last_checkin_at is None and never.pk


def test_adherence_is_this_weeks_share_of_prescribed_exercises_done(web_as, nurse, therapist):
    keen = named("Kim", "Keen", [nurse, therapist])
    idle = named("Ian", "Idle", [nurse, therapist])
    named("Pat", "Noplan", [nurse, therapist])
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 9, 10)), tick=False):
        keen_item = exercise_plan(keen, therapist, starts_on=date(2026, 11, 9))
        exercise_plan(idle, therapist, starts_on=date(2026, 11, 9))
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 15)), tick=False):  # a Wednesday
        for day in (16, 18):  # Monday and today: 2 of the 3 days so far
            ExerciseLogFactory(
                patient=keen,
                plan_item=keen_item,
                recorded_at=timezone.make_aware(datetime(2026, 11, day, 9)),
                queued=True,
            )
        ExerciseLogFactory(
            patient=keen, plan_item=keen_item, recorded_at=timezone.make_aware(datetime(2026, 11, 13, 9)), queued=True
        )  # last week
        client = web_as(nurse)
        rows = rows_by_name(client.get(PANEL))
        assert rows["Kim Keen"].adherence_percent == 67
        assert rows["Ian Idle"].adherence_percent == 0
        assert rows["Pat Noplan"].adherence_percent is None
        assert names(client.get(PANEL, {"sort": "adherence"})) == ["Ian Idle", "Kim Keen", "Pat Noplan"]
        assert names(client.get(PANEL, {"sort": "adherence", "desc": "1"})) == ["Kim Keen", "Ian Idle", "Pat Noplan"]
        html = client.get(PANEL).content.decode()
        assert "67%" in html and "No plan" in html


def test_only_my_patients_are_listed(web_as, nurse, patient, other_patient):
    response = web_as(nurse).get(PANEL)
    assert [row.patient.pk for row in response.context["rows"]] == [patient.pk]


def test_search_by_first_or_last_name_any_case(web_as, nurse):
    named("Maria", "Santos", [nurse])
    named("Mario", "Rossi", [nurse])
    named("Aiko", "Tanaka", [nurse])
    client = web_as(nurse)
    assert names(client.get(PANEL, {"q": "mari"})) == ["Mario Rossi", "Maria Santos"]
    assert names(client.get(PANEL, {"q": "TANAKA"})) == ["Aiko Tanaka"]
    assert names(client.get(PANEL, {"q": "maria santos"})) == ["Maria Santos"]
    assert names(client.get(PANEL, {"q": "nobody"})) == []


def test_sorts_by_each_column_both_ways_with_empty_values_last(web_as, nurse):
    low = named("Lou", "Low", [nurse])
    high = named("Hal", "High", [nurse])
    named("Nia", "None", [nurse])
    CheckInFactory(patient=low, pain_now=1, ago=timedelta(days=1))
    CheckInFactory(patient=high, pain_now=8, ago=timedelta(days=3))
    AlertFactory(patient=high, rule="neuro_deficit")
    client = web_as(nurse)
    assert names(client.get(PANEL)) == ["Hal High", "Lou Low", "Nia None"]
    assert names(client.get(PANEL, {"sort": "pain", "desc": "1"})) == ["Hal High", "Lou Low", "Nia None"]
    assert names(client.get(PANEL, {"sort": "pain"})) == ["Lou Low", "Hal High", "Nia None"]
    assert names(client.get(PANEL, {"sort": "checkin", "desc": "1"})) == ["Lou Low", "Hal High", "Nia None"]
    assert names(client.get(PANEL, {"sort": "alerts", "desc": "1"}))[0] == "Hal High"
    assert names(client.get(PANEL, {"sort": "name", "desc": "1"})) == ["Nia None", "Lou Low", "Hal High"]


def test_sort_headers_are_links_that_flip_and_announce_the_order(web_as, nurse):
    named("Ada", "Able", [nurse])
    html = web_as(nurse).get(PANEL, {"sort": "pain", "desc": "1", "q": "a"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert 'href="?q=a&amp;sort=pain"' in html  # clicking the current column flips it
    assert 'href="?q=a&amp;sort=alerts&amp;desc=1"' in html  # numbers start highest first


@pytest.mark.parametrize("params", [{"sort": "ssn"}, {"sort": "distress; --", "desc": "maybe"}, {"q": "x" * 500}])
def test_bad_parameters_are_ignored_with_a_message(web_as, nurse, patient, params):
    response = web_as(nurse).get(PANEL, params)
    assert response.status_code == 200
    assert "Ignored" in response.content.decode()


def test_therapists_see_adherence_and_pain_psychologists_see_distress(web_as, therapist, psychologist, patient):
    therapist_page = web_as(therapist).get(PANEL).content.decode()
    assert "Exercises this week" in therapist_page and "Latest distress" not in therapist_page
    psych_page = web_as(psychologist).get(PANEL).content.decode()
    assert "Latest distress" in psych_page and "Exercises this week" not in psych_page
    assert "Worst pain" not in psych_page


def test_psychologists_see_referrals_not_yet_contacted(web_as, psychologist, patient):
    from tracker.psych.models import Referral

    Referral.objects.create(patient=patient, service="psychology", created_by=psychologist)
    Referral.objects.create(patient=patient, service="social_work", created_by=psychologist)
    Referral.objects.create(
        patient=patient,
        service="psychiatry",
        created_by=psychologist,
        contacted_at=timezone.now(),
        contact_outcome="appointment_booked",
    )
    response = web_as(psychologist).get(PANEL, {"sort": "referrals", "desc": "1"})
    assert rows_by_name(response)[patient.name].referrals_waiting == 2
    assert "Referrals not yet contacted" in response.content.decode()


def test_alert_count_follows_the_role(web_as, therapist, nurse, patient):
    AlertFactory(patient=patient, rule="exercise_pain")
    AlertFactory(patient=patient, rule="neuro_deficit")
    assert rows_by_name(web_as(therapist).get(PANEL))[patient.name].open_alerts == 1
    assert rows_by_name(web_as(nurse).get(PANEL))[patient.name].open_alerts == 1  # exercise pain goes to therapists


def test_the_panel_read_is_audited_per_patient_on_the_page(web_as, nurse, patient):
    second = PatientFactory(team=[nurse])
    web_as(nurse).get(PANEL)
    audited = AuditLog.objects.filter(actor=nurse, action=AuditAction.VIEW, target="panel")
    assert sorted(audited.values_list("patient_id", flat=True)) == sorted([patient.pk, second.pk])


def test_each_name_links_to_the_timeline(web_as, nurse, patient):
    html = web_as(nurse).get(PANEL).content.decode()
    assert f'href="{reverse("dashboard:timeline", args=[patient.pk])}"' in html


def test_patients_cannot_open_the_panel(web_as, patient):
    assert web_as(patient.user).get(PANEL).status_code == 403


def _panel_with(count, nurse, therapist):
    for i in range(count):
        p = PatientFactory(team=[nurse, therapist])
        for day in range(0, 20, 3):
            CheckInFactory(patient=p, ago=timedelta(days=day, hours=i % 5), pain_now=(day + i) % 10)
        AlertFactory(patient=p, rule="missed_checkins")
        ScreenFactory(patient=p, score=i % 10)
        item = exercise_plan(p, therapist, starts_on=timezone.localdate() - timedelta(days=7))
        ExerciseLogFactory(patient=p, plan_item=item, recorded_at=timezone.now() - timedelta(hours=1), queued=True)


# session, user, unread notifications, paginator count, the page of annotated patients, the 14 days of pain,
# the rehab app's adherence (plans, versions, items, neuro alerts, plan resumes, completed logs), the audit
# insert.
PANEL_QUERIES = 13


@pytest.mark.parametrize("patients", [3, 30])
@pytest.mark.parametrize("sort", ["name", "pain"])
def test_the_panel_runs_a_fixed_number_of_queries(web_as, nurse, therapist, patients, sort, django_assert_num_queries):
    _panel_with(patients, nurse, therapist)
    client = web_as(nurse)
    with django_assert_num_queries(PANEL_QUERIES):
        response = client.get(PANEL, {"sort": sort})
    assert len(response.context["rows"]) == min(patients, PANEL_PAGE_SIZE)
    assert len(re.findall("<polyline", response.content.decode())) == min(patients, PANEL_PAGE_SIZE)


@pytest.mark.parametrize("patients", [3, 30])
def test_sorting_by_adherence_also_runs_a_fixed_number_of_queries(
    web_as, nurse, therapist, patients, django_assert_num_queries
):
    _panel_with(patients, nurse, therapist)
    client = web_as(nurse)
    # The same number: every matching id replaces the paginator's count, adherence is computed for all of
    # them, and the page's patients are then read by id.
    with django_assert_num_queries(PANEL_QUERIES):
        response = client.get(PANEL, {"sort": "adherence"})
    assert len(response.context["rows"]) == min(patients, PANEL_PAGE_SIZE)


def test_a_fall_from_9_to_3_after_a_bad_week_reads_falling_and_says_what_it_measures(web_as, nurse):
    bea = named("Bea", "Fall", [nurse])
    for days_ago, pain in ((13, 9), (12, 1), (11, 1), (10, 1), (6, 9), (5, 9), (4, 9), (3, 9), (1, 3)):
        CheckInFactory(patient=bea, ago=timedelta(days=days_ago), pain_now=pain)
    response = web_as(nurse).get(PANEL)
    assert rows_by_name(response)["Bea Fall"].trend.direction == "falling"
    html = response.content.decode()
    cell = html.split("Bea Fall")[1].split("</tr>")[0]
    assert 'title="Worst pain over 14 days: falling from 9 to 3."' in cell
    assert '<span class="visually-hidden">Worst pain over 14 days: falling from 9 to 3.</span>' in cell
    assert "↓ Falling" in cell and "Rising" not in cell
