"""End to end in a real Chromium on a phone-sized screen: "Forgot your password?" from the e-mail to
signing in, a nurse enrolling a patient as clinicians write levels, and a patient's "My details".

The live server runs in this process (a thread), so the e-mail it sends lands in django.core.mail.outbox
(the test settings use the locmem backend). Screenshots go to var/screenshots/ for a person to look at."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from playwright.sync_api import expect

from tracker.accounts.models import PatientProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-brand-new-pass-2026"


def shot(page, name: str) -> None:
    folder = Path(django_settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"accounts-{name}.png"), full_page=True)


def test_a_patient_resets_a_forgotten_password_from_the_email_and_signs_in(live_server, phone_page, patient):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, "sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url(f"{live_server.url}/accounts/password_reset/")
    shot(page, "reset-request")
    page.fill("#id_email", patient.user.email)
    page.get_by_role("button", name="Send me the link").click()
    page.wait_for_url(f"{live_server.url}/accounts/password_reset/done/")
    assert "Check your e-mail" in page.locator("h1").inner_text()
    shot(page, "reset-sent")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Choose a new password"
    assert patient.user.username in page.locator("main").inner_text()
    shot(page, "reset-choose")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    page.wait_for_url(f"{live_server.url}/accounts/reset/done/")
    shot(page, "reset-done")
    page.get_by_role("link", name="Sign in").last.click()
    page.fill("#id_username", patient.user.username)
    page.fill("#id_password", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("Hello")


def test_a_nurse_enrols_a_patient_writing_a_range_and_a_phone_number_and_sees_them(
    live_server, phone_page, browser_login, nurse
):
    page = phone_page
    browser_login(page, live_server, nurse.username)
    page.goto(f"{live_server.url}/patients/new/")
    page.fill("#id_first_name", "Ines")
    page.fill("#id_last_name", "Moreau")
    page.fill("#id_date_of_birth", "1959-08-02")
    page.fill("#id_primary_cancer", "Kidney")
    page.fill("#id_spinal_levels", "t12\u2013l2")
    page.fill("#id_phone", "+44 (0)161 496 0000")
    page.fill("#id_emergency_contact_name", "Sam Moreau")
    page.fill("#id_emergency_contact_relationship", "Son")
    page.fill("#id_emergency_contact_phone", "07700 900123")
    page.fill("#id_username", "ines")
    page.fill("#id_password", "a-long-first-pass")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(re.compile(r".*/patients/\d+/$"))
    assert "T12, L1, L2" in page.locator("dl.facts").inner_text()
    call = page.locator("a[href='tel:+441614960000']")
    assert call.is_visible() and call.inner_text() == "Call +44 (0)161 496 0000"
    assert call.bounding_box()["height"] >= 44  # a touch target
    assert page.locator("a[href='tel:07700900123']").is_visible()
    assert "Sam Moreau (Son)" in page.locator("#contact-heading + p + p").inner_text()
    shot(page, "staff-patient")
    page.locator("section:has(#contact-heading)").screenshot(
        path=str(Path(django_settings.VAR_DIR) / "screenshots" / "accounts-staff-contact-card.png")
    )
    assert PatientProfile.objects.get(user__username="ines").spinal_levels == ["T12", "L1", "L2"]


def test_a_patient_changes_their_emergency_contact_on_my_details(live_server, phone_page, browser_login, patient):
    page = phone_page
    browser_login(page, live_server, patient.user.username)
    page.get_by_role("link", name="My details").click()
    page.wait_for_url(f"{live_server.url}/my/details/")
    page.fill("#id_phone", "0161 496 0000")
    page.fill("#id_emergency_contact_name", "Sam")
    page.fill("#id_emergency_contact_relationship", "Son")
    page.fill("#id_emergency_contact_phone", "my son")
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator("#id_emergency_contact_phone_error")).to_be_visible()  # waits for the page sent back
    assert "6 to 20 digits" in page.locator("#id_emergency_contact_phone_error").inner_text()
    shot(page, "my-details-error")
    page.fill("#id_emergency_contact_phone", "07700 900123")
    page.get_by_role("button", name="Save my details").click()
    page.wait_for_url(f"{live_server.url}/my/details/")
    assert "Your details are saved" in page.locator(".messages").inner_text()
    assert page.locator("a[href='tel:07700900123']").is_visible()
    assert page.locator("a[href='tel:01614960000']").is_visible()
    shot(page, "my-details")
    patient.refresh_from_db()
    assert patient.emergency_contact == {"name": "Sam", "relationship": "Son", "phone": "07700 900123"}
