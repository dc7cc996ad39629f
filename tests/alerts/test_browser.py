"""The alert page in a real browser: a nurse on a ward tablet/phone acknowledges and resolves an alert."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.alerts.conftest import wait_for
from tests.alerts.util import LABEL
from tests.factories import AlertFactory, CheckInFactory
from tracker.alerts.models import Alert
from tracker.alerts.services import submission_evaluate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nurse_acknowledges_then_resolves_an_alert_on_a_phone(live_server, phone_page, browser_login, patient, nurse):
    checkin = CheckInFactory(patient=patient, red_flag=True)
    submission_evaluate(label=LABEL, pk=checkin.pk)
    alert = Alert.objects.get()
    page = phone_page
    browser_login(page, live_server, nurse.username)
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    assert "Saddle numbness" in page.locator("#alert-summary + p").inner_text()
    assert "No earlier check-in: compared with an all-clear report." in page.inner_text("main")

    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_selector("text=Alert acknowledged.")
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == nurse

    # Forgetting the note keeps the chosen outcome and says what is missing.
    page.get_by_label("Outcome").select_option("urgent_mri")
    page.get_by_role("button", name="Resolve").click()
    page.wait_for_selector("text=Please write a short note saying what was done.")
    assert page.get_by_label("Outcome").input_value() == "urgent_mri"
    assert page.get_by_label("Note").get_attribute("aria-invalid") == "true"

    page.get_by_label("Note").fill("Same-day MRI booked; patient told to come in now.")
    page.get_by_role("button", name="Resolve").click()
    page.wait_for_selector("text=Alert resolved.")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.resolved_by) == ("resolved", "urgent_mri", nurse)
    history = page.locator("#alert-history + table").inner_text()
    assert "Acknowledged" in history and "Resolved" in history and nurse.display_name in history
    # Touch targets stay at least 44px on a phone.
    for button in page.locator("main .button").all():
        assert button.bounding_box()["height"] >= 44


def test_physician_reads_statistics_with_a_chart(live_server, desktop_page, browser_login, patient, physician, nurse):
    for _ in range(2):
        checkin = CheckInFactory(patient=patient, red_flag=True)
        submission_evaluate(label=LABEL, pk=checkin.pk)
    browser_login(desktop_page, live_server, physician.username)
    desktop_page.get_by_role("link", name="Alert statistics").click()
    desktop_page.wait_for_selector(".js-plotly-plot")
    row = desktop_page.locator("tr", has_text="New or worse weakness")
    assert row.locator("td").first.inner_text() == "1"


NOTE = "leg gave way on the stairs"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.mark.worker
def test_nurse_calls_from_the_alert_page_and_the_queue_says_no_answer(
    live_server, phone_page, desktop_page, browser_login, celery_worker_process, patient, nurse
):
    """Issue #17 "the nurse can act in one place", on a phone, with the worker raising the alerts."""
    patient.phone = "07700 900123"
    patient.emergency_contact_name = "Sam Lee"
    patient.emergency_contact_relationship = "daughter"
    patient.emergency_contact_phone = "07700 900456"
    patient.save()
    celery_worker_process.start()
    CheckInFactory(
        patient=patient, queued=True, pain_now=8, pain_worst_24h=9, recorded_at=timezone.now() - timedelta(days=8)
    )
    CheckInFactory(patient=patient, queued=True, note=NOTE, pain_now=4, pain_worst_24h=9, falls=1, red_flag=True)
    alert = wait_for(
        lambda: Alert.objects.filter(patient=patient, rule="neuro_deficit").first(),
        timeout=60,
        what="the worker to raise the neuro_deficit alert",
    )
    other = AlertFactory(patient=patient, rule="missed_checkins")

    page = phone_page
    browser_login(page, live_server, nurse.username)
    page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alert-page-phone.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / "alert-page-phone-first-screen.png"))
    page.locator("#alert-reported").scroll_into_view_if_needed()
    page.locator("h1").evaluate("h => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY)")
    page.screenshot(path=str(SCREENSHOTS / "alert-page-phone-second-screen.png"))

    # The phone is a tap-to-call link, seen without scrolling far; the note and who sent it are shown.
    call = page.get_by_role("link", name="Call 07700 900123")
    assert call.get_attribute("href") == "tel:07700900123"
    assert call.bounding_box()["height"] >= 44
    assert page.get_by_role("link", name="Call 07700 900456").get_attribute("href") == "tel:07700900456"
    reported = page.locator(".alert-sources").inner_text()
    assert NOTE in reported and "Reported by the patient, via the app" in reported
    assert call.bounding_box()["y"] < 2 * 844
    assert page.locator(".recent-checkins li").count() == 2
    assert page.locator(".other-alerts li").count() == 2  # the missed check-ins and the rising pain
    page.get_by_role("link", name="Check-ins missed").click()
    page.wait_for_url(f"**/alerts/{other.pk}/")
    page.go_back()

    # Record "phone / no answer": the alert is acknowledged by the nurse.
    page.get_by_label("How").select_option("phone")
    page.get_by_label("Result").select_option("no_answer")
    page.get_by_label("Details (optional)").fill("Rang at ten, will try again at noon.")
    page.get_by_role("button", name="Record contact").click()
    page.wait_for_selector("text=The alert is now acknowledged by you.")
    log = page.locator(".contact-log").inner_text()
    assert "Phone call" in log and "no answer" in log and nurse.display_name in log
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == nurse
    for button in page.locator("main .button").all():
        assert button.bounding_box()["height"] >= 44

    # The triage card says who tried and what happened.
    page.locator("section[aria-labelledby=alert-contact]").screenshot(path=str(SCREENSHOTS / "contact-card-phone.png"))
    page.goto(f"{live_server.url}/triage/")
    card = page.locator(f"#alert-{alert.pk}")
    assert "Called, no answer" in card.locator(".triage-contact").inner_text()
    assert "Acknowledged by" in card.inner_text()

    browser_login(desktop_page, live_server, nurse.username)
    desktop_page.goto(f"{live_server.url}/alerts/{alert.pk}/")
    desktop_page.screenshot(path=str(SCREENSHOTS / "alert-page-desktop.png"), full_page=True)
    card.screenshot(path=str(SCREENSHOTS / "triage-card-phone.png"))
