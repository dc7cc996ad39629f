"""Plotly figures for adherence and exercise pain, built on the server as JSON (plotly.js is served from static/).

Figures are plotly JSON as plain dicts, built with ``tracker.core.figures`` (which says why),
with plotly's default template spelt out so they look as they did when graph objects built them.
tests/dashboard/test_plotly_figures.py passes each through ``go.Figure`` so plotly still validates them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tracker.core.figures import TEMPLATE_PLOTLY, Figure, figure, safe_json, scatter, wall_clock
from tracker.rehab.rules import WeekAdherence
from tracker.rehab.selectors import PainPoint


def _layout(*, xaxis: dict, yaxis: dict) -> dict:
    return {
        "template": TEMPLATE_PLOTLY,
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "height": 300,
        "font": {"size": 14},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.25},
        "xaxis": xaxis,
        "yaxis": yaxis,
    }


def _json(fig: Figure) -> SafeString:
    """The figure as JSON that is safe inside <script type="application/json"> (no "</script>" possible);
    static/js/rehab-charts.js draws it once plotly.js has loaded."""
    return mark_safe(safe_json(fig))  # noqa: S308 - safe_json escapes <, > and &


def adherence_figure(weeks: Sequence[WeekAdherence]) -> Figure | None:
    """Bars of sessions done over prescribed per week, labelled "5/7"; None when nothing was prescribed."""
    shown = [w for w in weeks if w.prescribed]
    if not shown:
        return None
    bars = {
        "type": "bar",
        "x": [date_format(w.week_start, "j M") for w in shown],
        "y": [w.percent for w in shown],
        "text": [f"{w.done}/{w.prescribed}" for w in shown],
        "textposition": "auto",
        "marker": {"color": "#0b5cad"},
        "name": _("Sessions done"),
        "hovertemplate": _("Week of %{x}: %{y}% (%{text})") + "<extra></extra>",
    }
    layout = _layout(
        yaxis={"title": {"text": _("% of prescribed")}, "range": [0, 105]},
        xaxis={"title": {"text": _("Week starting")}, "type": "category"},
    )
    return figure(layout, [bars])


def exercise_pain_figure(points: Sequence[PainPoint]) -> Figure | None:
    """Pain before and during exercise over time (0-10); None when nothing was logged."""
    if not points:
        return None
    x = [wall_clock(p.recorded_at) for p in points]
    names = [p.exercise for p in points]
    data = [
        scatter(
            x=x,
            y=[p.pain_before for p in points],
            mode="lines+markers",
            name=_("Pain before"),
            line={"color": "#4a4a4a", "dash": "dot"},
            marker={"symbol": "circle-open", "size": 8},
            customdata=names,
            hovertemplate="%{customdata}: %{y}/10<extra></extra>",
        ),
        scatter(
            x=x,
            y=[p.pain_during for p in points],
            mode="lines+markers",
            name=_("Pain during"),
            line={"color": "#b00020"},
            marker={"symbol": "diamond", "size": 9},
            customdata=names,
            hovertemplate="%{customdata}: %{y}/10<extra></extra>",
        ),
    ]
    layout = _layout(
        yaxis={"title": {"text": _("Pain (0-10)")}, "range": [-0.5, 10.5], "dtick": 2},
        xaxis={"title": {"text": _("Date")}, "type": "date", "tickformat": "%d %b"},
    )
    return figure(layout, data)


def adherence_chart(weeks: Sequence[WeekAdherence]) -> SafeString | None:
    """The adherence figure as JSON for the page; None when nothing was prescribed."""
    fig = adherence_figure(weeks)
    return None if fig is None else _json(fig)


def pain_chart(points: Sequence[PainPoint]) -> SafeString | None:
    """The exercise pain figure as JSON for the page; None when nothing was logged."""
    fig = exercise_pain_figure(points)
    return None if fig is None else _json(fig)
