from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.accounts.levels import SpinalLevelsError, parse_spinal_levels
from tracker.accounts.models import User, validate_phone
from tracker.accounts.services import USERNAME_TAKEN
from tracker.core.vocab import CLINICIAN_ROLES, CheckinSchedule, SpinalStability


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}, "example": ["T8", "T9", "L1"]},
            {"type": "string", "example": "T8-T10, L1"},
        ]
    }
)
class SpinalLevelsField(serializers.Field):
    """A list such as ["T8", "L1"] or text as clinicians write it ("T8-T10", "t12–l2", "C7/T1"); always
    answered as the list of single levels (tracker.accounts.levels.parse_spinal_levels)."""

    MAX_ITEMS = 33

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > self.MAX_ITEMS:
            raise serializers.ValidationError(f"Give at most {self.MAX_ITEMS} spinal levels.")
        if not isinstance(data, str | list):
            raise serializers.ValidationError('Give the spinal levels as text such as "T8-T10" or a list.')
        try:
            return parse_spinal_levels(data)
        except SpinalLevelsError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return list(value)


class PhoneField(serializers.CharField):
    """A telephone number (digits, spaces, +, - and brackets; 6 to 20 digits); "" when not known."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(validators=[validate_phone], **kwargs)


class EmergencyContactSerializer(serializers.Serializer):
    """Whom the care team calls when the patient cannot answer."""

    name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    relationship = serializers.CharField(max_length=60, allow_blank=True, required=False)
    phone = PhoneField()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
        return super().to_internal_value(data)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    patient_id = serializers.IntegerField(allow_null=True)
    # A patient's own contact details (left out for staff, who have no patient profile).
    phone = serializers.CharField(required=False)
    emergency_contact = EmergencyContactSerializer(required=False)


class RestrictionsSerializer(serializers.Serializer):
    no_spinal_flexion = serializers.BooleanField(required=False)
    no_spinal_extension = serializers.BooleanField(required=False)
    no_spinal_rotation = serializers.BooleanField(required=False)
    no_axial_loading = serializers.BooleanField(required=False)
    no_lifting_over_kg = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=500,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown restriction."] for key in sorted(unknown)})
        return super().to_internal_value(data)


class PatientSerializer(serializers.Serializer):
    """The public shape of a patient (docs/api.md "Accounts")."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    first_name = serializers.CharField(source="user.first_name", max_length=150)
    last_name = serializers.CharField(source="user.last_name", max_length=150)
    date_of_birth = serializers.DateField()
    primary_cancer = serializers.CharField(max_length=120)
    spinal_levels = SpinalLevelsField()
    spinal_stability = serializers.ChoiceField(choices=SpinalStability.choices, required=False)
    restrictions = RestrictionsSerializer(required=False)
    checkin_schedule = serializers.ChoiceField(choices=CheckinSchedule.choices, required=False)
    reminder_time = serializers.TimeField(required=False)
    emergency_number = serializers.RegexField(r"^[0-9+() \-]{0,40}$", max_length=40, required=False, allow_blank=True)
    phone = PhoneField()
    emergency_contact = EmergencyContactSerializer(required=False)
    enrolled_at = serializers.DateTimeField(read_only=True)
    care_team = serializers.SerializerMethodField()

    def get_care_team(self, patient) -> list[dict]:
        return [
            {"username": m.clinician.username, "role": m.role, "name": m.clinician.get_full_name()}
            for m in patient.memberships.all()
        ]

    def validate_date_of_birth(self, value):
        if value > timezone.localdate() or value.year < 1900:
            raise serializers.ValidationError("Enter a real date of birth.")
        return value


class MeUpdateSerializer(serializers.Serializer):
    """What a patient changes about themselves through PATCH /api/v1/me/."""

    phone = PhoneField()
    emergency_contact = EmergencyContactSerializer(required=False)


class PatientCreateSerializer(PatientSerializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    email = serializers.EmailField(required=False, allow_blank=True, write_only=True)
    care_team = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list, write_only=True
    )
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Optional; sending it again answers 200 with the patient it enrolled and stores nothing new.",
    )

    def validate_username(self, value):
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(USERNAME_TAKEN)
        return value

    def validate_care_team(self, usernames):
        users = {
            u.username: u for u in User.objects.filter(username__in=usernames, is_active=True, role__in=CLINICIAN_ROLES)
        }
        missing = [name for name in usernames if name not in users]
        if missing:
            raise serializers.ValidationError(f"Not a clinician: {', '.join(missing)}.")
        return [users[name] for name in dict.fromkeys(usernames)]

    def validate(self, attrs):
        try:
            validate_password(attrs["password"], User(username=attrs["username"]))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class PatientCreatedSerializer(PatientSerializer):
    """201 body: the stored patient including its id."""


class PatientUpdateSerializer(PatientSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
