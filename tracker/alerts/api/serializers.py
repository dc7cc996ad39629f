from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.alerts.models import Alert, AlertContact, AlertEvent, ContactMethod, ContactResult
from tracker.alerts.outcomes import outcome_choices
from tracker.alerts.selectors import alert_sources, other_active_alert_ids
from tracker.alerts.services import MAX_NOTE_LENGTH
from tracker.core.vocab import AlertStatus, RuleCode


class StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class ReporterSerializer(serializers.Serializer):
    role = serializers.CharField()
    display_name = serializers.CharField()


class AlertSourceSerializer(serializers.Serializer):
    """One submission that triggered an alert (docs/api.md "Alerts", ``sources``)."""

    type = serializers.ChoiceField(choices=["checkin", "screen", "exercise_log"])
    id = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)
    reported_by = ReporterSerializer()
    reported_via = serializers.CharField()


class AlertSerializer(serializers.ModelSerializer):
    """An alert exactly as docs/api.md ("Alerts") lists it, with its ``sources`` and ``other_open_alerts``.

    A list view passes ``context["sources"]`` and ``context["other_open_alerts"]`` (maps by alert id,
    from the selectors, loaded for the whole page at once); for one alert they are read here.
    """

    patient = serializers.IntegerField(source="patient_id")
    acknowledged_by = StaffRefSerializer(allow_null=True)
    resolved_by = StaffRefSerializer(allow_null=True)
    evidence = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    other_open_alerts = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "patient",
            "rule",
            "severity",
            "status",
            "created_at",
            "updated_at",
            "escalation_level",
            "summary",
            "evidence",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "outcome",
            "sources",
            "other_open_alerts",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_evidence(self, alert) -> list[dict]:
        """One entry per trigger, oldest first: source, reported_at, severity, summary, rule_version, evidence."""
        return alert.evidence

    def _for(self, key: str, load, alert):
        known = self.context.get(key)
        if known is None or alert.pk not in known:
            return load([alert])[alert.pk]
        return known[alert.pk]

    @extend_schema_field(AlertSourceSerializer(many=True))
    def get_sources(self, alert) -> list[dict]:
        """Every submission that triggered the alert, newest first."""
        return AlertSourceSerializer(self._for("sources", alert_sources, alert), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_other_open_alerts(self, alert) -> list[int]:
        """Ids of the patient's other open or acknowledged alerts."""
        return self._for("other_open_alerts", other_active_alert_ids, alert)


class AlertEventSerializer(serializers.ModelSerializer):
    actor = StaffRefSerializer(allow_null=True)

    class Meta:
        model = AlertEvent
        fields = ["kind", "at", "actor", "detail"]
        read_only_fields = fields


class AlertDetailSerializer(AlertSerializer):
    """One alert with what the list leaves out: the report time, the resolution note and the history."""

    events = AlertEventSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "reported_at", "trigger_count", "resolution_note", "events"]
        read_only_fields = fields


class AlertFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices, required=False)
    rule = serializers.ChoiceField(choices=RuleCode.choices, required=False)
    patient = serializers.IntegerField(required=False, min_value=1)


class AlertResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=())
    note = serializers.CharField(max_length=MAX_NOTE_LENGTH, trim_whitespace=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcome_choices()


class AlertConflictSerializer(serializers.Serializer):
    """409: someone else already acknowledged or resolved the alert; `detail` says who and when."""

    detail = serializers.CharField()
    alert = AlertSerializer()


class AlertContactSerializer(serializers.ModelSerializer):
    """A contact attempt: POST ``{"method", "result", "note"}``; read back with ``id``, ``at`` and ``by``."""

    by = StaffRefSerializer(read_only=True)
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    result = serializers.ChoiceField(choices=ContactResult.choices)
    note = serializers.CharField(max_length=MAX_NOTE_LENGTH, allow_blank=True, required=False, default="")

    class Meta:
        model = AlertContact
        fields = ["id", "at", "by", "method", "result", "note"]
        read_only_fields = ["id", "at", "by"]
