"""Every figure the app builds is valid plotly JSON, as plotly's own validator judges it.

The figures are plain dicts (the charts modules of the symptoms, dashboard, rehab, psych and alerts apps), so
nothing checks their property names while the pages are served; here each one goes through
``plotly.graph_objects.Figure``, which raises on a misspelt or invalid property or value. Built from unsaved
model instances and plain records: no database.
"""

import copy
import dataclasses
import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from django.utils import timezone

from tracker.alerts.charts import stats_figure
from tracker.alerts.models import Alert
from tracker.alerts.rules import thresholds_from_settings
from tracker.alerts.stats import AlertStatistics, RuleStats
from tracker.core.figures import TEMPLATE_NONE, TEMPLATE_PLOTLY, scatter
from tracker.core.vocab import RuleCode
from tracker.dashboard.charts import (
    CHART_ORDER,
    DEFAULT_ORDER,
    adherence_figure,
    exercise_pain_figure,
    neuro_figure,
    screens_figure,
    timeline_charts,
)
from tracker.dashboard.timeline import Timeline
from tracker.psych.charts import screen_chart, screen_totals_figure
from tracker.psych.models import Screen
from tracker.rehab import charts as rehab_charts
from tracker.rehab.rules import WeekAdherence
from tracker.rehab.selectors import PainPoint
from tracker.symptoms.charts import history_charts, pain_figure, side_effects_figure, walking_figure
from tracker.symptoms.models import CheckIn

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=14)


def checkins():
    quiet = {"pain_now": 2, "pain_worst_24h": 3}
    return [
        CheckIn(recorded_at=START + timedelta(days=1, microseconds=250), **quiet),
        CheckIn(
            recorded_at=START + timedelta(days=2, hours=7),
            pain_now=6,
            pain_worst_24h=9,
            walking="unsteady",
            falls=2,
            weakness_left_leg="moderate",
            numbness=["saddle"],
            bladder="retention",
            fatigue=2,
            skin_reaction=4,
        ),
        CheckIn(recorded_at=START + timedelta(days=4), walking="unable", bowel="incontinence", nausea=1, **quiet),
    ]


def screens():
    return [
        Screen(instrument=instrument, recorded_at=START + timedelta(days=day), total=total)
        for instrument, day, total in (("distress_thermometer", 1, 6), ("phq9", 2, 12), ("gad7", 3, 4), ("phq9", 5, 9))
    ]


def exercise_pain():
    return [PainPoint(START + timedelta(days=3), date(2026, 11, 4), "Bridge", 2, 8, True)]


def weeks():
    return [WeekAdherence(date(2026, 10, 26), 0, 0), WeekAdherence(date(2026, 11, 2), 7, 5)]


def alerts():
    return [
        Alert(rule="pain_escalation", severity="urgent", reported_at=START + timedelta(days=2, hours=8)),
        Alert(rule="neuro_deficit", severity="emergency", reported_at=START + timedelta(days=3)),
    ]


def alert_statistics(checkins):
    rules = [RuleStats(rule=code, label=str(label)) for code, label in RuleCode.choices]
    for count, rule in enumerate(rules):
        rule.count = count
        rule.per_100_checkins = 100 * count / checkins if checkins else None
    return AlertStatistics(start=START, end=END, checkins=checkins, rules=rules)


def every_figure():
    """(name, figure) for each chart function with data and empty, and each role's timeline."""
    thresholds = thresholds_from_settings()
    cutoffs = {"distress_thermometer": 4, "phq9": 10, "gad7": 10}
    period = {"start": START, "end": END}
    no_side_effects = [CheckIn(recorded_at=START, pain_now=1, pain_worst_24h=1)]
    for label, rows in (("data", checkins()), ("no side effects", no_side_effects), ("empty", [])):
        yield f"pain, {label}", pain_figure(rows, tz=UTC)
        yield f"side effects, {label}", side_effects_figure(rows, tz=UTC)
        yield f"walking, {label}", walking_figure(rows, tz=UTC)
        for chart in history_charts(rows, tz=UTC):
            yield f"history {chart.name}, {label}", json.loads(chart.figure_json)
        yield f"neuro, {label}", neuro_figure(rows, **period)
    yield "screens, data", screens_figure(screens(), cutoffs=cutoffs, **period)
    yield "screens, empty", screens_figure([], cutoffs=cutoffs, **period)
    yield "exercise pain, data", exercise_pain_figure(exercise_pain(), severe=7, **period)
    yield "exercise pain, empty", exercise_pain_figure([], severe=7, **period)
    yield "adherence, data", adherence_figure(weeks(), **period)
    yield "adherence, empty", adherence_figure(weeks()[:1], **period)
    # The rehab, psych and alerts pages' own charts: None when there is nothing to draw (tested below).
    yield "rehab adherence, data", rehab_charts.adherence_figure(weeks())
    yield "rehab adherence, one week", rehab_charts.adherence_figure(weeks()[1:])
    yield "rehab adherence, page JSON", json.loads(rehab_charts.adherence_chart(weeks()))
    yield "rehab exercise pain, data", rehab_charts.exercise_pain_figure(exercise_pain() * 3)
    yield "rehab exercise pain, page JSON", json.loads(rehab_charts.pain_chart(exercise_pain()))
    yield "psych screens, data", screen_totals_figure(screens())
    yield "psych screens, one screen", screen_totals_figure(screens()[:1])
    yield "psych screens, page JSON", json.loads(screen_chart(screens()))
    yield "alert statistics, data", stats_figure(alert_statistics(checkins=40))
    full = Timeline(
        checkins=checkins(), screens=screens(), alerts=alerts(), exercise_pain=exercise_pain(), adherence=weeks()
    )
    for label, timeline in (("data", full), ("empty", Timeline())):
        for role in (*CHART_ORDER, "nurse"):
            charts = timeline_charts(timeline, role=role, thresholds=thresholds, **period)
            assert [c.key for c in charts] == list(CHART_ORDER.get(role, DEFAULT_ORDER))
            for chart in charts:
                yield f"timeline {chart.key} for a {role}, {label}", chart.figure_dict


