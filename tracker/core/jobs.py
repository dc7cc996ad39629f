"""Periodic jobs: one registry (settings.TRACKER_PERIODIC_JOBS) for beat and `manage.py sweep`.

A job is a plain function `job(*, now: datetime) -> str` that does its work
idempotently and returns a one-line summary of what it did.
"""

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


def job_names() -> list[str]:
    return list(settings.TRACKER_PERIODIC_JOBS)


def run_job(name: str, *, now: datetime | None = None) -> str:
    try:
        path, _interval = settings.TRACKER_PERIODIC_JOBS[name]
    except KeyError:
        raise ValueError(f"unknown periodic job {name!r}; known: {', '.join(job_names())}") from None
    func = import_string(path)
    return func(now=now or timezone.now())


def run_all(*, now: datetime | None = None) -> Iterator[tuple[str, str]]:
    for name in job_names():
        yield name, run_job(name, now=now)
