import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_signs_in_on_a_phone_and_sees_the_emergency_number(live_server, phone_page, browser_login, patient):
    browser_login(phone_page, live_server, patient.user.username)
    assert phone_page.locator("h1").inner_text().startswith("Hello")
    call = phone_page.locator("a[href^='tel:']").first
    assert call.is_visible()
    assert patient.effective_emergency_number.replace(" ", "") in call.get_attribute("href")
