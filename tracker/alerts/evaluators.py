"""The check-in evaluator: loads what the pure rules need and calls them (registered in AlertsConfig.ready)."""

from datetime import timedelta

from tracker.alerts import rules


def checkin_findings(checkin) -> list[rules.Finding]:
    """Findings for one check-in, judged against the patient's earlier check-ins by ``recorded_at``.

    A late check-in (sent from a phone that was offline) is compared with the check-ins recorded
    before it, not with those that arrived before it. Two queries: the baseline window, and the
    previous check-in when the window is empty.
    """
    from tracker.symptoms.models import CheckIn

    t = rules.thresholds_from_settings()
    earlier_rows = CheckIn.objects.filter(patient_id=checkin.patient_id, recorded_at__lt=checkin.recorded_at).exclude(
        pk=checkin.pk
    )
    window = list(
        earlier_rows.filter(recorded_at__gte=checkin.recorded_at - timedelta(days=t.pain_baseline_days)).order_by(
            "recorded_at", "pk"
        )
    )
    if not window:
        latest = earlier_rows.order_by("-recorded_at", "-pk").first()
        window = [latest] if latest is not None else []
    return rules.evaluate_checkin(checkin.to_facts(), [row.to_facts() for row in window], t)
