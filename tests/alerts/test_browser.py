"""The alert page in a real browser: a nurse on a ward tablet/phone acknowledges and resolves an alert."""

import pytest

from tests.alerts.util import LABEL, RED_FLAG, make_checkin
from tracker.alerts.models import Alert
from tracker.alerts.services import submission_evaluate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nurse_acknowledges_then_resolves_an_alert_on_a_phone(live_server, phone_page, browser_login, patient, nurse):
    checkin = make_checkin(patient, saved=False, **RED_FLAG)
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
        checkin = make_checkin(patient, saved=False, **RED_FLAG)
        submission_evaluate(label=LABEL, pk=checkin.pk)
    browser_login(desktop_page, live_server, physician.username)
    desktop_page.get_by_role("link", name="Alert statistics").click()
    desktop_page.wait_for_selector(".js-plotly-plot")
    row = desktop_page.locator("tr", has_text="New or worse weakness")
    assert row.locator("td").first.inner_text() == "1"
