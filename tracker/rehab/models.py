"""Rehabilitation: the exercise library, plan templates, versioned exercise plans and exercise logs.

A patient has at most one active :class:`ExercisePlan`. Every change to it is a new immutable
:class:`PlanVersion` with its own :class:`PlanItem` rows, so a log always points at the item as it
was prescribed when the patient did it.
"""

from datetime import time
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.core.models import Submission, pending_evaluation_index, unique_client_id
from tracker.core.vocab import Difficulty
from tracker.rehab import rules

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif")
VIDEO_EXTENSIONS = ("mp4", "webm")
MAX_MEDIA_BYTES = 50 * 1024 * 1024

SETS_MAX, REPS_MAX, HOLD_MAX = 20, 100, 600
MAX_PLAN_ITEMS = 30


def validate_media_size(file) -> None:
    if file.size > MAX_MEDIA_BYTES:
        raise ValidationError(_("The file is too large (at most 50 MB)."))


class BodyRegion(models.TextChoices):
    BREATHING = "breathing", _("Breathing")
    TRUNK = "trunk", _("Trunk (still holds)")
    UPPER_LIMB = "upper_limb", _("Arms and hands")
    LOWER_LIMB = "lower_limb", _("Legs and feet")
    MOBILITY = "mobility", _("Moving in and out of bed, transfers and walking")
    WHOLE_BODY = "whole_body", _("Whole body")


class Exercise(models.Model):
    """One exercise in the library, with the movements it involves (docs/clinical.md "Exercise safety")."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose"))
    instructions = models.TextField(_("instructions"), help_text=_("One step per line."))
    safety_cues = models.TextField(_("safety cues"), blank=True, help_text=_("One cue per line."))
    media = models.FileField(
        _("image or video"),
        upload_to="exercises/",
        blank=True,
        validators=[FileExtensionValidator([*IMAGE_EXTENSIONS, *VIDEO_EXTENSIONS]), validate_media_size],
        help_text=_("Optional: an image (JPEG, PNG, WebP, GIF) or a video (MP4, WebM) of at most 50 MB."),
    )
    media_description = models.CharField(
        _("description of the image or video"),
        max_length=300,
        blank=True,
        help_text=_("What the image or video shows, for people who cannot see it."),
    )
    body_region = models.CharField(_("body region"), max_length=12, choices=BodyRegion.choices)
    involves_flexion = models.BooleanField(_("bends the spine forward"), default=False)
    involves_extension = models.BooleanField(_("bends the spine backward"), default=False)
    involves_rotation = models.BooleanField(_("twists the spine"), default=False)
    involves_axial_loading = models.BooleanField(_("puts weight through the spine"), default=False)
    lifting_kg = models.DecimalField(
        _("load lifted (kg)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty when nothing is lifted."),
    )
    suitable_for_unstable_spine = models.BooleanField(_("suitable for an unstable spine"), default=False)
    default_sets = models.PositiveSmallIntegerField(
        _("default sets"), default=1, validators=[MinValueValidator(1), MaxValueValidator(SETS_MAX)]
    )
    default_reps = models.PositiveSmallIntegerField(
        _("default repetitions"), default=10, validators=[MinValueValidator(1), MaxValueValidator(REPS_MAX)]
    )
    default_hold_seconds = models.PositiveSmallIntegerField(
        _("default hold (seconds)"), default=0, validators=[MaxValueValidator(HOLD_MAX)]
    )
    is_active = models.BooleanField(
        _("in the library"), default=True, help_text=_("Untick to stop new plans using it; old plans keep it.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("exercise")
        constraints = [
            models.CheckConstraint(condition=Q(body_region__in=BodyRegion.values), name="exercise_region_valid"),
            models.CheckConstraint(
                condition=Q(lifting_kg__isnull=True) | Q(lifting_kg__gte=0), name="exercise_lifting_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(default_sets__gte=1, default_sets__lte=SETS_MAX), name="exercise_sets_range"
            ),
            models.CheckConstraint(
                condition=Q(default_reps__gte=1, default_reps__lte=REPS_MAX), name="exercise_reps_range"
            ),
            models.CheckConstraint(condition=Q(default_hold_seconds__lte=HOLD_MAX), name="exercise_hold_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def steps(self) -> list[str]:
        return [line.strip() for line in self.instructions.splitlines() if line.strip()]

    @property
    def cues(self) -> list[str]:
        return [line.strip() for line in self.safety_cues.splitlines() if line.strip()]

    @property
    def media_kind(self) -> str:
        """'image', 'video' or '' (no file)."""
        if not self.media:
            return ""
        suffix = PurePosixPath(self.media.name).suffix.lower().lstrip(".")
        return "video" if suffix in VIDEO_EXTENSIONS else "image"

    @property
    def default_dose(self) -> dict:
        return {"sets": self.default_sets, "reps": self.default_reps, "hold_seconds": self.default_hold_seconds}

    @property
    def movements(self) -> rules.Movements:
        return rules.Movements.of(self)

    def movement_labels(self) -> list[str]:
        labels = []
        if self.involves_flexion:
            labels.append(_("flexion"))
        if self.involves_extension:
            labels.append(_("extension"))
        if self.involves_rotation:
            labels.append(_("rotation"))
        if self.involves_axial_loading:
            labels.append(_("axial loading"))
        if self.lifting_kg is not None:
            labels.append(_("lifting %(kg)s kg") % {"kg": f"{self.lifting_kg.normalize():f}"})
        return [str(label) for label in labels]


def _dose_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(condition=Q(sets__gte=1, sets__lte=SETS_MAX), name=f"{prefix}_sets_range"),
        models.CheckConstraint(condition=Q(reps__gte=1, reps__lte=REPS_MAX), name=f"{prefix}_reps_range"),
        models.CheckConstraint(condition=Q(hold_seconds__lte=HOLD_MAX), name=f"{prefix}_hold_range"),
        models.CheckConstraint(
            condition=Q(days_mask__gte=1, days_mask__lte=rules.EVERY_DAY), name=f"{prefix}_days_valid"
        ),
    ]


class Dose(models.Model):
    """Sets, repetitions, hold and the days of the week: shared by plan and template items."""

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+", verbose_name=_("exercise"))
    position = models.PositiveSmallIntegerField(default=0)
    sets = models.PositiveSmallIntegerField(_("sets"), validators=[MinValueValidator(1), MaxValueValidator(SETS_MAX)])
    reps = models.PositiveSmallIntegerField(
        _("repetitions"), validators=[MinValueValidator(1), MaxValueValidator(REPS_MAX)]
    )
    hold_seconds = models.PositiveSmallIntegerField(
        _("hold (seconds)"), default=0, validators=[MaxValueValidator(HOLD_MAX)]
    )
    days_mask = models.PositiveSmallIntegerField(
        _("days of the week"),
        default=rules.EVERY_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(rules.EVERY_DAY)],
        help_text=_("Monday = 1, Tuesday = 2, Wednesday = 4 ... Sunday = 64; add them up (every day = 127)."),
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    @property
    def days(self) -> list[str]:
        return rules.mask_to_days(self.days_mask)

    def day_labels(self) -> list[str]:
        labels = dict(rules.Weekday.choices)
        return [str(labels[day]) for day in self.days]

    @property
    def every_day(self) -> bool:
        return self.days_mask == rules.EVERY_DAY


class PlanTemplate(models.Model):
    """A reusable starting point for a plan (e.g. "Lying-down programme"), copied then adjusted."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered in the plan builder"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("plan template")

    def __str__(self) -> str:
        return self.name


