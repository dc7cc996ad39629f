"""Plotly figures as plain JSON: the building blocks every app's charts module uses.

A figure is plotly's JSON built as plain dicts and lists ({"data": [traces with "type"], "layout": {...}}),
not ``plotly.graph_objects``: validating through graph objects and serialising back cost more than the rest
of a page. tests/dashboard/test_plotly_figures.py passes every figure the app builds through ``go.Figure``
so plotly's validator still rejects a misspelt or invalid property.

Two templates: ``TEMPLATE_NONE`` (no styling beyond the figure's own; the patient and timeline charts) and
``TEMPLATE_PLOTLY``, plotly's default, which ``go.Figure`` puts in ``layout.template`` when a figure names
none (the rehab, psych and alert statistics charts keep the look they had with graph objects). It is read
once from the pinned plotly package's own copy (about 7 kB of JSON), which is what
``plotly.io.templates["plotly"]`` loads, without building graph objects for it.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import plotly
from django.utils import timezone

# What plotly's own template "none" serialises to: no styling beyond the figure's own (its default template
# would add some 10 kB to every figure).
TEMPLATE_NONE = {"data": {"scatter": [{"type": "scatter"}]}}
TEMPLATE_PLOTLY = json.loads(
    (Path(plotly.__file__).parent / "package_data" / "templates" / "plotly.json").read_text(encoding="utf-8")
)

Figure = dict[str, Any]  # plotly JSON of one figure: {"data": [...], "layout": {...}}, plain JSON types only


def figure(layout: dict, data: list | None = None) -> Figure:
    return {"data": data or [], "layout": layout}


def scatter(**attributes) -> dict:
    return {"type": "scatter", **attributes}


def wall_clock(moment: datetime, tz: tzinfo | None = None) -> str:
    """A moment as the wall-clock time of `tz` (default: the current time zone), without an offset.

    plotly.js draws a time without an offset as written, so the chart's time axis reads as the clock on
    the patient's or nurse's wall did."""
    return timezone.localtime(moment, tz).replace(tzinfo=None).isoformat()


def hrect(*, y0: float, y1: float, **style) -> dict:
    """A band across the whole width of the plot, as plotly's ``add_hrect`` draws it."""
    return {"type": "rect", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y0, "y1": y1, **style}


def hline(*, y: float, **style) -> dict:
    """A line across the whole width of the plot, as plotly's ``add_hline`` draws it."""
    return {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y, **style}


def centred_note(message: str) -> dict:
    """An annotation in the middle of an empty plot."""
    return {
        "text": message,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": 15, "color": "#4a4a4a"},
    }


def safe_json(fig: Figure) -> str:
    """The figure's JSON, with <, > and & escaped so it cannot close the <script> element holding it.

    ``json.dumps`` refuses anything that is not plain JSON (a lazy translation, a datetime), so nothing
    unexpected reaches the page."""
    text = json.dumps(fig, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
