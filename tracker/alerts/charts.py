"""The chart of the alert statistics page, built on the server as plotly JSON (drawn by the served plotly.js).

Plain dicts, built with ``tracker.core.figures`` (which says why), with plotly's default
template spelt out so the chart looks as it did when graph objects built it.
tests/dashboard/test_plotly_figures.py passes it through ``go.Figure`` so plotly still validates it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tracker.core.figures import TEMPLATE_PLOTLY, Figure, figure

if TYPE_CHECKING:
    from tracker.alerts.stats import AlertStatistics


def stats_figure(stats: AlertStatistics) -> Figure | None:
    """Horizontal bars of alerts per 100 check-ins by rule, first rule on top; None when there were no
    check-ins in the period (no rate to draw). Plain JSON types, for the template's ``json_script``."""
    rows = [r for r in stats.rules if r.per_100_checkins is not None]
    if not rows:
        return None
    bars = {
        "type": "bar",
        "x": [round(r.per_100_checkins, 2) for r in rows],
        "y": [r.label for r in rows],
        "orientation": "h",
        "marker": {"color": "#0b5cad"},
        "hovertemplate": "%{y}: %{x}<extra></extra>",
    }
    layout = {
        "template": TEMPLATE_PLOTLY,
        "title": {"text": _("Alerts per 100 check-ins")},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 30},
        "height": 80 + 36 * len(rows),
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": {"rangemode": "tozero"},
    }
    return figure(layout, [bars])
