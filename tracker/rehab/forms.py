from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import SendOnceForm
from tracker.core.vocab import Difficulty
from tracker.rehab import rules, selectors
from tracker.rehab.models import HOLD_MAX, MAX_PLAN_ITEMS, REPS_MAX, SETS_MAX, Exercise
from tracker.rehab.services import ItemConflicts, ItemSpec, PlanConflictError, override_required_message, plan_conflicts

PAIN_CHOICES = [(n, str(n)) for n in range(11)]
MAX_ITEMS = MAX_PLAN_ITEMS
EXTRA_ROWS = 3  # empty rows under a plan the builder starts from, and rows added by "Add 3 more rows"
EMPTY_ROWS = 5  # rows of a plan the builder starts from nothing


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


class PlanBuilderForm:
    """The plan builder's form: the plan's dates and notes (``plan_form``), one row per exercise (``formset``),
    and those exercises checked against the patient's precautions.

    Unbound, it starts from a template (``template_id``, active templates only), else from the active plan's
    current version, else from empty rows. Bound to what was posted, ``action`` says which button sent it:
    "check", "save" or "add_rows" (which only adds rows and validates nothing). :meth:`is_valid` validates and
    finds the conflicts; :meth:`save_kwargs` gives :func:`~tracker.rehab.services.plan_save` its arguments.
    Whether conflicts may be saved is plan_save's decision (it lets a form sent twice return the version the
    first one saved); :meth:`refused` puts its refusal on the override reason.
    """

    def __init__(
        self, data: QueryDict | None = None, *, page: selectors.PlanBuilderPage, template_id: str | None = None
    ):
        self.page = page
        self.found: list[ItemConflicts] = []
        self.checked = False
        self.specs: list[ItemSpec] = []
        form_kwargs = {"exercises": page.exercises_by_id, "choices": page.choices}
        if data is None:
            self.action = None
            self.template = selectors.plan_template(template_id, active_only=True)
            items = [_item_initial(item) for item in selectors.plan_builder_items(page.active, self.template)]
            version = page.active.current_version if page.active and self.template is None else None
            self.plan_form = PlanForm(
                initial={
                    "starts_on": version.starts_on if version else timezone.localdate(),
                    "ends_on": version.ends_on if version else None,
                    "template": self.template.pk if self.template else None,
                }
            )
            self.formset = item_formset(extra=EXTRA_ROWS if items else EMPTY_ROWS)(
                initial=items, prefix="items", form_kwargs=form_kwargs
            )
        else:
            self.action = data.get("action", "check")
            if self.action == "add_rows":
                data = _with_more_rows(data, "items", EXTRA_ROWS)
            self.plan_form = PlanForm(data)
            self.formset = item_formset(extra=0)(data, prefix="items", form_kwargs=form_kwargs)
            self.template = selectors.plan_template(data.get("template"), active_only=False)

    def is_valid(self) -> bool:
        """True when the dates, notes and every row are valid; the rows' conflicts with the patient's precautions
        are then in ``found`` (and ``checked`` is set). False for an unbound form and for "add_rows"."""
        if self.action is None or self.action == "add_rows":
            return False
        valid = self.plan_form.is_valid() & self.formset.is_valid()  # both, so that both show their errors
        if valid:
            self.specs = self.formset.specs()
            self.found = plan_conflicts(patient=self.page.patient, items=self.specs)
            self.checked = True
        return valid

    def save_kwargs(self) -> dict[str, Any]:
        """plan_save's arguments from a valid form, all but the therapist who saves."""
        data = self.plan_form.cleaned_data
        return {
            "patient": self.page.patient,
            "items": self.specs,
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "override_reason": data["override_reason"],
            "change_note": data["change_note"],
            "template": self.template,
            "client_id": data["client_id"],
        }

    def refused(self, error: PlanConflictError) -> None:
        """plan_save refused conflicts without an override reason: say which, on that field."""
        self.plan_form.add_error("override_reason", override_required_message(error.conflicts))

    def rows(self) -> list[dict[str, Any]]:
        """Each row's form and the conflicts of the exercise it shows."""
        return [
            {"form": f, "conflicts": self.page.conflicts.get(_selected_exercise(f), [])} for f in self.formset.forms
        ]


def _item_initial(item) -> dict[str, Any]:
    """A builder row's initial values from a plan item or a template item."""
    return {
        "exercise": item.exercise_id,
        "sets": item.sets,
        "reps": item.reps,
        "hold_seconds": item.hold_seconds,
        "days": item.days,
        "notes": item.notes,
    }


def _selected_exercise(form: forms.Form) -> int | None:
    """The exercise id a builder row shows (bound: what was posted; unbound: its initial value)."""
    raw = form.data.get(form.add_prefix("exercise")) if form.is_bound else form.initial.get("exercise")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _with_more_rows(data: QueryDict, prefix: str, more: int) -> QueryDict:
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(total + more)
    return data


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
