"""The base cast of actors (healthchecks' alice/bob/charlie pattern).

- `patient` and `other_patient`: two patients on different teams.
- `nurse`, `therapist`, `psychologist`, `physician`: on `patient`'s care team.
- `other_nurse`: on `other_patient`'s team only.
- `admin_user`: site admin, sees everyone.
"""

from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, PatientFactory, UserFactory
from tracker.core.vocab import Role


def pytest_configure(config):
    """What the settings name but never create (run.py does it for the processes it starts): var/, where the test
    database lives, and the filesystem broker's folders, which this process and the workers the tests start
    share."""
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters (the token endpoint's throttle) live
    there, and a budget spent by earlier tests must not make a later one see 429."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def nurse(db):
    return UserFactory(username="nina_nurse", role=Role.NURSE)


@pytest.fixture
def therapist(db):
    return UserFactory(username="theo_therapist", role=Role.THERAPIST)


@pytest.fixture
def psychologist(db):
    return UserFactory(username="paula_psych", role=Role.PSYCHOLOGIST)


@pytest.fixture
def physician(db):
    return UserFactory(username="phil_physician", role=Role.PHYSICIAN)


@pytest.fixture
def other_nurse(db):
    return UserFactory(username="olga_othernurse", role=Role.NURSE)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada_admin", role=Role.ADMIN)


@pytest.fixture
def patient(db, nurse, therapist, psychologist, physician):
    return PatientFactory(user__username="pat_patient", team=[nurse, therapist, psychologist, physician])


@pytest.fixture
def other_patient(db, other_nurse):
    return PatientFactory(user__username="oscar_otherpatient", team=[other_nurse])


@pytest.fixture
def actors(patient, other_patient, nurse, therapist, psychologist, physician, other_nurse, admin_user):
    """Every actor by name, for matrix tests."""
    return {
        "patient": patient.user,
        "other_patient": other_patient.user,
        "nurse": nurse,
        "therapist": therapist,
        "psychologist": psychologist,
        "physician": physician,
        "other_nurse": other_nurse,
        "admin": admin_user,
    }


@pytest.fixture
def api():
    """An unauthenticated API client."""
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient sending that user's token."""

    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def web_as(client):
    """web_as(user) -> Django's test client logged in as that user (a fresh one each call)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make


@pytest.fixture
def password():
    return PASSWORD


# --- Real browser (Playwright driving Debian's Chromium) -------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def chromium_path():
    import os
    import shutil

    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {path}; CI must install it (apt-get install chromium).")
        pytest.skip(f"Chromium not found at {path}: install Debian's chromium or set CHROMIUM_PATH.")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def phone_page(browser):
    """A fresh phone-sized browser context and page."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login():
    """browser_login(page, live_server, username) signs in through the real login form."""

    def login(page, live_server, username, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/**")
        return page

    return login
