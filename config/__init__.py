"""The project package. Importing it chooses the settings module, once, for every process.

`gunicorn config.wsgi`, `celery -A config worker|beat` and `manage.py` all import this package before
Django reads its settings, so they agree: with DJANGO_SETTINGS_MODULE unset they run production settings,
which refuse to start without SECRET_KEY and ALLOWED_HOSTS. Development and tests name their settings
themselves (`run.py`, pytest's configuration in pyproject.toml).
"""

import os

DEFAULT_SETTINGS_MODULE = "config.settings.production"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)

from .celery import app as celery_app  # noqa: E402 - the settings module must be chosen first

__all__ = ("celery_app",)
