"""GET-parameter forms for the workspace pages. A bad value is dropped with a message, never a 500."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.vocab import AlertStatus, Severity
from tracker.dashboard.selectors import PANEL_SORTS, rule_choices_for

ANY = [("", _("Any"))]


class TriageFilterForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=ANY + list(Severity.choices))
    rule = forms.ChoiceField(label=_("What happened"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=ANY + [(AlertStatus.OPEN, _("Waiting")), (AlertStatus.ACKNOWLEDGED, _("Acknowledged"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = ANY + rule_choices_for(user)


class PanelFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[(key, key) for key in PANEL_SORTS])
    desc = forms.BooleanField(required=False)


PERIOD_CHOICES = [
    (7, _("7 days")),
    (14, _("14 days")),
    (30, _("30 days")),
    (90, _("3 months")),
    (180, _("6 months")),
    (365, _("1 year")),
]
DEFAULT_PERIOD = 30


class TimelinePeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"), required=False, coerce=int, choices=PERIOD_CHOICES, empty_value=DEFAULT_PERIOD
    )
    end = forms.DateField(
        label=_("Ending on"), required=False, widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d"]
    )

    def clean_end(self):
        end = self.cleaned_data.get("end")
        today = timezone.localdate()
        if end and end > today:
            raise forms.ValidationError(_("Choose today or an earlier day."))
        if end and end < today - timedelta(days=3660):
            raise forms.ValidationError(_("Choose a day in the last ten years."))
        return end


def cleaned_or_defaults(form: forms.Form) -> tuple[dict, list[str]]:
    """The form's valid values, each bad field at its empty default, and one message per bad field.

    Every field of these forms is optional, so a bad value is simply dropped: the page still answers.
    """
    form.is_valid()
    values = {
        name: field.clean("") if name in form.errors else form.cleaned_data.get(name)
        for name, field in form.fields.items()
    }
    problems = [
        _("Ignored “%(field)s”: %(error)s") % {"field": form.fields[name].label or name, "error": " ".join(errors)}
        for name, errors in form.errors.items()
    ]
    return values, problems
