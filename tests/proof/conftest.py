"""Fixtures for the proof tests: the real-process fixtures of the alert engine's failure tests, and
helpers that send check-ins through the real API."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.alerts.conftest import (  # noqa: F401 - fixtures shared with the alert engine's tests
    PrivateRedis,
    _free_port,
    celery_app_broker,
    celery_worker_process,
    need_redis_server,
    redis_port_base,
    wait_for,
)

CHECKINS = "/api/v1/checkins/"


def checkin_body(*, red_flag: bool, client_id: str | None = None) -> dict:
    """A check-in as a phone sends it (docs/api.md). The red flag: saddle numbness (neuro_deficit, emergency),
    which fires on every report, new or not; the other is a quiet day that fires nothing."""
    return {
        "client_id": client_id or str(uuid.uuid4()),
        "pain": {
            "now": 2,
            "worst_24h": 3,
            "sites": ["mid_back"],
            "night_pain": False,
            "worse_with_straining": False,
            "breakthrough_doses": 0,
        },
        "neuro": {
            "weakness": {},
            "numbness": ["saddle"] if red_flag else [],
            "walking": "normal",
            "falls": 0,
            "bladder": "normal",
            "bowel": "normal",
        },
        "side_effects": {"fatigue": 1, "nausea": 0, "diarrhoea": 0, "skin_reaction": 0, "rash": 0},
        "note": "",
    }


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own (as tests/alerts' fixture), 100 ports above theirs so that it never
    shares a port with the alert tests' when both run at once on one machine."""
    server = PrivateRedis(need_redis_server(), _free_port(redis_port_base() + 100), tmp_path)
    server.start()
    yield server
    server.stop()


def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


@pytest.fixture
def patient_api():
    """patient_api(profile) -> an APIClient with that patient's token."""

    def make(profile) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(profile.user)}")
        return client

    return make


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (`manage.py seed_demo`), seeded once per test module and rolled back after it."""
    from tests.proof.access import Demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield Demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