FIGURES = list(every_figure())


def assert_plain_json(value, where="figure"):
    """Only the types JSON has: no datetimes, lazy translations, decimals or tuples for the encoder to guess at."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, f"{where}: key {key!r}"
            assert_plain_json(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_plain_json(item, f"{where}[{index}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), f"{where}: {type(value).__name__} {value!r}"


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[name for name, _figure in FIGURES])
def test_each_figure_is_plain_json_that_plotly_accepts_as_it_is(name, figure):
    assert_plain_json(figure)
    # The timeline's figures have no styling of their own; the others keep plotly's default look.
    assert figure["layout"]["template"] == (
        TEMPLATE_PLOTLY if name.startswith(("rehab", "psych", "alert")) else TEMPLATE_NONE
    )
    assert all("type" in trace for trace in figure["data"])
    validated = go.Figure(figure)  # raises ValueError on any invalid property or value
    # Plotly had nothing to add, drop or coerce: the page gets what plotly itself would have sent.
    assert json.loads(validated.to_json()) == figure


def test_the_figures_cover_every_chart_with_data_and_empty():
    names = {name for name, _figure in FIGURES}
    for chart in ("pain", "side effects", "walking", "neuro", "screens", "exercise pain", "adherence"):
        assert {f"{chart}, data", f"{chart}, empty"} <= names
    for chart in ("rehab adherence", "rehab exercise pain", "psych screens", "alert statistics"):
        assert f"{chart}, data" in names  # with nothing to draw these are None, not a figure
    with_data = [f for name, f in FIGURES if name.startswith("timeline") and name.endswith("data")]
    assert len(with_data) == 18 and all(f["data"] and f["data"][-1]["name"] == "Alerts" for f in with_data)


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[name for name, _figure in FIGURES])
def test_plotly_rejects_each_figure_with_a_misspelt_trace_or_layout_property(name, figure):
    """The check above is real for every figure: the same dict with one wrong name fails."""
    if figure["data"]:
        broken = copy.deepcopy(figure)
        broken["data"][-1]["colour"] = "red"
        with pytest.raises(ValueError, match="colour"):
            go.Figure(broken)
    broken = copy.deepcopy(figure)
    broken["layout"]["xaxis"] = {**broken["layout"].get("xaxis", {}), "tickfromat": "%d"}
    with pytest.raises(ValueError, match="tickfromat"):
        go.Figure(broken)


def test_the_template_is_plotlys_own_none_template():
    assert pio.templates["none"].to_plotly_json() == TEMPLATE_NONE


def test_the_default_template_is_what_graph_objects_put_in_a_figure():
    assert pio.templates["plotly"].to_plotly_json() == TEMPLATE_PLOTLY
    assert go.Figure().to_plotly_json()["layout"]["template"] == TEMPLATE_PLOTLY


def test_the_rehab_psych_and_alerts_charts_are_none_with_nothing_to_draw():
    assert rehab_charts.adherence_figure([]) is None and rehab_charts.adherence_chart([]) is None
    nothing_prescribed = [WeekAdherence(date(2026, 10, 26), 0, 0)]
    assert rehab_charts.adherence_figure(nothing_prescribed) is None
    assert rehab_charts.exercise_pain_figure([]) is None and rehab_charts.pain_chart([]) is None
    assert screen_totals_figure([]) is None and screen_chart([]) is None
    assert stats_figure(alert_statistics(checkins=0)) is None  # no check-ins: no rate to draw
    assert stats_figure(AlertStatistics(start=START, end=END, checkins=5, rules=[])) is None


def test_the_page_json_of_the_rehab_and_psych_charts_cannot_close_its_script_element():
    point = dataclasses.replace(exercise_pain()[0], exercise="</script><b>Sit & stand</b>")
    text = rehab_charts.pain_chart([point])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"][0]["customdata"] == ["</script><b>Sit & stand</b>"]
    for text in (rehab_charts.adherence_chart(weeks()), screen_chart(screens())):
        assert "<" not in text and ">" not in text and "&" not in text


def test_plotlys_validator_rejects_a_misspelt_property():
    with pytest.raises(ValueError, match="colour"):
        go.Figure({"data": [scatter(x=[1], y=[1], colour="red")], "layout": {}})
    with pytest.raises(ValueError):
        go.Figure({"data": [], "layout": {"xaxis": {"type": "calendar"}}})


TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")


def test_every_time_on_a_chart_is_a_wall_clock_time_without_an_offset():
    """plotly.js draws a time as written; an offset would be at best ignored, so none is sent (the site's
    clock is what patients and staff read)."""
    times = [
        value
        for _name, figure in FIGURES
        for trace in figure["data"]
        for value in trace.get("x") or []
        if isinstance(value, str) and TIME.match(value)
    ]
    assert len(times) > 50
    assert [t for t in times if t.endswith("Z") or re.search(r"[+-]\d\d:\d\d$", t)] == []


def test_chart_times_are_the_current_time_zones_clock():
    with timezone.override(ZoneInfo("Pacific/Auckland")):  # UTC+13 in November
        psych = screen_totals_figure(screens()[:1])
        rehab = rehab_charts.exercise_pain_figure(exercise_pain())
    assert psych["data"][0]["x"] == ["2026-11-02T13:00:00"]  # 00:00 UTC on 2 November
    assert rehab["data"][0]["x"] == ["2026-11-04T13:00:00"]
