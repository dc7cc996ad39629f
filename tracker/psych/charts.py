"""The questionnaire totals chart of the staff patient page, built on the server as plotly JSON.

Plain dicts, built with ``tracker.core.figures`` (which says why), with plotly's default
template spelt out so the chart looks as it did when graph objects built it.
tests/dashboard/test_plotly_figures.py passes it through ``go.Figure`` so plotly still validates it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from tracker.core.figures import TEMPLATE_PLOTLY, Figure, figure, safe_json, scatter, wall_clock
from tracker.core.vocab import Instrument
from tracker.psych.models import Screen
from tracker.psych.selectors import INSTRUMENT_ORDER


def screen_totals_figure(screens: Sequence[Screen]) -> Figure | None:
    """One line per questionnaire of its totals over time (any order in); None when there are no screens."""
    if not screens:
        return None
    data = []
    for instrument in INSTRUMENT_ORDER:
        points = sorted((s.recorded_at, s.total) for s in screens if s.instrument == instrument)
        if points:
            data.append(
                scatter(
                    x=[wall_clock(when) for when, _total in points],
                    y=[total for _when, total in points],
                    mode="lines+markers",
                    name=str(Instrument(instrument).label),
                )
            )
    layout = {
        "template": TEMPLATE_PLOTLY,
        "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
        "height": 280,
        "legend": {"orientation": "h"},
        "yaxis": {"title": {"text": _("Total")}, "rangemode": "tozero"},
    }
    return figure(layout, data)


def screen_chart(screens: Sequence[Screen]) -> str | None:
    """The figure as JSON safe inside <script type="application/json">; None when there is nothing to draw."""
    fig = screen_totals_figure(screens)
    return None if fig is None else safe_json(fig)
