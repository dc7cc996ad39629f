"""Every rehab endpoint and page against every actor: who gets in, who is refused (403), and who is
told nothing exists (404)."""

import pytest

from tests.rehab.conftest import ex, prescribe, set_precautions, spec

pytestmark = pytest.mark.django_db

ACTORS = ["patient", "other_patient", "nurse", "therapist", "psychologist", "physician", "other_nurse", "admin"]


@pytest.fixture
def world(patient, therapist, actors):
    set_precautions(patient)
    plan = prescribe(patient, therapist, spec("ankle-pumps")).plan
    return {"patient": patient, "plan": plan, "item": plan.current_version.items.get(), "actors": actors}


def plan_body(world):
    return {"patient": world["patient"].pk, "items": [{"exercise": ex("ankle-pumps").pk, "days": ["mon"]}]}


def log_body(world):
    return {"plan_item": world["item"].pk, "completed": True, "pain_before": 1, "pain_during": 1, "difficulty": "ok"}


API = [
    # (name, method, path, body, {actor: status}); actors not listed expect the default
    ("library", "get", "/api/v1/exercises/", None, {"*": 200}),
    (
        "plans list",
        "get",
        "/api/v1/plans/?patient={patient}",
        None,
        {"*": 200, "other_patient": 404, "other_nurse": 404},
    ),
    ("prescribe", "post", "/api/v1/plans/", plan_body, {"*": 403, "therapist": 201}),
    ("check", "post", "/api/v1/plans/check/", plan_body, {"*": 403, "therapist": 200}),
    ("plan", "get", "/api/v1/plans/{plan}/", None, {"*": 200, "other_patient": 404, "other_nurse": 404}),
    (
        "reminder time",
        "patch",
        "/api/v1/plans/{plan}/",
        lambda w: {"reminder_time": "08:00"},
        {"*": 403, "patient": 200, "other_patient": 404},
    ),
    ("today", "get", "/api/v1/today/", None, {"*": 403, "patient": 200, "other_patient": 200}),
    ("log", "post", "/api/v1/exercise-logs/", log_body, {"*": 403, "patient": 201, "other_patient": 400}),
    (
        "logs",
        "get",
        "/api/v1/exercise-logs/?patient={patient}",
        None,
        {"*": 200, "other_patient": 404, "other_nurse": 404},
    ),
    (
        "adherence",
        "get",
        "/api/v1/adherence/?patient={patient}",
        None,
        {"*": 200, "other_patient": 404, "other_nurse": 404},
    ),
]


def expected(table, actor):
    return table.get(actor, table["*"])


@pytest.mark.parametrize(("name", "method", "path", "body", "table"), API, ids=[row[0] for row in API])
def test_api_matrix(api, api_as, world, name, method, path, body, table):
    url = path.format(patient=world["patient"].pk, plan=world["plan"].pk)
    payload = body(world) if body else None
    got = {}
    for actor in ACTORS:
        client = api_as(world["actors"][actor])
        response = getattr(client, method)(url, payload, format="json") if payload else getattr(client, method)(url)
        got[actor] = response.status_code
    assert got == {actor: expected(table, actor) for actor in ACTORS}
    anonymous = getattr(api, method)(url, payload, format="json") if payload else getattr(api, method)(url)
    assert anonymous.status_code == 401


PAGES = [
    ("today", "/exercises/today/", {"*": 403, "patient": 200, "other_patient": 200}),
    ("progress", "/exercises/progress/", {"*": 403, "patient": 200, "other_patient": 200}),
    ("rehab list", "/rehab/", {"*": 200, "patient": 403, "other_patient": 403}),
    ("library", "/rehab/library/", {"*": 200, "patient": 403, "other_patient": 403}),
    (
        "patient rehab",
        "/rehab/patients/{patient}/",
        {"*": 200, "patient": 403, "other_patient": 403, "other_nurse": 404},
    ),
    (
        "plan builder",
        "/rehab/patients/{patient}/plan/",
        {"*": 403, "therapist": 200, "other_nurse": 404},
    ),
    (
        "version",
        "/rehab/patients/{patient}/plans/{plan}/versions/1/",
        {"*": 200, "patient": 403, "other_patient": 403, "other_nurse": 404},
    ),
]


@pytest.mark.parametrize(("name", "path", "table"), PAGES, ids=[row[0] for row in PAGES])
def test_page_matrix(client, web_as, world, name, path, table):
    url = path.format(patient=world["patient"].pk, plan=world["plan"].pk)
    got = {actor: web_as(world["actors"][actor]).get(url).status_code for actor in ACTORS}
    assert got == {actor: expected(table, actor) for actor in ACTORS}
    assert client.get(url).status_code == 302  # to the sign-in page
