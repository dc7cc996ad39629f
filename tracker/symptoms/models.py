from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from tracker.core.models import Submission, pending_evaluation_index, unique_client_id
from tracker.core.vocab import Bladder, Bowel, Limb, NumbnessSite, PainSite, Walking, WeaknessLevel
from tracker.symptoms.rules import CheckInFacts

NOTE_MAX_LENGTH = 2000


def _scale(name: str, top: int) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{name}__gte": 0, f"{name}__lte": top}), name=f"checkin_{name}_range")


def _choice(name: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{name}__in": choices.values}), name=f"checkin_{name}_valid")


SIDE_EFFECT_FIELDS = ("fatigue", "nausea", "diarrhoea", "skin_reaction", "rash")
# Filters for the check-ins that answered each section (keys: tracker.symptoms.rules.SECTIONS).
SECTION_ANSWERED = {
    "pain": {"pain_now__isnull": False},
    "neuro": {"neuro_answered": True},
    "side_effects": {"side_effects_answered": True},
}
WEAKNESS_FIELDS = {limb: f"weakness_{limb}" for limb in Limb.values}


@deconstructible
class VocabularyListValidator:
    """A JSON list holding only codes of one vocabulary (pain sites, numbness sites), each once."""

    def __init__(self, allowed):
        self.allowed = list(allowed)

    def __call__(self, value) -> None:
        allowed = set(self.allowed)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(_("Give a list of codes."), code="invalid")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValidationError(
                _("Unknown value(s): %(values)s."), code="invalid_choice", params={"values": ", ".join(unknown)}
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("Each value may appear only once."), code="duplicate")

    def __eq__(self, other) -> bool:
        return isinstance(other, VocabularyListValidator) and other.allowed == self.allowed


class CheckIn(Submission):
    """A patient's daily (or weekly) report: docs/clinical.md ("What patients report")."""

    # Each section may be left out (docs/api.md "Check-ins"): pain is not answered
    # when both scores are null; the neurological questions and the side effects have a flag each. A
    # section not answered keeps its columns at their "nothing wrong" defaults (database constraints),
    # and the rules skip it (tracker.symptoms.rules.evaluate_checkin).
    # Pain (0-10 numeric rating scale)
    pain_now = models.PositiveSmallIntegerField(
        _("pain now"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_worst_24h = models.PositiveSmallIntegerField(
        _("worst pain in 24 hours"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_sites = models.JSONField(
        _("where it hurts"),
        default=list,
        blank=True,
        validators=[VocabularyListValidator(PainSite.values)],
    )
    night_pain = models.BooleanField(_("pain at night that stops sleep"), default=False)
    worse_with_straining = models.BooleanField(_("worse on coughing, sneezing or straining"), default=False)
    breakthrough_doses = models.PositiveSmallIntegerField(
        _("extra pain-medicine doses in 24 hours"), default=0, validators=[MaxValueValidator(50)]
    )
    # Neurological symptoms
    weakness_left_arm = models.CharField(
        _("weakness: left arm"), max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE
    )
    weakness_right_arm = models.CharField(
        _("weakness: right arm"), max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE
    )
    weakness_left_leg = models.CharField(
        _("weakness: left leg"), max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE
    )
    weakness_right_leg = models.CharField(
        _("weakness: right leg"), max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE
    )
    numbness = models.JSONField(
        _("numbness or tingling"),
        default=list,
        blank=True,
        validators=[VocabularyListValidator(NumbnessSite.values)],
    )
    walking = models.CharField(_("walking"), max_length=10, choices=Walking.choices, default=Walking.NORMAL)
    falls = models.PositiveSmallIntegerField(
        _("falls since the last check-in"), default=0, validators=[MaxValueValidator(50)]
    )
    bladder = models.CharField(_("bladder"), max_length=12, choices=Bladder.choices, default=Bladder.NORMAL)
    bowel = models.CharField(_("bowels"), max_length=12, choices=Bowel.choices, default=Bowel.NORMAL)
    # Treatment side effects (0-4)
    fatigue = models.PositiveSmallIntegerField(_("tiredness"), default=0, validators=[MaxValueValidator(4)])
    nausea = models.PositiveSmallIntegerField(_("feeling sick"), default=0, validators=[MaxValueValidator(4)])
    diarrhoea = models.PositiveSmallIntegerField(_("diarrhoea"), default=0, validators=[MaxValueValidator(4)])
    skin_reaction = models.PositiveSmallIntegerField(
        _("sore or red skin where you had radiotherapy"), default=0, validators=[MaxValueValidator(4)]
    )
    rash = models.PositiveSmallIntegerField(_("rash"), default=0, validators=[MaxValueValidator(4)])
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    neuro_answered = models.BooleanField(_("neurological questions answered"), default=True)
    side_effects_answered = models.BooleanField(_("side effects answered"), default=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-recorded_at"], name="checkin_patient_recorded"),
            pending_evaluation_index("checkin_pending_evaluation"),
        ]
        constraints = [
            unique_client_id("checkin_unique_client_id"),
            _scale("pain_now", 10),
            _scale("pain_worst_24h", 10),
            _scale("breakthrough_doses", 50),
            _scale("falls", 50),
            *[_scale(name, 4) for name in SIDE_EFFECT_FIELDS],
            *[_choice(field, WeaknessLevel) for field in WEAKNESS_FIELDS.values()],
            _choice("walking", Walking),
            _choice("bladder", Bladder),
            _choice("bowel", Bowel),
            models.CheckConstraint(
                condition=Q(pain_worst_24h__gte=models.F("pain_now")), name="checkin_worst_at_least_now"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH), name="checkin_note_length"
            ),
            models.CheckConstraint(
                condition=Q(pain_now__isnull=True, pain_worst_24h__isnull=True)
                | Q(pain_now__isnull=False, pain_worst_24h__isnull=False),
                name="checkin_pain_scores_together",
            ),
            models.CheckConstraint(
                condition=Q(pain_now__isnull=False)
                | Q(night_pain=False, worse_with_straining=False, breakthrough_doses=0),
                name="checkin_no_pain_details_without_pain",
            ),
            models.CheckConstraint(
                condition=Q(neuro_answered=True)
                | Q(
                    walking=Walking.NORMAL,
                    falls=0,
                    bladder=Bladder.NORMAL,
                    bowel=Bowel.NORMAL,
                    **{field: WeaknessLevel.NONE for field in WEAKNESS_FIELDS.values()},
                ),
                name="checkin_no_neuro_details_unanswered",
            ),
            models.CheckConstraint(
                condition=Q(side_effects_answered=True) | Q(**{name: 0 for name in SIDE_EFFECT_FIELDS}),
                name="checkin_no_side_effects_unanswered",
            ),
            models.CheckConstraint(
                condition=Q(pain_now__isnull=False) | Q(neuro_answered=True) | Q(side_effects_answered=True),
                name="checkin_answers_a_section",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk} (patient #{self.patient_id})"

    @property
    def pain_answered(self) -> bool:
        return self.pain_now is not None

    @property
    def sections_missing(self) -> list[str]:
        """The sections this check-in left out, in form order (tracker.symptoms.rules.SECTIONS codes)."""
        answered = {
            "pain": self.pain_answered,
            "neuro": self.neuro_answered,
            "side_effects": self.side_effects_answered,
        }
        return [name for name, done in answered.items() if not done]

    @property
    def weakness(self) -> dict[str, str]:
        """Limbs with any weakness: {limb: level}; limbs at 'none' are left out."""
        return {
            limb: getattr(self, field)
            for limb, field in WEAKNESS_FIELDS.items()
            if getattr(self, field) != WeaknessLevel.NONE
        }

    @property
    def side_effects(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SIDE_EFFECT_FIELDS}

    def problems(self) -> list[str]:
        """Everything reported besides the pain scores and walking, in plain words ([] when nothing).

        The neurological red-flag items first (weakness per limb, numbness, falls, bladder, bowels), then
        the pain details, then the side effects.
        """
        from tracker.core.vocab import SideEffect, SideEffectSeverity

        found = []
        for limb, level in self.weakness.items():
            found.append(f"{Limb(limb).label}: {WeaknessLevel(level).label}")
        if self.numbness:
            found.append(
                _("Numbness: %(sites)s") % {"sites": ", ".join(str(NumbnessSite(s).label) for s in self.numbness)}
            )
        if self.falls:
            found.append(_("Falls: %(n)s") % {"n": self.falls})
        if self.bladder != Bladder.NORMAL:
            found.append(f"{_('Bladder')}: {self.get_bladder_display()}")
        if self.bowel != Bowel.NORMAL:
            found.append(f"{_('Bowels')}: {self.get_bowel_display()}")
        if self.pain_sites:
            found.append(_("Pain: %(sites)s") % {"sites": ", ".join(str(PainSite(s).label) for s in self.pain_sites)})
        if self.night_pain:
            found.append(str(_("Pain at night")))
        if self.worse_with_straining:
            found.append(str(_("Worse on coughing or straining")))
        if self.breakthrough_doses:
            found.append(_("Extra pain doses: %(n)s") % {"n": self.breakthrough_doses})
        for name, value in self.side_effects.items():
            if value:
                found.append(f"{SideEffect(name).label}: {SideEffectSeverity(value).label}")
        return found

    def to_facts(self):
        """The pure-rule view of this check-in (tracker.symptoms.rules.CheckInFacts)."""
        return checkin_facts({name: getattr(self, name) for name in FACT_FIELDS})


# The columns the red-flag rules read: `CheckInFacts` from `checkin_facts(row)` of a `values(*FACT_FIELDS)` row.
FACT_FIELDS = (
    "recorded_at",
    "pain_now",
    "pain_worst_24h",
    "pain_sites",
    "night_pain",
    "worse_with_straining",
    "breakthrough_doses",
    *WEAKNESS_FIELDS.values(),
    "numbness",
    "walking",
    "falls",
    "bladder",
    "bowel",
    *SIDE_EFFECT_FIELDS,
    "neuro_answered",
    "side_effects_answered",
)


def checkin_facts(row: Mapping[str, Any]) -> CheckInFacts:
    """The pure-rule view (tracker.symptoms.rules.CheckInFacts) of a check-in's FACT_FIELDS values.

    What `CheckIn.to_facts` returns, made from a `values(*FACT_FIELDS)` row without a model instance
    (reading a patient's history this way costs a fraction of loading the rows as check-ins).
    """
    return CheckInFacts(
        recorded_at=row["recorded_at"],
        pain_now=row["pain_now"],
        pain_worst_24h=row["pain_worst_24h"],
        pain_sites=frozenset(row["pain_sites"]),
        night_pain=row["night_pain"],
        worse_with_straining=row["worse_with_straining"],
        breakthrough_doses=row["breakthrough_doses"],
        weakness={limb: row[field] for limb, field in WEAKNESS_FIELDS.items() if row[field] != WeaknessLevel.NONE},
        numbness=frozenset(row["numbness"]),
        walking=row["walking"],
        falls=row["falls"],
        bladder=row["bladder"],
        bowel=row["bowel"],
        side_effects={name: row[name] for name in SIDE_EFFECT_FIELDS},
        neuro_answered=row["neuro_answered"],
        side_effects_answered=row["side_effects_answered"],
    )
