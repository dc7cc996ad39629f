"""The check-in evaluator: loads what the pure rules need and calls them (registered in AlertsConfig.ready)."""

from tracker.alerts import rules


def checkin_findings(checkin) -> list[rules.Finding]:
    """Findings for one check-in, judged against the patient's earlier check-ins by ``recorded_at``.

    A late check-in (sent from a phone that was offline) is compared with the check-ins recorded
    before it, not with those that arrived before it. The same history read as the patient's advice
    (``checkin_history_facts``): one query, two when the 7-day window is empty.
    """
    from tracker.symptoms.selectors import checkin_history_facts

    t = rules.thresholds_from_settings()
    earlier = checkin_history_facts(checkin.patient_id, before=checkin.recorded_at, thresholds=t)
    return rules.evaluate_checkin(checkin.to_facts(), earlier, t)
