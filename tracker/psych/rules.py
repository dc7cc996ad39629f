"""The questionnaire rules (docs/clinical.md "Alert rules"): ``distress`` and ``self_harm``, pure functions from
one screen (and thresholds) to findings. The evaluator (``tracker.psych.services.screen_findings``) and the
patient's immediate advice call the same :func:`evaluate_screen`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from tracker.alerts.rules import RULE_VERSION, Finding, Thresholds, code_words
from tracker.core.vocab import INSTRUMENT_NAMES, Instrument, RuleCode, Severity
from tracker.psych.scoring import (
    PHQ9_SELF_HARM_ITEM,
    instrument_of,
    positive_from,
    screen_band,
    screen_positive,
    screen_total,
)


def evaluate_screen(
    instrument: str,
    *,
    score: int | None = None,
    answers: Sequence[int] | None = None,
    t: Thresholds,
) -> list[Finding]:
    """docs/clinical.md ("Alert rules"), rules ``distress`` (routine) and ``self_harm`` (emergency).

    ``distress`` fires on a positive screen (:func:`screen_positive`). ``self_harm`` fires when PHQ-9
    item 9 is above 0, whatever the total. Returns the findings, most severe first; bad input raises
    ``ValueError`` (see :func:`screen_total`).
    """
    kind = instrument_of(instrument)
    total = screen_total(kind, score=score, answers=answers)
    evidence: dict[str, Any] = {
        "rule_version": RULE_VERSION,
        "instrument": kind.value,
        "total": total,
        "band": screen_band(kind, total),
    }
    if answers is not None:
        evidence["answers"] = list(answers)
    item9 = answers[PHQ9_SELF_HARM_ITEM - 1] if kind == Instrument.PHQ9 and answers is not None else None
    if item9 is not None:
        evidence["item9"] = item9

    findings: list[Finding] = []
    if item9:
        findings.append(
            Finding(
                rule=RuleCode.SELF_HARM.value,
                severity=Severity.EMERGENCY.value,
                summary=gettext("PHQ-9 item 9 (thoughts of death or self-harm) scored %(item9)s/3") % {"item9": item9},
                evidence=dict(evidence),
            )
        )
    if screen_positive(kind, total, t):
        findings.append(
            Finding(
                rule=RuleCode.DISTRESS.value,
                severity=Severity.ROUTINE.value,
                summary=gettext("Positive %(instrument)s screen: %(total)s (%(band)s)")
                % {"instrument": INSTRUMENT_NAMES[kind], "total": total, "band": code_words(evidence["band"])},
                evidence={**evidence, "positive_from": positive_from(kind, t)},
            )
        )
    return findings
