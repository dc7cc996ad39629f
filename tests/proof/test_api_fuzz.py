"""Hostile input: schemathesis fuzzes every operation in /api/v1/schema/, in-process against the WSGI app.

Each generated request (valid and invalid data, in JSON: the API's contract) is sent with a patient's
token and with a nurse's token. No response may be a 5xx, and every response must match the schema: its
status code documented for that operation, its content type and its body as documented
(tracker/core/schema.py documents the error responses every operation can give).
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as oa_checks

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    oa_checks.status_code_conformance,
    oa_checks.content_type_conformance,
    oa_checks.response_schema_conformance,
    oa_checks.response_headers_conformance,
]
# Bounded so that CI stays within its time; FUZZ_EXAMPLES=500 for a deeper run by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "10"))


def json_only(raw: dict) -> dict:
    """The schema with request bodies in JSON only (the form parsers exist for the browsable API)."""
    for path_item in raw["paths"].values():
        for operation in path_item.values():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if content:
                for media_type in [m for m in content if m != "application/json"]:
                    del content[media_type]
    return raw


@pytest.fixture
def api_schema(db, client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    loaded = schemathesis.openapi.from_dict(json_only(json.loads(response.content)))
    loaded.app = get_wsgi_application()
    # As Django's test client does (so after using it): requests must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield loaded
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def tokens(patient, nurse):
    users = {"patient": patient.user, "nurse": nurse}
    return {name: Token.objects.get_or_create(user=user)[0].key for name, user in users.items()}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_errors_and_always_matches_its_schema(case, tokens):
    for key in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)
