"""End to end in a real Chromium on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from tracker.psych.models import Screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_completes_a_phq9_with_item9_above_zero_and_sees_the_crisis_details(
    live_server, phone_page, browser_login, patient, settings
):
    settings.TRACKER_CRISIS_LINE = "Samaritans: call 116 123, free, any time"
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.get_by_role("link", name="Questionnaires").first.click()
    page.locator("a[href='/screens/new/phq9/']").first.click()
    assert "Over the last 2 weeks" in page.locator("main").inner_text()

    # Try to send it unfinished first: refused, with the gap marked and nothing saved.
    for item in range(1, 9):
        page.locator(f"label[for='id_q{item}_0']").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#id_q9_error")).to_be_visible()  # waits for the page sent back
    assert Screen.objects.count() == 0

    page.locator("label[for='id_q9_1']").click()  # "Several days"
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"{live_server.url}/screens/*/")
    crisis = page.locator("#crisis-help")
    assert crisis.is_visible()
    assert "Samaritans: call 116 123, free, any time" in crisis.inner_text()
    call = crisis.locator(
        "a.button[href^='tel:']"
    )  # the care team's button (issue 17: the numbers in the text are links too)
    assert call.is_visible()
    box = call.bounding_box()
    assert box["height"] >= 44  # a touch target a shaky hand can hit
    screen = Screen.objects.get()
    assert (screen.instrument, screen.self_harm, screen.answers[8]) == ("phq9", True, 1)


def test_patient_reads_a_support_session_and_marks_it_done(
    live_server, phone_page, browser_login, patient, psychologist, library
):
    from django.utils import timezone

    from tracker.psych.models import ContentDelivery, Programme
    from tracker.psych.services import programme_assign

    programme_assign(
        patient=patient,
        programme=Programme.objects.get(slug="calm-body-calmer-mind"),
        start_date=timezone.localdate(),
        assigned_by=psychologist,
    )
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.get_by_role("link", name="Slow breathing", exact=False).first.click()
    assert page.locator("article h2").count() >= 2
    page.locator("label", has_text="Yes, it helped").click()
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url(f"{live_server.url}/support/")
    delivery = ContentDelivery.objects.get()
    assert delivery.completed_at is not None and delivery.helpful is True


def test_psychologist_sees_the_screen_chart_drawn_and_refers_from_the_queue(
    live_server, desktop_page, browser_login, patient, psychologist
):
    from tracker.psych.models import Referral
    from tracker.psych.services import screen_submit

    screen_submit(patient=patient, instrument="distress_thermometer", score=7, problems=["emotional"])
    page = desktop_page
    browser_login(page, live_server, psychologist.username)
    page.goto(f"{live_server.url}/psych/queue/")
    page.get_by_role("link", name="Refer").click()
    page.locator("label", has_text="Psychology").click()
    page.fill("#id_reason", "Agreed to a call")
    page.get_by_role("button", name="Make the referral").click()
    page.wait_for_url(f"{live_server.url}/psych/patients/{patient.pk}/")
    page.locator("#screen-chart .main-svg").first.wait_for()
    assert page.locator("#screen-chart[data-drawn]").count() == 1
    referral = Referral.objects.get()
    assert (referral.service, referral.screen.score) == ("psychology", 7)
