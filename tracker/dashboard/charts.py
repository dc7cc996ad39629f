"""Plotly figures for the patient timeline, built on the server from rows already loaded (no queries here).

Pain and side effects are the symptoms app's figures (``tracker.symptoms.charts``); this module adds
neurological status, screens, exercise pain and adherence. Every chart shares the period's time axis (in
the site's local time, as the symptoms charts draw it), so the charts line up one above the other, and
carries the period's alerts as dashed vertical lines with a hover marker (:func:`mark_alerts`).

Figures are plotly JSON as plain dicts, as in the symptoms app (see its module docstring for why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.core.figures import TEMPLATE_NONE, Figure, centred_note, figure, hline, scatter, wall_clock
from tracker.core.vocab import WALKING_ORDER, WEAKNESS_ORDER, Bladder, Bowel, Instrument, Limb, Severity, Walking
from tracker.core.vocab import WeaknessLevel as Weakness
from tracker.symptoms.charts import pain_figure, side_effects_figure

SEVERITY_COLOURS = {Severity.EMERGENCY: "#b00020", Severity.URGENT: "#8a4b00", Severity.ROUTINE: "#0b5cad"}
SCREEN_COLOURS = {Instrument.DISTRESS_THERMOMETER: "#6a3d9a", Instrument.PHQ9: "#0b5cad", Instrument.GAD7: "#1b6e2d"}
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14, "color": "#1a1a1a"}
GRID = "#e4e7eb"


@dataclass(frozen=True)
class AlertMark:
    at: datetime
    severity: str
    label: str


@dataclass(frozen=True)
class Chart:
    """One chart of the timeline: a DOM-safe key, a heading, a one-sentence text alternative and the figure."""

    key: str
    title: str
    description: str
    figure: Figure

    @property
    def figure_dict(self) -> Figure:
        """Plain JSON types already, for ``json_script`` (which escapes <, > and & for the page)."""
        return self.figure


def _layout(*, height: int = 280, **extra) -> dict:
    layout = {
        "template": TEMPLATE_NONE,
        "height": height,
        "margin": {"l": 44, "r": 12, "t": 12, "b": 40},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        "hovermode": "closest",
        "dragmode": False,
        "xaxis": {"type": "date", "fixedrange": True, "showgrid": False, "tickformat": "%d %b", "automargin": True},
    }
    layout.update(extra)
    return layout


def fit_period(fig: Figure, *, start: datetime, end: datetime) -> Figure:
    """Show exactly the chosen period on the time axis, so every chart of the page lines up."""
    fig["layout"]["xaxis"].update(range=[wall_clock(start), wall_clock(end)], type="date")
    return fig


def mark_alerts(fig: Figure, marks: Sequence[AlertMark]) -> Figure:
    """Each alert as a dashed vertical line at the time of the report, with a hoverable triangle on top."""
    if not marks:
        return fig
    fig["layout"].setdefault("shapes", []).extend(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": wall_clock(mark.at),
            "x1": wall_clock(mark.at),
            "y0": 0,
            "y1": 1,
            "line": {"color": SEVERITY_COLOURS.get(mark.severity, "#4a4a4a"), "width": 2, "dash": "dash"},
            "layer": "above",
        }
        for mark in marks
    )
    fig["data"].append(
        scatter(
            x=[wall_clock(m.at) for m in marks],
            y=[1] * len(marks),
            yaxis="y9",
            mode="markers",
            name=_("Alerts"),
            marker={
                "symbol": "triangle-down",
                "size": 13,
                "color": [SEVERITY_COLOURS.get(m.severity, "#4a4a4a") for m in marks],
            },
            hovertext=[m.label for m in marks],
            hoverinfo="text+x",
        )
    )
    fig["layout"]["yaxis9"] = {"overlaying": "y", "range": [0, 1.05], "visible": False, "fixedrange": True}
    return fig


def _empty(fig: Figure, message: str) -> None:
    fig["layout"].setdefault("annotations", []).append(centred_note(message))


# --------------------------------------------------------------------------------------------------
# Neurological status
# --------------------------------------------------------------------------------------------------

_BLADDER_RANK = {Bladder.NORMAL: 0, Bladder.URGENCY: 1, Bladder.RETENTION: 3, Bladder.INCONTINENCE: 3}
_BOWEL_RANK = {Bowel.NORMAL: 0, Bowel.CONSTIPATION: 1, Bowel.INCONTINENCE: 3}


def _neuro_words() -> dict:
    """The plain words of the grid, translated once per figure rather than once per check-in."""
    return {
        "limbs": [(limb, str(label)) for limb, label in Limb.choices],
        "weakness": {level: str(label) for level, label in Weakness.choices},
        "walking": {level: str(label) for level, label in Walking.choices},
        "bladder": {level: str(label) for level, label in Bladder.choices},
        "bowel": {level: str(label) for level, label in Bowel.choices},
        "rows": {"walking": _("Walking"), "bladder": _("Bladder"), "bowel": _("Bowels"), "numbness": _("Numbness")},
        "none": _("None"),
    }


def _neuro_rows(checkin, words: dict) -> dict[str, tuple[int, str]]:
    """Each neurological row of one check-in as (0-3 for the colour, the plain words for the hover)."""
    rows = {}
    for limb, label in words["limbs"]:
        level = getattr(checkin, f"weakness_{limb}")
        rows[label] = (WEAKNESS_ORDER.get(level, 0), words["weakness"].get(level, str(level)))
    names = words["rows"]
    rows[names["walking"]] = (WALKING_ORDER.get(checkin.walking, 0), words["walking"].get(checkin.walking, ""))
    rows[names["bladder"]] = (_BLADDER_RANK.get(checkin.bladder, 0), words["bladder"].get(checkin.bladder, ""))
    rows[names["bowel"]] = (_BOWEL_RANK.get(checkin.bowel, 0), words["bowel"].get(checkin.bowel, ""))
    numb = list(checkin.numbness or [])
    # Saddle numbness is a cauda equina sign: always the darkest cell.
    rank = 3 if "saddle" in numb else min(len(numb), 2)
    rows[names["numbness"]] = (rank, ", ".join(numb) if numb else words["none"])
    return rows


def neuro_figure(checkins: Sequence, *, start: datetime, end: datetime) -> Figure:
    """A status grid: a row per limb's strength, walking, bladder, bowels and numbness; darker is worse."""
    fig = figure(_layout(height=320, yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True}))
    if not checkins:
        _empty(fig, _("No check-ins in this period"))
        return fit_period(fig, start=start, end=end)
    words = _neuro_words()
    ranked = [_neuro_rows(c, words) for c in checkins]
    names = list(ranked[0])
    fig["data"].append(
        {
            "type": "heatmap",
            "x": [wall_clock(c.recorded_at) for c in checkins],
            "y": names,
            "z": [[r[name][0] for r in ranked] for name in names],
            "text": [[r[name][1] for r in ranked] for name in names],
            "hovertemplate": "%{y}: %{text}<br>%{x|%d %b %H:%M}<extra></extra>",
            "zmin": 0,
            "zmax": 3,
            "colorscale": [[0, "#f1f3f5"], [0.33, "#ffd166"], [0.66, "#f08c00"], [1, "#b00020"]],
            "colorbar": {
                "tickvals": [0, 1, 2, 3],
                "ticktext": [_("Normal"), _("Mild"), _("Moderate"), _("Severe")],
                "thickness": 12,
            },
            "xgap": 1,
            "ygap": 1,
        }
    )
    return fit_period(fig, start=start, end=end)


