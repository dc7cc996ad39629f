from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.core.models import Submission, pending_evaluation_index, unique_client_id
from tracker.core.vocab import Bladder, Bowel, Limb, Walking, WeaknessLevel


def _scale(name: str, top: int) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{name}__gte": 0, f"{name}__lte": top}), name=f"checkin_{name}_range")


def _choice(name: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{name}__in": choices.values}), name=f"checkin_{name}_valid")


SIDE_EFFECT_FIELDS = ("fatigue", "nausea", "diarrhoea", "skin_reaction", "rash")
WEAKNESS_FIELDS = {limb: f"weakness_{limb}" for limb in Limb.values}


class CheckIn(Submission):
    """A patient's daily (or weekly) report: CLINICAL.md section 1."""

    # Pain (0-10 numeric rating scale)
    pain_now = models.PositiveSmallIntegerField(_("pain now"), validators=[MaxValueValidator(10)])
    pain_worst_24h = models.PositiveSmallIntegerField(_("worst pain in 24 hours"), validators=[MaxValueValidator(10)])
    pain_sites = models.JSONField(_("where it hurts"), default=list, blank=True)
    night_pain = models.BooleanField(_("pain at night that stops sleep"), default=False)
    worse_with_straining = models.BooleanField(_("worse on coughing, sneezing or straining"), default=False)
    breakthrough_doses = models.PositiveSmallIntegerField(
        _("extra pain-medicine doses in 24 hours"), default=0, validators=[MaxValueValidator(50)]
    )
    # Neurological symptoms
    weakness_left_arm = models.CharField(max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE)
    weakness_right_arm = models.CharField(max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE)
    weakness_left_leg = models.CharField(max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE)
    weakness_right_leg = models.CharField(max_length=10, choices=WeaknessLevel.choices, default=WeaknessLevel.NONE)
    numbness = models.JSONField(_("numbness or tingling"), default=list, blank=True)
    walking = models.CharField(_("walking"), max_length=10, choices=Walking.choices, default=Walking.NORMAL)
    falls = models.PositiveSmallIntegerField(
        _("falls since the last check-in"), default=0, validators=[MaxValueValidator(50)]
    )
    bladder = models.CharField(_("bladder"), max_length=12, choices=Bladder.choices, default=Bladder.NORMAL)
    bowel = models.CharField(_("bowels"), max_length=12, choices=Bowel.choices, default=Bowel.NORMAL)
    # Treatment side effects (0-4)
    fatigue = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    nausea = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    diarrhoea = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    skin_reaction = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    rash = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(4)])
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(2000)])

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
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk} (patient #{self.patient_id})"

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

    def to_facts(self):
        """The pure-rule view of this check-in (tracker.alerts.rules.CheckInFacts)."""
        from tracker.alerts.rules import CheckInFacts

        return CheckInFacts(
            recorded_at=self.recorded_at,
            pain_now=self.pain_now,
            pain_worst_24h=self.pain_worst_24h,
            pain_sites=frozenset(self.pain_sites),
            night_pain=self.night_pain,
            worse_with_straining=self.worse_with_straining,
            breakthrough_doses=self.breakthrough_doses,
            weakness=self.weakness,
            numbness=frozenset(self.numbness),
            walking=self.walking,
            falls=self.falls,
            bladder=self.bladder,
            bowel=self.bowel,
            side_effects=self.side_effects,
        )
