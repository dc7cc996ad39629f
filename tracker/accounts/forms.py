from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.accounts.levels import SpinalLevelsError, format_spinal_levels, parse_spinal_levels
from tracker.accounts.models import PatientProfile, User, validate_phone
from tracker.accounts.services import USERNAME_TAKEN
from tracker.core.forms import IdsChoiceField, SendOnceForm
from tracker.core.vocab import CLINICIAN_ROLES, CheckinSchedule


class SpinalLevelsField(forms.CharField):
    """Spinal levels as clinicians write them ("T8-T10, L1", "t12–l2", "C7/T1") -> the list of single levels."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Spinal levels"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("For example: T8-T10, L1 (ranges, commas, spaces or slashes)"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_spinal_levels(value)

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_spinal_levels(text)
        except SpinalLevelsError as exc:
            raise forms.ValidationError(str(exc), code="invalid_levels") from None


PHONE_ERROR = _("Please write a phone number with 6 to 20 digits, using only digits, spaces, +, - and brackets.")


class PhoneField(forms.CharField):
    """A telephone number as people write it (tracker.accounts.models.validate_phone); may be left empty."""

    default_error_messages = {"invalid_phone": PHONE_ERROR}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(validators=[validate_phone], **kwargs)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError:
            raise forms.ValidationError(PHONE_ERROR, code="invalid_phone") from None


CONTACT_FIELDS = ["phone", "emergency_contact_name", "emergency_contact_relationship", "emergency_contact_phone"]


class PrecautionsForm(forms.ModelForm):
    """The care team's form on the patient page: levels, precautions, schedule and contact details."""

    spinal_levels = SpinalLevelsField()
    phone = PhoneField(label=_("Patient's phone"))
    emergency_contact_phone = PhoneField(label=_("Emergency contact: phone"))

    class Meta:
        model = PatientProfile
        fields = [
            "spinal_levels",
            "spinal_stability",
            "no_spinal_flexion",
            "no_spinal_extension",
            "no_spinal_rotation",
            "no_axial_loading",
            "no_lifting_over_kg",
            "checkin_schedule",
            "reminder_time",
            "emergency_number",
            *CONTACT_FIELDS,
        ]
        widgets = {"reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {"no_lifting_over_kg": _("Leave empty for no lifting limit.")}
        labels = {
            "emergency_contact_name": _("Emergency contact: name"),
            "emergency_contact_relationship": _("Emergency contact: relationship"),
        }


class MyDetailsForm(forms.ModelForm):
    """A patient's own phone number and emergency contact ("My details")."""

    phone = PhoneField(label=_("Your phone number"), help_text=_("Your care team will call you on this number."))
    emergency_contact_phone = PhoneField(label=_("Their phone number"))

    class Meta:
        model = PatientProfile
        fields = CONTACT_FIELDS
        labels = {
            "emergency_contact_name": _("Their name"),
            "emergency_contact_relationship": _("Who they are to you"),
        }
        help_texts = {"emergency_contact_relationship": _("For example: wife, son, friend, neighbour.")}
        widgets = {
            "emergency_contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "emergency_contact_relationship": forms.TextInput(attrs={"autocomplete": "off"}),
        }


class PatientEnrolForm(SendOnceForm):
    """Enrolment by a nurse, physician or admin (the page twin of POST /api/v1/patients/)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    primary_cancer = forms.CharField(label=_("Primary cancer"), max_length=120)
    spinal_levels = SpinalLevelsField()
    checkin_schedule = forms.ChoiceField(label=_("Check-ins"), choices=CheckinSchedule.choices)
    email = forms.EmailField(label=_("E-mail (for reminders and password reset)"), required=False)
    phone = PhoneField(label=_("Patient's phone"))
    emergency_contact_name = forms.CharField(label=_("Emergency contact: name"), max_length=120, required=False)
    emergency_contact_relationship = forms.CharField(
        label=_("Emergency contact: relationship"), max_length=60, required=False
    )
    emergency_contact_phone = PhoneField(label=_("Emergency contact: phone"))
    username = forms.RegexField(
        label=_("Username"), regex=r"^[\w.@+-]+\Z", max_length=150, help_text=_("Letters, digits and @ . + - _ only.")
    )
    password = forms.CharField(
        label=_("First password"), widget=forms.PasswordInput(render_value=False), min_length=8, max_length=128
    )
    care_team = IdsChoiceField(
        label=_("Care team"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_team"].queryset = User.objects.filter(role__in=CLINICIAN_ROLES, is_active=True).order_by(
            "role", "last_name", "username"
        )
        self.fields["care_team"].label_from_instance = lambda u: f"{u.display_name} ({u.get_role_display()})"

    def clean_username(self):
        value = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=value).exists():
            raise forms.ValidationError(USERNAME_TAKEN)
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value > timezone.localdate() or value.year < 1900:
            raise forms.ValidationError(_("Enter a real date of birth."))
        return value

    def clean(self):
        cleaned = super().clean()
        password, username = cleaned.get("password"), cleaned.get("username")
        if password and username:
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned
