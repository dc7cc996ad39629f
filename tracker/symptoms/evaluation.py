"""How the red-flag engine judges a check-in: the pure check-in rules (docs/clinical.md "Alert rules")
against the patient's earlier check-ins. Registered in SymptomsConfig.ready()."""

from tracker.alerts.rules import Finding, thresholds_from_settings
from tracker.symptoms.rules import evaluate_checkin
from tracker.symptoms.selectors import checkin_history_facts


def checkin_findings(checkin) -> list[Finding]:
    """Findings for one check-in, judged against the patient's earlier check-ins by ``recorded_at``.

    A late check-in (sent from a phone that was offline) is compared with the check-ins recorded
    before it, not with those that arrived before it. The same history read as the patient's advice
    (``checkin_history_facts``): one query, two when the 7-day window is empty.
    """
    t = thresholds_from_settings()
    earlier = checkin_history_facts(checkin.patient_id, before=checkin.recorded_at, thresholds=t)
    return evaluate_checkin(checkin.to_facts(), earlier, t)
