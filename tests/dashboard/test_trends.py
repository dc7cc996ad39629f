"""The panel's pain direction and sparkline: pure functions, plain tables of cases."""

from datetime import UTC, datetime, timedelta

import pytest

from tracker.dashboard.trends import Direction, pain_trend, sparkline_svg, trend_words

T0 = datetime(2026, 11, 1, 8, tzinfo=UTC)


def series(*values, step_days=1):
    return [(T0 + timedelta(days=i * step_days), v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("values", "direction"),
    [
        ((), Direction.UNKNOWN),
        ((5,), Direction.UNKNOWN),
        ((2, 3, 4, 5), Direction.RISING),
        ((7, 6, 4, 3), Direction.FALLING),
        ((4, 5, 4, 5, 4), Direction.STEADY),
        # One bad day in the middle does not make the whole fortnight "rising".
        ((3, 3, 3, 9, 3, 3, 3), Direction.STEADY),
        # A change of exactly the important change (2 points) counts.
        ((3, 5), Direction.RISING),
        ((5, 4), Direction.STEADY),
    ],
)
def test_direction_compares_the_latest_reading_with_the_first_against_the_important_change(values, direction):
    assert pain_trend(series(*values), important_change=2).direction == direction


# Issue #17: the arrow sits next to "from <first> to <last>" and must agree with it, whatever came between.
@pytest.mark.parametrize(
    ("values", "direction", "words"),
    [
        # A fall from 9 to 3 after a bad week: a fitted line read "rising" (+4.8) here.
        ((9, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 3), Direction.FALLING, "falling from 9 to 3"),
        ((9, 0, 0, 0, 0, 0, 10, 10, 10, 10, 3), Direction.FALLING, "falling from 9 to 3"),
        ((9, 3), Direction.FALLING, "falling from 9 to 3"),
        # ... and a rise after a good week is a rise.
        ((2, 9, 9, 9, 1, 1, 1, 7), Direction.RISING, "rising from 2 to 7"),
        # Back where it started: steady, whatever the week between looked like (the sparkline shows it).
        ((4, 9, 9, 9, 4), Direction.STEADY, "steady from 4 to 4"),
        ((6, 5), Direction.STEADY, "steady from 6 to 5"),
        ((6, 4), Direction.FALLING, "falling from 6 to 4"),
        ((0, 10), Direction.RISING, "rising from 0 to 10"),
    ],
)
def test_the_arrow_agrees_with_the_first_and_latest_readings_it_is_shown_with(values, direction, words):
    trend = pain_trend(series(*values), important_change=2)
    assert trend.direction == direction
    assert trend_words(trend, days=14) == f"Worst pain over 14 days: {words}."
    assert trend.change == values[-1] - values[0]


def test_without_a_direction_the_words_say_why():
    trend = pain_trend(series(5), important_change=2)
    assert trend_words(trend, days=14) == "Worst pain over 14 days: too few check-ins to show a direction."


def test_trend_reports_first_last_count_and_the_fitted_change():
    trend = pain_trend(series(2, 4, 6), important_change=2)
    assert (trend.first, trend.last, trend.count, trend.change) == (2, 6, 3, 4.0)
    assert trend.arrow == "↑"


def test_readings_all_at_one_moment_have_no_direction():
    same = [(T0, 2), (T0, 8)]
    assert pain_trend(same, important_change=2).direction == Direction.UNKNOWN


def test_the_site_threshold_decides_what_counts_as_a_change():
    points = series(3, 4, 5)
    assert pain_trend(points, important_change=2).direction == Direction.RISING
    assert pain_trend(points, important_change=3).direction == Direction.STEADY


def test_sparkline_is_inline_svg_with_a_text_alternative_and_one_point_per_reading():
    svg = str(sparkline_svg(series(0, 10, 5), start=T0, end=T0 + timedelta(days=2), label="Pain <rising>"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="Pain &lt;rising&gt;"' in svg  # escaped, never raw markup
    polyline = svg.split('<polyline points="')[1].split('"')[0]
    points = [tuple(map(float, p.split(","))) for p in polyline.split()]
    assert len(points) == 3
    # Same vertical scale on every row: 10 is at the top padding, 0 at the bottom.
    assert points[1][1] == 3.0 and points[0][1] == 25.0
    # Time runs left to right across the whole width.
    assert points[0][0] == 3.0 and points[2][0] == 109.0


def test_sparkline_without_readings_draws_only_the_frame():
    svg = str(sparkline_svg([], start=T0, end=T0 + timedelta(days=14), label="No data"))
    assert "<polyline" not in svg and "<circle" not in svg and "<title>No data</title>" in svg
