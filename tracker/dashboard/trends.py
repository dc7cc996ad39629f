"""Pure helpers for the panel: the direction of a pain series and its inline SVG sparkline.

No I/O here: the panel loads every visible row's 14 days of pain in one query and hands each
patient's points to these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PAIN_MAX = 10


class Direction(models.TextChoices):
    RISING = "rising", _("Rising")
    FALLING = "falling", _("Falling")
    STEADY = "steady", _("Steady")
    UNKNOWN = "unknown", _("Too few check-ins")


# What each direction is drawn with in text (never colour alone).
ARROWS = {Direction.RISING: "↑", Direction.FALLING: "↓", Direction.STEADY: "→", Direction.UNKNOWN: "·"}


@dataclass(frozen=True)
class Trend:
    direction: Direction
    change: float | None  # the latest reading minus the first, in pain points
    first: int | None
    last: int | None
    count: int

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]


def pain_trend(points: Sequence[tuple[datetime, int]], *, important_change: int) -> Trend:
    """Direction of pain over the points (oldest first): from the first reading to the latest.

    The arrow sits next to "from 9 to 3", so it must say what those numbers say: the latest reading
    minus the first, rising or falling when it differs by at least ``important_change`` points (Farrar
    2001: about 2 points is clinically important; the site's ``pain_rise_points`` threshold), steady when
    less. (A least-squares line, used before, could read "rising" for a fall from 9 to 3 when a bad week
    came between.) A bad day between the two ends changes nothing; the sparkline beside shows it. Fewer
    than two points, or all at one moment, is unknown.
    """
    count = len(points)
    if count == 0:
        return Trend(Direction.UNKNOWN, None, None, None, 0)
    first, last = points[0][1], points[-1][1]
    if count < 2 or points[0][0] == points[-1][0]:
        return Trend(Direction.UNKNOWN, None, first, last, count)
    change = float(last - first)
    if change >= important_change:
        direction = Direction.RISING
    elif change <= -important_change:
        direction = Direction.FALLING
    else:
        direction = Direction.STEADY
    return Trend(direction, change, first, last, count)


def trend_words(trend: Trend, *, days: int) -> str:
    """What the arrow measures, in the words a nurse would say: "Worst pain over 14 days: falling from 9
    to 3." (the panel's title and screen-reader text next to the arrow)."""
    if trend.direction == Direction.UNKNOWN:
        return gettext("Worst pain over %(days)s days: too few check-ins to show a direction.") % {"days": days}
    return gettext("Worst pain over %(days)s days: %(direction)s from %(first)s to %(last)s.") % {
        "days": days,
        "direction": str(trend.direction.label).lower(),
        "first": trend.first,
        "last": trend.last,
    }


def sparkline_svg(
    points: Sequence[tuple[datetime, int]],
    *,
    start: datetime,
    end: datetime,
    label: str,
    width: int = 112,
    height: int = 28,
    severe: int = 7,
) -> SafeString:
    """A small inline SVG of pain 0-10 between ``start`` and ``end`` (same scale on every row).

    The shaded band is the severe range (``severe``-10). ``label`` is the text alternative, read by
    screen readers in place of the picture.
    """
    pad = 3
    span = max((end - start).total_seconds(), 1.0)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def x_of(moment: datetime) -> float:
        return round(pad + inner_w * min(max((moment - start).total_seconds() / span, 0.0), 1.0), 1)

    def y_of(value: float) -> float:
        return round(pad + inner_h * (1 - min(max(value, 0), PAIN_MAX) / PAIN_MAX), 1)

    band_y = y_of(PAIN_MAX)
    band_h = round(y_of(severe) - band_y, 1)
    # Every number below is computed here (ints and rounded floats), so only the label needs escaping;
    # plain f-strings keep a panel page of sparklines cheap.
    shapes = [
        f'<rect x="{pad}" y="{band_y}" width="{inner_w}" height="{band_h}" class="spark-band"/>',
        f'<line x1="{pad}" y1="{y_of(0)}" x2="{width - pad}" y2="{y_of(0)}" class="spark-axis"/>',
    ]
    coords = [(x_of(moment), y_of(value)) for moment, value in points]
    if len(coords) > 1:
        shapes.append(f'<polyline points="{" ".join(f"{x},{y}" for x, y in coords)}" class="spark-line"/>')
    if coords:
        x, y = coords[-1]
        shapes.append(f'<circle cx="{x}" cy="{y}" r="2.5" class="spark-dot"/>')
    label = escape(label)
    return mark_safe(  # noqa: S308 - numbers we computed, and the escaped label
        f'<svg class="sparkline" width="{int(width)}" height="{int(height)}" viewBox="0 0 {int(width)} {int(height)}" '
        f'role="img" aria-label="{label}"><title>{label}</title>{"".join(shapes)}</svg>'
    )
