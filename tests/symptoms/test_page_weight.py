"""The patient check-in page, HTML plus its CSS and JavaScript, is under 60 KB as served."""

import re

import pytest

from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_check_in_page_with_its_css_and_js_is_under_60_kb(web_as, patient, settings):
    settings.WHITENOISE_USE_FINDERS = True  # WhiteNoise serves /static/ from the source folders, as in dev
    # The heaviest version of the page: a previous check-in with problems (so "last time" notes show).
    CheckInFactory(
        patient=patient,
        days_ago=1,
        weakness_left_leg="mild",
        walking="unsteady",
        fatigue=2,
        numbness=["left_leg"],
        mild_pain=True,
        evaluated=True,
    )
    client = web_as(patient.user)
    page = client.get("/checkin/")
    html = page.content
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    assert any(a.endswith(b".css") for a in assets) and any(b"checkin.js" in a for a in assets)
    sizes = {"html": len(html)}
    for url in assets:
        response = client.get(url.decode())
        assert response.status_code == 200, url
        sizes[url.decode()] = len(_body(response))
    total = sum(sizes.values())
    assert total < BUDGET, sizes
    assert not re.search(rb"<img|<iframe|plotly", html)  # nothing else to download
