"""The patient's check-in page form, and which answers it may fill in from the previous check-in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import SendOnceForm
from tracker.core.vocab import (
    Bladder,
    Bowel,
    Limb,
    NumbnessSite,
    PainSite,
    SideEffect,
    SideEffectSeverity,
    Walking,
    WeaknessLevel,
)
from tracker.symptoms.models import NOTE_MAX_LENGTH, SIDE_EFFECT_FIELDS, WEAKNESS_FIELDS, CheckIn

PAIN_CHOICES = [(n, str(n)) for n in range(11)]
YES, NO = "yes", "no"
YES_NO = [(NO, _("No")), (YES, _("Yes"))]
MAX_COUNT = 50

# How the page lays out each question's answers ("list": one per row, the default).
QUESTION_LAYOUTS = {
    "pain_now": "scale",
    "pain_worst_24h": "scale",
    "pain_sites": "grid",
    "numbness": "grid",
    "night_pain": "pair",
    "worse_with_straining": "pair",
    "breakthrough_doses": "count",
    "falls": "count",
    "note": "text",
    **{name: "severity" for name in SIDE_EFFECT_FIELDS},
}

WEAKNESS_LABELS = {
    Limb.LEFT_ARM: _("Left arm"),
    Limb.RIGHT_ARM: _("Right arm"),
    Limb.LEFT_LEG: _("Left leg"),
    Limb.RIGHT_LEG: _("Right leg"),
}


def _yes_no(label, help_text=""):
    return forms.TypedChoiceField(
        label=label, help_text=help_text, choices=YES_NO, coerce=lambda value: value == YES, widget=forms.RadioSelect
    )


def _count(label, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_COUNT, "class": "count"}),
    )


class CheckInForm(SendOnceForm):
    """One short scrolling form; field names are the model's, labels are plain questions."""

    pain_now = forms.TypedChoiceField(
        label=_("How bad is your pain right now?"), choices=PAIN_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    pain_worst_24h = forms.TypedChoiceField(
        label=_("What was your worst pain in the last 24 hours?"),
        choices=PAIN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    pain_sites = forms.MultipleChoiceField(
        label=_("Where does it hurt?"),
        help_text=_("Tick every place."),
        choices=PainSite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    night_pain = _yes_no(_("Does pain wake you at night or stop you sleeping?"))
    worse_with_straining = _yes_no(_("Is the pain worse when you cough, sneeze or strain on the toilet?"))
    breakthrough_doses = _count(
        _("Extra doses of pain medicine in the last 24 hours"),
        _("The 'when needed' doses you took on top of your regular ones."),
    )
    weakness_left_arm = forms.ChoiceField(
        label=WEAKNESS_LABELS[Limb.LEFT_ARM], choices=WeaknessLevel.choices, widget=forms.RadioSelect
    )
    weakness_right_arm = forms.ChoiceField(
        label=WEAKNESS_LABELS[Limb.RIGHT_ARM], choices=WeaknessLevel.choices, widget=forms.RadioSelect
    )
    weakness_left_leg = forms.ChoiceField(
        label=WEAKNESS_LABELS[Limb.LEFT_LEG], choices=WeaknessLevel.choices, widget=forms.RadioSelect
    )
    weakness_right_leg = forms.ChoiceField(
        label=WEAKNESS_LABELS[Limb.RIGHT_LEG], choices=WeaknessLevel.choices, widget=forms.RadioSelect
    )
    numbness = forms.MultipleChoiceField(
        label=_("Numbness or tingling"),
        help_text=_("Tick every place where you have it. Leave all empty if you have none."),
        choices=NumbnessSite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    walking = forms.ChoiceField(label=_("Your walking"), choices=Walking.choices, widget=forms.RadioSelect)
    falls = _count(_("Falls since your last check-in"))
    bladder = forms.ChoiceField(label=_("Passing urine"), choices=Bladder.choices, widget=forms.RadioSelect)
    bowel = forms.ChoiceField(label=_("Your bowels"), choices=Bowel.choices, widget=forms.RadioSelect)
    fatigue = forms.TypedChoiceField(
        label=SideEffect.FATIGUE.label, choices=SideEffectSeverity.choices, coerce=int, widget=forms.RadioSelect
    )
    nausea = forms.TypedChoiceField(
        label=SideEffect.NAUSEA.label, choices=SideEffectSeverity.choices, coerce=int, widget=forms.RadioSelect
    )
    diarrhoea = forms.TypedChoiceField(
        label=SideEffect.DIARRHOEA.label, choices=SideEffectSeverity.choices, coerce=int, widget=forms.RadioSelect
    )
    skin_reaction = forms.TypedChoiceField(
        label=SideEffect.SKIN_REACTION.label, choices=SideEffectSeverity.choices, coerce=int, widget=forms.RadioSelect
    )
    rash = forms.TypedChoiceField(
        label=SideEffect.RASH.label, choices=SideEffectSeverity.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything else you want your care team to know?"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
    )

    def clean(self):
        cleaned = super().clean()
        now, worst = cleaned.get("pain_now"), cleaned.get("pain_worst_24h")
        if now is not None and worst is not None and worst < now:
            self.add_error(
                "pain_worst_24h", _("Your worst pain in the last 24 hours cannot be lower than your pain right now.")
            )
        return cleaned

    def service_kwargs(self) -> dict:
        """The cleaned answers as keyword arguments of `tracker.symptoms.services.checkin_create`."""
        data = dict(self.cleaned_data)
        data["weakness"] = {limb: data.pop(field) for limb, field in WEAKNESS_FIELDS.items()}
        data["side_effects"] = {name: data.pop(name) for name in SIDE_EFFECT_FIELDS}
        return data

    def sections(self, last_time: dict) -> list[dict]:
        """The form as the page shows it: a card per section, each question with last time's answer."""

        def questions(*names):
            return [
                {"field": self[name], "last_time": last_time.get(name), "layout": QUESTION_LAYOUTS.get(name, "list")}
                for name in names
            ]

        return [
            {
                "title": _("Pain"),
                "questions": questions(
                    "pain_now",
                    "pain_worst_24h",
                    "pain_sites",
                    "night_pain",
                    "worse_with_straining",
                    "breakthrough_doses",
                ),
            },
            {
                "title": _("Strength in your arms and legs"),
                "intro": _("Compared with your usual strength."),
                "questions": questions(*WEAKNESS_FIELDS.values()),
            },
            {
                "title": _("Feeling, walking, bladder and bowels"),
                "questions": questions("numbness", "walking", "falls", "bladder", "bowel"),
            },
            {
                "title": _("Treatment side effects"),
                "intro": _("How bad each one has been in the last 24 hours."),
                "questions": questions(*SIDE_EFFECT_FIELDS),
            },
            {"title": _("Anything else?"), "questions": questions("note")},
        ]


def checkin_initial(previous: CheckIn | None) -> tuple[dict, dict]:
    """What the form may fill in for the patient, and what they reported last time where it may not.

    Returns (initial, last_time). The rule: an answer is filled in only when it is "no problem" and
    was "no problem" last time too (or there is no last time), or when it repeats a problem reported
    last time (pain and numbness sites, so un-ticking is a deliberate change). Anything that was a
    problem last time (weakness, walking, bladder, bowels, night pain, a side effect) is left empty,
    so the patient must answer it again: the form never pre-fills "no weakness" over a weakness.
    Pain scores are never filled in. `last_time` maps those fields to last time's answer, as words.
    """
    initial: dict = {"breakthrough_doses": 0, "falls": 0}
    last_time: dict = {}

    def carry(field: str, normal, label) -> None:
        value = getattr(previous, field) if previous is not None else normal
        if value == normal:
            initial[field] = normal
        else:
            last_time[field] = label(value)

    for field in WEAKNESS_FIELDS.values():
        carry(field, WeaknessLevel.NONE.value, lambda v: WeaknessLevel(v).label)
    carry("walking", Walking.NORMAL.value, lambda v: Walking(v).label)
    carry("bladder", Bladder.NORMAL.value, lambda v: Bladder(v).label)
    carry("bowel", Bowel.NORMAL.value, lambda v: Bowel(v).label)
    for name in SIDE_EFFECT_FIELDS:
        carry(name, 0, lambda v: SideEffectSeverity(v).label)
    for name in ("night_pain", "worse_with_straining"):
        if previous is None or not getattr(previous, name):
            initial[name] = NO
        else:
            last_time[name] = _("Yes")
    if previous is not None:
        initial["pain_sites"] = list(previous.pain_sites)
        initial["numbness"] = list(previous.numbness)
        if previous.numbness:
            last_time["numbness"] = ", ".join(str(NumbnessSite(site).label) for site in previous.numbness)
    return initial, last_time


class ReminderForm(forms.Form):
    reminder_time = forms.TimeField(
        label=_("Remind me at"),
        help_text=_("If your check-in is not done by this time on the day it is due, we send you a reminder."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
