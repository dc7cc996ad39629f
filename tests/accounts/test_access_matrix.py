"""Each role reaches exactly what it should, for every endpoint and page that exists.

Rows grow as apps land; each cell is the expected status code.
"""

import pytest

pytestmark = pytest.mark.django_db

ACTORS = ["anon", "patient", "other_patient", "nurse", "therapist", "psychologist", "physician", "other_nurse", "admin"]


def _client(name, actors, api, api_as):
    return api if name == "anon" else api_as(actors[name])


# (method, path template, body, {actor: status})
API_MATRIX = [
    (
        "get",
        "/api/v1/me/",
        None,
        dict(
            anon=401,
            patient=200,
            other_patient=200,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=200,
            admin=200,
        ),
    ),
    (
        "get",
        "/api/v1/patients/",
        None,
        dict(
            anon=401,
            patient=403,
            other_patient=403,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=200,
            admin=200,
        ),
    ),
    (
        "get",
        "/api/v1/patients/{patient}/",
        None,
        dict(
            anon=401,
            patient=200,
            other_patient=404,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=404,
            admin=200,
        ),
    ),
    (
        "patch",
        "/api/v1/patients/{patient}/",
        {"checkin_schedule": "daily"},
        dict(
            anon=401,
            patient=403,
            other_patient=403,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=404,
            admin=200,
        ),
    ),
    (
        "post",
        "/api/v1/patients/",
        {},
        dict(
            anon=401,
            patient=403,
            other_patient=403,
            nurse=400,
            therapist=403,
            psychologist=403,
            physician=400,
            other_nurse=400,
            admin=400,
        ),
    ),
]


@pytest.mark.parametrize("method,path,body,expected", API_MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in API_MATRIX])
def test_api_access_matrix(method, path, body, expected, actors, patient, api, api_as):
    url = path.format(patient=patient.pk)
    for name in ACTORS:
        client = _client(name, actors, api, api_as)
        kwargs = {"format": "json"} if body is not None else {}
        response = getattr(client, method)(url, body, **kwargs) if body is not None else getattr(client, method)(url)
        assert response.status_code == expected[name], f"{name} {method} {url}: {response.status_code}"


PAGE_MATRIX = [
    (
        "/",
        dict(
            anon=302,
            patient=200,
            other_patient=200,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=200,
            admin=200,
        ),
    ),
    (
        "/patients/",
        dict(
            anon=302,
            patient=403,
            other_patient=403,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=200,
            admin=200,
        ),
    ),
    (
        "/patients/{patient}/",
        dict(
            anon=302,
            patient=403,
            other_patient=403,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=404,
            admin=200,
        ),
    ),
    (
        "/messages/",
        dict(
            anon=302,
            patient=200,
            other_patient=200,
            nurse=200,
            therapist=200,
            psychologist=200,
            physician=200,
            other_nurse=200,
            admin=200,
        ),
    ),
]


@pytest.mark.parametrize("path,expected", PAGE_MATRIX, ids=[p for p, _e in PAGE_MATRIX])
def test_page_access_matrix(path, expected, actors, patient, client, web_as):
    url = path.format(patient=patient.pk)
    for name in ACTORS:
        c = client if name == "anon" else web_as(actors[name])
        assert c.get(url).status_code == expected[name], f"{name} GET {url}"


def test_other_nurse_sees_nothing_of_another_team(api_as, other_nurse, patient, other_patient):
    ids = [p["id"] for p in api_as(other_nurse).get("/api/v1/patients/").json()["results"]]
    assert ids == [other_patient.pk]
