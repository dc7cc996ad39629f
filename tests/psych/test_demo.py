import pytest

from tracker.accounts.demo import seed_accounts
from tracker.alerts.services import submissions_evaluate_pending
from tracker.psych import demo
from tracker.psych.models import ContentDelivery, ProgrammeAssignment, Referral, Screen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


def test_demo_seed_is_safe_to_run_twice_and_has_the_promised_cases():
    import random

    patients, staff = seed_accounts()
    first = demo.seed(patients=patients, staff=staff, now=None, rng=random.Random(2026))
    counts = (
        Screen.objects.count(),
        ProgrammeAssignment.objects.count(),
        Referral.objects.count(),
        ContentDelivery.objects.count(),
    )
    second = demo.seed(patients=patients, staff=staff, now=None, rng=random.Random(2026))
    assert counts == (
        Screen.objects.count(),
        ProgrammeAssignment.objects.count(),
        Referral.objects.count(),
        ContentDelivery.objects.count(),
    )
    assert second.startswith("0 screens added, 0 programmes assigned, 0 referral")
    assert "120 screens added" in first or Screen.objects.count() > 100
    assert Screen.objects.filter(self_harm=True, patient__user__username="patient3").exists()
    assert Screen.objects.filter(positive=True).values("patient").distinct().count() >= 3
    assert Referral.objects.filter(contacted_at__isnull=False).count() == 1
    assert ProgrammeAssignment.objects.count() == 3
    assert {s.patient.user.username for s in Screen.objects.select_related("patient__user")} == {
        p.user.username for p in patients
    }
    submissions_evaluate_pending()
    assert not Screen.objects.filter(evaluated_at__isnull=True).exists()
