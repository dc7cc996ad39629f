from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import SendOnceForm
from tracker.core.vocab import DistressProblem, Instrument
from tracker.psych import questionnaires
from tracker.psych.models import ContactOutcome, ContactResult, Programme, ReferralService

REQUIRED = _("Please answer this question.")


class ItemsForm(SendOnceForm):
    """PHQ-9 or GAD-7: one required 0-3 question per item, worded as published."""

    instrument: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = questionnaires.SPECS[self.instrument].items
        for number, text in enumerate(self.items, start=1):
            self.fields[f"q{number}"] = forms.TypedChoiceField(
                label=text,
                choices=[(value, label) for value, label in questionnaires.FREQUENCY],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": REQUIRED, "invalid_choice": REQUIRED},
            )

    @property
    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{n}"] for n in range(1, len(self.items) + 1)]


class PHQ9Form(ItemsForm):
    instrument = Instrument.PHQ9


class GAD7Form(ItemsForm):
    instrument = Instrument.GAD7


class DistressForm(SendOnceForm):
    score = forms.TypedChoiceField(
        label=questionnaires.DISTRESS_QUESTION,
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a number from 0 to 10."), "invalid_choice": REQUIRED},
    )
    problems = forms.MultipleChoiceField(
        label=questionnaires.PROBLEMS_QUESTION,
        choices=[
            (value, f"{label}: {questionnaires.PROBLEM_HINTS[value]}") for value, label in DistressProblem.choices
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


FORMS = {Instrument.DISTRESS_THERMOMETER: DistressForm, Instrument.PHQ9: PHQ9Form, Instrument.GAD7: GAD7Form}


class CompleteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this helpful?"),
        choices=[("", _("Skip")), ("yes", _("Yes, it helped")), ("no", _("Not really"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class ReferralForm(SendOnceForm):
    service = forms.ChoiceField(label=_("Refer to"), choices=ReferralService.choices, widget=forms.RadioSelect)
    service_other = forms.CharField(label=_("Which service (if other)"), max_length=120, required=False)
    reason = forms.CharField(
        label=_("Reason and what the patient agreed to"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("service") == ReferralService.OTHER and not (data.get("service_other") or "").strip():
            self.add_error("service_other", _("Say which service."))
        return data


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ContactForm(forms.Form):
    contacted_at = forms.DateTimeField(
        label=_("When did you call or see the patient?"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    result = forms.ChoiceField(
        label=_("Did you reach the patient?"),
        choices=ContactResult.choices,
        initial=ContactResult.REACHED,
        widget=forms.RadioSelect,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (when you reached the patient)"),
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("contacted_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean(self):
        data = super().clean()
        data["result"] = data.get("result") or ContactResult.REACHED  # older forms send no result
        if data["result"] == ContactResult.REACHED and not data.get("outcome") and "outcome" not in self.errors:
            self.add_error("outcome", _("Say what came of the contact."))
        if data["result"] != ContactResult.REACHED:
            data["outcome"] = ""  # a call nobody answered has no outcome, whatever was ticked before
        return data


class AssignForm(SendOnceForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.filter(is_active=True), widget=forms.RadioSelect
    )
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    notify_by_email = forms.BooleanField(
        label=_("Also send the patient an e-mail when a session arrives (no health details in it)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start < timezone.localdate():
            raise forms.ValidationError(_("The start date cannot be in the past."))
        return start


class ScheduleForm(forms.Form):
    distress_thermometer = forms.IntegerField(label=_("Distress thermometer every (days)"), min_value=0, max_value=365)
    phq9 = forms.IntegerField(label=_("PHQ-9 every (days)"), min_value=0, max_value=365)
    gad7 = forms.IntegerField(label=_("GAD-7 every (days)"), min_value=0, max_value=365)
