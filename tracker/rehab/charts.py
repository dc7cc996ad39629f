"""Plotly figures for adherence and exercise pain, built on the server as JSON (plotly.js is served from static/)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tracker.rehab.rules import WeekAdherence
from tracker.rehab.selectors import PainPoint

LAYOUT = {
    "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
    "height": 300,
    "font": {"size": 14},
    "plot_bgcolor": "#ffffff",
    "paper_bgcolor": "#ffffff",
    "legend": {"orientation": "h", "y": -0.25},
}


def _json(fig: go.Figure) -> SafeString:
    """The figure as JSON that is safe inside <script type="application/json"> (no "</script>" possible);
    static/js/rehab-charts.js draws it once plotly.js has loaded."""
    return mark_safe(fig.to_json().replace("<", "\\u003c").replace(">", "\\u003e"))  # noqa: S308


def adherence_chart(weeks: Sequence[WeekAdherence]) -> SafeString | None:
    """Bars of sessions done over prescribed per week, labelled "5/7"; None when nothing was prescribed."""
    shown = [w for w in weeks if w.prescribed]
    if not shown:
        return None
    fig = go.Figure(
        go.Bar(
            x=[date_format(w.week_start, "j M") for w in shown],
            y=[w.percent for w in shown],
            text=[f"{w.done}/{w.prescribed}" for w in shown],
            textposition="auto",
            marker_color="#0b5cad",
            name=_("Sessions done"),
            hovertemplate=_("Week of %{x}: %{y}% (%{text})") + "<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"title": _("% of prescribed"), "range": [0, 105]},
        xaxis={"title": _("Week starting"), "type": "category"},
        **LAYOUT,
    )
    return _json(fig)


def pain_chart(points: Sequence[PainPoint]) -> SafeString | None:
    """Pain before and during exercise over time (0-10); None when nothing was logged."""
    if not points:
        return None
    fig = go.Figure()
    # Local wall-clock times: plotly.js reads "YYYY-MM-DD HH:MM" as a date without shifting it.
    x = [timezone.localtime(p.recorded_at).strftime("%Y-%m-%d %H:%M") for p in points]
    names = [p.exercise for p in points]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[p.pain_before for p in points],
            mode="lines+markers",
            name=_("Pain before"),
            line={"color": "#4a4a4a", "dash": "dot"},
            marker={"symbol": "circle-open", "size": 8},
            customdata=names,
            hovertemplate="%{customdata}: %{y}/10<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[p.pain_during for p in points],
            mode="lines+markers",
            name=_("Pain during"),
            line={"color": "#b00020"},
            marker={"symbol": "diamond", "size": 9},
            customdata=names,
            hovertemplate="%{customdata}: %{y}/10<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"title": _("Pain (0-10)"), "range": [-0.5, 10.5], "dtick": 2},
        xaxis={"title": _("Date"), "type": "date", "tickformat": "%d %b"},
        **LAYOUT,
    )
    return _json(fig)
