from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import SendOnceForm
from tracker.core.vocab import Difficulty
from tracker.rehab import rules
from tracker.rehab.models import HOLD_MAX, MAX_PLAN_ITEMS, REPS_MAX, SETS_MAX, Exercise
from tracker.rehab.services import ItemSpec

PAIN_CHOICES = [(n, str(n)) for n in range(11)]
MAX_ITEMS = MAX_PLAN_ITEMS


class PlanForm(SendOnceForm):
    starts_on = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for no end date."),
    )
    change_note = forms.CharField(
        label=_("What changed and why"), required=False, max_length=500, help_text=_("Kept with this version.")
    )
    override_reason = forms.CharField(
        label=_("Override reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed only to assign exercises that conflict with the patient's precautions. It is kept in the audit log."
        ),
    )
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        today = timezone.localdate()
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        if ends_on and ends_on < today:
            self.add_error("ends_on", _("The end date has already passed."))
        return data


class PlanItemForm(forms.Form):
    exercise = forms.TypedChoiceField(label=_("Exercise"), coerce=int, required=False, empty_value=None)
    sets = forms.IntegerField(label=_("Sets"), required=False, min_value=1, max_value=SETS_MAX)
    reps = forms.IntegerField(label=_("Repetitions"), required=False, min_value=1, max_value=REPS_MAX)
    hold_seconds = forms.IntegerField(label=_("Hold (seconds)"), required=False, min_value=0, max_value=HOLD_MAX)
    days = forms.MultipleChoiceField(
        label=_("Days"),
        choices=rules.Weekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=list(rules.WEEKDAYS),
    )
    notes = forms.CharField(label=_("Notes for the patient"), required=False, max_length=500)

    def __init__(self, *args, exercises: dict[int, Exercise], choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercises = exercises
        self.fields["exercise"].choices = choices
        self.fields["days"].initial = list(rules.WEEKDAYS)
        for name in ("sets", "reps", "hold_seconds"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["sets"].help_text = _("Empty: the exercise's usual dose.")

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        exercise_id = data.get("exercise")
        if exercise_id is None:
            if self.has_changed():
                raise forms.ValidationError(_("Choose an exercise for this row, or tick Remove."))
            return data
        exercise = self.exercises.get(exercise_id)
        if exercise is None:
            self.add_error("exercise", _("Choose an exercise from the library."))
            return data
        if not data.get("days"):
            self.add_error("days", _("Choose at least one day."))
        data["exercise_obj"] = exercise
        return data

    def spec(self) -> ItemSpec | None:
        data = self.cleaned_data
        exercise = data.get("exercise_obj")
        if exercise is None or data.get("DELETE"):
            return None
        return ItemSpec(
            exercise=exercise,
            sets=data["sets"] or exercise.default_sets,
            reps=data["reps"] or exercise.default_reps,
            hold_seconds=exercise.default_hold_seconds if data["hold_seconds"] is None else data["hold_seconds"],
            days_mask=rules.days_to_mask(data["days"]),
            notes=data.get("notes") or "",
        )


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.specs():
            raise forms.ValidationError(_("Add at least one exercise."))

    def specs(self) -> list[ItemSpec]:
        return [spec for form in self.forms if form.is_valid() and (spec := form.spec()) is not None]


def item_formset(*, extra: int):
    return formset_factory(
        PlanItemForm,
        formset=BaseItemFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_ITEMS,
        validate_max=True,
        absolute_max=MAX_ITEMS,
    )


class ExerciseLogForm(SendOnceForm):
    """One tap per exercise: did it, pain before and during, how hard, optional note."""

    completed = forms.TypedChoiceField(
        label=_("Did you do it?"),
        choices=[("yes", _("Yes, all of it")), ("no", _("No, or only part of it"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    pain_before = forms.TypedChoiceField(
        label=_("Pain before (0 = none, 10 = worst)"), choices=PAIN_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    pain_during = forms.TypedChoiceField(
        label=_("Pain during (0 = none, 10 = worst)"), choices=PAIN_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    difficulty = forms.ChoiceField(label=_("How hard was it?"), choices=Difficulty.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Anything to tell your therapist? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    plan_item = forms.IntegerField(widget=forms.HiddenInput)


class ReminderForm(forms.Form):
    reminder_time = forms.TimeField(
        label=_("Remind me on exercise days at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty for no reminders."),
    )


class ResumeForm(forms.Form):
    """A therapist or physician clears a plan that waits for clearance (docs/clinical.md "Exercise safety")."""

    note = forms.CharField(
        label=_("What you checked"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "note-help"}),
        help_text=_("For example: MRI showed no cord compression; plan checked against the new precautions."),
        error_messages={
            "required": _("Say what you checked before resuming the exercises."),
            "max_length": _("Keep it to 1000 characters or fewer."),
        },
    )
