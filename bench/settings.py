"""Benchmark-only settings: production settings plus a bare JSON view and a Server-Timing header.

Used only by the bench/ commands, which start gunicorn and a Celery worker with
DJANGO_SETTINGS_MODULE=bench.settings over plain HTTP on 127.0.0.1. Nothing here is
reachable from a production deployment (which runs config.settings.production).
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# The bench talks plain HTTP to 127.0.0.1.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Time spent inside Django, per response, as `Server-Timing: app;dur=<ms>`.
MIDDLEWARE = ["bench.middleware.server_timing", *MIDDLEWARE]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The bench's clients are all 127.0.0.1; it never uses the token endpoint or logs in with a wrong password.
AXES_ENABLED = False
