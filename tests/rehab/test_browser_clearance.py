"""Issue #17 in a real Chromium at a phone's size, with a real Celery worker: a neuro_deficit alert resolved with
an urgent MRI keeps the patient's exercises on hold until the therapist resumes them from the plan page; and a
painful exercise log answers with its warning first, where the patient is looking, focused and announced.

Screenshots of each state go to var/screens/ (set REHAB_SCREENS to keep them elsewhere)."""

import os
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.alerts.conftest import celery_worker_process, wait_for  # noqa: F401, F811 - the real worker fixture
from tests.rehab.conftest import ex, prescribe, set_precautions, spec
from tracker.alerts.models import Alert
from tracker.alerts.services import alert_resolve
from tracker.core.jobs import run_job
from tracker.notifications.models import Notification
from tracker.rehab.models import ExerciseLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(os.environ.get("REHAB_SCREENS", Path(__file__).parents[2] / "var" / "screens"))


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=False)


def red_flag_checkin(patient) -> None:
    """The patient's phone sends a check-in with saddle numbness (neuro_deficit, emergency) through the API."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=patient.user)[0].key}")
    response = client.post(
        "/api/v1/checkins/",
        {
            "client_id": str(uuid.uuid4()),
            "pain": {
                "now": 3,
                "worst_24h": 4,
                "sites": ["mid_back"],
                "night_pain": False,
                "worse_with_straining": False,
                "breakthrough_doses": 0,
            },
            "neuro": {
                "weakness": {},
                "numbness": ["saddle"],
                "walking": "normal",
                "falls": 0,
                "bladder": "normal",
                "bowel": "normal",
            },
            "side_effects": {"fatigue": 1, "nausea": 0, "diarrhoea": 0, "skin_reaction": 0, "rash": 0},
            "note": "",
        },
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.worker
def test_an_urgent_mri_keeps_exercises_on_hold_until_the_therapist_resumes_them(
    live_server,
    browser,
    phone_page,
    browser_login,
    patient,
    nurse,
    therapist,
    library,
    celery_worker_process,  # noqa: F811
):
    set_precautions(patient)
    plan = prescribe(patient, therapist, spec("ankle-pumps"), spec("tummy-tighten-lying")).plan
    pumps = ex("ankle-pumps")
    celery_worker_process.start()

    # The patient reports saddle numbness; the worker raises the alert; the reminders job tells them it paused.
    red_flag_checkin(patient)
    alert = wait_for(
        lambda: Alert.objects.filter(patient=patient, rule="neuro_deficit").first(),
        timeout=60,
        what="the worker to raise the neuro_deficit alert",
    )
    run_job("exercise_reminders")
    # The nurse resolves it: urgent MRI arranged.
    alert_resolve(alert=alert, user=nurse, outcome="urgent_mri", note="Same-day MRI booked; told to rest until then.")

    # The patient's phone: on hold, why in plain words, whom to call; no exercise, no log form.
    phone = phone_page
    browser_login(phone, live_server, patient.user.username)
    expect(phone.locator(".rehab-panel")).to_contain_text("Your exercises are on hold.")
    phone.goto(f"{live_server.url}/exercises/today/")
    hold = phone.locator(".waiting-for-clearance")
    expect(hold.locator("h2")).to_have_text("Your exercises are on hold")
    expect(hold).to_contain_text("Please do not do them until then")
    expect(hold.locator("a[href^='tel:']")).to_be_visible()
    expect(phone.locator(".exercise-card")).to_have_count(0)
    expect(phone.locator("main")).not_to_contain_text(pumps.name)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    shot(phone, "today-on-hold")
    phone.goto(f"{live_server.url}/messages/")
    expect(phone.locator("main")).to_contain_text("Your exercises are on hold for now")

    # The therapist, on a phone: the list says "waiting for clearance"; the plan page resumes it with a note.
    staff = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    staff.set_default_timeout(15000)
    tom = staff.new_page()
    browser_login(tom, live_server, therapist.username)
    tom.goto(f"{live_server.url}/rehab/")
    row = tom.locator("tr", has_text=patient.name)
    expect(row).to_contain_text("Waiting for clearance")
    row.get_by_role("link", name=patient.name).click()
    tom.wait_for_url(f"**/rehab/patients/{patient.pk}/")
    clearance = tom.locator("#clearance")
    expect(clearance).to_contain_text("Urgent MRI arranged")
    tom.locator("#clearance").scroll_into_view_if_needed()
    shot(tom, "staff-plan-resume-form")
    # The note is required: an empty one is refused with the reason, and the plan stays on hold.
    clearance.get_by_role("button", name="Resume exercises").click()
    expect(tom.locator("#field-note .error")).to_have_text("Say what you checked before resuming the exercises.")
    tom.get_by_label("What you checked").fill("MRI: no cord compression. Plan checked against the precautions.")
    tom.get_by_role("button", name="Resume exercises").click()
    tom.wait_for_url(f"**/rehab/patients/{patient.pk}/")
    expect(tom.locator(".messages")).to_contain_text("Exercises resumed.")
    expect(tom.locator("#clearance")).to_have_count(0)
    expect(tom.locator(".resumed")).to_contain_text("MRI: no cord compression.")
    assert tom.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    staff.close()

    # The patient sees the exercises again, and a message saying so.
    phone.goto(f"{live_server.url}/exercises/today/")
    expect(phone.locator(".paused")).to_have_count(0)
    expect(phone.locator(f"#item-{plan.current_version.items.get(exercise=pumps).pk}")).to_contain_text(pumps.name)
    phone.goto(f"{live_server.url}/messages/")
    expect(phone.locator("main")).to_contain_text("you can start your exercises again")
    emails = Notification.objects.filter(recipient=patient.user, kind="exercise_plan_notice", channel="email")
    assert emails.count() == 2


def test_a_painful_log_answers_with_the_warning_first_focused_and_announced(
    live_server, phone_page, browser_login, patient, therapist, library
):
    set_precautions(patient)
    version = prescribe(patient, therapist, spec("tummy-tighten-lying"), spec("bridging"), spec("ankle-pumps"))
    pumps = version.items.get(exercise__slug="ankle-pumps")
    phone = phone_page
    browser_login(phone, live_server, patient.user.username)
    phone.goto(f"{live_server.url}/exercises/today/")
    card = phone.locator(f"#item-{pumps.pk}")
    card.locator("summary").click()
    prefix = f"id_log-{pumps.pk}"
    phone.click(f"label[for={prefix}-completed_0]")
    phone.click(f"label[for={prefix}-pain_before_2]")
    phone.click(f"label[for={prefix}-pain_during_8]")
    phone.click(f"label[for={prefix}-difficulty_2]")
    card.locator("button[type=submit]").click()
    phone.wait_for_url("**/exercises/today/#log-result")

    warning = phone.locator("#log-result")
    expect(warning).to_be_focused()
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_contain_text("more pain than we would like")
    expect(warning.locator("a[href^='tel:']")).to_be_visible()
    expect(warning).to_be_in_viewport()
    # The warning opens the card: its top is at the top of the screen (within a pixel: scrolling to the anchor
    # may leave a fraction of one above it), above the exercise's name and "done".
    box, name = warning.bounding_box(), card.locator("h2").bounding_box()
    assert -1 <= box["y"] < 200 and box["y"] < name["y"], (box, name)
    expect(phone.locator(".messages")).to_have_count(0)
    shot(phone, "logged-high-pain")
    log = ExerciseLog.objects.get()
    assert (log.plan_item_id, log.pain_during) == (pumps.pk, 8)
    assert log.recorded_at <= timezone.now()
