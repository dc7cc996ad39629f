"""How the red-flag engine judges an exercise log: the pure `exercise_pain` rule (docs/clinical.md "Alert rules")."""

from tracker.alerts.rules import Finding, thresholds_from_settings
from tracker.rehab.pain_rules import exercise_pain


def exercise_log_findings(log) -> list[Finding]:
    """Findings for one exercise log: `exercise_pain` (routine, routed to the therapist) or nothing."""
    finding = exercise_pain(pain_before=log.pain_before, pain_during=log.pain_during, t=thresholds_from_settings())
    return [finding] if finding is not None else []
