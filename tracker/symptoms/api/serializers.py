"""The check-in API's wire format (docs/api.md "Check-ins"): nested pain / neuro / side_effects objects.

Strict on purpose, because a silently dropped or coerced value in a symptom report is a clinical risk:
unknown keys at any level, unknown limbs, sites and levels, strings where numbers belong and numbers
where booleans belong are all 400s with DRF's field-error shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from tracker.alerts.api.raised_by import RaisedAlertsField
from tracker.core.serializers import (
    OffsetDateTimeField,
    StrictBooleanField,
    StrictSerializer,
    StrictUUIDField,
    WholeNumberField,
)
from tracker.core.vocab import (
    AdviceLevel,
    Bladder,
    Bowel,
    Limb,
    NumbnessSite,
    PainSite,
    SideEffect,
    Walking,
    WeaknessLevel,
)
from tracker.symptoms.models import NOTE_MAX_LENGTH, SIDE_EFFECT_FIELDS, WEAKNESS_FIELDS

# The recorded_at window (docs/api.md): a phone's clock may run a little fast; an offline phone may send late.
RECORDED_AT_MAX_FUTURE = timedelta(minutes=5)
RECORDED_AT_MAX_PAST = timedelta(days=7)
MAX_COUNT = 50  # breakthrough doses and falls (the database allows 0-50)


class CodeListField(serializers.ListField):
    """A list of vocabulary codes; repeats are dropped and the codes kept in vocabulary order."""

    def __init__(self, *, vocabulary, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("child", serializers.ChoiceField(choices=vocabulary.choices))
        kwargs.setdefault("max_length", MAX_COUNT)
        kwargs.setdefault("default", list)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        codes = set(super().to_internal_value(data))
        if len(data) > self.max_length:  # checked before repeats are dropped, as the schema's maxItems says
            self.fail("max_length", max_length=self.max_length)
        return [code for code in self.vocabulary.values if code in codes]


def _scale(top: int, help_text: str, **kwargs) -> WholeNumberField:
    return WholeNumberField(min_value=0, max_value=top, help_text=help_text, **kwargs)


class PainSerializer(StrictSerializer):
    """Pain on the 0-10 scale. `now` and `worst_24h` are required; the rest default to none / 0."""

    now = _scale(10, "Pain now, 0 (none) to 10 (worst imaginable). Required.", source="pain_now")
    worst_24h = _scale(10, "Worst pain in the last 24 hours, 0-10; at least `now`. Required.", source="pain_worst_24h")
    sites = CodeListField(vocabulary=PainSite, source="pain_sites", help_text="Where it hurts. Default: [].")
    night_pain = StrictBooleanField(default=False, help_text="Pain at night that stops sleep. Default: false.")
    worse_with_straining = StrictBooleanField(
        default=False, help_text="Worse on coughing, sneezing or straining at stool. Default: false."
    )
    breakthrough_doses = WholeNumberField(
        min_value=0,
        max_value=MAX_COUNT,
        default=0,
        help_text="Extra (as needed) pain-medicine doses in the last 24 hours. Default: 0.",
    )

    def validate(self, attrs):
        if attrs["pain_worst_24h"] < attrs["pain_now"]:
            raise serializers.ValidationError(
                {"worst_24h": [_("The worst pain in the last 24 hours cannot be lower than the pain now.")]}
            )
        return attrs


_LEVEL_HELP = "none, mild (a bit weaker than usual), moderate (hard to lift, grip or stand on), severe (cannot move it or bear weight). Default: none."  # noqa: E501


class WeaknessSerializer(StrictSerializer):
    """Weakness per limb; a limb left out means no weakness. Only the four limbs are accepted."""

    left_arm = serializers.ChoiceField(WeaknessLevel.choices, source=WEAKNESS_FIELDS[Limb.LEFT_ARM], default="none")
    right_arm = serializers.ChoiceField(WeaknessLevel.choices, source=WEAKNESS_FIELDS[Limb.RIGHT_ARM], default="none")
    left_leg = serializers.ChoiceField(WeaknessLevel.choices, source=WEAKNESS_FIELDS[Limb.LEFT_LEG], default="none")
    right_leg = serializers.ChoiceField(WeaknessLevel.choices, source=WEAKNESS_FIELDS[Limb.RIGHT_LEG], default="none")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = _LEVEL_HELP


class NeuroSerializer(StrictSerializer):
    """Neurological symptoms, each compared by the alert rules with the previous check-in."""

    weakness = WeaknessSerializer(source="*", required=False, help_text="{limb: level}; limbs left out: none.")
    numbness = CodeListField(
        vocabulary=NumbnessSite,
        help_text="Sites with numbness or tingling (saddle: buttocks, genitals, inner thighs). Default: [].",
    )
    walking = serializers.ChoiceField(Walking.choices, default=Walking.NORMAL.value, help_text="Default: normal.")
    falls = WholeNumberField(
        min_value=0, max_value=MAX_COUNT, default=0, help_text="Falls since the last check-in. Default: 0."
    )
    bladder = serializers.ChoiceField(Bladder.choices, default=Bladder.NORMAL.value, help_text="Default: normal.")
    bowel = serializers.ChoiceField(Bowel.choices, default=Bowel.NORMAL.value, help_text="Default: normal.")


class SideEffectsSerializer(StrictSerializer):
    """Treatment side effects, 0 (none) to 4 (very severe); one left out means 0."""

    def get_fields(self):
        return {
            name: _scale(4, f"{SideEffect(name).label}: 0 none to 4 very severe. Default: 0.", default=0)
            for name in SIDE_EFFECT_FIELDS
        }


class AdviceSerializer(serializers.Serializer):
    level = serializers.ChoiceField(AdviceLevel.choices)
    message = serializers.CharField(help_text="Plain-language advice; paragraphs separated by a blank line.")


SECTION_FIELDS = ("pain", "neuro", "side_effects")


class CheckInSerializer(StrictSerializer):
    """A check-in as sent by a patient's phone and as stored (docs/api.md "Check-ins").

    Each of `pain`, `neuro` and `side_effects` is optional, but at least one must be sent (docs/api.md "Check-ins");
    a section left out is stored as not answered (and read back as null),
    and the rules that need it skip it. Inside a section that is sent, `pain.now` and `pain.worst_24h`
    are required and everything else defaults to "nothing wrong" (no sites, no weakness, walking
    normal, no side effects), as docs/clinical.md says of missing limbs.
    """

    id = serializers.IntegerField(read_only=True)
    client_id = StrictUUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional UUID chosen by the client. Repeating it returns the original check-in with 200.",
    )
    recorded_at = OffsetDateTimeField(
        required=False,
        help_text="When the patient filled it in, with a UTC offset. Default: now. "
        "At most 5 minutes in the future and 7 days in the past.",
    )
    submitted_at = serializers.DateTimeField(read_only=True)
    # Each section may be left out or sent as null: not answered (and read back as null).
    pain = PainSerializer(
        source="*", required=False, allow_null=True, help_text="Pain. Left out or null: not answered."
    )
    neuro = NeuroSerializer(
        source="*", required=False, allow_null=True, help_text="Neurological symptoms. Left out or null: not answered."
    )
    side_effects = SideEffectsSerializer(
        source="*", required=False, allow_null=True, help_text="Side effects. Left out or null: not answered."
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", help_text="Free text. Default: ''."
    )
    alerts = RaisedAlertsField()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):  # a section sent as null is one left out
            data = {key: value for key, value in data.items() if not (key in SECTION_FIELDS and value is None)}
        attrs = super().to_internal_value(data)
        sent = {name for name in SECTION_FIELDS if name in data}
        if not sent:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send at least one of pain, neuro and side_effects.")]}, code="no_section"
            )
        attrs["neuro_answered"] = "neuro" in sent
        attrs["side_effects_answered"] = "side_effects" in sent
        if "pain" not in sent:
            attrs["pain_now"] = attrs["pain_worst_24h"] = None
        return attrs

    def to_representation(self, instance):
        body = super().to_representation(instance)
        answered = {
            "pain": instance.pain_now is not None,
            "neuro": instance.neuro_answered,
            "side_effects": instance.side_effects_answered,
        }
        for name, done in answered.items():
            if not done:
                body[name] = None
        return body

    def validate_recorded_at(self, value):
        now = timezone.now()
        if value > now + RECORDED_AT_MAX_FUTURE:
            raise serializers.ValidationError(_("This is in the future. Check the clock on your device."))
        if value < now - RECORDED_AT_MAX_PAST:
            raise serializers.ValidationError(_("Check-ins older than 7 days cannot be added."))
        return value

    @staticmethod
    def service_kwargs(validated_data) -> dict:
        """Validated data as keyword arguments of `tracker.symptoms.services.checkin_create`."""
        data = dict(validated_data)
        data["weakness"] = {limb: data.pop(field) for limb, field in WEAKNESS_FIELDS.items() if field in data}
        data["side_effects"] = {name: data.pop(name) for name in SIDE_EFFECT_FIELDS if name in data}
        return data


class CheckInCreatedSerializer(CheckInSerializer):
    """The stored check-in plus the patient's immediate advice (docs/clinical.md "Immediate advice")."""

    advice = AdviceSerializer(read_only=True)


class StrictSerializerSchema(OpenApiSerializerExtension):
    """Say in the OpenAPI schema what StrictSerializer does: request objects take no other keys."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
