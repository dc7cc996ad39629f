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
from tracker.symptoms.rules import SECTION_NEURO, SECTION_PAIN, SECTION_SIDE_EFFECTS, SECTIONS

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


# The form's questions by section (tracker.symptoms.rules.SECTIONS); the note belongs to none.
SECTION_FIELDS = {
    SECTION_PAIN: (
        "pain_now",
        "pain_worst_24h",
        "pain_sites",
        "night_pain",
        "worse_with_straining",
        "breakthrough_doses",
    ),
    SECTION_NEURO: (*WEAKNESS_FIELDS.values(), "numbness", "walking", "falls", "bladder", "bowel"),
    SECTION_SIDE_EFFECTS: SIDE_EFFECT_FIELDS,
}
# What a section is, in the patient's words ("We still need ...").
SECTION_NAMES = {
    SECTION_PAIN: _("your pain"),
    SECTION_NEURO: _("the strength in your arms and legs, feeling, walking, bladder and bowels"),
    SECTION_SIDE_EFFECTS: _("treatment side effects"),
}

# Error messages in the patient's words, not Django's ("This field is required.").
ANSWER_ONE = _("Please tap one answer.")
PATIENT_ERRORS = {
    "pain_now": {
        "required": _("Please tap a number for your pain right now: 0 means no pain."),
        "invalid_choice": _("Please tap a number from 0 to 10."),
    },
    "pain_worst_24h": {
        "required": _("Please tap a number for your worst pain in the last 24 hours: 0 means no pain."),
        "invalid_choice": _("Please tap a number from 0 to 10."),
    },
    "pain_sites": {"invalid_choice": _("Please tick only the places shown.")},
    "numbness": {"invalid_choice": _("Please tick only the places shown.")},
    "note": {"max_length": _("Please make your note shorter: at most %(limit_value)d characters.")},
}
COUNT_ERRORS = {
    "required": _("Please write a number: 0 if none."),
    "invalid": _("Please write a whole number, like 0, 1 or 2."),
    # Both limits say the whole range (MAX_COUNT is 50); Django fills in only the limit that was broken.
    "min_value": _("Please write a number from 0 to 50."),
    "max_value": _("Please write a number from 0 to 50."),
}


class CheckInForm(SendOnceForm):
    """One short scrolling form; field names are the model's, labels are plain questions.

    `sections` limits it to some of its sections (the others' fields are left out), for a page that
    already stored the rest; `with_note=False` leaves out the note (already sent with that rest).
    """

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

    def __init__(self, *args, sections=SECTIONS, with_note: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_names = [name for name in SECTIONS if name in sections]
        keep = {"client_id", *(field for name in self.section_names for field in SECTION_FIELDS[name])}
        if with_note:
            keep.add("note")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name, field in self.fields.items():
            errors = COUNT_ERRORS if name in ("breakthrough_doses", "falls") else PATIENT_ERRORS.get(name, {})
            field.error_messages.update({"required": ANSWER_ONE, "invalid_choice": ANSWER_ONE, **errors})

    def valid_sections(self) -> list[str]:
        """The sections whose every answer is valid (call after `is_valid()`)."""
        return [name for name in self.section_names if not any(field in self.errors for field in SECTION_FIELDS[name])]

    def clean(self):
        cleaned = super().clean()
        now, worst = cleaned.get("pain_now"), cleaned.get("pain_worst_24h")
        if now is not None and worst is not None and worst < now:
            self.add_error(
                "pain_worst_24h", _("Your worst pain in the last 24 hours cannot be lower than your pain right now.")
            )
        return cleaned

    def service_kwargs(self, sections=None) -> dict:
        """The answers of `sections` (default: this form's) as keyword arguments of
        `tracker.symptoms.services.checkin_create`; the other sections are not answered.

        An incomplete section gives only its valid answers, the rest at "nothing wrong" (the page uses that
        only for the advice it shows when nothing could be stored, never to store).
        """
        sections = self.section_names if sections is None else sections
        cleaned = self.cleaned_data
        data: dict = {"client_id": cleaned.get("client_id")}
        if "note" in cleaned:
            data["note"] = cleaned["note"]
        for name in SECTIONS:
            if name not in sections:
                continue
            data.update({field: cleaned[field] for field in SECTION_FIELDS[name] if field in cleaned})
        if data.get("pain_now") is None or data.get("pain_worst_24h") is None:
            for field in SECTION_FIELDS[SECTION_PAIN]:
                data.pop(field, None)
            data["pain_now"] = data["pain_worst_24h"] = None
        data["neuro_answered"] = SECTION_NEURO in sections
        data["side_effects_answered"] = SECTION_SIDE_EFFECTS in sections
        data["weakness"] = {limb: data.pop(field) for limb, field in WEAKNESS_FIELDS.items() if field in data}
        data["side_effects"] = {name: data.pop(name) for name in SIDE_EFFECT_FIELDS if name in data}
        return data

    def sections(self, last_time: dict) -> list[dict]:
        """The form as the page shows it: a card per section, each question with last time's answer."""

        def questions(*names):
            return [
                {"field": self[name], "last_time": last_time.get(name), "layout": QUESTION_LAYOUTS.get(name, "list")}
                for name in names
                if name in self.fields
            ]

        cards = [
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
        return [card for card in cards if card["questions"]]


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
