"""Pages and API answers are never kept by a browser or proxy cache; media is cached as usual."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_never_stored(response):
    assert response.status_code == 200, response.status_code
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache"} <= directives, response["Cache-Control"]


def test_signed_in_pages_are_never_stored(web_as, patient, nurse):
    assert_never_stored(web_as(patient.user).get("/checkin/"))
    assert_never_stored(web_as(patient.user).get("/"))
    assert_never_stored(web_as(nurse).get(f"/patients/{patient.pk}/timeline/"))


def test_api_answers_are_never_stored(api_as, patient, nurse):
    assert_never_stored(api_as(patient.user).get("/api/v1/checkins/"))
    assert_never_stored(api_as(nurse).get("/api/v1/alerts/"))


def test_the_sign_in_page_is_never_stored_either():
    assert_never_stored(Client().get("/accounts/login/"))


def test_media_keeps_the_usual_caching(web_as, patient, tmp_path):
    media = settings.MEDIA_ROOT / "never-stored-test.txt"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_text("an exercise picture would be here")
    try:
        response = web_as(patient.user).get("/media/never-stored-test.txt")
    finally:
        media.unlink()
    assert response.status_code == 200
    assert "Cache-Control" not in response and response["Last-Modified"]
