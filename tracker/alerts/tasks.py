"""Celery tasks of the red-flag engine: thin wrappers around the services, safe to run twice."""

from celery import shared_task

from tracker.alerts.services import submission_evaluate


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(LookupError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def evaluate_submission(label: str, pk: int) -> str:
    """Evaluate one submission (sent after its transaction commits). Idempotent: a repeat is a no-op;
    whatever never gets here (broker down, retries exhausted) is evaluated by the `evaluate_pending` job."""
    return submission_evaluate(label=label, pk=pk)
