"""Issue #17 in a real browser (Playwright, Debian's Chromium, a phone viewport, the live server and a real
Celery worker): the patient ticks a new leg weakness, forgets the pain score and sends. Nothing is lost:
the call-now advice is on top with a tap-to-call number, what was sent is listed, the pain is asked for
again. The worker raises the alert; the home page keeps the call-now card until the nurse acknowledges
it, then says who saw the report and when."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.alerts.conftest import (
    celery_worker_process,  # noqa: F401 - the real worker fixture
    wait_for,
)
from tracker.alerts.models import Alert
from tracker.alerts.services import alert_acknowledge
from tracker.symptoms.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def choose(page, field, value):
    page.locator(f"label.choice:has(input[name='{field}'][value='{value}'])").click()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_weakness_sent_without_a_pain_score_is_kept_raised_and_answered(
    live_server,
    phone_page,
    browser_login,
    patient,
    nurse,
    celery_worker_process,  # noqa: F811
):
    nurse.first_name, nurse.last_name = "Mei", "Chen"
    nurse.save()
    celery_worker_process.start()
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.get_by_role("link", name="Start my check-in").click()
    page.wait_for_url(f"{live_server.url}/checkin/")

    # New leg weakness and a fall; the pain questions left empty; a note.
    choose(page, "weakness_left_leg", "moderate")
    page.fill("textarea[name='note']", "Leg gave way on the stairs.")
    page.get_by_role("button", name="Send my check-in").click()
    page.wait_for_selector("#advice")

    # The call-now advice is the first thing on the page, with the number to tap.
    advice = page.locator("#advice")
    assert advice.get_attribute("data-level") == "emergency"
    number = patient.effective_emergency_number
    call = advice.locator("a[href^='tel:']")
    call_href = "tel:" + re.sub(r"[^0-9+]", "", number)
    assert call.get_attribute("href") == call_href
    assert call.is_visible() and call.bounding_box()["height"] >= 44
    assert advice.bounding_box()["y"] < page.locator("#missing").bounding_box()["y"]
    assert advice.bounding_box()["y"] < 400  # first under the site header: on screen, not scrolled away
    # What was sent, and what is still missing, in plain words.
    assert "Left leg: Hard to lift, grip or stand on" in page.locator("#saved").inner_text()
    missing = page.locator("#missing").inner_text()
    assert "We still need your pain" in missing and "0 means no pain" in missing
    assert "This field is required" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "checkin-with-errors")

    stored = CheckIn.objects.get(patient=patient)
    assert stored.weakness == {"left_leg": "moderate"} and stored.pain_now is None
    assert stored.note == "Leg gave way on the stairs."

    # The worker raises the emergency alert from the stored part.
    alert = wait_for(lambda: Alert.objects.filter(patient=patient, rule="neuro_deficit").first(), timeout=60)

    # The patient then gives the pain score: stored as a check-in of its own; its result page.
    choose(page, "pain_now", "3")
    choose(page, "pain_worst_24h", "5")
    page.get_by_role("button", name="Send the rest").click()
    page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
    assert CheckIn.objects.filter(patient=patient).count() == 2
    assert "Pain now" in page.locator("#reported").inner_text()
    shot(page, "checkin-result-pain-part")

    # The result page of the first part lists the weakness (every red-flag item reported).
    page.goto(f"{live_server.url}/checkin/{stored.pk}/")
    assert page.locator("#advice").get_attribute("data-level") == "emergency"
    reported = page.locator("#reported").inner_text()
    assert "Left leg: Hard to lift, grip or stand on" in reported
    assert "Not answered this time: your pain." in reported
    shot(page, "checkin-result")

    # Home keeps the call-now card while no clinician has seen the report.
    page.goto(f"{live_server.url}/")
    card = page.locator("#call-now")
    assert card.get_attribute("data-level") == "emergency"
    assert card.locator("a[href^='tel:']").get_attribute("href") == call_href
    assert "saw your report" not in page.inner_text("main")
    shot(page, "home-call-now")

    # The nurse acknowledges it (the service her page calls); home now says who saw it, and when.
    alert = alert_acknowledge(alert=alert, user=nurse)
    page.reload()
    assert page.locator("#call-now").count() == 0
    seen = page.locator("#seen").inner_text()
    assert re.fullmatch(r"Nurse Chen saw your report at \d\d:\d\d\.", seen), seen
    assert timezone.localtime(alert.acknowledged_at).strftime("%H:%M") in seen
    shot(page, "home-seen")
