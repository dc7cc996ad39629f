"""The Celery application: `celery -A config worker` and `celery -A config beat`.

The settings module was chosen by `config/__init__.py`, which runs before this module.
"""

import logging
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, celeryd_init, worker_ready
from django.conf import settings

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("tracker.startup")

FILESYSTEM_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def make_broker_folders() -> None:
    """The filesystem broker's folders (the embedded default), made when a process that uses it starts:
    settings create no files, and an operator may start gunicorn or celery without run.py."""
    if not str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in FILESYSTEM_BROKER_FOLDERS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@celeryd_init.connect
@beat_init.connect
def _broker_folders_at_start(**kwargs) -> None:
    make_broker_folders()


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
