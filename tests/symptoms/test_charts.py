"""The chart figures are pure functions of a list of check-ins (no database needed)."""

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from tracker.core.figures import safe_json
from tracker.symptoms.charts import PAIN_BANDS, history_charts, pain_figure, side_effects_figure, walking_figure

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def report(day, **fields):
    values = {
        "recorded_at": T0 + timedelta(days=day),
        "pain_now": 2,
        "pain_worst_24h": 3,
        "walking": "normal",
        "falls": 0,
        "fatigue": 0,
        "nausea": 0,
        "diarrhoea": 0,
        "skin_reaction": 0,
        "rash": 0,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_pain_figure_draws_now_and_worst_with_the_three_severity_bands():
    checkins = [report(0, pain_now=1, pain_worst_24h=2), report(1, pain_now=4, pain_worst_24h=7)]
    fig = pain_figure(checkins, tz=UTC)
    traces = {trace.get("name"): trace for trace in fig["data"]}
    assert traces["Pain now"]["y"] == [1, 4]
    assert traces["Worst in 24 hours"]["y"] == [2, 7]
    assert traces["Pain now"]["x"] == ["2026-11-01T08:00:00", "2026-11-02T08:00:00"]
    layout = fig["layout"]
    bands = sorted((shape["y0"], shape["y1"]) for shape in layout["shapes"])
    assert bands == [(0.5, 4.5), (4.5, 6.5), (6.5, 10.5)] == [(lo - 0.5, hi + 0.5) for _n, lo, hi, _c in PAIN_BANDS]
    assert all(shape["xref"] == "x domain" and (shape["x0"], shape["x1"]) == (0, 1) for shape in layout["shapes"])
    assert layout["yaxis2"]["ticktext"] == ["Mild", "Moderate", "Severe"]  # named at the right
    assert layout["yaxis"]["fixedrange"] and layout["xaxis"]["fixedrange"]  # no accidental zoom on a phone


def test_times_are_drawn_in_the_sites_local_time():
    from zoneinfo import ZoneInfo

    fig = pain_figure([report(0)], tz=ZoneInfo("Asia/Singapore"))
    assert fig["data"][-1]["x"][0] == "2026-11-01T16:00:00"


def test_side_effects_show_only_those_reported_with_plain_names():
    checkins = [report(0, fatigue=1), report(1, fatigue=3, skin_reaction=2), report(2)]
    fig = side_effects_figure(checkins, tz=UTC)
    assert [trace["name"] for trace in fig["data"]] == ["Tiredness", "Sore skin (radiotherapy)"]
    assert fig["data"][0]["y"] == [1, 3, 0]
    assert fig["data"][0]["customdata"] == ["Mild", "Severe", "None"]
    assert fig["layout"]["yaxis"]["ticktext"] == ["None", "Mild", "Moderate", "Severe", "Very severe"]


def test_side_effects_none_reported_says_so():
    fig = side_effects_figure([report(0), report(1)], tz=UTC)
    assert not fig["data"]
    assert fig["layout"]["annotations"][0]["text"] == "No side effects reported"


def test_walking_is_a_step_chart_with_falls_marked():
    checkins = [report(0), report(1, walking="unsteady", falls=2), report(2, walking="needs_aid")]
    fig = walking_figure(checkins, tz=UTC)
    walking, falls = fig["data"]
    assert walking["y"] == [0, 1, 2] and walking["line"]["shape"] == "hv"
    assert falls["y"] == [1] and falls["customdata"] == [2]
    assert fig["layout"]["yaxis"]["ticktext"] == ["As usual", "Unsteady", "Needs help", "Cannot walk"]


def test_no_check_ins_gives_empty_charts_that_say_so():
    for chart in history_charts([]):
        figure = json.loads(chart.figure_json)
        assert figure["data"] == []
        assert any(a["text"] == "No check-ins yet" for a in figure["layout"]["annotations"])


def test_history_charts_json_is_plotly_json_and_safe_inside_a_script_element():
    charts = history_charts([report(0), report(1, fatigue=2)], tz=UTC)
    assert [c.name for c in charts] == ["pain", "side_effects", "walking"]
    for chart in charts:
        assert "<" not in chart.figure_json and ">" not in chart.figure_json
        figure = json.loads(chart.figure_json)
        assert set(figure) >= {"data", "layout"} and all(trace["type"] == "scatter" for trace in figure["data"])
        assert len(json.dumps(figure["layout"]["template"])) < 100  # not plotly's bulky default template
    assert len(charts[0].figure_json) < 6000


def test_figure_json_cannot_close_its_script_element_and_refuses_what_json_has_not():
    text = safe_json({"data": [], "layout": {"title": {"text": "</script> & <b>"}}})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["layout"]["title"]["text"] == "</script> & <b>"
    with pytest.raises(TypeError):
        safe_json({"data": [{"type": "scatter", "x": [T0]}], "layout": {}})