# --------------------------------------------------------------------------------------------------
# Screens and exercise
# --------------------------------------------------------------------------------------------------


def screens_figure(screens: Iterable, *, start: datetime, end: datetime, cutoffs: dict[str, int]) -> Figure:
    """Distress thermometer, PHQ-9 and GAD-7 totals, each with its positive-screen cut-off as a dotted line."""
    by_instrument: dict[str, list] = {}
    for screen in screens:
        by_instrument.setdefault(screen.instrument, []).append(screen)
    fig = figure(
        _layout(yaxis={"range": [0, 27.5], "fixedrange": True, "title": {"text": _("Total")}, "gridcolor": GRID})
    )
    cutoff_lines = []
    if not by_instrument:
        _empty(fig, _("No questionnaires in this period"))
    for code, label in Instrument.choices:
        rows = sorted(by_instrument.get(code, []), key=lambda s: s.recorded_at)
        colour = SCREEN_COLOURS[code]
        if rows:
            fig["data"].append(
                scatter(
                    x=[wall_clock(s.recorded_at) for s in rows],
                    y=[s.total for s in rows],
                    mode="lines+markers",
                    name=str(label),
                    line={"color": colour, "width": 2},
                    hovertemplate="%{y}<extra>" + str(label) + "</extra>",
                )
            )
            if code in cutoffs:
                cutoff_lines.append(
                    hline(y=cutoffs[code], line={"color": colour, "dash": "dot", "width": 1}, layer="below")
                )
    if cutoff_lines:
        fig["layout"]["shapes"] = cutoff_lines
    return fit_period(fig, start=start, end=end)


