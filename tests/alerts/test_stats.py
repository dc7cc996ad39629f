"""Per-rule statistics (admins and physicians): rate per 100 check-ins, time to acknowledge, escalation, outcomes."""

import json
import re
from datetime import UTC, datetime, timedelta

import plotly.graph_objects as go
import pytest
import time_machine
from django.urls import reverse

from tests.factories import AlertFactory, PatientFactory
from tracker.alerts.services import alert_acknowledge, alert_resolve
from tracker.alerts.stats import alert_statistics, duration_words
from tracker.core.vocab import RuleCode
from tracker.symptoms.models import CheckIn

T0 = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(patient, nurse, other_patient, other_nurse):
    """In [T0, T0 + 10 days): 8 check-ins for `patient`; 3 neuro alerts (acknowledged after 10, 20 and
    60 minutes; one escalated; two resolved), 1 missed-check-ins alert; and, outside the physician's
    reach, another patient's alert and 2 check-ins. One neuro alert falls before the period."""
    for day in range(8):
        CheckIn.objects.create(patient=patient, recorded_at=T0 + timedelta(days=day), pain_now=0, pain_worst_24h=0)
    for day in range(2):
        CheckIn.objects.create(
            patient=other_patient, recorded_at=T0 + timedelta(days=day), pain_now=0, pain_worst_24h=0
        )
    alerts = []
    for i, ack_minutes in enumerate((10, 20, 60)):
        start = T0 + timedelta(days=2 * i)
        with time_machine.travel(start, tick=False):
            alert = AlertFactory(patient=patient, rule="neuro_deficit", escalation_level=1 if i == 2 else 0)
        with time_machine.travel(start + timedelta(minutes=ack_minutes), tick=False):
            alert_acknowledge(alert=alert, user=nurse)
            if i < 2:
                alert_resolve(alert=alert, user=nurse, outcome=["urgent_mri", "advised"][i], note="done")
        alerts.append(alert)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        AlertFactory(patient=patient, rule="missed_checkins")
        AlertFactory(patient=other_patient, rule="neuro_deficit")
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        AlertFactory(patient=patient, rule="self_harm")
    return alerts


def rule(stats, code):
    return next(r for r in stats.rules if r.rule == code)


def test_statistics_per_rule(history, physician):
    stats = alert_statistics(user=physician, start=T0, end=T0 + timedelta(days=10))
    assert stats.checkins == 8
    neuro = rule(stats, "neuro_deficit")
    assert neuro.count == 3
    assert neuro.per_100_checkins == pytest.approx(37.5)
    assert neuro.median_time_to_acknowledge == timedelta(minutes=20)
    assert neuro.share_escalated == pytest.approx(1 / 3)
    assert neuro.outcomes == {"urgent_mri": 1, "advised": 1}
    assert [(label, n) for label, n, _share in neuro.outcome_mix] == [
        ("Patient advised", 1),
        ("Urgent MRI arranged", 1),
    ]
    missed = rule(stats, "missed_checkins")
    assert (missed.count, missed.per_100_checkins, missed.median_time_to_acknowledge) == (1, 12.5, None)
    assert rule(stats, "self_harm").count == 0  # before the period
    assert stats.total == 4


def test_admins_see_the_whole_site(history, admin_user):
    stats = alert_statistics(user=admin_user, start=T0, end=T0 + timedelta(days=10))
    assert stats.checkins == 10 and rule(stats, "neuro_deficit").count == 4


def test_an_empty_period_has_no_rates(db, admin_user):
    stats = alert_statistics(user=admin_user, start=T0, end=T0 + timedelta(days=1))
    assert stats.checkins == 0 and all(r.per_100_checkins is None and r.count == 0 for r in stats.rules)


@pytest.mark.parametrize(
    "seconds,words", [(40, "40 s"), (7 * 60, "7 min"), (2 * 3600 + 300, "2 h 5 min"), (3 * 86400 + 4 * 3600, "3 d 4 h")]
)
def test_durations_read_naturally(seconds, words):
    assert duration_words(timedelta(seconds=seconds)) == words


@pytest.mark.parametrize("who,status", [("physician", 200), ("admin", 200), ("nurse", 403), ("patient", 403)])
def test_the_page_is_for_physicians_and_admins(web_as, actors, who, status):
    assert web_as(actors[who]).get(reverse("alerts:stats")).status_code == status


def test_the_page_shows_the_numbers_and_a_chart_for_a_chosen_period(web_as, physician, history, settings):
    settings.TIME_ZONE = "UTC"
    url = reverse("alerts:stats") + "?period=custom&start=2026-11-10&end=2026-11-19"
    response = web_as(physician).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "37.5" in body and "20 min" in body and "33%" in body
    assert "Urgent MRI arranged: 1" in body
    assert "vendor/plotly/plotly.min.js" in body and 'id="alert-stats-figure"' in body
    figure = json.loads(re.search(r'<script id="alert-stats-figure" type="application/json">(.*?)</script>', body)[1])
    go.Figure(figure)  # valid as plotly's validator judges it
    rates = dict(zip(figure["data"][0]["y"], figure["data"][0]["x"], strict=True))
    assert rates[str(RuleCode.NEURO_DEFICIT.label)] == 37.5 and rates[str(RuleCode.MISSED_CHECKINS.label)] == 12.5


def test_the_default_page_covers_the_last_30_days(web_as, physician, patient):
    response = web_as(physician).get(reverse("alerts:stats"))
    assert response.status_code == 200 and "Alert statistics" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&start=2026-11-20&end=2026-11-10",
        "period=custom",
        "period=custom&start=x&end=y",
        "period=9",
        "period=custom&start=9999-12-30&end=9999-12-31",  # the day after the last one is past the calendar's end
        "period=custom&start=2026-11-10&end=2099-01-01",
        "period=custom&start=0001-01-01&end=0001-01-02",
    ],
)
def test_a_bad_period_is_a_form_error_not_a_crash(web_as, physician, query):
    response = web_as(physician).get(reverse("alerts:stats") + "?" + query)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(web_as, physician, history, django_assert_max_num_queries):
    for _ in range(20):
        AlertFactory(patient=PatientFactory(team=[physician]), rule="distress")
    client = web_as(physician)
    # session, user, alerts (values), outcome counts, check-in count, audit row, nav/notification count
    with django_assert_max_num_queries(10):
        assert client.get(reverse("alerts:stats")).status_code == 200
