"""Plotly's default template ("plotly") as plain JSON, for figures built as dicts that keep the look they had
when ``plotly.graph_objects`` built them: plotly's colour sequence, grid and axis colours, hover labels.

``go.Figure`` puts this template in ``layout.template`` when a figure names none. It is read once from the
pinned plotly package's own copy (about 7 kB of JSON), which is what ``plotly.io.templates["plotly"]``
loads, without building graph objects for it. tests/dashboard/test_plotly_figures.py checks the two agree.

Figures that want no styling beyond their own use ``tracker.symptoms.charts.TEMPLATE_NONE`` instead.
"""

import json
from pathlib import Path

import plotly

TEMPLATE_PLOTLY = json.loads(
    (Path(plotly.__file__).parent / "package_data" / "templates" / "plotly.json").read_text(encoding="utf-8")
)
