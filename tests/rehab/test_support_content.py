"""The day's support content from the psych programme, on the same "today" page as the exercises."""

import pytest
from django.utils import timezone

from tests.rehab.conftest import prescribe, spec
from tracker.alerts.models import Alert
from tracker.core.vocab import RuleCode, Severity
from tracker.psych.models import ContentDelivery, Programme
from tracker.psych.services import content_complete, programme_assign
from tracker.rehab.models import ExerciseLog

pytestmark = pytest.mark.django_db


def test_support_content_due_today_is_shown_with_the_exercises_and_goes_once_done(
    api_as, web_as, stable_patient, therapist, psychologist, frozen
):
    prescribe(stable_patient, therapist, spec("ankle-pumps"))
    programme = Programme.objects.filter(is_active=True).order_by("pk").first()
    programme_assign(
        patient=stable_patient, programme=programme, start_date=timezone.localdate(), assigned_by=psychologist
    )
    delivery = ContentDelivery.objects.filter(patient=stable_patient).order_by("pk").first()
    assert delivery is not None, "the programme's first module is due on its first day"

    data = api_as(stable_patient.user).get("/api/v1/today/").json()
    assert [c["id"] for c in data["content"]] == list(
        ContentDelivery.objects.filter(patient=stable_patient).order_by("due_on", "pk").values_list("pk", flat=True)
    )
    first = data["content"][0]
    assert first["title"] == delivery.module.title
    assert first["url"] == f"/support/{delivery.pk}/"
    assert len(data["exercises"]) == 1

    html = web_as(stable_patient.user).get("/exercises/today/").content.decode()
    assert "Support for today" in html
    assert f'href="/support/{delivery.pk}/"' in html

    for item in ContentDelivery.objects.filter(patient=stable_patient):
        content_complete(delivery=item)
    assert api_as(stable_patient.user).get("/api/v1/today/").json()["content"] == []
    assert "Support for today" not in web_as(stable_patient.user).get("/exercises/today/").content.decode()
    assert not ExerciseLog.objects.exists()


def test_content_shows_even_while_the_exercises_are_paused(api_as, stable_patient, therapist, psychologist, frozen):
    prescribe(stable_patient, therapist, spec("ankle-pumps"))
    programme_assign(
        patient=stable_patient,
        programme=Programme.objects.filter(is_active=True).order_by("pk").first(),
        start_date=timezone.localdate(),
        assigned_by=psychologist,
    )
    Alert.objects.create(
        patient=stable_patient,
        rule=RuleCode.NEURO_DEFICIT,
        severity=Severity.EMERGENCY,
        summary="x",
        reported_at=timezone.now(),
    )
    data = api_as(stable_patient.user).get("/api/v1/today/").json()
    assert data["paused"] is True and data["exercises"] == []
    assert data["content"]
