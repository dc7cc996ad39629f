"""Psychological support: distress and mood screens, referrals, and scheduled support programmes.

- :class:`Screen` is a patient's answer to one instrument (docs/clinical.md "What patients report"); it is a
  :class:`~tracker.core.models.Submission`, so the red-flag engine evaluates it exactly once.
- :class:`ScreenSchedule` overrides how often an instrument is due for one patient.
- :class:`Referral` closes the loop after a positive screen: made, then first contact recorded.
- :class:`ContentModule` / :class:`Programme` / :class:`ProgrammeModule` are the support library
  (edited in the Django admin); :class:`ProgrammeAssignment` puts a patient on a programme and
  :class:`ContentDelivery` is one module delivered to one patient on its day.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.alerts.models import ContactResult  # one vocabulary with the alerts' contact log
from tracker.alerts.rules import Finding, Thresholds
from tracker.core.models import Submission, pending_evaluation_index, unique_client_id
from tracker.core.vocab import DistressProblem, Instrument, Outcome
from tracker.psych.rules import evaluate_screen
from tracker.psych.scoring import PHQ9_SELF_HARM_ITEM, screen_band

# ------------------------------------------------------------------------------------------------
# Screens
# ------------------------------------------------------------------------------------------------

ITEM_COUNT = {Instrument.PHQ9: 9, Instrument.GAD7: 7}
MAX_TOTAL = {Instrument.DISTRESS_THERMOMETER: 10, Instrument.PHQ9: 27, Instrument.GAD7: 21}


class Band(models.TextChoices):
    """Severity bands of docs/clinical.md ("What patients report") (the codes `scoring.screen_band` returns)."""

    LOW = "low", _("Below the cut-off")
    SIGNIFICANT = "significant", _("Significant distress")
    MINIMAL = "minimal", _("Minimal")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    MODERATELY_SEVERE = "moderately_severe", _("Moderately severe")
    SEVERE = "severe", _("Severe")


class Screen(Submission):
    """One completed distress thermometer, PHQ-9 or GAD-7.

    The distress thermometer stores ``score`` (0-10) and ``problems`` (categories of the problem
    list); PHQ-9 and GAD-7 store ``answers`` (exactly 9 or 7 items, each 0-3). ``total`` is stored
    for queues and charts and is checked against the instrument's range by the database. ``positive``
    records whether the screen met the ``distress`` rule's cut-off in force when it was submitted.
    """

    instrument = models.CharField(_("questionnaire"), max_length=24, choices=Instrument.choices)
    score = models.PositiveSmallIntegerField(_("distress score"), null=True, blank=True)
    problems = models.JSONField(_("problem areas"), default=list, blank=True)
    answers = models.JSONField(_("answers"), default=list, blank=True)
    total = models.PositiveSmallIntegerField(_("total"))
    positive = models.BooleanField(_("positive screen"), default=False)
    self_harm = models.BooleanField(_("thoughts of death or self-harm"), default=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "instrument", "-recorded_at"], name="psych_screen_patient_instr"),
            models.Index(
                fields=["-recorded_at"], condition=Q(positive=True) | Q(self_harm=True), name="psych_screen_flagged"
            ),
            pending_evaluation_index("psych_screen_pending_eval"),
        ]
        constraints = [
            unique_client_id("psych_screen_unique_client_id"),
            models.CheckConstraint(condition=Q(instrument__in=Instrument.values), name="psych_screen_instrument_valid"),
            models.CheckConstraint(
                condition=(
                    Q(
                        instrument=Instrument.DISTRESS_THERMOMETER,
                        score__isnull=False,
                        score__lte=10,
                        total=models.F("score"),
                    )
                    | Q(instrument=Instrument.PHQ9, score__isnull=True, total__lte=27)
                    | Q(instrument=Instrument.GAD7, score__isnull=True, total__lte=21)
                ),
                name="psych_screen_total_in_range",
            ),
            models.CheckConstraint(
                condition=Q(self_harm=False) | Q(instrument=Instrument.PHQ9), name="psych_screen_self_harm_is_phq9"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} #{self.pk} (patient #{self.patient_id})"

    @property
    def band(self) -> str:
        """The published severity band of ``total`` (docs/clinical.md "Questionnaires"), e.g. ``moderately_severe``."""
        return screen_band(self.instrument, self.total)

    def get_band_display(self) -> str:
        return Band(self.band).label

    @property
    def item9(self) -> int | None:
        """PHQ-9 item 9 (thoughts of death or self-harm), None for other instruments."""
        if self.instrument != Instrument.PHQ9 or len(self.answers) != ITEM_COUNT[Instrument.PHQ9]:
            return None
        return self.answers[PHQ9_SELF_HARM_ITEM - 1]

    @property
    def max_total(self) -> int:
        return MAX_TOTAL[Instrument(self.instrument)]

    def get_problem_labels(self) -> list[str]:
        labels = dict(DistressProblem.choices)
        return [str(labels.get(p, p)) for p in self.problems]

    def findings(self, t: Thresholds) -> list[Finding]:
        """The ``distress`` / ``self_harm`` findings for this screen (pure: the same in request and job)."""
        if self.instrument == Instrument.DISTRESS_THERMOMETER:
            return evaluate_screen(self.instrument, score=self.score, t=t)
        return evaluate_screen(self.instrument, answers=list(self.answers), t=t)


class ScreenSchedule(models.Model):
    """How often one instrument is due for one patient; without a row the site default applies.

    ``every_days`` 0 means the questionnaire is not scheduled for this patient.
    """

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="screen_schedules")
    instrument = models.CharField(_("questionnaire"), max_length=24, choices=Instrument.choices)
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"), validators=[MaxValueValidator(365)], help_text=_("0 = not scheduled.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "instrument"], name="psych_one_schedule_per_instrument"),
            models.CheckConstraint(
                condition=Q(instrument__in=Instrument.values), name="psych_schedule_instrument_valid"
            ),
            models.CheckConstraint(condition=Q(every_days__lte=365), name="psych_schedule_every_days_range"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} every {self.every_days} days (patient #{self.patient_id})"


# ------------------------------------------------------------------------------------------------
# Referrals
# ------------------------------------------------------------------------------------------------


class ReferralService(models.TextChoices):
    PSYCHOLOGY = "psychology", _("Psychology")
    SOCIAL_WORK = "social_work", _("Social work")
    SPIRITUAL_CARE = "spiritual_care", _("Spiritual care")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    OTHER = "other", _("Other")


class ContactOutcome(models.TextChoices):
    """What came of the first contact with the patient after a referral (a contact that happened)."""

    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    SUPPORT_STARTED = "support_started", _("Support started at first contact")
    ADVICE_GIVEN = "advice_given", _("Advice and information given")
    DECLINED = "declined", _("Patient declined support for now")
    NO_NEED = "no_need", _("No further support needed")


# A first contact with one of these outcomes closes the loop on the referral's distress alerts, resolved with
# this alert outcome: the patient was reached and a plan agreed. "declined" is missing on purpose: a patient
# who turns support down after thoughts of self-harm needs a clinician's own review and note, so the alert
# stays acknowledged for them to resolve.
CONTACT_RESOLVES_WITH = {
    ContactOutcome.APPOINTMENT_BOOKED: Outcome.REFERRED,
    ContactOutcome.SUPPORT_STARTED: Outcome.REFERRED,
    ContactOutcome.ADVICE_GIVEN: Outcome.ADVISED,
    ContactOutcome.NO_NEED: Outcome.NO_ACTION_NEEDED,
}


class Referral(models.Model):
    """A referral to a support service, and the first contact that closes the loop.

    A referral is *contacted* once ``contacted_at`` and ``contact_outcome`` are recorded (both or
    neither, enforced by the database). A contact at or after a positive screen stops that screen's
    untreated-distress clock (see :func:`tracker.psych.selectors.distress_action_taken_since`).
    """

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="referrals")
    alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    screen = models.ForeignKey(Screen, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    service = models.CharField(_("refer to"), max_length=20, choices=ReferralService.choices)
    service_other = models.CharField(_("other service"), max_length=120, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    contacted_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    contact_outcome = models.CharField(_("outcome"), max_length=24, choices=ContactOutcome.choices, blank=True)
    contact_note = models.TextField(_("contact note"), max_length=2000, blank=True)
    contact_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Sent by the referral page (and optionally by API clients): a repeat is the same referral.
    client_id = models.UUIDField(_("client id"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "contacted_at"], name="psych_referral_contact"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__in=ReferralService.values), name="psych_referral_service_valid"
            ),
            models.CheckConstraint(
                condition=~Q(service=ReferralService.OTHER) | ~Q(service_other=""),
                name="psych_referral_other_named",
            ),
            models.CheckConstraint(
                condition=(Q(contacted_at__isnull=True) & Q(contact_outcome=""))
                | (Q(contacted_at__isnull=False) & Q(contact_outcome__in=ContactOutcome.values)),
                name="psych_referral_contact_complete",
            ),
            unique_client_id("psych_referral_unique_client_id"),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk} to {self.service} (patient #{self.patient_id})"

    @property
    def is_contacted(self) -> bool:
        return self.contacted_at is not None

    @property
    def service_label(self) -> str:
        if self.service == ReferralService.OTHER and self.service_other:
            return self.service_other
        return str(self.get_service_display())


class ReferralContactAttempt(models.Model):
    """A call or visit after a referral that did not reach the patient (no answer, a message left, a wrong
    number). It does not count as the first contact: the untreated-distress clock keeps running."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("when"))
    result = models.CharField(_("result"), max_length=16, choices=ContactResult.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=[r for r in ContactResult.values if r != ContactResult.REACHED]),
                name="psych_attempt_not_reached",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result} for referral #{self.referral_id}"


