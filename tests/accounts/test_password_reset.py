"""Password reset by e-mail (Django's views, the site's templates): the same answer whether or not the
address exists, a neutral e-mail with only the link, and a new password that signs in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-pass-2026"
# Nothing in the e-mail says what the site is for.
HEALTH_WORDS = ["spine", "spinal", "cancer", "patient", "health", "care team", "symptom", "pain", "clinic"]


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def ask_for_a_link(client, email):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def test_the_sign_in_page_offers_forgot_your_password(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Forgot your password?</a>' in html


def test_the_reset_page_is_the_sites_own(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forgot your password?" in html and "Send me the link" in html
    assert "admin/css" not in html  # not Django admin's look


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, patient):
    known = ask_for_a_link(client, patient.user.email)
    assert len(mail.outbox) == 1
    unknown = ask_for_a_link(client, "nobody-here@example.org")
    assert len(mail.outbox) == 1  # nothing sent for an unknown address
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert b"If an account uses that address" in known.content


def test_the_email_is_neutral_just_the_link(client, patient):
    ask_for_a_link(client, patient.user.email.upper())  # addresses match in any case
    (message,) = mail.outbox
    assert message.to == [patient.user.email]
    assert message.subject == "Password reset"
    text = f"{message.subject}\n{message.body}".lower()
    assert [word for word in HEALTH_WORDS if word in text] == []
    assert patient.user.username not in text and patient.user.last_name.lower() not in text
    assert reset_link(message).startswith("/accounts/reset/")
    assert message.alternatives == []


@pytest.mark.parametrize("who", ["patient", "nurse"])
def test_request_email_link_new_password_then_sign_in_with_it(client, patient, nurse, who):
    user = patient.user if who == "patient" else nurse
    ask_for_a_link(client, user.email)
    confirm = client.get(reset_link(mail.outbox[0]), follow=True)
    html = confirm.content.decode()
    assert "Choose a new password" in html
    assert f"Your username is <strong>{user.username}</strong>" in html
    done = client.post(
        confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert b"Your password is changed" in done.content
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 200
    signed_in = client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == reverse("home")


def test_a_weak_or_mismatched_new_password_is_explained_and_not_saved(client, patient):
    ask_for_a_link(client, patient.user.email)
    confirm = client.get(reset_link(mail.outbox[0]), follow=True)
    url = confirm.redirect_chain[-1][0]
    weak = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and b"The password was not changed" in weak.content
    mismatch = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert b"The two password fields didn" in mismatch.content
    patient.user.refresh_from_db()
    assert patient.user.check_password(PASSWORD)


def test_a_used_link_no_longer_works(client, patient):
    ask_for_a_link(client, patient.user.email)
    link = reset_link(mail.outbox[0])
    confirm = client.get(link, follow=True)
    client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert b"This link no longer works" in again.content
    assert b"Send me a new link" in again.content


def test_an_account_without_an_address_gets_nothing_and_the_same_answer(client, patient):
    patient.user.email = ""
    patient.user.save(update_fields=["email"])
    response = ask_for_a_link(client, "")
    assert b"Please write your e-mail address" in response.content
    assert mail.outbox == []


def test_a_new_password_lifts_an_earlier_lockout(client, patient, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": patient.user.username, "password": "wrong"})
    assert client.post(reverse("login"), {"username": patient.user.username, "password": PASSWORD}).status_code == 429
    ask_for_a_link(client, patient.user.email)
    confirm = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = client.post(reverse("login"), {"username": patient.user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_the_lockout_still_holds_for_wrong_passwords_after_a_reset(client, patient, settings):
    ask_for_a_link(client, patient.user.email)
    confirm = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": patient.user.username, "password": PASSWORD})  # the old one
    locked = client.post(reverse("login"), {"username": patient.user.username, "password": NEW_PASSWORD})
    assert locked.status_code == 429 and b"Choose a new one by e-mail" in locked.content
