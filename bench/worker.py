"""The project's Celery app plus the no-op task the latency benchmark compares against.

Started as `celery -A bench.worker worker` by the bench harness (with bench.settings).
"""

from config.celery import app

__all__ = ["app", "noop"]


@app.task(name="bench.noop", ignore_result=False)  # its result is waited on
def noop() -> None:
    """Does nothing: its round trip is the floor of any background work."""
    return None
