import pytest

from tests.alerts.conftest import celery_worker_process  # noqa: F401 - the real worker, for the browser tests
from tracker.psych.library import library_load
from tracker.psych.models import Programme


@pytest.fixture
def library(db):
    """The starter library. The data migration loads it; a transactional test's flush removes it, so
    load it again (only what is missing)."""
    library_load()


@pytest.fixture
def programme(library):
    """The starter 'Coping with pain and worry' programme: six modules on days 0, 5, 10, 17, 24, 31."""
    return Programme.objects.get(slug="coping-with-pain-and-worry")