def exercise_pain_figure(points: Sequence, *, start: datetime, end: datetime, severe: int) -> Figure:
    """Pain before and during each logged exercise (0-10); the dotted line is the exercise-pain alert level."""
    fig = figure(
        _layout(yaxis={"range": [-0.3, 10.3], "tickvals": list(range(0, 11, 2)), "fixedrange": True, "gridcolor": GRID})
    )
    if not points:
        _empty(fig, _("No exercises logged in this period"))
        return fit_period(fig, start=start, end=end)
    x = [wall_clock(p.recorded_at) for p in points]
    names = [p.exercise for p in points]
    fig["data"] = [
        scatter(
            x=x,
            y=[p.pain_before for p in points],
            name=_("Before"),
            mode="markers",
            marker={"color": "#0b5cad", "size": 8},
            customdata=names,
            hovertemplate="%{customdata}: %{y}/10<extra></extra>",
        ),
        scatter(
            x=x,
            y=[p.pain_during for p in points],
            name=_("During"),
            mode="markers",
            marker={"color": "#b00020", "size": 9, "symbol": "triangle-up"},
            customdata=names,
            hovertemplate="%{customdata}: %{y}/10<extra></extra>",
        ),
    ]
    fig["layout"]["shapes"] = [hline(y=severe, line={"color": "#b00020", "dash": "dot", "width": 1}, layer="below")]
    return fit_period(fig, start=start, end=end)


def adherence_figure(weeks: Sequence, *, start: datetime, end: datetime) -> Figure:
    """Share of each week's prescribed exercises done (weeks with nothing prescribed are left out)."""
    shown = [w for w in weeks if w.percent is not None]
    fig = figure(
        _layout(yaxis={"range": [0, 105], "ticksuffix": "%", "fixedrange": True, "gridcolor": GRID}, showlegend=False)
    )
    if not shown:
        _empty(fig, _("No exercises prescribed in this period"))
        return fit_period(fig, start=start, end=end)
    fig["data"].append(
        {
            "type": "bar",
            "x": [_week_middle(w.week_start) for w in shown],
            "y": [w.percent for w in shown],
            "customdata": [[w.done, w.prescribed] for w in shown],
            "name": _("Exercises done"),
            "marker": {"color": "#1b6e2d"},
            "width": [5 * 24 * 3600 * 1000] * len(shown),
            "hovertemplate": _("%{y}% (%{customdata[0]} of %{customdata[1]})") + "<extra></extra>",
        }
    )
    return fit_period(fig, start=start, end=end)


def _week_middle(monday: date) -> str:
    """The middle of the week (Thursday noon), where its bar is centred."""
    return f"{(monday + timedelta(days=3)).isoformat()}T12:00:00"


# --------------------------------------------------------------------------------------------------
# The timeline's charts, in the order each role reads them
# --------------------------------------------------------------------------------------------------