# ------------------------------------------------------------------------------------------------
# Support programmes
# ------------------------------------------------------------------------------------------------


class ModuleKind(models.TextChoices):
    PSYCHOEDUCATION = "psychoeducation", _("Understanding")
    CBT_SKILL = "cbt_skill", _("Thinking skills (CBT)")
    RELAXATION = "relaxation", _("Relaxation and mindfulness")
    SLEEP = "sleep", _("Sleep")
    PAIN_COPING = "pain_coping", _("Coping with pain")
    UNCERTAINTY = "uncertainty", _("Living with uncertainty")


MEDIA_EXTENSIONS = ("mp3", "m4a", "ogg", "oga", "wav", "mp4", "m4v", "webm")
VIDEO_EXTENSIONS = ("mp4", "m4v", "webm")


class ContentModule(models.Model):
    """One reading or practice session: Markdown text with an optional audio or video file."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ModuleKind.choices)
    body = models.TextField(_("body (Markdown)"))
    media = models.FileField(
        _("audio or video"),
        upload_to="psych/media/",
        blank=True,
        validators=[FileExtensionValidator(MEDIA_EXTENSIONS)],
        help_text=_("Optional. Audio (mp3, m4a, ogg, wav) or video (mp4, webm)."),
    )
    minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive modules are no longer delivered; already delivered copies stay."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ModuleKind.values), name="psych_module_kind_valid"),
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=240), name="psych_module_minutes_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def media_is_video(self) -> bool:
        return bool(self.media) and self.media.name.rsplit(".", 1)[-1].lower() in VIDEO_EXTENSIONS


class Programme(models.Model):
    """A sequence of modules, each delivered a number of days after the programme starts."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("can be assigned"), default=True)
    modules = models.ManyToManyField(ContentModule, through="ProgrammeModule", related_name="programmes")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProgrammeModule(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    module = models.ForeignKey(ContentModule, on_delete=models.PROTECT, related_name="programme_items")
    day_offset = models.PositiveSmallIntegerField(
        _("day"), validators=[MaxValueValidator(730)], help_text=_("Days after the start date (0 = the first day).")
    )

    class Meta:
        ordering = ["programme", "day_offset", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "module"], name="psych_module_once_per_programme"),
            models.CheckConstraint(condition=Q(day_offset__lte=730), name="psych_day_offset_range"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} day {self.day_offset}: {self.module}"


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")
    FINISHED = "finished", _("All modules delivered")


