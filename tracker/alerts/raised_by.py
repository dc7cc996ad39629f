"""Which alerts a patient's submission raised or added evidence to, for the submission's own resources.

Check-ins and screens carry `"alerts"` (docs/api.md "Check-ins") so that the
patient's app can say "your team has seen this". The link is the engine's `AlertTrigger` row (written
when the submission is evaluated, so the list is empty until then). The periodic rules that only use a
submission to start their clock (a silence after the last check-in, distress left untreated) are not
"raised by" it and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tracker.alerts.models import Alert, AlertTrigger
from tracker.core.vocab import RuleCode

# Rules whose trigger source is where a clock starts, not a report that called for the alert.
CLOCK_RULES = (RuleCode.MISSED_CHECKINS, RuleCode.UNTREATED_DISTRESS)


def alerts_raised_by(label: str, ids: Iterable[int]) -> dict[int, list[Alert]]:
    """{submission id: its alerts, oldest first} for these submissions of model `label`. One query.

    `label` is the model's `_meta.label_lower` ("symptoms.checkin", "psych.screen"). The alerts come
    with the acknowledging user joined in (the patient's home page says who saw the report).
    """
    ids = list(ids)
    found: dict[int, list[Alert]] = defaultdict(list)
    if not ids:
        return found
    triggers = (
        AlertTrigger.objects.filter(source_type=label, source_id__in=ids)
        .exclude(rule__in=CLOCK_RULES)
        .select_related("alert__acknowledged_by")
        .order_by("alert__created_at", "alert_id")
    )
    for trigger in triggers:
        if all(alert.pk != trigger.alert_id for alert in found[trigger.source_id]):
            found[trigger.source_id].append(trigger.alert)
    return found


def attach_raised_alerts(objects: Iterable) -> list:
    """Set `raised_alerts` (a list of alerts) on each submission: one query for any number of them.

    The serializers' `alerts` field reads it (tracker.alerts.api.raised_by.RaisedAlertSerializer).
    """
    objects = list(objects)
    by_label: dict[str, list] = defaultdict(list)
    for obj in objects:
        by_label[obj._meta.label_lower].append(obj)
    for label, same in by_label.items():
        found = alerts_raised_by(label, [obj.pk for obj in same])
        for obj in same:
            obj.raised_alerts = found.get(obj.pk, [])
    return objects
