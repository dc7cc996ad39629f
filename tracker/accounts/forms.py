from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import SPINAL_LEVEL_RE, PatientProfile, User
from tracker.accounts.services import USERNAME_TAKEN
from tracker.core.forms import IdsChoiceField, SendOnceForm
from tracker.core.vocab import CLINICIAN_ROLES, CheckinSchedule


class PrecautionsForm(forms.ModelForm):
    class Meta:
        model = PatientProfile
        fields = [
            "spinal_stability",
            "no_spinal_flexion",
            "no_spinal_extension",
            "no_spinal_rotation",
            "no_axial_loading",
            "no_lifting_over_kg",
            "checkin_schedule",
            "reminder_time",
            "emergency_number",
        ]
        widgets = {"reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {"no_lifting_over_kg": _("Leave empty for no lifting limit.")}


class PatientEnrolForm(SendOnceForm):
    """Enrolment by a nurse, physician or admin (the page twin of POST /api/v1/patients/)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    primary_cancer = forms.CharField(label=_("Primary cancer"), max_length=120)
    spinal_levels = forms.CharField(
        label=_("Spinal levels"), max_length=200, required=False, help_text=_("For example: T8, T9, L1")
    )
    checkin_schedule = forms.ChoiceField(label=_("Check-ins"), choices=CheckinSchedule.choices)
    email = forms.EmailField(label=_("E-mail (for reminders)"), required=False)
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

    def clean_spinal_levels(self):
        levels = [part.strip().upper() for part in self.cleaned_data["spinal_levels"].split(",") if part.strip()]
        bad = [level for level in levels if not SPINAL_LEVEL_RE.match(level)]
        if bad:
            raise forms.ValidationError(
                _("Unknown spinal level(s): %(levels)s. Use C1-C7, T1-T12, L1-L5, S1-S5.") % {"levels": ", ".join(bad)}
            )
        return list(dict.fromkeys(levels))

    def clean(self):
        cleaned = super().clean()
        password, username = cleaned.get("password"), cleaned.get("username")
        if password and username:
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned
