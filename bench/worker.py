"""The project's Celery app plus the benchmarks' own tasks, whose results the benchmarks wait for.

Started as `celery -A bench.worker worker` by the bench harness (with bench.settings).
"""

from config.celery import app

__all__ = ["app", "noop", "run_job"]


@app.task(name="bench.noop", ignore_result=False)  # its result is waited on
def noop() -> None:
    """Does nothing: its round trip is the floor of any background work."""
    return None


@app.task(name="bench.run_job", ignore_result=False)  # its result is waited on
def run_job(name: str) -> str:
    """Beat's periodic-job task (tracker.core.tasks.run_job), run on the worker with its result kept.

    The project's tasks keep no results (CELERY_TASK_IGNORE_RESULT), and a task's own setting decides
    that on the worker, so the sweep benchmark sends the job through this one to time it to its end.
    """
    from tracker.core.tasks import run_job as beats_task

    return beats_task(name)
