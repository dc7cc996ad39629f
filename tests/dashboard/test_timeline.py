"""One patient's timeline (charts, alerts marked, newest-first history) and the CSV export."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta

import plotly.graph_objects as go
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.dashboard.helpers import exercise_plan
from tests.dashboard.test_plotly_figures import assert_plain_json
from tests.factories import AlertFactory, CheckInFactory, ExerciseLogFactory, ScreenFactory
from tracker.alerts.services import alert_acknowledge, alert_resolve
from tracker.audit.models import AuditAction, AuditLog
from tracker.psych.models import Referral

pytestmark = pytest.mark.django_db


def timeline_url(patient, **params):
    url = reverse("dashboard:timeline", args=[patient.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def figures(html):
    """The figures embedded in the page by json_script, by chart key."""
    found = re.findall(r'<script id="figure-(\w+)" type="application/json">(.*?)</script>', html, re.S)
    return {key: json.loads(body) for key, body in found}


@pytest.fixture
def history(patient, nurse, therapist, psychologist):
    """A fortnight of a patient's data, fixed in time: 20 November 2026 is "today"."""
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 1, 9)), tick=False):
        item = exercise_plan(patient, therapist, starts_on=date(2026, 11, 1))
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 20, 12)), tick=False):
        now = timezone.now()
        for days_ago, pain in ((10, 3), (6, 4), (2, 8)):
            CheckInFactory(
                patient=patient, ago=timedelta(days=days_ago), pain_now=pain, note=f"note from {days_ago} days ago"
            )
        CheckInFactory(
            patient=patient, ago=timedelta(days=1), pain_now=5, weakness_left_leg="moderate", walking="needs_aid"
        )
        CheckInFactory(patient=patient, ago=timedelta(days=60), pain_now=1, note="long ago")
        ScreenFactory(patient=patient, score=7, ago=timedelta(days=3))
        ExerciseLogFactory(
            patient=patient,
            plan_item=item,
            recorded_at=now - timedelta(days=4),
            pain_before=2,
            pain_during=8,
            queued=True,
        )
        resolved = AlertFactory(patient=patient, rule="pain_escalation", reported_at=now - timedelta(days=2))
        alert_acknowledge(alert=resolved, user=nurse)
        alert_resolve(alert=resolved, user=nurse, outcome="medication_changed", note="Dose raised.")
        open_alert = AlertFactory(
            patient=patient, rule="neuro_deficit", summary="Left leg weaker", reported_at=now - timedelta(days=1)
        )
        Referral.objects.create(patient=patient, service="psychology", reason="Low mood", created_by=psychologist)
        yield {"now": now, "open": open_alert, "resolved": resolved}


def test_the_timeline_draws_every_chart_with_the_periods_alerts_marked(web_as, nurse, patient, history):
    with time_machine.travel(history["now"], tick=False):
        response = web_as(nurse).get(timeline_url(patient, days=14))
    assert response.status_code == 200
    html = response.content.decode()
    assert "plotly.min.js" in html and "/static/js/dashboard.js" in html
    charts = figures(html)
    assert list(charts) == ["pain", "neuro", "side_effects", "screens", "exercise_pain", "adherence"]
    for chart in response.context["charts"]:  # built from the saved rows: only plain JSON, valid for plotly
        assert_plain_json(chart.figure_dict)
        go.Figure(chart.figure_dict)
        assert charts[chart.key] == chart.figure_dict
    for key, figure in charts.items():
        marks = [t for t in figure["data"] if t.get("name") == "Alerts"]
        assert len(marks) == 1, key
        assert len(marks[0]["x"]) == 2  # both alerts of the period, at the time of the report
        assert any(shape.get("line", {}).get("dash") == "dash" for shape in figure["layout"]["shapes"]), key
        assert figure["layout"]["xaxis"]["range"] == ["2026-11-07T00:00:00", "2026-11-21T00:00:00"], key
    pain = {t["name"]: t["y"] for t in charts["pain"]["data"] if t.get("name") not in (None, "Alerts")}
    assert pain["Pain now"] == [3, 4, 8, 5]  # the check-in of 60 days ago is outside the period
    heat = charts["neuro"]["data"][0]
    assert heat["type"] == "heatmap" and max(heat["z"][heat["y"].index("Left leg")]) == 2
    assert heat["text"][heat["y"].index("Left leg")][-1] == "Hard to lift, grip or stand on"  # the hover words
    assert heat["text"][heat["y"].index("Walking")][-1] == "I need a stick, frame or someone's arm"
    assert [t["y"] for t in charts["screens"]["data"] if t.get("name") == "Distress thermometer"] == [[7]]
    during = [t["y"] for t in charts["exercise_pain"]["data"] if t.get("name") == "During"]
    assert during == [[8]]
    assert charts["adherence"]["data"][0]["type"] == "bar"


def test_the_history_lists_everything_newest_first(web_as, nurse, patient, history):
    with time_machine.travel(history["now"], tick=False):
        response = web_as(nurse).get(timeline_url(patient, days=14))
    kinds = [(e.kind, e.at) for e in response.context["feed"]]
    assert [at for _kind, at in kinds] == sorted((at for _kind, at in kinds), reverse=True)
    assert {kind for kind, _at in kinds} == {"checkin", "screen", "alert", "referral", "exercise_log"}
    html = response.content.decode()
    assert html.index("note from 2 days ago") < html.index("note from 6 days ago") < html.index("note from 10 days")
    assert "long ago" not in html
    assert "Dose raised." in html and "Medication changed" in html  # resolution outcome and note
    assert "Referral to Psychology" in html and "Not yet contacted" in html
    assert "Left leg: Hard to lift, grip or stand on" in html


