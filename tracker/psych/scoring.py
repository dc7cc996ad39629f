"""Questionnaire scoring (docs/clinical.md "Questionnaires", "What patients report"): totals, severity bands
and whether a screen is positive. Pure functions; ``tracker.psych.rules`` turns a screen into findings.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.alerts.rules import Thresholds
from tracker.core.vocab import Instrument

# Item 9 of the PHQ-9 ("thoughts that you would be better off dead, or of hurting yourself").
PHQ9_SELF_HARM_ITEM = 9

_SCREEN_ITEMS = {Instrument.PHQ9: 9, Instrument.GAD7: 7}
_SCREEN_ITEM_MAX = 3

# (lowest total of the band, band name), highest band first. docs/clinical.md ("What patients report").
_PHQ9_BANDS = ((20, "severe"), (15, "moderately_severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
_GAD7_BANDS = ((15, "severe"), (10, "moderate"), (5, "mild"), (0, "minimal"))
_SCREEN_MAX_TOTAL = {Instrument.DISTRESS_THERMOMETER: 10, Instrument.PHQ9: 27, Instrument.GAD7: 21}


def instrument_of(instrument: str) -> Instrument:
    try:
        return Instrument(instrument)
    except ValueError:
        raise ValueError(f"Unknown screening instrument {instrument!r}.") from None


def screen_total(instrument: str, *, score: int | None = None, answers: Sequence[int] | None = None) -> int:
    """The total of a screen (docs/clinical.md "Questionnaires").

    The distress thermometer takes ``score`` (0-10). PHQ-9 and GAD-7 take ``answers`` (exactly 9 or 7
    items, each 0-3) and total them. Incomplete or out-of-range input raises ``ValueError``: a PHQ-9 with
    8 answers is an error, not a lower score.
    """
    kind = instrument_of(instrument)
    if kind == Instrument.DISTRESS_THERMOMETER:
        if score is None or answers is not None:
            raise ValueError("The distress thermometer takes a score, not answers.")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise ValueError(f"Distress thermometer score must be 0-10, not {score!r}.")
        return score
    if answers is None or score is not None:
        raise ValueError(f"{kind.value} takes answers, not a score.")
    expected = _SCREEN_ITEMS[kind]
    if len(answers) != expected:
        raise ValueError(f"{kind.value} needs {expected} answers, got {len(answers)}.")
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= _SCREEN_ITEM_MAX:
            raise ValueError(f"Each {kind.value} answer must be 0-{_SCREEN_ITEM_MAX}, not {answer!r}.")
    return sum(answers)


def screen_band(instrument: str, total: int) -> str:
    """The severity band of a screen total (docs/clinical.md "What patients report").

    PHQ-9: minimal 0-4, mild 5-9, moderate 10-14, moderately_severe 15-19, severe 20-27.
    GAD-7: minimal 0-4, mild 5-9, moderate 10-14, severe 15-21.
    Distress thermometer: low below 4, significant from 4 (the published NCCN cut-off; the alert itself
    uses the configurable ``distress_thermometer_positive``).
    """
    kind = instrument_of(instrument)
    if not 0 <= total <= _SCREEN_MAX_TOTAL[kind]:
        raise ValueError(f"{kind.value} total must be 0-{_SCREEN_MAX_TOTAL[kind]}, not {total!r}.")
    if kind == Instrument.DISTRESS_THERMOMETER:
        return "significant" if total >= Thresholds.distress_thermometer_positive else "low"
    bands = _PHQ9_BANDS if kind == Instrument.PHQ9 else _GAD7_BANDS
    return next(name for lowest, name in bands if total >= lowest)


def positive_from(kind: Instrument, t: Thresholds) -> int:
    return {
        Instrument.DISTRESS_THERMOMETER: t.distress_thermometer_positive,
        Instrument.PHQ9: t.phq9_positive,
        Instrument.GAD7: t.gad7_positive,
    }[kind]


def screen_positive(instrument: str, total: int, t: Thresholds) -> bool:
    """Whether a screen total is positive for the ``distress`` rule (docs/clinical.md "Alert rules").

    Distress thermometer >= 4, PHQ-9 >= 10, GAD-7 >= 10 by default.
    """
    return total >= positive_from(instrument_of(instrument), t)
