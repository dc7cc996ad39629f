from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, secret_key_in

SECRET_KEY = secret_key_in(VAR_DIR)

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