class ProgrammeAssignment(models.Model):
    """A patient on a programme from ``start_date``.

    ``next_due_on`` is the delivery job's cursor: the earliest day on which a module of this
    assignment may still be undelivered (None once everything is delivered). The job reads only
    assignments whose cursor has arrived, through a partial index, so a quiet day costs one query.
    """

    patient = models.ForeignKey(
        "accounts.PatientProfile", on_delete=models.CASCADE, related_name="programme_assignments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField(_("start date"))
    notify_by_email = models.BooleanField(
        _("also e-mail the patient"),
        default=True,
        help_text=_("An e-mail without any health details saying something new is waiting."),
    )
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE)
    next_due_on = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Sent by the assigning page (and optionally by API clients): an assignment sent again is the same one.
    client_id = models.UUIDField(_("client id"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(
                fields=["next_due_on"], condition=Q(status="active", next_due_on__isnull=False), name="psych_assign_due"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "programme"], condition=Q(status="active"), name="psych_one_active_assignment"
            ),
            unique_client_id("psych_assignment_unique_client_id"),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values), name="psych_assignment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} for patient #{self.patient_id} from {self.start_date}"

    def day_of(self, offset: int) -> date:
        return self.start_date + timedelta(days=offset)


class ContentDelivery(models.Model):
    """One module delivered to one patient, once (unique per assignment and module)."""

    assignment = models.ForeignKey(ProgrammeAssignment, on_delete=models.CASCADE, related_name="deliveries")
    module = models.ForeignKey(ContentModule, on_delete=models.PROTECT, related_name="deliveries")
    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("due on"))
    delivered_at = models.DateTimeField(_("delivered at"))
    notified_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    helpful = models.BooleanField(_("helpful"), null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name_plural = _("content deliveries")
        indexes = [
            models.Index(fields=["patient", "-due_on"], name="psych_delivery_patient"),
            # The notifier reads these in (delivered_at, id) order, a batch at a time: with the id in the
            # index it reads one batch's entries, not every delivery of the run (they share delivered_at).
            models.Index(
                fields=["delivered_at", "id"], condition=Q(notified_at__isnull=True), name="psych_delivery_unnotified"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "module"], name="psych_deliver_module_once"),
            models.CheckConstraint(
                condition=Q(helpful__isnull=True) | Q(completed_at__isnull=False), name="psych_rated_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} for patient #{self.patient_id} on {self.due_on}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None
