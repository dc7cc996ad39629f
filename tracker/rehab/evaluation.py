"""How the red-flag engine judges an exercise log: the pure `exercise_pain` rule (docs/clinical.md "Alert rules")."""

from tracker.alerts import rules as alert_rules


def exercise_log_findings(log) -> list[alert_rules.Finding]:
    """Findings for one exercise log: `exercise_pain` (routine, routed to the therapist) or nothing."""
    finding = alert_rules.exercise_pain(
        pain_before=log.pain_before, pain_during=log.pain_during, t=alert_rules.thresholds_from_settings()
    )
    return [finding] if finding is not None else []
