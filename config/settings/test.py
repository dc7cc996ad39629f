"""Tests: `python3 run.py test`, or pytest (pyproject.toml names this module).

Nothing here creates files: tests/conftest.py makes var/ and the filesystem broker's folders.
"""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, env_str

# run.py passes the checkout's key (SECRET_KEY_FILE); bare pytest gets a new key per process. Nothing signed
# crosses processes in the tests: the live server runs in the test process, and the workers the tests
# start read no sessions, cookies or signed tokens.
SECRET_KEY = env_str("SECRET_KEY") or secrets.token_urlsafe(64)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
WHITENOISE_AUTOREFRESH = True

# A file, not memory, so that a real Celery worker process in the tests sees the same database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405

# A Celery worker started by the tests (tests/alerts/conftest.py, `celery_worker_process`) sets
# TRACKER_USE_TEST_DB=1 so that it opens the database the test run created (the file above on SQLite,
# test_<name> on PostgreSQL) instead of the development one.
if env_bool("TRACKER_USE_TEST_DB"):
    _db = DATABASES["default"]  # noqa: F405
    _db["NAME"] = _db.get("TEST", {}).get("NAME") or f"test_{_db['NAME']}"
