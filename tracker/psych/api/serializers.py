from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.alerts.api.raised_by import RaisedAlertsField
from tracker.core.serializers import SlugField
from tracker.core.vocab import AdviceLevel, DistressProblem, Instrument
from tracker.psych.content import render_markdown
from tracker.psych.models import (
    ContactOutcome,
    ContactResult,
    ContentDelivery,
    Programme,
    ProgrammeAssignment,
    Referral,
    ReferralContactAttempt,
    ReferralService,
    Screen,
)
from tracker.psych.services import screen_input_errors


class ScreenAdviceSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=AdviceLevel.choices)
    message = serializers.CharField()


class ScreenCreateSerializer(serializers.Serializer):
    """POST /api/v1/screens/: one of the three instruments with its own fields (docs/api.md)."""

    instrument = serializers.ChoiceField(choices=Instrument.choices)
    score = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10, help_text=_("Distress thermometer only: 0-10.")
    )
    problems = serializers.ListField(
        child=serializers.ChoiceField(choices=DistressProblem.choices),
        required=False,
        max_length=len(DistressProblem.values),
        help_text=_("Distress thermometer only: problem areas."),
    )
    answers = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_null=True,
        max_length=50,
        help_text=_("PHQ-9: exactly 9 answers; GAD-7: exactly 7; each 0-3."),
    )
    client_id = serializers.UUIDField(required=False, allow_null=True)
    recorded_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs):
        errors = screen_input_errors(
            attrs["instrument"],
            score=attrs.get("score"),
            problems=attrs.get("problems"),
            answers=attrs.get("answers"),
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ScreenSerializer(serializers.ModelSerializer):
    band = serializers.CharField(read_only=True)
    patient = serializers.IntegerField(source="patient_id", read_only=True)
    score = serializers.IntegerField(allow_null=True)
    alerts = RaisedAlertsField()  # issue #17: the alerts this screen raised, with their status

    class Meta:
        model = Screen
        fields = [
            "alerts",
            "id",
            "patient",
            "instrument",
            "total",
            "band",
            "positive",
            "self_harm",
            "score",
            "problems",
            "answers",
            "client_id",
            "recorded_at",
            "submitted_at",
        ]
        read_only_fields = fields


class ScreenCreatedSerializer(ScreenSerializer):
    advice = ScreenAdviceSerializer(read_only=True)

    class Meta(ScreenSerializer.Meta):
        fields = [*ScreenSerializer.Meta.fields, "advice"]
        read_only_fields = fields


class DueScreenSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    due_on = serializers.DateField()
    last_recorded_at = serializers.DateTimeField(allow_null=True)


class ContentSerializer(serializers.ModelSerializer):
    """A support module delivered to the patient."""

    title = serializers.CharField(source="module.title")
    kind = serializers.CharField(source="module.kind")
    minutes = serializers.IntegerField(source="module.minutes")
    body = serializers.CharField(source="module.body", help_text=_("Markdown."))
    body_html = serializers.SerializerMethodField(help_text=_("The body rendered and sanitised."))
    media_url = serializers.SerializerMethodField()
    programme = serializers.CharField(source="assignment.programme.title")
    done = serializers.BooleanField(source="is_done")

    class Meta:
        model = ContentDelivery
        fields = [
            "id",
            "title",
            "kind",
            "minutes",
            "body",
            "body_html",
            "media_url",
            "programme",
            "due_on",
            "delivered_at",
            "opened_at",
            "done",
            "completed_at",
            "helpful",
        ]
        read_only_fields = fields

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.module.body))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_media_url(self, obj):
        if not obj.module.media:
            return None
        request = self.context.get("request")
        url = obj.module.media.url
        return request.build_absolute_uri(url) if request else url


class ContentCompleteSerializer(serializers.Serializer):
    helpful = serializers.BooleanField(required=False, allow_null=True, default=None)


class ContactAttemptSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = ReferralContactAttempt
        fields = ["id", "at", "result", "note", "by"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    patient = serializers.IntegerField(source="patient_id", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    contacted = serializers.BooleanField(source="is_contacted", read_only=True)
    attempts = ContactAttemptSerializer(many=True, read_only=True, help_text="Calls that did not reach the patient.")

    class Meta:
        model = Referral
        fields = [
            "id",
            "patient",
            "alert",
            "screen",
            "service",
            "service_other",
            "reason",
            "created_by",
            "created_at",
            "contacted",
            "contacted_at",
            "contact_outcome",
            "contact_note",
            "attempts",
            "client_id",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    service = serializers.ChoiceField(choices=ReferralService.choices)
    service_other = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    alert = serializers.IntegerField(required=False, allow_null=True)
    screen = serializers.IntegerField(required=False, allow_null=True)
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional; repeating it returns the original referral with 200 and stores nothing new.",
    )


class ReferralContactSerializer(serializers.Serializer):
    contacted_at = serializers.DateTimeField()
    result = serializers.ChoiceField(
        choices=ContactResult.choices,
        default=ContactResult.REACHED,
        help_text="Whether the call reached the patient; anything but 'reached' is an attempt, not the first contact.",
    )
    outcome = serializers.ChoiceField(
        choices=ContactOutcome.choices, required=False, allow_blank=True, default="", help_text="Needed when reached."
    )

    def validate(self, data):
        if data["result"] == ContactResult.REACHED and not data["outcome"]:
            raise serializers.ValidationError({"outcome": [_("Say what came of the contact.")]})
        if data["result"] != ContactResult.REACHED and data["outcome"]:
            raise serializers.ValidationError({"outcome": [_("Give an outcome only when you reached the patient.")]})
        return data

    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ProgrammeSerializer(serializers.ModelSerializer):
    modules = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = ["id", "slug", "title", "description", "is_active", "modules"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_modules(self, obj):
        return [
            {"day": item.day_offset, "slug": item.module.slug, "title": item.module.title, "kind": item.module.kind}
            for item in obj.items.all()
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    patient = serializers.IntegerField(source="patient_id", read_only=True)
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True)
    modules = serializers.IntegerField(source="module_count", read_only=True, default=None)
    delivered = serializers.IntegerField(source="delivered_count", read_only=True, default=None)
    done = serializers.IntegerField(source="done_count", read_only=True, default=None)

    class Meta:
        model = ProgrammeAssignment
        fields = [
            "id",
            "patient",
            "programme",
            "start_date",
            "status",
            "notify_by_email",
            "assigned_by",
            "assigned_at",
            "modules",
            "delivered",
            "done",
        ]
        read_only_fields = fields


class AssignmentCreateSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    programme = SlugField(slug_field="slug", queryset=Programme.objects.filter(is_active=True))
    start_date = serializers.DateField()
    notify_by_email = serializers.BooleanField(required=False, default=True)
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional; repeating it returns the assignment it made with 200 and stores nothing new.",
    )
