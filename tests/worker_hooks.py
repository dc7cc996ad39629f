"""Loaded only by the Celery workers the tests start (`--include tests.worker_hooks` in tests/alerts/conftest.py).

`TRACKER_TEST_EVALUATION_DELAY=<seconds>` in such a worker's environment makes each evaluation wait that long
right after it has claimed its submission, inside the claim's transaction, so that a test can kill the worker
in the middle of one. The wait wraps the registered evaluators (tracker.alerts.evaluation), which
`submission_evaluate` calls just after the claim, so production code carries no test-only branch.
"""

import os
import time
from collections.abc import Callable

from celery.signals import worker_init

from tracker.alerts.evaluation import evaluators, register_evaluator

DELAY_VARIABLE = "TRACKER_TEST_EVALUATION_DELAY"


def _after_a_pause(findings_for: Callable, seconds: float) -> Callable:
    def findings_after_a_pause(submission):
        time.sleep(seconds)
        return findings_for(submission)

    return findings_after_a_pause


@worker_init.connect
def _hold_evaluations_open(**kwargs) -> None:
    """In the worker's main process, before the pool forks: its children inherit the wrapped registry."""
    seconds = float(os.environ.get(DELAY_VARIABLE) or 0)
    if seconds > 0:
        for model, findings_for in evaluators().values():
            register_evaluator(model, _after_a_pause(findings_for, seconds))
