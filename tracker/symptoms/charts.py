"""Plotly figures of a patient's check-ins: pure functions of a list of check-ins, returning plotly JSON.

Used on the patient's own history page and the staff pages (the patient timeline reuses them):

    from tracker.symptoms.charts import history_charts
    charts = history_charts(checkins)          # checkins oldest first, e.g. selectors.checkins_between(...)
    {% include "symptoms/includes/charts.html" with charts=charts %}  (and includes/plotly.html in the head)

Each figure is sized for a phone (no mode bar, no zooming by accident, legend under the plot) and its
JSON is safe to put inside a <script type="application/json"> element. No patient names or free text
go into a figure, only the numbers and the plain-language labels of the vocabularies.

Figures are plotly JSON as plain dicts, built with ``tracker.core.figures`` (which says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.core.figures import TEMPLATE_NONE, Figure, centred_note, figure, hrect, safe_json, scatter, wall_clock
from tracker.core.vocab import WALKING_ORDER, SideEffect, Walking
from tracker.symptoms.models import SIDE_EFFECT_FIELDS

# Severity bands of the 0-10 pain scale (docs/clinical.md "Daily check-in", Serlin 1995): (low, high, colour).
PAIN_BANDS = (
    ("mild", 1, 4, "rgba(27, 110, 45, 0.10)"),
    ("moderate", 5, 6, "rgba(138, 75, 0, 0.13)"),
    ("severe", 7, 10, "rgba(176, 0, 32, 0.11)"),
)
SIDE_EFFECT_COLOURS = {
    "fatigue": "#0b5cad",
    "nausea": "#8a4b00",
    "diarrhoea": "#5b3a9e",
    "skin_reaction": "#b00020",
    "rash": "#1b6e2d",
}
PAIN_NOW_COLOUR = "#0b5cad"
PAIN_WORST_COLOUR = "#b00020"
WALKING_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Chart:
    name: str  # used in element ids: "pain", "side_effects", "walking"
    title: str
    description: str  # one plain sentence, also the chart's accessible label
    figure_json: str  # plotly JSON ({"data": [...], "layout": {...}}), safe inside <script>


def _times(checkins: Sequence, tz: tzinfo | None) -> list[str]:
    tz = tz or timezone.get_default_timezone()
    return [wall_clock(c.recorded_at, tz) for c in checkins]


def _layout(**extra) -> dict:
    layout = {
        "template": TEMPLATE_NONE,
        "height": 300,
        "margin": {"l": 44, "r": 12, "t": 12, "b": 40},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14, "color": "#1a1a1a"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        "hovermode": "x unified",
        "dragmode": False,
        "xaxis": {
            "type": "date",
            "fixedrange": True,
            "showgrid": False,
            "tickformat": "%d %b",
            "nticks": 4,
            "automargin": True,
        },
    }
    layout.update(extra)
    return layout


def _empty(fig: Figure, message: str) -> Figure:
    fig["layout"].setdefault("annotations", []).append(centred_note(message))
    fig["layout"]["xaxis"]["visible"] = False
    return fig


def pain_figure(checkins: Sequence, *, tz: tzinfo | None = None) -> Figure:
    """Pain now and worst pain in 24 hours over time, with the mild / moderate / severe bands shaded."""
    # A check-in that left this section out draws nothing here.
    checkins = [c for c in checkins if getattr(c, "pain_now", None) is not None]
    x = _times(checkins, tz)
    band_names = {"mild": _("Mild"), "moderate": _("Moderate"), "severe": _("Severe")}
    fig = figure(
        _layout(
            # Room at the right for the band names, on a second axis so they never sit on top of the data.
            margin={"l": 44, "r": 72, "t": 12, "b": 40},
            yaxis={
                "range": [-0.3, 10.3],
                "tickvals": list(range(0, 11, 2)),
                "fixedrange": True,
                "title": {"text": _("Pain (0-10)")},
                "gridcolor": "#e4e7eb",
                "zeroline": False,
            },
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [-0.3, 10.3],
                "fixedrange": True,
                "showgrid": False,
                "zeroline": False,
                "tickvals": [(low + high) / 2 for _name, low, high, _colour in PAIN_BANDS],
                "ticktext": [band_names[name] for name, *_rest in PAIN_BANDS],
                "tickfont": {"size": 12, "color": "#4a4a4a"},
                "ticks": "",
            },
            shapes=[
                hrect(y0=low - 0.5, y1=high + 0.5, fillcolor=colour, line={"width": 0}, layer="below")
                for _name, low, high, colour in PAIN_BANDS
            ],
        )
    )
    if not checkins:
        return _empty(fig, _("No check-ins yet"))
    fig["data"] = [
        # Plotly draws an axis only when a trace uses it: an invisible point puts the band names on.
        scatter(x=x[:1], y=[0], yaxis="y2", mode="markers", marker={"opacity": 0}, showlegend=False, hoverinfo="skip"),
        scatter(
            x=x,
            y=[c.pain_worst_24h for c in checkins],
            name=_("Worst in 24 hours"),
            mode="lines+markers",
            line={"color": PAIN_WORST_COLOUR, "width": 2, "dash": "dot"},
            marker={"size": 7, "symbol": "triangle-up"},
            hovertemplate="%{y}/10",
        ),
        scatter(
            x=x,
            y=[c.pain_now for c in checkins],
            name=_("Pain now"),
            mode="lines+markers",
            line={"color": PAIN_NOW_COLOUR, "width": 3},
            marker={"size": 8},
            hovertemplate="%{y}/10",
        ),
    ]
    return fig


def side_effects_figure(checkins: Sequence, *, tz: tzinfo | None = None) -> Figure:
    """Each treatment side effect reported in the period (0 none to 4 very severe) over time."""
    # A check-in that left this section out draws nothing here.
    checkins = [c for c in checkins if getattr(c, "side_effects_answered", True)]
    x = _times(checkins, tz)
    levels = [_("None"), _("Mild"), _("Moderate"), _("Severe"), _("Very severe")]
    fig = figure(
        _layout(
            yaxis={
                "range": [-0.2, 4.2],
                "tickvals": list(range(5)),
                "ticktext": levels,
                "fixedrange": True,
                "gridcolor": "#e4e7eb",
                "zeroline": False,
                "automargin": True,
            }
        )
    )
    short_names = {
        "fatigue": str(SideEffect.FATIGUE.label),
        "nausea": str(SideEffect.NAUSEA.label),
        "diarrhoea": str(SideEffect.DIARRHOEA.label),
        "skin_reaction": _("Sore skin (radiotherapy)"),
        "rash": str(SideEffect.RASH.label),
    }
    reported = [name for name in SIDE_EFFECT_FIELDS if any(getattr(c, name) for c in checkins)]
    if not reported:
        return _empty(fig, _("No side effects reported") if checkins else _("No check-ins yet"))
    for name in reported:
        values = [getattr(c, name) for c in checkins]
        fig["data"].append(
            scatter(
                x=x,
                y=values,
                name=short_names[name],
                mode="lines+markers",
                line={"color": SIDE_EFFECT_COLOURS[name], "width": 2},
                marker={"size": 6},
                customdata=[levels[v] for v in values],
                hovertemplate="%{customdata}",
            )
        )
    return fig


def walking_figure(checkins: Sequence, *, tz: tzinfo | None = None) -> Figure:
    """How the patient walked over time (as usual, unsteady, needs help, cannot), with falls marked."""
    # A check-in that left this section out draws nothing here.
    checkins = [c for c in checkins if getattr(c, "neuro_answered", True)]
    x = _times(checkins, tz)
    short = {
        Walking.NORMAL: _("As usual"),
        Walking.UNSTEADY: _("Unsteady"),
        Walking.NEEDS_AID: _("Needs help"),
        Walking.UNABLE: _("Cannot walk"),
    }
    fig = figure(
        _layout(
            yaxis={
                "range": [-0.3, 3.3],
                "tickvals": list(range(4)),
                "ticktext": [short[w] for w in Walking.values],
                "fixedrange": True,
                "gridcolor": "#e4e7eb",
                "zeroline": False,
                "automargin": True,
            }
        )
    )
    if not checkins:
        return _empty(fig, _("No check-ins yet"))
    fig["data"].append(
        scatter(
            x=x,
            y=[WALKING_ORDER[c.walking] for c in checkins],
            name=_("Walking"),
            mode="lines+markers",
            line={"color": WALKING_COLOUR, "width": 2, "shape": "hv"},
            marker={"size": 7},
            customdata=[short[c.walking] for c in checkins],
            hovertemplate="%{customdata}",
        )
    )
    falls = [(when, c) for when, c in zip(x, checkins, strict=True) if c.falls]
    if falls:
        fig["data"].append(
            scatter(
                x=[when for when, _c in falls],
                y=[WALKING_ORDER[c.walking] for _when, c in falls],
                name=_("Fall"),
                mode="markers",
                marker={"size": 14, "symbol": "x", "color": PAIN_WORST_COLOUR},
                customdata=[c.falls for _when, c in falls],
                hovertemplate=_("Falls: %{customdata}"),
            )
        )
    return fig


def history_charts(checkins: Sequence, *, tz: tzinfo | None = None) -> list[Chart]:
    """The three history charts for a list of check-ins (oldest first), ready for the charts include."""
    return [
        Chart(
            name="pain",
            title=_("Pain"),
            description=_("Pain now and the worst pain in the last 24 hours, 0 to 10, at each check-in."),
            figure_json=safe_json(pain_figure(checkins, tz=tz)),
        ),
        Chart(
            name="side_effects",
            title=_("Treatment side effects"),
            description=_("How bad each side effect was, from none to very severe, at each check-in."),
            figure_json=safe_json(side_effects_figure(checkins, tz=tz)),
        ),
        Chart(
            name="walking",
            title=_("Walking"),
            description=_("Walking at each check-in, from as usual to cannot walk; a cross marks a fall."),
            figure_json=safe_json(walking_figure(checkins, tz=tz)),
        ),
    ]
