"""End to end in a real browser (Playwright driving Debian's Chromium) on a phone-sized screen."""

import re

import pytest

from tracker.symptoms.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, field, value):
    """Tap the answer's label, as a finger would."""
    page.locator(f"label.choice:has(input[name='{field}'][value='{value}'])").click()


def test_patient_reports_new_leg_weakness_and_sees_the_emergency_advice(
    live_server, phone_page, browser_login, patient
):
    page = phone_page
    transferred = []
    page.on("requestfinished", lambda request: transferred.append((request.url, request.sizes())))
    browser_login(page, live_server, patient.user.username)
    assert "Check-in due today" in page.inner_text("main")

    transferred.clear()
    page.get_by_role("link", name="Start my check-in").click()
    page.wait_for_url(f"{live_server.url}/checkin/")
    page.wait_for_load_state("networkidle")
    # The page, its CSS and its JavaScript as the browser received them.
    total = sum(sizes["responseBodySize"] + sizes["responseHeadersSize"] for _url, sizes in transferred)
    assert total < 60 * 1024, transferred
    assert not any("plotly" in url for url, _sizes in transferred)

    # Large touch targets and no sideways scrolling on a phone.
    too_small = page.eval_on_selector_all(
        "label.choice, button, .button",
        "els => els.filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).map(e => e.textContent)",
    )
    assert too_small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    choose(page, "pain_now", "4")
    choose(page, "pain_worst_24h", "6")
    choose(page, "weakness_left_leg", "moderate")  # new: "Hard to lift, grip or stand on"
    page.get_by_role("button", name="Send my check-in").click()

    page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
    advice = page.locator("#advice")
    assert advice.get_attribute("data-level") == "emergency"
    assert page.locator("h1").inner_text() == "Please call your care team now"
    number = patient.effective_emergency_number
    assert number in advice.inner_text()
    call = advice.locator("a[href^='tel:']")
    assert call.is_visible()
    assert call.get_attribute("href") == "tel:" + re.sub(r"[^0-9+]", "", number)
    box = call.bounding_box()
    assert box["height"] >= 44

    checkin = CheckIn.objects.get(patient=patient)
    assert (checkin.pain_now, checkin.pain_worst_24h, checkin.weakness) == (4, 6, {"left_leg": "moderate"})


def test_the_worst_pain_follows_a_higher_pain_now_and_a_double_tap_sends_once(
    live_server, phone_page, browser_login, patient
):
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.goto(f"{live_server.url}/checkin/")
    choose(page, "pain_worst_24h", "3")
    choose(page, "pain_now", "5")
    assert page.locator("input[name='pain_worst_24h'][value='5']").is_checked()  # raised to match
    page.get_by_role("button", name="One more").first.click()
    page.get_by_role("button", name="One more").first.click()
    assert page.input_value("#id_breakthrough_doses") == "2"
    send = page.get_by_role("button", name="Send my check-in")
    send.dblclick()
    page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
    assert CheckIn.objects.filter(patient=patient).count() == 1
    assert CheckIn.objects.get().breakthrough_doses == 2


def test_back_to_a_sent_check_in_and_a_changed_answer_is_a_new_check_in(
    live_server, phone_page, browser_login, patient
):
    """Back from the advice, a patient adds a new weakness and sends again: that is a new report, never taken
    for a repeat of the first (which would lose the weakness)."""
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.goto(f"{live_server.url}/checkin/")
    first_id = page.input_value("input[name=client_id]")
    choose(page, "pain_now", "2")
    choose(page, "pain_worst_24h", "3")
    page.get_by_role("button", name="Send my check-in").click()
    page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
    page.go_back()
    page.wait_for_url(f"{live_server.url}/checkin/")
    assert page.input_value("input[name=client_id]") not in ("", first_id)  # a form fetched anew
    choose(page, "pain_now", "2")
    choose(page, "pain_worst_24h", "3")
    choose(page, "weakness_left_leg", "moderate")
    page.get_by_role("button", name="Send my check-in").click()
    page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
    assert page.locator("#advice").get_attribute("data-level") == "emergency"
    first, second = CheckIn.objects.filter(patient=patient).order_by("pk")
    assert (first.weakness, second.weakness) == ({}, {"left_leg": "moderate"})


def test_a_sent_form_restored_by_the_browser_forgets_its_client_id(live_server, phone_page, browser_login, patient):
    """Where a browser keeps the page as it was left (its back/forward cache), send-once.js clears the sent
    form's client_id, so whatever is sent from it is stored as new."""
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.goto(f"{live_server.url}/checkin/")
    assert page.input_value("input[name=client_id]") != ""
    page.evaluate("document.getElementById('checkin-form').dataset.sent = '1'")  # as the guard marks a sent form
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert page.input_value("input[name=client_id]") == ""
    assert page.get_by_role("button", name="Send my check-in").is_enabled()
    assert page.get_attribute("#checkin-form", "data-sent") is None


def test_the_check_in_works_without_javascript(live_server, browser, browser_login, patient):
    from tests.conftest import PHONE

    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        browser_login(page, live_server, patient.user.username)
        page.goto(f"{live_server.url}/checkin/")
        # Reflows at 320 CSS pixels (WCAG 1.4.10: what 200% zoom of a small phone leaves).
        page.set_viewport_size({"width": 320, "height": 700})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        choose(page, "pain_now", "2")
        choose(page, "pain_worst_24h", "3")
        page.get_by_role("button", name="Send my check-in").click()
        page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
        assert page.locator("#advice").get_attribute("data-level") == "none"
    finally:
        context.close()
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_my_charts_draw_on_a_phone(live_server, phone_page, browser_login, patient):
    from datetime import timedelta

    from django.utils import timezone

    for day in range(14):
        CheckIn.objects.create(
            patient=patient,
            recorded_at=timezone.now() - timedelta(days=day, hours=1),
            pain_now=day % 5,
            pain_worst_24h=6,
            fatigue=day % 3,
            walking="unsteady" if day < 3 else "normal",
        )
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.goto(f"{live_server.url}/my/checkins/")
    page.wait_for_selector("div.chart[data-drawn] .main-svg")
    assert page.locator("div.chart[data-drawn]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
