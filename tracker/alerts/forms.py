from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.alerts.models import ContactMethod, ContactResult
from tracker.alerts.outcomes import outcome_choices
from tracker.alerts.services import MAX_NOTE_LENGTH


class ResolveForm(forms.Form):
    """Resolve an alert: an outcome from the vocabulary and a note, both required (docs/clinical.md
    "Alert lifecycle")."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=())
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done or decided, for the rest of the team."),
        error_messages={"required": _("Please write a short note saying what was done.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("Choose an outcome")), *outcome_choices()]
        self.fields["outcome"].error_messages["required"] = _("Please choose an outcome.")


class ContactForm(forms.Form):
    """Record a contact attempt with the patient (the alert page's contact log)."""

    method = forms.ChoiceField(
        label=_("How"),
        choices=ContactMethod.choices,
        initial=ContactMethod.PHONE,
        error_messages={
            "required": _("Please choose how you contacted the patient."),
            "invalid_choice": _("Please choose how you contacted the patient."),
        },
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("", _("Choose a result")), *ContactResult.choices],
        error_messages={
            "required": _("Please choose what happened."),
            "invalid_choice": _("Please choose what happened."),
        },
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the alert page also has the resolve form, whose note is id_note.
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)


PERIOD_CHOICES = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("custom", _("Dates I choose")),
]
MAX_PERIOD_DAYS = 3 * 366
# No alert is older (and a calendar day near the year 1 may not turn into a time the database holds).
EARLIEST_DAY = date(2000, 1, 1)


class StatsPeriodForm(forms.Form):
    """The period of the per-rule statistics: a preset, or two dates (both included)."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="30", required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period = data.get("period") or "30"
        if period == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Choose the first day."))
            if end is None:
                self.add_error("end", _("Choose the last day."))
            if end and end > today:
                self.add_error("end", _("The last day cannot be after today."))
            elif start and start < EARLIEST_DAY:
                self.add_error("start", _("Choose days from 2000 on."))
            elif start and end:
                if start > end:
                    self.add_error("end", _("The last day must not be before the first day."))
                elif (end - start).days > MAX_PERIOD_DAYS:
                    self.add_error("start", _("Choose a period of at most three years."))
        else:
            data["end"] = today
            data["start"] = today - timedelta(days=int(period) - 1)
        data["period"] = period
        return data

    def bounds(self) -> tuple[date, date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]