CHART_ORDER = {
    "therapist": ("exercise_pain", "adherence", "pain", "neuro", "side_effects", "screens"),
    "psychologist": ("screens", "pain", "neuro", "side_effects", "adherence", "exercise_pain"),
}
DEFAULT_ORDER = ("pain", "neuro", "side_effects", "screens", "exercise_pain", "adherence")


def alert_marks(alerts: Iterable, *, start: datetime, end: datetime) -> list[AlertMark]:
    return [
        AlertMark(
            at=alert.reported_at,
            severity=alert.severity,
            label=f"{alert.get_severity_display()}: {alert.get_rule_display()}",
        )
        for alert in alerts
        if start <= alert.reported_at < end
    ]


def timeline_charts(timeline, *, start: datetime, end: datetime, role: str, thresholds) -> list[Chart]:
    """The timeline's charts for one patient and period, each with the period's alerts marked."""
    checkins = timeline.checkins
    n = len(checkins)
    tz = timezone.get_current_timezone()

    def pain() -> Chart:
        return Chart(
            "pain",
            _("Pain"),
            ngettext(
                "Pain now and at worst in 24 hours from %(n)s check-in, shaded mild, moderate and severe.",
                "Pain now and at worst in 24 hours from %(n)s check-ins, shaded mild, moderate and severe.",
                n,
            )
            % {"n": n},
            fit_period(pain_figure(checkins, tz=tz), start=start, end=end),
        )

    def neuro() -> Chart:
        return Chart(
            "neuro",
            _("Neurological status"),
            ngettext(
                "Limb strength, walking, bladder, bowels and numbness at %(n)s check-in; darker is worse.",
                "Limb strength, walking, bladder, bowels and numbness at each of %(n)s check-ins; darker is worse.",
                n,
            )
            % {"n": n},
            neuro_figure(checkins, start=start, end=end),
        )

    def side_effects() -> Chart:
        return Chart(
            "side_effects",
            _("Treatment side effects"),
            ngettext(
                "How bad each side effect was, from none to very severe, at %(n)s check-in.",
                "How bad each side effect was, from none to very severe, at each of %(n)s check-ins.",
                n,
            )
            % {"n": n},
            fit_period(side_effects_figure(checkins, tz=tz), start=start, end=end),
        )

    def screens() -> Chart:
        return Chart(
            "screens",
            _("Distress, PHQ-9 and GAD-7"),
            ngettext(
                "Total of %(n)s questionnaire; the dotted lines are the cut-offs for a positive screen.",
                "Totals of %(n)s questionnaires; the dotted lines are the cut-offs for a positive screen.",
                len(timeline.screens),
            )
            % {"n": len(timeline.screens)},
            screens_figure(
                timeline.screens,
                start=start,
                end=end,
                cutoffs={
                    Instrument.DISTRESS_THERMOMETER: thresholds.distress_thermometer_positive,
                    Instrument.PHQ9: thresholds.phq9_positive,
                    Instrument.GAD7: thresholds.gad7_positive,
                },
            ),
        )

    def exercise_pain() -> Chart:
        return Chart(
            "exercise_pain",
            _("Pain with exercise"),
            ngettext(
                "Pain before and during %(n)s logged exercise, 0 to 10.",
                "Pain before and during each of %(n)s logged exercises, 0 to 10.",
                len(timeline.exercise_pain),
            )
            % {"n": len(timeline.exercise_pain)},
            exercise_pain_figure(timeline.exercise_pain, start=start, end=end, severe=thresholds.exercise_pain_during),
        )

    def adherence() -> Chart:
        return Chart(
            "adherence",
            _("Exercise adherence"),
            _("Share of each week's prescribed exercises that were done."),
            adherence_figure(timeline.adherence, start=start, end=end),
        )

    builders = {
        "pain": pain,
        "neuro": neuro,
        "side_effects": side_effects,
        "screens": screens,
        "exercise_pain": exercise_pain,
        "adherence": adherence,
    }
    marks = alert_marks(timeline.alerts, start=start, end=end)
    return [
        Chart(c.key, c.title, c.description, mark_alerts(c.figure, marks))
        for c in (builders[key]() for key in CHART_ORDER.get(role, DEFAULT_ORDER))
    ]
