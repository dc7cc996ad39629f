"""Every psych endpoint and page refuses the actors who should not reach it (401/403/404)."""

import pytest
from django.utils import timezone

from tracker.core.vocab import Instrument
from tracker.psych.models import ContentDelivery
from tracker.psych.services import programme_assign, referral_create, screen_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

# anon, patient, other_patient, nurse, therapist, psychologist, physician, other_nurse, admin
ACTORS = ["anon", "patient", "other_patient", "nurse", "therapist", "psychologist", "physician", "other_nurse", "admin"]


def row(codes: str) -> dict[str, int]:
    """Expected status codes in ACTORS order."""
    values = [int(c) for c in codes.split()]
    assert len(values) == len(ACTORS)
    return dict(zip(ACTORS, values, strict=True))


@pytest.fixture
def objects(patient, psychologist, programme):
    screen, _ = screen_submit(patient=patient, instrument=Instrument.DISTRESS_THERMOMETER, score=6)
    referral, _created = referral_create(patient=patient, service="psychology", created_by=psychologist)
    assignment, _created = programme_assign(
        patient=patient, programme=programme, start_date=timezone.localdate(), assigned_by=psychologist
    )
    delivery = ContentDelivery.objects.get(assignment=assignment)
    return {
        "patient": patient.pk,
        "screen": screen.pk,
        "referral": referral.pk,
        "delivery": delivery.pk,
        "assignment": assignment.pk,
    }


SCREEN = {"instrument": "distress_thermometer", "score": 1}
REFERRAL = {"patient": "{patient}", "service": "psychology"}
CONTACT = {"contacted_at": "NOW", "outcome": "no_need"}

API = [
    ("get", "/api/v1/screens/", None, row("401 200 200 400 400 400 400 400 400")),
    ("get", "/api/v1/screens/?patient={patient}", None, row("401 200 404 200 200 200 200 404 200")),
    ("post", "/api/v1/screens/", SCREEN, row("401 201 201 403 403 403 403 403 403")),
    ("get", "/api/v1/screens/due/", None, row("401 200 200 403 403 403 403 403 403")),
    ("get", "/api/v1/content/?patient={patient}", None, row("401 200 404 200 200 200 200 404 200")),
    ("post", "/api/v1/content/{delivery}/complete/", {}, row("401 200 404 403 403 403 403 403 403")),
    ("get", "/api/v1/referrals/?patient={patient}", None, row("401 403 403 200 200 200 200 404 200")),
    ("post", "/api/v1/referrals/", REFERRAL, row("401 403 403 201 201 201 201 404 201")),
    ("post", "/api/v1/referrals/{referral}/contact/", CONTACT, row("401 403 403 200 200 200 200 404 200")),
    ("get", "/api/v1/programmes/", None, row("401 403 403 200 200 200 200 200 200")),
    ("get", "/api/v1/programme-assignments/?patient={patient}", None, row("401 403 403 200 200 200 200 404 200")),
]  # fmt: skip

PAGES = [
    ("get", "/screens/", row("302 200 200 403 403 403 403 403 403")),
    ("get", "/screens/{screen}/", row("302 200 404 403 403 403 403 403 403")),
    ("get", "/support/{delivery}/", row("302 200 404 403 403 403 403 403 403")),
    ("get", "/psych/queue/", row("302 403 403 200 200 200 200 200 200")),
    ("get", "/psych/patients/", row("302 403 403 200 200 200 200 200 200")),
    ("get", "/psych/patients/{patient}/", row("302 403 403 200 200 200 200 404 200")),
    ("get", "/psych/patients/{patient}/referrals/new/", row("302 403 403 200 200 200 200 404 200")),
    ("get", "/psych/referrals/{referral}/contact/", row("302 403 403 200 200 200 200 404 200")),
    ("post", "/psych/assignments/{assignment}/stop/", row("302 403 403 302 302 302 302 404 302")),
    ("get", "/psych/library/", row("302 403 403 200 200 200 200 200 200")),
]  # fmt: skip


def _fill(value, objects):
    if isinstance(value, str):
        if value == "NOW":
            return timezone.now().isoformat()
        return value.format(**objects)
    if isinstance(value, dict):
        return {k: _fill(v, objects) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "expected"), API, ids=[f"{m} {p}" for m, p, _b, _e in API])
@pytest.mark.parametrize("who", ACTORS)
def test_api_reach(method, path, body, expected, who, actors, objects, api, api_as):
    client = api if who == "anon" else api_as(actors[who])
    response = getattr(client, method)(_fill(path, objects), _fill(body, objects), format="json")
    assert response.status_code == expected[who], response.content


@pytest.mark.parametrize(("method", "path", "expected"), PAGES, ids=[f"{m} {p}" for m, p, _e in PAGES])
@pytest.mark.parametrize("who", ACTORS)
def test_page_reach(method, path, expected, who, actors, objects, client, web_as):
    c = client if who == "anon" else web_as(actors[who])
    response = getattr(c, method)(_fill(path, objects))
    assert response.status_code == expected[who]
