"""The rehabilitation API's wire format (docs/api.md "Rehabilitation").

Input is strict: unknown keys, strings where numbers belong and numbers where booleans belong are
400s with DRF's field-error shape, because a silently coerced value in a prescription is a risk.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.core.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictSerializer,
    StrictUUIDField,
    WholeNumberField,
)
from tracker.core.vocab import AdviceLevel, Difficulty
from tracker.rehab import rules
from tracker.rehab.models import HOLD_MAX, MAX_PLAN_ITEMS, REPS_MAX, SETS_MAX, BodyRegion, Exercise, PlanStatus

RECORDED_AT_MAX_FUTURE = timedelta(minutes=5)
RECORDED_AT_MAX_PAST = timedelta(days=7)


# ------------------------------------------------------------------------------------------------
# Strict input fields
# ------------------------------------------------------------------------------------------------


class WeekdaysField(serializers.ListField):
    child = serializers.ChoiceField(choices=rules.Weekday.choices)

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        days = super().to_internal_value(data)
        if len(set(days)) != len(days):
            raise serializers.ValidationError(_("Give each day once."))
        return days


# ------------------------------------------------------------------------------------------------
# The library
# ------------------------------------------------------------------------------------------------


class ExerciseMovementsSerializer(serializers.Serializer):
    flexion = serializers.BooleanField(source="involves_flexion")
    extension = serializers.BooleanField(source="involves_extension")
    rotation = serializers.BooleanField(source="involves_rotation")
    axial_loading = serializers.BooleanField(source="involves_axial_loading")
    lifting_kg = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=False, help_text="Load lifted, or null."
    )


class ExerciseSerializer(serializers.ModelSerializer):
    instructions = serializers.ListField(child=serializers.CharField(), source="steps", read_only=True)
    safety_cues = serializers.ListField(child=serializers.CharField(), source="cues", read_only=True)
    body_region = serializers.ChoiceField(choices=BodyRegion.choices, read_only=True)
    movements = ExerciseMovementsSerializer(source="*", read_only=True)
    media_url = serializers.SerializerMethodField()
    media_kind = serializers.ChoiceField(choices=[("image", "image"), ("video", "video"), ("", "none")], read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "purpose",
            "instructions",
            "safety_cues",
            "body_region",
            "movements",
            "suitable_for_unstable_spine",
            "default_sets",
            "default_reps",
            "default_hold_seconds",
            "media_url",
            "media_kind",
            "media_description",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_media_url(self, exercise) -> str | None:
        if not exercise.media:
            return None
        request = self.context.get("request")
        url = exercise.media.url
        return request.build_absolute_uri(url) if request is not None else url


# ------------------------------------------------------------------------------------------------
# Plans
# ------------------------------------------------------------------------------------------------


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exercise = serializers.IntegerField(source="exercise_id")
    exercise_name = serializers.CharField(source="exercise.name")
    sets = serializers.IntegerField()
    reps = serializers.IntegerField()
    hold_seconds = serializers.IntegerField()
    days = serializers.ListField(child=serializers.ChoiceField(choices=rules.Weekday.choices))
    notes = serializers.CharField()
    overridden_conflicts = serializers.ListField(
        child=serializers.ChoiceField(choices=rules.ConflictCode.choices),
        source="overridden_codes",
        help_text="Conflicts with the precautions that the therapist overrode when prescribing this item.",
    )
    override_reason = serializers.CharField()


class PlanVersionSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    start = serializers.DateField(source="starts_on")
    end = serializers.DateField(source="ends_on", allow_null=True)
    effective_from = serializers.DateField(help_text="The first day this version governs.")
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    change_note = serializers.CharField()
    template = serializers.CharField(source="template.name", allow_null=True, default=None)


class PlanVersionSerializer(PlanVersionSummarySerializer):
    items = PlanItemSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField(source="patient_id")
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    reminder_time = serializers.TimeField(allow_null=True, format="%H:%M")
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    waiting_for_clearance = serializers.SerializerMethodField(
        help_text="A neuro_deficit alert was resolved with an outcome other than no_action_needed since the plan "
        "was created or last resumed: it stays paused until a therapist or physician resumes it."
    )
    resumed_at = serializers.DateTimeField(allow_null=True, help_text="When the plan was last cleared, if ever.")
    resumed_by = serializers.CharField(source="resumed_by.username", allow_null=True, default=None)
    resume_note = serializers.CharField(help_text="What the clinician checked before resuming it.")
    version = serializers.SerializerMethodField(help_text="The latest version, with its items.")
    versions = PlanVersionSummarySerializer(many=True, help_text="Every version, newest first.")

    def get_waiting_for_clearance(self, plan) -> bool:
        return plan.is_active and bool(getattr(plan, "held", False))

    @extend_schema_field(PlanVersionSerializer(allow_null=True))
    def get_version(self, plan):
        versions = list(plan.versions.all())
        latest = max(versions, key=lambda v: v.number, default=None)
        return PlanVersionSerializer(latest).data if latest is not None else None


class PlanItemInSerializer(StrictSerializer):
    exercise = WholeNumberField(help_text="An exercise id from GET /api/v1/exercises/.")
    sets = WholeNumberField(min_value=1, max_value=SETS_MAX, required=False, help_text="Default: the exercise's.")
    reps = WholeNumberField(min_value=1, max_value=REPS_MAX, required=False, help_text="Default: the exercise's.")
    hold_seconds = WholeNumberField(
        min_value=0, max_value=HOLD_MAX, required=False, help_text="Default: the exercise's."
    )
    days = WeekdaysField()
    notes = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class PlanCreateSerializer(StrictSerializer):
    patient = WholeNumberField(help_text="A patient id in the caller's reach.")
    items = PlanItemInSerializer(many=True, allow_empty=False, max_length=MAX_PLAN_ITEMS)
    start = serializers.DateField(required=False, help_text="Default: today.")
    end = serializers.DateField(required=False, allow_null=True, default=None)
    override_reason = StrictCharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to assign exercises that conflict with the patient's precautions; kept in the audit log.",
    )
    change_note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    reminder_time = serializers.TimeField(
        required=False, allow_null=True, help_text="Exercise-day reminder time (HH:MM, site time zone); null = none."
    )
    client_id = StrictUUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional; repeating it returns the plan with 200 and saves no new version.",
    )

    def validate(self, data):
        start = data.get("start") or timezone.localdate()
        data["start"] = start
        end = data.get("end")
        if end is not None and end < start:
            raise serializers.ValidationError({"end": [_("The end date must be on or after the start date.")]})
        if end is not None and end < timezone.localdate():
            raise serializers.ValidationError({"end": [_("The end date has already passed.")]})
        return data


class PlanCheckSerializer(StrictSerializer):
    patient = WholeNumberField()
    items = PlanItemInSerializer(many=True, allow_empty=False, max_length=MAX_PLAN_ITEMS)


class PlanConflictSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="Index of the item in the request's `items`.")
    exercise = serializers.IntegerField()
    name = serializers.CharField()
    codes = serializers.ListField(child=serializers.ChoiceField(choices=rules.ConflictCode.choices))
    reasons = serializers.ListField(child=serializers.CharField(), help_text="The conflicts in plain words.")


class PlanConflictsSerializer(serializers.Serializer):
    conflicts = PlanConflictSerializer(many=True)


class PlanRejectedSerializer(serializers.Serializer):
    """400 from POST /api/v1/plans/: field errors, or the exercises that conflict with the precautions."""

    conflicts = PlanConflictSerializer(
        many=True, required=False, help_text="Present when items conflict and no override_reason was given."
    )
    override_reason = serializers.ListField(child=serializers.CharField(), required=False)


class PlanResumeSerializer(StrictSerializer):
    note = StrictCharField(
        max_length=1000,
        help_text="What was checked before resuming (required).",
        error_messages={
            "required": _("Say what you checked before resuming the exercises."),
            "blank": _("Say what you checked before resuming the exercises."),
        },
    )


class ReminderUpdateSerializer(StrictSerializer):
    reminder_time = serializers.TimeField(allow_null=True, help_text="HH:MM in the site's time zone; null = none.")


# ------------------------------------------------------------------------------------------------
# Today and logs
# ------------------------------------------------------------------------------------------------


class TodayExerciseSerializer(serializers.Serializer):
    plan_item = serializers.IntegerField(source="item.pk")
    exercise = ExerciseSerializer()
    sets = serializers.IntegerField(source="item.sets")
    reps = serializers.IntegerField(source="item.reps")
    hold_seconds = serializers.IntegerField(source="item.hold_seconds")
    notes = serializers.CharField(source="item.notes")
    logged = serializers.BooleanField(help_text="Already logged today.")
    on_hold = serializers.BooleanField(
        help_text="The patient's precautions changed since this was prescribed: do not do it until the "
        "therapist has reviewed it."
    )


class TodayContentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    minutes = serializers.IntegerField()
    due_on = serializers.DateField()
    url = serializers.CharField(help_text="The page to read it on.")


class TodaySerializer(serializers.Serializer):
    date = serializers.DateField()
    paused = serializers.BooleanField(
        help_text="True while an unresolved neuro_deficit alert pauses the plan, or while the plan waits for a "
        "therapist or physician to resume it after such an alert was resolved."
    )
    waiting_for_clearance = serializers.BooleanField(
        help_text="Paused because the plan waits for clearance (the alert itself is resolved)."
    )
    reason = serializers.CharField(
        allow_null=True, help_text="Why the plan is paused, in plain words for the patient (null when it is not)."
    )
    call = serializers.CharField(allow_null=True, help_text="The number to call while paused (null when not).")
    plan = serializers.IntegerField(allow_null=True)
    reminder_time = serializers.TimeField(allow_null=True, format="%H:%M")
    exercises = TodayExerciseSerializer(many=True)
    content = TodayContentSerializer(many=True, help_text="Support content due (psychological programme).")


class ExerciseAdviceSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=AdviceLevel.choices)
    message = serializers.CharField()


class ExerciseLogCreateSerializer(StrictSerializer):
    plan_item = WholeNumberField(help_text="An item of the caller's active plan.")
    completed = StrictBooleanField()
    pain_before = WholeNumberField(min_value=0, max_value=10)
    pain_during = WholeNumberField(min_value=0, max_value=10)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    client_id = StrictUUIDField(required=False, allow_null=True, default=None)
    recorded_at = serializers.DateTimeField(required=False, help_text="Default: now; at most 7 days ago.")

    def validate_recorded_at(self, value):
        now = timezone.now()
        if value > now + RECORDED_AT_MAX_FUTURE:
            raise serializers.ValidationError(_("This time is in the future."))
        if value < now - RECORDED_AT_MAX_PAST:
            raise serializers.ValidationError(_("This is more than 7 days ago."))
        return value


class ExerciseLogSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField(source="patient_id")
    plan_item = serializers.IntegerField(source="plan_item_id")
    exercise = serializers.IntegerField(source="plan_item.exercise_id")
    exercise_name = serializers.CharField(source="plan_item.exercise.name")
    plan_version = serializers.IntegerField(source="plan_item.version.number")
    completed = serializers.BooleanField()
    pain_before = serializers.IntegerField()
    pain_during = serializers.IntegerField()
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    note = serializers.CharField()
    client_id = serializers.UUIDField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    performed_on = serializers.DateField()


class ExerciseLogCreatedSerializer(ExerciseLogSerializer):
    advice = ExerciseAdviceSerializer()
    therapist_told = serializers.BooleanField(
        help_text="The log meets the exercise_pain rule: the therapist will be alerted."
    )


class AdherenceWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    prescribed = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class AdherenceSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    weeks = AdherenceWeekSerializer(
        many=True, help_text="Oldest first; the current week (so far, today included) last."
    )
