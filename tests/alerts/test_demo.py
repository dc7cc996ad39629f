"""The demo seeder: the stories' reports become alerts, old ones resolved, recent ones waiting."""

from tracker.accounts.demo import seed_demo
from tracker.alerts.models import Alert
from tracker.core.vocab import AlertStatus


def test_demo_evaluates_everything_and_leaves_only_recent_alerts_open(db):
    from tracker.alerts.evaluation import evaluators

    seed_demo()
    for model, _findings_for in evaluators().values():
        assert not model.objects.filter(evaluated_at__isnull=True).exists()
    assert Alert.objects.filter(status=AlertStatus.OPEN).exists()
    resolved = Alert.objects.filter(status=AlertStatus.RESOLVED)
    for alert in resolved:
        assert alert.created_at < alert.acknowledged_at <= alert.resolved_at
        assert alert.outcome and alert.resolution_note
    count = Alert.objects.count()
    seed_demo()  # safe to run twice
    assert Alert.objects.count() == count
