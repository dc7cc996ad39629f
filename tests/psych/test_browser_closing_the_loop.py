"""Issue 17, psychology closes its loop, in a real Chromium at a phone viewport with a real Celery worker.

The patient sends a PHQ-9 with item 9 above 0 and can tap the crisis line; the worker raises the self_harm
alert; the psychologist refers from it (acknowledging it) and records the first contact (resolving it); the
triage queue says so at each step.
"""

import re
from pathlib import Path

import pytest

from tests.alerts.conftest import wait_for
from tests.conftest import PHONE
from tracker.alerts.models import Alert
from tracker.core.vocab import AlertStatus, RuleCode
from tracker.psych.models import Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_self_harm_answer_to_referral_to_first_contact_closes_the_alert_in_triage(
    live_server, browser, browser_login, celery_worker_process, patient, psychologist, settings
):
    settings.TRACKER_CRISIS_LINE = "Samaritans: call 116 123, free, any time"
    psychologist.first_name, psychologist.last_name = "Paula", "Reyes"
    psychologist.save(update_fields=["first_name", "last_name"])
    celery_worker_process.start().wait_ready()

    # --- the patient, on a phone -----------------------------------------------------------------
    patient_ctx = browser.new_context(**PHONE)
    patient_ctx.set_default_timeout(15000)
    page = patient_ctx.new_page()
    browser_login(page, live_server, patient.user.username)
    page.goto(f"{live_server.url}/screens/new/phq9/")
    for item in range(1, 9):
        page.locator(f"label[for='id_q{item}_0']").click()  # "Not at all"
    page.locator("label[for='id_q9_1']").click()  # item 9: "Several days"
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r".*/screens/\d+/$"))

    crisis_line = page.locator("#crisis-help .crisis-line a")
    assert crisis_line.inner_text() == "116 123"
    assert crisis_line.get_attribute("href") == "tel:116123"
    care_team = page.locator("#crisis-help a.button")
    care_team_href = "tel:" + patient.effective_emergency_number.replace(" ", "")
    assert care_team.get_attribute("href") == care_team_href
    assert crisis_line.is_visible() and care_team.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "psych-screen-result-self-harm.png"), full_page=True)
    # the support pages carry the same tap-to-call numbers
    page.goto(f"{live_server.url}/support/")
    help_card = page.locator(".help-numbers")
    assert help_card.locator(".crisis-line a").get_attribute("href") == "tel:116123"
    assert help_card.locator("a.button").get_attribute("href") == care_team_href
    page.screenshot(path=str(SCREENSHOTS / "psych-support-list.png"), full_page=True)
    patient_ctx.close()

    alert = wait_for(
        lambda: Alert.objects.filter(patient=patient, rule=RuleCode.SELF_HARM).first(),
        what="the worker to raise the self_harm alert",
    )
    assert alert.status == AlertStatus.OPEN

    # --- the psychologist, on a phone too ----------------------------------------------------------
    staff_ctx = browser.new_context(**PHONE)
    staff_ctx.set_default_timeout(15000)
    page = staff_ctx.new_page()
    browser_login(page, live_server, psychologist.username)
    page.goto(f"{live_server.url}/triage/")
    card = page.locator(f"#alert-{alert.pk}")
    assert "Waiting for someone to acknowledge" in card.locator(".triage-status").inner_text()

    page.goto(f"{live_server.url}/psych/queue/")
    assert "Alert not yet acknowledged" in page.locator("main").inner_text()
    page.get_by_role("link", name="Refer").click()
    assert f"alert={alert.pk}" in page.url
    assert "acknowledges the alert in your name" in page.locator("main").inner_text()
    page.locator("label", has_text="Psychology").click()
    page.fill("#id_reason", "Thoughts of death on PHQ-9; agreed to a call today")
    page.get_by_role("button", name="Make the referral").click()
    page.wait_for_url(f"{live_server.url}/psych/patients/{patient.pk}/")
    assert f"Alert #{alert.pk} acknowledged by Paula Reyes" in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/triage/")
    status = page.locator(f"#alert-{alert.pk} .triage-status").inner_text()
    assert status.startswith("Acknowledged by Paula Reyes")
    page.screenshot(path=str(SCREENSHOTS / "psych-triage-acknowledged.png"), full_page=True)

    page.goto(f"{live_server.url}/psych/queue/")
    assert "Alert acknowledged by Paula Reyes" in page.locator("main").inner_text()
    page.get_by_role("link", name="Record contact").click()
    page.locator("label", has_text="Reached the patient").click()
    page.locator("label", has_text="Appointment booked").click()
    page.fill("#id_note", "Safety plan agreed; seen Thursday")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/psych/patients/{patient.pk}/")
    assert "The alert is resolved with this contact." in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/triage/")
    assert page.locator(f"#alert-{alert.pk}").count() == 0
    page.goto(f"{live_server.url}/psych/queue/?show=recent")
    assert "Alert resolved by Paula Reyes: Referred" in page.locator("main").inner_text()
    staff_ctx.close()

    alert.refresh_from_db()
    referral = Referral.objects.get()
    assert (alert.status, alert.acknowledged_by, alert.resolved_by, alert.outcome) == (
        AlertStatus.RESOLVED,
        psychologist,
        psychologist,
        "referred",
    )
    assert referral.alert == alert and referral.is_contacted
