"""The exercise rule (docs/clinical.md "Alert rules"): ``exercise_pain``, a pure function from one exercise log's
pain scores (and thresholds) to a finding. The evaluator is ``tracker.rehab.evaluation.exercise_log_findings``.
"""

from __future__ import annotations

from django.utils.translation import gettext

from tracker.alerts.rules import RULE_VERSION, Finding, Thresholds
from tracker.core.vocab import PAIN_MAX, PAIN_MIN, RuleCode, Severity


def exercise_pain(*, pain_before: int, pain_during: int, t: Thresholds) -> Finding | None:
    """docs/clinical.md ("Alert rules"), rule ``exercise_pain`` (routine, routed to the therapist).

    Fires when ``pain_during`` >= ``exercise_pain_during`` (7) or ``pain_during`` >= ``pain_before`` +
    ``exercise_pain_rise`` (3).
    """
    for name, value in (("pain_before", pain_before), ("pain_during", pain_during)):
        if not PAIN_MIN <= value <= PAIN_MAX:
            raise ValueError(f"{name} must be between {PAIN_MIN} and {PAIN_MAX}, not {value!r}.")
    reasons = []
    if pain_during >= t.exercise_pain_during:
        reasons.append("severe_during")
    if pain_during >= pain_before + t.exercise_pain_rise:
        reasons.append("rise")
    if not reasons:
        return None
    return Finding(
        rule=RuleCode.EXERCISE_PAIN.value,
        severity=Severity.ROUTINE.value,
        summary=gettext("Pain %(during)s/10 during exercise (%(before)s/10 before)")
        % {"during": pain_during, "before": pain_before},
        evidence={
            "rule_version": RULE_VERSION,
            "pain_before": pain_before,
            "pain_during": pain_during,
            "reasons": reasons,
        },
    )
