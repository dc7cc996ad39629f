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

Evaluation itself is `tracker.alerts.services.submission_evaluate(label=, pk=)`: one transaction that
claims the row, raises alerts through `alert_raise` and sets `evaluated_at`. The findings' `rule`
decides routing (rules.ROUTING) and the one-open-alert-per-(patient, rule) merge.

Untreated distress (docs/clinical.md "Alert rules"): a `distress` alert still unresolved more than 72 hours
(`untreated_distress_hours`) after its first positive screen, with no qualifying care-team action, raises
one `untreated_distress` alert. Resolving the distress alert with an outcome is one qualifying action.
The other, "a referral marked contacted", belongs to the psych app, which plugs it in from its
`AppConfig.ready()`:

    from tracker.alerts.evaluation import register_distress_action_check
    register_distress_action_check(referral_contacted_since, latest=latest_contact_times)

where `referral_contacted_since(*, patient, since: datetime) -> bool` is True when the care team has
taken a qualifying action for this patient at or after `since` (the first positive screen's
`recorded_at`; `patient` may be a PatientProfile or its id), and the optional bulk form
`latest_contact_times(patient_ids) -> {patient_id: latest action time}` answers the same for many
patients in one query (the periodic job uses it when given). Any action stops the untreated-distress alert.

Other apps ask `tracker.alerts.selectors.patient_has_open_alert(patient, rule)` (unresolved = open or
acknowledged) and list alerts only through `alerts_visible_to(user)`.
"""

from collections.abc import Callable
from datetime import datetime

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


# What the alert page and the statistics read of the check-ins themselves, registered by the app that owns
# them (tracker.symptoms), so that this platform app never imports it: `recent(patient, n)` -> the patient's
# last n check-ins; `count(user, start, end)` -> how many check-ins `user` may see were made in [start, end).
_CHECKIN_READERS: dict[str, Callable] = {}


def register_checkin_readers(*, recent: Callable, count: Callable) -> None:
    _CHECKIN_READERS.update(recent=recent, count=count)


def recent_checkins(patient, n: int) -> list:
    reader = _CHECKIN_READERS.get("recent")
    return list(reader(patient, n)) if reader else []


def checkins_count(user, start: datetime, end: datetime) -> int:
    reader = _CHECKIN_READERS.get("count")
    return reader(user, start, end) if reader else 0


_DISTRESS_ACTION_CHECKS: list[tuple[Callable, Callable | None]] = []


def register_distress_action_check(check: Callable, *, latest: Callable | None = None) -> None:
    """Add a qualifying care-team action for untreated distress.

    `check(*, patient, since) -> bool`: has the care team acted on this patient's distress at or after
    `since`? Optionally its bulk form `latest(patient_ids) -> {patient_id: time of the latest action}`,
    which the periodic job uses (one query for any number of patients instead of one per patient).
    """
    if all(existing is not check for existing, _latest in _DISTRESS_ACTION_CHECKS):
        _DISTRESS_ACTION_CHECKS.append((check, latest))


def distress_action_taken(*, patient, since) -> bool:
    """Whether any registered check reports a qualifying care-team action at or after `since`."""
    return any(check(patient=patient, since=since) for check, _latest in _DISTRESS_ACTION_CHECKS)


def distress_actions_taken(pairs: set[tuple[int, datetime]]) -> set[tuple[int, datetime]]:
    """Of these (patient id, since) pairs, those with a qualifying action at or after `since`."""
    acted: set[tuple[int, datetime]] = set()
    for check, latest in _DISTRESS_ACTION_CHECKS:
        todo = pairs - acted
        if not todo:
            break
        if latest is not None:
            times = latest({patient_id for patient_id, _since in todo})
            acted |= {(pid, since) for pid, since in todo if times.get(pid) is not None and times[pid] >= since}
        else:
            acted |= {(pid, since) for pid, since in todo if check(patient=pid, since=since)}
    return acted


def submission_saved(obj) -> None:
    """Queue evaluation of a just-saved submission for after the transaction commits."""
    from tracker.alerts.tasks import evaluate_submission

    enqueue_on_commit(evaluate_submission, obj._meta.label_lower, obj.pk)
