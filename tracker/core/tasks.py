import logging

from celery import shared_task
from django.db import transaction

from tracker.core import jobs

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def run_job(name: str) -> str:
    """Beat's entry point for every periodic job (see settings.TRACKER_PERIODIC_JOBS)."""
    summary = jobs.run_job(name)
    logger.info("periodic job %s: %s", name, summary)
    return summary


def enqueue_on_commit(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits.

    If the broker is unreachable the error is logged (without arguments) and
    swallowed: the caller's data is already saved, and the durable markers the
    periodic sweep reads make sure the work is still done.
    """

    def _send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure must not lose the request
            logger.warning("could not enqueue %s (%s); the sweep will pick it up", task.name, type(exc).__name__)

    transaction.on_commit(_send)
