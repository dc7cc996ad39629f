"""Oversized and deeply nested request bodies are refused cleanly (413 / 400 JSON), never a 500.

DRF reads the raw request stream, so without tracker/core/parsers.py neither Django's
DATA_UPLOAD_MAX_MEMORY_SIZE nor any depth limit would apply to API bodies.
"""

import json

import pytest

from tracker.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds

pytestmark = pytest.mark.django_db

LIMIT = 256 * 1024


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The token endpoint is rate limited per address (in the cache); these tests call it many times."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def json_body_endpoints(client) -> list[tuple[str, str]]:
    """(method, path) of every operation in the schema that takes a JSON body and has no path parameter."""
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content and "{" not in path:
                found.append((method, path))
    return found


def _send(api_client, method, path, body: str):
    return getattr(api_client, method)(path, data=body, content_type="application/json")


def _allowed_client(method, path, api_as, actors):
    """The first actor whose role may use the operation (anything but 401/403 on an empty object)."""
    for user in actors.values():
        client = api_as(user)
        if _send(client, method, path, "{}").status_code not in (401, 403, 405):
            return client
    pytest.fail(f"no actor may {method.upper()} {path}")


def test_the_schema_lists_the_body_endpoints(client):
    paths = {path for _m, path in json_body_endpoints(client)}
    assert "/api/v1/auth/token/" in paths and "/api/v1/patients/" in paths


def test_every_json_endpoint_refuses_an_oversized_body_with_413(client, settings, api_as, actors):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    body = json.dumps({"note": "x" * (LIMIT + 10)})
    for method, path in json_body_endpoints(client):
        response = _send(_allowed_client(method, path, api_as, actors), method, path, body)
        assert response.status_code == 413, (method, path, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert "too large" in response.json()["detail"]


def test_every_json_endpoint_refuses_deeply_nested_json_with_400(client, api_as, actors):
    for method, path in json_body_endpoints(client):
        allowed = _allowed_client(method, path, api_as, actors)
        for body in ("[" * 10_000 + "]" * 10_000, '{"a":' * 5_000 + "1" + "}" * 5_000, "[" * 40 + "]" * 40):
            response = _send(allowed, method, path, body)
            assert response.status_code == 400, (method, path, len(body), response.status_code)
            assert "nested" in response.json()["detail"]


def test_a_body_just_under_the_limit_is_still_parsed(api_as, nurse, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    body = json.dumps({"username": "u" * (LIMIT - 100)})
    assert len(body) < LIMIT
    response = _send(api_as(nurse), "post", "/api/v1/patients/", body)
    assert response.status_code == 400
    assert "username" in response.json()  # a field error: the body was read and validated


def test_malformed_json_and_bad_encoding_are_400(api_as, nurse):
    for raw in ('{"username": ', b"\xff\xfe{}", "NaN"):
        response = api_as(nurse).post("/api/v1/patients/", data=raw, content_type="application/json")
        assert response.status_code == 400, raw
        assert "JSON parse error" in response.json()["detail"]


def test_an_oversized_form_body_is_refused_too(api_as, nurse, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    body = "username=" + "x" * (LIMIT + 10)
    response = api_as(nurse).post("/api/v1/patients/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_an_unknown_api_path_answers_json_404(api_as, nurse):
    for path in ("/api/v1/patients/not-a-number/", "/api/v1/no-such-thing/"):
        response = api_as(nurse).get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "value,exceeds",
    [
        ({}, False),
        ([[[]]], False),
        ({"a": [{"b": 1}]}, False),
        ([[]] * 3, False),
        (json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH), False),
        (json.loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)), True),
        (json.loads('{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)), True),
        ("text", False),
    ],
)
def test_depth_limit(value, exceeds):
    assert json_depth_exceeds(value, MAX_JSON_DEPTH) is exceeds
