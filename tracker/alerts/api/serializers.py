from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.alerts.models import Alert, AlertEvent
from tracker.alerts.outcomes import outcome_choices
from tracker.alerts.services import MAX_NOTE_LENGTH
from tracker.core.vocab import AlertStatus, RuleCode


class StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class AlertSerializer(serializers.ModelSerializer):
    """An alert exactly as API.md "Alerts" lists it."""

    patient = serializers.IntegerField(source="patient_id")
    acknowledged_by = StaffRefSerializer(allow_null=True)
    resolved_by = StaffRefSerializer(allow_null=True)
    evidence = serializers.SerializerMethodField()

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
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_evidence(self, alert) -> list[dict]:
        """One entry per trigger, oldest first: source, reported_at, severity, summary, rule_version, evidence."""
        return alert.evidence


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
