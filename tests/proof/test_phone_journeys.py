"""The phone experience, end to end: Playwright drives Debian's Chromium at a phone viewport against a
live server, with a real Celery worker raising the alerts.

One day of the product, as its three kinds of user live it, each on their own phone:
1. the therapist assigns an exercise plan that respects the patient's precautions;
2. the patient sees today's exercise, reports new leg weakness and is told at once to call, reads their
   history, answers a questionnaire, reads their messages;
3. the worker raises the emergency alert, and the patient's exercises pause;
4. the nurse finds it at the top of the triage queue, acknowledges and resolves it, and reads the
   patient's timeline; the patient's exercises resume.
On every patient page an axe-core audit (tests/proof/axe, from the npm registry, injected from disk)
must find no serious or critical accessibility violation.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PHONE
from tests.proof.conftest import wait_for
from tracker.alerts.models import Alert
from tracker.core.vocab import Role

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_path():
    """axe-core from the npm registry (tests/proof/axe/package-lock.json), installed on first use."""
    import os
    import shutil
    import subprocess

    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=AXE.parents[2], check=False, timeout=300
        )
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci` in tests/proof/axe (needs Node.js and npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


def audit(page, axe_path: str) -> list[str]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; -> its serious and critical violations."""
    page.add_script_tag(path=axe_path)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


class Phone:
    """One person's phone: a fresh phone-sized browser context, signed in through the login form."""

    def __init__(self, browser, live_server, username: str, password: str):
        self.context = browser.new_context(**PHONE)
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.base = live_server.url
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def nav(self, name: str):
        self.page.get_by_role("link", name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        return self.page

    def fits(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def close(self):
        self.context.close()


def choose(page, field: str, value: str) -> None:
    page.locator(f"label.choice:has(input[name='{field}'][value='{value}'])").click()


def test_a_day_on_three_phones(live_server, browser, celery_worker_process, axe_path, password):
    from tests.factories import PatientFactory, UserFactory
    from tracker.psych.library import library_load
    from tracker.rehab.library import load_library
    from tracker.rehab.models import Exercise, PlanTemplate, PlanTemplateItem

    # Transactional tests flush the data migrations' libraries: load them again.
    load_library(exercise_model=Exercise, template_model=PlanTemplate, template_item_model=PlanTemplateItem)
    library_load()
    nurse = UserFactory(username="nadia_nurse", role=Role.NURSE, first_name="Nadia", last_name="Okafor")
    therapist = UserFactory(username="tom_therapist", role=Role.THERAPIST, first_name="Tom", last_name="Reyes")
    patient = PatientFactory(
        user__username="maria_patient", user__first_name="Maria", user__last_name="Santos", team=[nurse, therapist]
    )
    pumps = Exercise.objects.get(slug="ankle-pumps")
    celery_worker_process.start()
    violations: dict[str, list[str]] = {}

    # 1. The therapist, on a phone, assigns ankle pumps.
    tom = Phone(browser, live_server, therapist.username, password)
    page = tom.nav("Rehab")
    page.get_by_role("link", name=patient.name).click()
    page.goto(f"{live_server.url}/rehab/patients/{patient.pk}/plan/")
    page.select_option("#id_items-0-exercise", str(pumps.pk))
    page.click("button[value=save]")
    page.wait_for_url(f"**/rehab/patients/{patient.pk}/")
    expect(page.locator("body")).to_contain_text("Plan saved (version 1).")
    assert tom.fits()
    tom.close()

    # 2. The patient, on a phone.
    maria = Phone(browser, live_server, patient.user.username, password)
    page = maria.page
    violations["home"] = audit(page, axe_path)
    page = maria.nav("Exercises")
    expect(page.locator("main")).to_contain_text(pumps.name)
    violations["today"] = audit(page, axe_path)

    page = maria.nav("Check-in")
    violations["check-in"] = audit(page, axe_path)
    choose(page, "pain_now", "4")
    choose(page, "pain_worst_24h", "6")
    choose(page, "weakness_left_leg", "moderate")
    page.get_by_role("button", name="Send my check-in").click()
    page.wait_for_url(re.compile(r".*/checkin/\d+/$"))
    advice = page.locator("#advice")
    assert advice.get_attribute("data-level") == "emergency"
    assert advice.locator("a[href^='tel:']").is_visible()
    violations["confirmation"] = audit(page, axe_path)
    assert maria.fits()

    page = maria.nav("My charts")
    expect(page.locator("main")).to_be_visible()
    violations["history"] = audit(page, axe_path)

    page = maria.nav("Questionnaires")
    violations["screens"] = audit(page, axe_path)
    page.locator("a[href='/screens/new/distress_thermometer/']").first.click()
    page.wait_for_load_state()
    violations["distress thermometer"] = audit(page, axe_path)

    page = maria.nav("Messages")
    violations["messages"] = audit(page, axe_path)

    # 3. The worker raises the emergency alert; the patient's exercises pause.
    alert = wait_for(
        lambda: Alert.objects.filter(patient=patient, rule="neuro_deficit").first(),
        timeout=60,
        what="the worker to raise the alert",
    )
    page = maria.nav("Exercises")
    expect(page.locator(".paused")).to_contain_text("Your exercises are paused")
    violations["today (paused)"] = audit(page, axe_path)

    # 4. The nurse, on a phone, works the queue.
    nadia = Phone(browser, live_server, nurse.username, password)
    page = nadia.nav("Triage")
    top = page.locator("ol.triage-list > li").first
    assert top.get_attribute("id") == f"alert-{alert.pk}"
    assert nadia.fits()
    top.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    top = page.locator(f"#alert-{alert.pk}")
    expect(top.locator(".triage-status")).to_contain_text("Acknowledged by")
    top.locator("summary").click()
    top.get_by_label("Outcome").select_option("urgent_mri")
    top.get_by_label("Note").fill("Same-day MRI booked; told to rest until then.")
    top.get_by_role("button", name="Resolve alert").click()
    page.wait_for_load_state()
    expect(page.locator(f"#alert-{alert.pk}")).to_have_count(0)
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.resolved_by_id) == ("resolved", "urgent_mri", nurse.pk)

    page.goto(f"{live_server.url}/patients/{patient.pk}/timeline/")
    expect(page.locator("main")).to_contain_text(patient.name)
    nadia.close()

    # Resolved with an urgent MRI, the plan waits for clearance (issue #17) until the therapist resumes it.
    page = maria.nav("Exercises")
    expect(page.locator(".waiting-for-clearance")).to_contain_text("Your exercises are on hold")
    from tracker.rehab.models import ExercisePlan
    from tracker.rehab.services import plan_resume

    plan_resume(plan=ExercisePlan.objects.get(patient=patient), user=therapist, note="MRI clear; plan checked.")
    page = maria.nav("Exercises")
    expect(page.locator(".paused")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(pumps.name)
    maria.close()

    found = {name: v for name, v in violations.items() if v}
    assert not found, f"serious or critical accessibility violations: {found}"
