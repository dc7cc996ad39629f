"""The starter library is in every fresh database; content is sanitised Markdown, editable in the admin."""

import pytest

from tracker.psych.content import render_markdown
from tracker.psych.library import library_load
from tracker.psych.models import ContentModule, ModuleKind, Programme

pytestmark = pytest.mark.django_db


def test_a_fresh_database_has_at_least_12_modules_in_3_programmes():
    """Straight from the data migration (no loader call here)."""
    assert ContentModule.objects.count() >= 12
    programmes = Programme.objects.all()
    assert programmes.count() >= 3
    for programme in programmes:
        assert programme.items.count() >= 4
        offsets = list(programme.items.values_list("day_offset", flat=True))
        assert offsets[0] == 0 and offsets == sorted(offsets)
    assert set(ContentModule.objects.values_list("kind", flat=True)) == set(ModuleKind.values)


def test_loading_again_adds_nothing_and_keeps_edits(library):
    module = ContentModule.objects.get(slug="body-scan")
    module.title = "Body scan (edited by the team)"
    module.save()
    assert library_load() == {"modules": 0, "programmes": 0, "items": 0}
    module.refresh_from_db()
    assert module.title == "Body scan (edited by the team)"


def test_loading_restores_a_deleted_programme(library):
    Programme.objects.filter(slug="calm-body-calmer-mind").delete()
    created = library_load()
    assert created == {"modules": 0, "programmes": 1, "items": 5}


@pytest.mark.parametrize(
    ("markdown", "absent", "present"),
    [
        ("<script>alert(1)</script>Hi", "<script", "Hi"),
        ('<img src=x onerror="alert(1)">', "onerror", ""),
        ("[click](javascript:alert(1))", "javascript:", "click"),
        ('<a href="https://example.org" onclick="x()">ok</a>', "onclick", 'href="https://example.org"'),
        ("<iframe src='https://evil.example'></iframe>", "<iframe", ""),
        ("## Heading\n\n- one\n- two", "<script", "<h2>Heading</h2>"),
    ],
)
def test_markdown_is_rendered_and_sanitised(markdown, absent, present):
    html = str(render_markdown(markdown))
    assert absent not in html
    assert present in html


def test_links_keep_noopener(db):
    assert 'rel="noopener noreferrer"' in str(render_markdown("[site](https://example.org)"))


def test_media_accepts_audio_and_video_only(tmp_path, settings, library):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    module = ContentModule.objects.get(slug="body-scan")
    module.media = SimpleUploadedFile("scan.mp3", b"ID3fake", content_type="audio/mpeg")
    module.full_clean()
    module.save()
    assert module.media.name.startswith("psych/media/") and not module.media_is_video
    module.media = SimpleUploadedFile("evil.html", b"<script>", content_type="text/html")
    with pytest.raises(ValidationError):
        module.full_clean()


def test_content_is_editable_in_the_admin(client, admin_user, library):
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    module = ContentModule.objects.get(slug="sleep-habits")
    assert client.get(f"/admin/psych/contentmodule/{module.pk}/change/").status_code == 200
    programme = Programme.objects.get(slug="calm-body-calmer-mind")
    assert client.get(f"/admin/psych/programme/{programme.pk}/change/").status_code == 200


def test_the_load_command_reports_what_it_added(library):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_psych_library", stdout=out)
    assert out.getvalue().strip() == "0 modules, 0 programmes, 0 programme items added."
