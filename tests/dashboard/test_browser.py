"""A nurse works the triage queue in a real browser (Playwright driving Chromium)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import AlertFactory, CheckInFactory, PatientFactory
from tracker.alerts.models import Alert
from tracker.core.vocab import AlertStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nurse_acknowledges_and_resolves_the_emergency_at_the_top_and_it_leaves_the_queue(
    live_server, desktop_page, browser_login, nurse, patient, settings
):
    settings.TRACKER_TRIAGE_POLL_SECONDS = 1
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        routine = AlertFactory(patient=patient, rule="missed_checkins", summary="No check-in for 4 days")
        urgent = AlertFactory(patient=patient, rule="pain_escalation", summary="Worst pain 8, up from 4")
    emergency = AlertFactory(patient=patient, rule="neuro_deficit", summary="New weakness in the left leg")
    page = desktop_page

    browser_login(page, live_server, nurse.username)
    page.get_by_role("link", name="Triage").first.click()
    page.wait_for_url(f"{live_server.url}/triage/")

    items = page.locator("ol.triage-list > li")
    assert items.count() == 3
    top = items.first
    assert top.get_attribute("id") == f"alert-{emergency.pk}"
    assert "triage-emergency" in top.get_attribute("class")
    assert "New weakness in the left leg" in top.inner_text()
    assert page.locator("#triage-count [data-count=emergency]").inner_text() == "1"

    top.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    top = page.locator(f"#alert-{emergency.pk}")
    assert f"Acknowledged by {nurse.display_name}" in top.locator(".triage-status").inner_text()
    assert top.get_by_role("button", name="Acknowledge").count() == 0
    # Acknowledging one alert never changes another.
    assert Alert.objects.get(pk=urgent.pk).status == AlertStatus.OPEN
    assert Alert.objects.get(pk=routine.pk).status == AlertStatus.OPEN

    # Resolve with the keyboard: open the disclosure, choose the outcome, write the note, send.
    top.locator("summary").focus()
    page.keyboard.press("Enter")
    top.get_by_label("Outcome").select_option("urgent_mri")
    top.get_by_label("Note").fill("MRI booked for 3pm today; patient told to stay in bed.")
    top.get_by_role("button", name="Resolve alert").click()
    page.wait_for_load_state()

    assert page.locator(f"#alert-{emergency.pk}").count() == 0
    assert page.locator("ol.triage-list > li").count() == 2
    assert page.locator("#triage-count [data-count=total]").inner_text() == "2"
    assert page.locator("#triage-count [data-count=emergency]").inner_text() == "0"
    resolved = Alert.objects.get(pk=emergency.pk)
    assert (resolved.status, resolved.outcome, resolved.resolved_by_id) == (
        AlertStatus.RESOLVED,
        "urgent_mri",
        nurse.pk,
    )

    # The count refreshes by itself: a new emergency arrives while the page is open.
    AlertFactory(patient=PatientFactory(team=[nurse]), rule="self_harm")
    page.wait_for_function("document.querySelector('#triage-count [data-count=total]').textContent === '3'")
    assert page.locator("#triage-count [data-count=emergency]").inner_text() == "1"
    assert page.locator("#triage-changed").is_visible()


def test_the_queue_works_on_a_phone_without_horizontal_scrolling(
    live_server, phone_page, browser_login, nurse, patient
):
    AlertFactory(patient=patient, rule="neuro_deficit", summary="Cannot lift the right arm")
    browser_login(phone_page, live_server, nurse.username)
    phone_page.goto(f"{live_server.url}/triage/")
    assert phone_page.locator(".triage-emergency").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    button = phone_page.get_by_role("button", name="Acknowledge").first.bounding_box()
    assert button["height"] >= 44


def test_the_timeline_draws_its_charts(live_server, desktop_page, browser_login, nurse, patient):
    for days in (5, 3, 1):
        CheckInFactory(patient=patient, ago=timedelta(days=days), pain_now=days + 2)
    AlertFactory(patient=patient, rule="pain_escalation")
    browser_login(desktop_page, live_server, nurse.username)
    desktop_page.goto(f"{live_server.url}/patients/{patient.pk}/timeline/")
    desktop_page.wait_for_selector("#chart-pain .main-svg")
    assert desktop_page.locator(".chart .main-svg").count() >= 6
    assert desktop_page.locator("#chart-pain .scatterlayer .trace").count() >= 2


def test_the_panel_arrow_reads_as_the_numbers_beside_it(live_server, phone_page, browser_login, nurse):
    """A nurse on a phone reads a fall from 9 to 3 as falling, and the arrow says what it measures."""
    bea = PatientFactory(user__first_name="Bea", user__last_name="Fall", team=[nurse])
    for days_ago, pain in ((13, 9), (12, 1), (11, 1), (10, 1), (6, 9), (5, 9), (4, 9), (3, 9), (1, 3)):
        CheckInFactory(patient=bea, ago=timedelta(days=days_ago), pain_now=pain)
    browser_login(phone_page, live_server, nurse.username)
    phone_page.goto(f"{live_server.url}/panel/")

    row = phone_page.locator("tr", has_text="Bea Fall")
    assert "Falling" in row.inner_text() and "Rising" not in row.inner_text()
    arrow = row.locator("[title^='Worst pain over 14 days']")
    assert arrow.get_attribute("title") == "Worst pain over 14 days: falling from 9 to 3."
