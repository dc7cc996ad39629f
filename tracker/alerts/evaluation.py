"""The red-flag engine's registry: which submission models it evaluates, and how.

Each domain app registers its submission model (a `tracker.core.models.Submission`)
with a pure-ish function `findings_for(obj) -> list[rules.Finding]` (it may read the
patient's earlier rows, but writes nothing), in its `AppConfig.ready()`:

    from tracker.alerts.evaluation import register_evaluator
    register_evaluator(CheckIn, checkin_findings)

and calls `submission_saved(obj)` right after saving a new submission, inside the
request's transaction. Evaluation then runs after commit on a worker
(`tracker.alerts.tasks.evaluate_submission`); the `evaluate_pending` periodic job
evaluates whatever is still marked not-evaluated (broker down, worker killed).
"""

from collections.abc import Callable

from tracker.core.tasks import enqueue_on_commit

_EVALUATORS: dict[str, tuple[type, Callable]] = {}


def register_evaluator(model: type, findings_for: Callable) -> None:
    _EVALUATORS[model._meta.label_lower] = (model, findings_for)


def evaluators() -> dict[str, tuple[type, Callable]]:
    return dict(_EVALUATORS)


def evaluator_for(label: str) -> tuple[type, Callable]:
    try:
        return _EVALUATORS[label]
    except KeyError:
        raise LookupError(f"no evaluator registered for {label!r}") from None


def submission_saved(obj) -> None:
    """Queue evaluation of a just-saved submission for after the transaction commits."""
    from tracker.alerts.tasks import evaluate_submission

    enqueue_on_commit(evaluate_submission, obj._meta.label_lower, obj.pk)
