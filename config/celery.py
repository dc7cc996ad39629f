"""The Celery application: `celery -A config worker` and `celery -A config beat`.

The settings module was chosen by `config/__init__.py`, which runs before this module.
"""

import logging

from celery import Celery
from celery.signals import beat_init, worker_ready
from django.conf import settings

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("tracker.startup")


@worker_ready.connect
@beat_init.connect
def _say_which_settings(sender=None, **kwargs) -> None:
    """Tell the operator which settings this process runs, as the web server's pages show by their behaviour."""
    logger.info(
        "Spine Tracker %s running %s (DEBUG %s)",
        "beat" if kwargs.get("signal") is beat_init else "worker",
        settings.SETTINGS_MODULE,
        "on" if settings.DEBUG else "off",
    )
