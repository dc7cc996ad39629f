"""End to end in a real Chromium: a therapist assigns a plan and is stopped by a conflict; the patient
then sees today's exercises on a phone-sized screen and logs one."""

import time

import pytest
from playwright.sync_api import expect

from tests.rehab.conftest import ex, set_precautions
from tracker.core.vocab import SpinalStability
from tracker.rehab import services
from tracker.rehab.models import ExerciseLog, ExercisePlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_therapist_is_stopped_by_a_conflict_then_the_patient_logs_an_exercise_on_a_phone(
    live_server, desktop_page, phone_page, browser_login, patient, therapist, library
):
    set_precautions(patient, stability=SpinalStability.UNSTABLE, no_axial_loading=True)
    sit, pumps = ex("sit-to-stand"), ex("ankle-pumps")

    # The therapist builds a plan: the precautions are in view, and picking a standing exercise shows
    # the conflict at once (live preview).
    page = desktop_page
    browser_login(page, live_server, therapist.username)
    page.goto(f"{live_server.url}/rehab/patients/{patient.pk}/plan/")
    expect(page.locator(".precautions")).to_contain_text("Unstable (SINS 13-18)")
    expect(page.locator(".precautions")).to_contain_text("No axial loading")
    page.select_option("#id_items-0-exercise", str(sit.pk))
    expect(page.locator("[data-row='0'] .row-conflicts")).to_contain_text("Not suitable for an unstable spine")
    expect(page.locator("[data-row='0'] .row-conflicts")).to_contain_text("Puts weight through the spine")
    page.select_option("#id_items-1-exercise", str(pumps.pk))
    expect(page.locator("[data-row='1'] .row-conflicts")).to_be_empty()

    # Saving is refused: the conflict is named, nothing is saved, what was entered is kept.
    page.click("button[value=save]")
    expect(page.locator(".conflicts")).to_contain_text(sit.name)
    expect(page.locator("#field-override_reason .error")).to_be_visible()
    assert not ExercisePlan.objects.exists()
    expect(page.locator("#id_items-1-exercise")).to_have_value(str(pumps.pk))

    # The therapist takes the conflicting exercise out and saves.
    page.check("#id_items-0-DELETE")
    page.fill("#id_items-1-notes", "Before you get up in the morning")
    page.click("button[value=save]")
    page.wait_for_url(f"**/rehab/patients/{patient.pk}/")
    expect(page.locator("body")).to_contain_text("Plan saved (version 1).")
    plan = ExercisePlan.objects.get(patient=patient)
    [item] = plan.current_version.items.all()
    assert item.exercise == pumps and item.conflict_codes == ""

    # The patient, on a phone, sees today's exercise with its instructions and logs it.
    phone = phone_page
    browser_login(phone, live_server, patient.user.username)
    expect(phone.locator(".rehab-panel")).to_contain_text("0 of 1 done today.")
    phone.click('.rehab-panel a:has-text("Today\'s exercises")')
    card = phone.locator(f"#item-{item.pk}")
    expect(card.locator("h2")).to_contain_text(pumps.name)
    expect(card).to_contain_text(pumps.steps[0])
    expect(card).to_contain_text("Before you get up in the morning")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"

    card.locator("summary").click()
    prefix = f"id_log-{item.pk}"
    phone.click(f"label[for={prefix}-completed_0]")
    phone.click(f"label[for={prefix}-pain_before_2]")
    phone.click(f"label[for={prefix}-pain_during_3]")
    phone.click(f"label[for={prefix}-difficulty_1]")
    target = card.locator("button[type=submit]")
    box = target.bounding_box()
    assert box["height"] >= 44, "touch target at least 44px high"
    target.click()

    # Issue #17: the answer is first in the card just used, focused (was a message at the top of the page).
    expect(card.locator("#log-result")).to_contain_text("Saved. Well done.")
    expect(card.locator("#log-result")).to_be_focused()
    expect(phone.locator(".progress-line")).to_contain_text("1 of 1 done")
    log = ExerciseLog.objects.get()
    assert (log.patient, log.plan_item, log.completed, log.pain_before, log.pain_during, log.difficulty) == (
        patient,
        item,
        True,
        2,
        3,
        "ok",
    )


def test_a_double_click_on_save_plan_saves_one_version(
    live_server, desktop_page, browser_login, patient, therapist, library, monkeypatch
):
    real_plan_save = services.plan_save

    def busy_plan_save(**kwargs):
        time.sleep(0.5)  # a busy server: the first click's request is still being handled at the second click
        return real_plan_save(**kwargs)

    monkeypatch.setattr(services, "plan_save", busy_plan_save)
    page = desktop_page
    browser_login(page, live_server, therapist.username)
    page.goto(f"{live_server.url}/rehab/patients/{patient.pk}/plan/")
    page.select_option("#id_items-0-exercise", str(ex("ankle-pumps").pk))
    # Two clicks a fifth of a second apart, as a hurried hand makes them. The second must not send the
    # form again; the first must still say which button it was (without action=save it is only checked).
    save = page.locator("button[value=save]")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_url(f"**/rehab/patients/{patient.pk}/")
    expect(page.locator("body")).to_contain_text("Plan saved (version 1).")
    assert ExercisePlan.objects.get(patient=patient).versions.count() == 1