def test_unresolved_alerts_are_at_the_top_with_their_actions(web_as, nurse, patient, history):
    with time_machine.travel(history["now"], tick=False):
        html = web_as(nurse).get(timeline_url(patient)).content.decode()
    top = html.split('id="alerts"')[1].split("</section>")[0]
    assert f'id="alert-{history["open"].pk}"' in top
    assert f'id="alert-{history["resolved"].pk}"' not in top
    assert reverse("alerts:acknowledge", args=[history["open"].pk]) in top


def test_the_period_can_be_chosen_and_bad_choices_fall_back_with_a_message(web_as, nurse, patient, history):
    client = web_as(nurse)
    with time_machine.travel(history["now"], tick=False):
        week = client.get(timeline_url(patient, days=7, end="2026-11-15"))
        assert [c.pain_now for c in week.context["timeline"].checkins] == [3, 4]  # 10 and 6 days ago
        year = client.get(timeline_url(patient, days=365))
        assert len(year.context["timeline"].checkins) == 5
        for bad in ({"days": "9999"}, {"days": "x"}, {"end": "2099-01-01"}, {"end": "31/12/2026"}):
            response = client.get(timeline_url(patient, **bad))
            assert response.status_code == 200, bad
            assert "Ignored" in response.content.decode(), bad
            assert response.context["period"].days == 30


def test_viewing_the_timeline_is_audited(web_as, nurse, patient):
    web_as(nurse).get(timeline_url(patient))
    entry = AuditLog.objects.get(actor=nurse, target="timeline")
    assert (entry.action, entry.patient_id) == (AuditAction.VIEW, patient.pk)


def test_other_teams_patients_are_404_and_patients_are_refused(web_as, other_nurse, patient):
    assert web_as(other_nurse).get(timeline_url(patient)).status_code == 404
    assert web_as(other_nurse).get(reverse("dashboard:export", args=[patient.pk])).status_code == 404
    assert web_as(patient.user).get(timeline_url(patient)).status_code == 403
    assert not AuditLog.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("role", ["therapist", "psychologist"])
def test_therapists_and_psychologists_see_their_charts_first(web_as, actors, patient, role):
    charts = figures(web_as(actors[role]).get(timeline_url(patient)).content.decode())
    first = {"therapist": "exercise_pain", "psychologist": "screens"}[role]
    assert list(charts)[0] == first and len(charts) == 6


def _history_of(patient, nurse, days):
    for day in range(days):
        CheckInFactory(patient=patient, ago=timedelta(days=day), pain_now=day % 10)
        if day % 3 == 0:
            ScreenFactory(patient=patient, score=day % 10, ago=timedelta(days=day, hours=2))
    for rule in ("neuro_deficit", "pain_escalation"):
        alert = AlertFactory(patient=patient, rule=rule)
        alert_resolve(alert=alert, user=nurse, outcome="advised", note="ok")


@pytest.mark.parametrize("days", [3, 30])
def test_the_timeline_runs_a_fixed_number_of_queries_however_long_the_history(
    web_as, nurse, patient, days, django_assert_num_queries
):
    _history_of(patient, nurse, days)
    client = web_as(nurse)
    # session, user, patient, check-ins, screens, alerts + their events, referrals, exercise logs, exercise
    # pain, the rehab app's adherence (plans: none here, so no versions or items; neuro alerts; logs),
    # the audit insert, unread notifications.
    with django_assert_num_queries(15):
        response = client.get(timeline_url(patient, days=30))
    assert len(response.context["timeline"].checkins) == days


def test_export_is_a_csv_of_everything_recorded_and_is_audited(web_as, nurse, patient, history):
    response = web_as(nurse).get(reverse("dashboard:export", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="patient-{patient.pk}-{date.today()}.csv"'
    assert patient.name not in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["record", "record_id", "time", "field", "value"]
    records = {row[0] for row in rows[1:]}
    assert records == {"checkin", "screen", "exercise_log", "alert", "alert_event", "referral"}
    pains = [row[4] for row in rows if row[0] == "checkin" and row[3] == "pain_now"]
    assert pains == ["1", "3", "4", "8", "5"]  # every check-in, oldest first, not only the period's
    resolved = history["resolved"]
    assert ["alert", str(resolved.pk)] == [
        row[:2] for row in rows if row[3] == "outcome" and row[4] == "medication_changed"
    ][0]
    entry = AuditLog.objects.get(actor=nurse, action=AuditAction.EXPORT)
    assert entry.patient_id == patient.pk


def test_export_defuses_spreadsheet_formulas_in_free_text(web_as, nurse, patient):
    CheckInFactory(patient=patient, note='=HYPERLINK("http://evil")', pain_now=3)
    body = b"".join(web_as(nurse).get(reverse("dashboard:export", args=[patient.pk])).streaming_content).decode()
    note = [row for row in csv.reader(io.StringIO(body)) if row[3] == "note"][0][4]
    assert note == '\'=HYPERLINK("http://evil")'