class PlanTemplateItem(Dose):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="items")

    class Meta(Dose.Meta):
        verbose_name = _("template exercise")
        constraints = _dose_constraints("template_item")

    def __str__(self) -> str:
        return f"{self.template_id}: {self.exercise_id}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


DEFAULT_REMINDER_TIME = time(10, 0)


class ExercisePlan(models.Model):
    """A patient's exercise plan. Its content lives in versions; at most one active plan per patient."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="exercise_plans")
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    current_version = models.ForeignKey(
        "PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_time = models.TimeField(
        _("exercise reminder time"),
        null=True,
        blank=True,
        default=DEFAULT_REMINDER_TIME,
        help_text=_("On exercise days, remind me at this time. Leave empty for no reminders."),
    )
    # The reminder job's durable "sent today" marker, claimed with a conditional update.
    reminded_on = models.DateField(null=True, blank=True)
    reminder_claim = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The latest clearance (docs/clinical.md "Exercise safety"): a neuro_deficit alert resolved with an outcome
    # other than no_action_needed after max(created_at, resumed_at) holds the plan until a therapist or physician
    # resumes it. Every clearance is also a PlanResume row (the history adherence needs).
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resume_note = models.TextField(_("what was checked"), blank=True, validators=[MaxLengthValidator(1000)])
    # The patient has been told the plan is paused and not yet told it resumed (the notices job's marker).
    pause_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("exercise plan")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(status="active"), name="one_active_exercise_plan_per_patient"
            ),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="exercise_plan_status_valid"),
            models.CheckConstraint(
                condition=Q(status="active") | Q(ended_at__isnull=False), name="ended_exercise_plan_has_end_time"
            ),
            models.CheckConstraint(
                condition=Q(resumed_by__isnull=True) | Q(resumed_at__isnull=False), name="resumed_plan_has_time"
            ),
        ]
        indexes = [
            models.Index(
                fields=["reminder_time"],
                condition=Q(status="active", reminder_time__isnull=False),
                name="exercise_plan_reminders",
            ),
        ]

    def __str__(self) -> str:
        return f"Exercise plan #{self.pk} (patient #{self.patient_id})"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE

    @property
    def cleared_at(self):
        """Resolutions after this moment hold the plan: its latest clearance, or its creation."""
        return self.resumed_at or self.created_at


class PlanResume(models.Model):
    """A clearance of a held plan: who resumed it, when, and what they checked (also set before this
    existed, by a data migration, for plans that a resolution un-paused at once)."""

    plan = models.ForeignKey(ExercisePlan, on_delete=models.CASCADE, related_name="resumes")
    at = models.DateTimeField(_("resumed at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what was checked"), blank=True, validators=[MaxLengthValidator(1000)])

    class Meta:
        ordering = ["plan", "at", "id"]
        verbose_name = _("plan resumed")
        indexes = [models.Index(fields=["plan", "at"], name="plan_resume_plan_at")]

    def __str__(self) -> str:
        return f"Plan #{self.plan_id} resumed at {self.at:%Y-%m-%d %H:%M}"


class PlanVersion(models.Model):
    """What was prescribed, frozen. It governs from `effective_from` until a later version takes over."""

    plan = models.ForeignKey(ExercisePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    effective_from = models.DateField(_("in effect from"))
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("template")
    )
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Sent by the plan builder (and optionally by API clients): a plan saved again is the same version.
    client_id = models.UUIDField(_("client id"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version_number"),
            models.UniqueConstraint(
                fields=["plan", "client_id"], condition=Q(client_id__isnull=False), name="plan_version_unique_client_id"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_version_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(effective_from__gte=models.F("starts_on")), name="plan_version_effective_after_start"
            ),
        ]
        indexes = [models.Index(fields=["plan", "effective_from", "number"], name="plan_version_in_effect")]

    def __str__(self) -> str:
        return f"Plan #{self.plan_id} version {self.number}"

    def span(self, items=None) -> rules.VersionSpan:
        items = self.items.all() if items is None else items
        return rules.VersionSpan(
            id=self.pk,
            number=self.number,
            effective_from=self.effective_from,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            items=tuple(rules.ItemSpan(item.pk, item.days_mask) for item in items),
        )


class PlanItem(Dose):
    """One exercise as prescribed in one plan version. Conflicts found when it was saved are kept,
    and an item with conflicts must carry the therapist's override reason (a database rule)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    conflict_codes = models.CharField(
        _("conflicts overridden"), max_length=200, blank=True, help_text=_("Comma-separated conflict codes.")
    )
    override_reason = models.TextField(_("override reason"), blank=True, validators=[MaxLengthValidator(1000)])

    class Meta(Dose.Meta):
        verbose_name = _("plan exercise")
        constraints = [
            *_dose_constraints("plan_item"),
            models.CheckConstraint(
                condition=Q(conflict_codes="") | ~Q(override_reason=""), name="plan_item_conflict_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan item #{self.pk} (version #{self.version_id})"

    @property
    def overridden_codes(self) -> list[str]:
        return [code for code in self.conflict_codes.split(",") if code]


class ExerciseLog(Submission):
    """A patient's record of one exercise session (docs/clinical.md "Exercise log")."""

    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="logs")
    performed_on = models.DateField(_("day"), help_text=_("The local date of recorded_at."))
    completed = models.BooleanField(_("completed"))
    pain_before = models.PositiveSmallIntegerField(_("pain before"), validators=[MaxValueValidator(10)])
    pain_during = models.PositiveSmallIntegerField(_("pain during"), validators=[MaxValueValidator(10)])
    difficulty = models.CharField(_("how hard it was"), max_length=10, choices=Difficulty.choices)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(2000)])

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("exercise log")
        indexes = [
            models.Index(fields=["patient", "performed_on"], name="exerciselog_patient_day"),
            pending_evaluation_index("exerciselog_pending_evaluation"),
        ]
        constraints = [
            unique_client_id("exerciselog_unique_client_id"),
            models.CheckConstraint(
                condition=Q(pain_before__gte=0, pain_before__lte=10), name="exerciselog_pain_before"
            ),
            models.CheckConstraint(
                condition=Q(pain_during__gte=0, pain_during__lte=10), name="exerciselog_pain_during"
            ),
            models.CheckConstraint(condition=Q(difficulty__in=Difficulty.values), name="exerciselog_difficulty_valid"),
        ]

    def __str__(self) -> str:
        return f"Exercise log #{self.pk} (patient #{self.patient_id})"
