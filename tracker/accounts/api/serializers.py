from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from tracker.accounts.models import SPINAL_LEVEL_RE, User
from tracker.accounts.services import USERNAME_TAKEN
from tracker.core.vocab import CLINICIAN_ROLES, CheckinSchedule, SpinalStability


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    patient_id = serializers.IntegerField(allow_null=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class SpinalLevelsField(serializers.ListField):
    """A list such as ["T8", "L1"]; a comma-separated string "T8, L1" is accepted too."""

    child = serializers.CharField(max_length=8)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 33)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        levels = super().to_internal_value(data)
        bad = [level for level in levels if not SPINAL_LEVEL_RE.match(level)]
        if bad:
            raise serializers.ValidationError(
                f"Unknown spinal level(s): {', '.join(bad)}. Use C1-C7, T1-T12, L1-L5, S1-S5."
            )
        return list(dict.fromkeys(levels))


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
    """The public shape of a patient (API.md "Accounts")."""

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
    enrolled_at = serializers.DateTimeField(read_only=True)
    care_team = serializers.SerializerMethodField()

    def get_care_team(self, patient) -> list[dict]:
        return [
            {"username": m.clinician.username, "role": m.role, "name": m.clinician.get_full_name()}
            for m in patient.memberships.all()
        ]

    def validate_date_of_birth(self, value):
        from django.utils import timezone

        if value > timezone.localdate() or value.year < 1900:
            raise serializers.ValidationError("Enter a real date of birth.")
        return value


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
