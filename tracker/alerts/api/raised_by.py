"""The `alerts` field of check-ins and screens: the alerts a submission raised, with their status."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.alerts.models import Alert
from tracker.alerts.raised_by import alerts_raised_by
from tracker.core.vocab import AlertStatus, RuleCode, Severity


class RaisedAlertSerializer(serializers.ModelSerializer):
    """One alert a submission raised or added evidence to, as its patient may read it."""

    class Meta:
        model = Alert
        fields = ["id", "rule", "severity", "status", "acknowledged_at", "resolved_at"]
        read_only_fields = fields


_DATETIME = {"type": "string", "format": "date-time", "nullable": True}
ALERTS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "rule": {"type": "string", "enum": RuleCode.values},
            "severity": {"type": "string", "enum": Severity.values},
            "status": {"type": "string", "enum": AlertStatus.values},
            "acknowledged_at": _DATETIME,
            "resolved_at": _DATETIME,
        },
        "required": ["id", "rule", "severity", "status", "acknowledged_at", "resolved_at"],
    },
}


@extend_schema_field(ALERTS_SCHEMA)
class RaisedAlertsField(serializers.Field):
    """`alerts` of a submission: read from `raised_alerts` when a list view attached them in bulk
    (tracker.alerts.raised_by.attach_raised_alerts), else looked up (one query) for this one; none for a
    submission not yet evaluated (so a POST's reply reads nothing after the insert)."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault(
            "help_text",
            "The alerts this submission raised or added evidence to, once evaluated (empty until then): "
            "id, rule, severity, status (open, acknowledged, resolved), acknowledged_at, resolved_at.",
        )
        super().__init__(**kwargs)

    def to_representation(self, obj):
        alerts = getattr(obj, "raised_alerts", None)
        if alerts is None and getattr(obj, "evaluated_at", True) is None:
            alerts = []  # not evaluated (as this row was read): no alert names it yet, and no query is needed
        if alerts is None:
            alerts = alerts_raised_by(obj._meta.label_lower, [obj.pk]).get(obj.pk, [])
        return RaisedAlertSerializer(alerts, many=True).data
