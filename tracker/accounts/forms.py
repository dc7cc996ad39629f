from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import PatientProfile


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
