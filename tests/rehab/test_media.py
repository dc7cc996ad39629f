"""Exercise images and videos: uploaded in the admin, stored in media storage, shown to the patient."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.rehab.conftest import ex, prescribe, spec
from tracker.rehab.models import Exercise

pytestmark = pytest.mark.django_db

# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def media_cleanup():
    """Uploads go to the test MEDIA_ROOT (the URL conf serves that folder); remove them afterwards."""
    yield
    for exercise in Exercise.objects.exclude(media=""):
        exercise.media.delete(save=False)


def admin_form(exercise, **changes):
    data = {
        "name": exercise.name,
        "slug": exercise.slug,
        "body_region": exercise.body_region,
        "purpose": exercise.purpose,
        "instructions": exercise.instructions,
        "safety_cues": exercise.safety_cues,
        "is_active": "on",
        "media_description": "",
        "lifting_kg": "",
        "default_sets": exercise.default_sets,
        "default_reps": exercise.default_reps,
        "default_hold_seconds": exercise.default_hold_seconds,
    }
    if exercise.suitable_for_unstable_spine:
        data["suitable_for_unstable_spine"] = "on"
    data.update(changes)
    return data


def test_an_image_uploaded_in_the_admin_is_served_and_shown_on_the_patients_day(
    web_as, admin_user, stable_patient, therapist, settings, frozen, media_cleanup
):
    pumps = ex("ankle-pumps")
    upload = SimpleUploadedFile("pumps.png", PNG, content_type="image/png")
    response = web_as(admin_user).post(
        f"/admin/rehab/exercise/{pumps.pk}/change/",
        admin_form(pumps, media=upload, media_description="Feet pointing up, then down"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pumps = Exercise.objects.get(pk=pumps.pk)
    assert pumps.media.name.startswith("exercises/") and pumps.media_kind == "image"
    assert (Path(settings.MEDIA_ROOT) / pumps.media.name).read_bytes() == PNG

    served = web_as(stable_patient.user).get(pumps.media.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG

    prescribe(stable_patient, therapist, spec("ankle-pumps"))
    html = web_as(stable_patient.user).get("/exercises/today/").content.decode()
    assert f'<img src="{pumps.media.url}" alt="Feet pointing up, then down"' in html


def test_a_video_is_shown_with_controls(web_as, stable_patient, therapist, frozen, media_cleanup):
    pumps = ex("ankle-pumps")
    pumps.media.save("pumps.mp4", SimpleUploadedFile("pumps.mp4", b"\x00\x00\x00\x18ftypmp42"))
    assert pumps.media_kind == "video"
    prescribe(stable_patient, therapist, spec("ankle-pumps"))
    html = web_as(stable_patient.user).get("/exercises/today/").content.decode()
    assert f'<video src="{pumps.media.url}" controls' in html


def test_other_file_types_are_refused_in_the_admin(web_as, admin_user, media_cleanup):
    pumps = ex("ankle-pumps")
    upload = SimpleUploadedFile("pumps.html", b"<script>alert(1)</script>", content_type="text/html")
    response = web_as(admin_user).post(f"/admin/rehab/exercise/{pumps.pk}/change/", admin_form(pumps, media=upload))
    assert response.status_code == 200
    assert "File extension “html” is not allowed." in response.content.decode()
    assert not Exercise.objects.get(pk=pumps.pk).media
