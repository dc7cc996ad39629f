"""Clinical vocabularies shared by models, forms, serializers and rules.

The values are the wire format of the public API (docs/api.md) and the
codes of docs/clinical.md; the labels are what people read, in plain words.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    NURSE = "nurse", _("Nurse")
    THERAPIST = "therapist", _("Therapist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PHYSICIAN = "physician", _("Physician")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = (Role.NURSE, Role.THERAPIST, Role.PSYCHOLOGIST, Role.PHYSICIAN, Role.ADMIN)
CLINICIAN_ROLES = (Role.NURSE, Role.THERAPIST, Role.PSYCHOLOGIST, Role.PHYSICIAN)


class PainSite(models.TextChoices):
    NECK = "neck", _("Neck")
    UPPER_BACK = "upper_back", _("Upper back")
    MID_BACK = "mid_back", _("Middle of the back")
    LOWER_BACK = "lower_back", _("Lower back")
    CHEST_WALL = "chest_wall", _("Chest or ribs")
    LEFT_ARM = "left_arm", _("Left arm")
    RIGHT_ARM = "right_arm", _("Right arm")
    LEFT_LEG = "left_leg", _("Left leg")
    RIGHT_LEG = "right_leg", _("Right leg")
    HIPS_PELVIS = "hips_pelvis", _("Hips or pelvis")
    OTHER = "other", _("Somewhere else")


class Limb(models.TextChoices):
    LEFT_ARM = "left_arm", _("Left arm")
    RIGHT_ARM = "right_arm", _("Right arm")
    LEFT_LEG = "left_leg", _("Left leg")
    RIGHT_LEG = "right_leg", _("Right leg")


class WeaknessLevel(models.TextChoices):
    NONE = "none", _("Normal strength")
    MILD = "mild", _("A bit weaker than usual")
    MODERATE = "moderate", _("Hard to lift, grip or stand on")
    SEVERE = "severe", _("Cannot move it or take weight on it")


WEAKNESS_ORDER = {level: rank for rank, level in enumerate(WeaknessLevel.values)}


class NumbnessSite(models.TextChoices):
    LEFT_ARM = "left_arm", _("Left arm")
    RIGHT_ARM = "right_arm", _("Right arm")
    LEFT_LEG = "left_leg", _("Left leg")
    RIGHT_LEG = "right_leg", _("Right leg")
    TRUNK = "trunk", _("Chest or tummy")
    SADDLE = "saddle", _("Bottom, genitals or inner thighs")


class Walking(models.TextChoices):
    NORMAL = "normal", _("Walking as usual")
    UNSTEADY = "unsteady", _("Unsteady on my feet")
    NEEDS_AID = "needs_aid", _("I need a stick, frame or someone's arm")
    UNABLE = "unable", _("I cannot walk")


WALKING_ORDER = {level: rank for rank, level in enumerate(Walking.values)}


class Bladder(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENCY = "urgency", _("I have to rush to pass urine")
    RETENTION = "retention", _("I cannot pass urine, or it is hard to start")
    INCONTINENCE = "incontinence", _("I leak urine without meaning to")


class Bowel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONSTIPATION = "constipation", _("Constipated")
    INCONTINENCE = "incontinence", _("I cannot control my bowels")


class SideEffect(models.TextChoices):
    FATIGUE = "fatigue", _("Tiredness")
    NAUSEA = "nausea", _("Feeling sick")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    SKIN_REACTION = "skin_reaction", _("Sore or red skin where you had radiotherapy")
    RASH = "rash", _("Rash")


# The 0-10 numeric rating scale of every pain question (check-ins and exercise logs).
PAIN_MIN = 0
PAIN_MAX = 10


class SideEffectSeverity(models.IntegerChoices):
    NONE = 0, _("None")
    MILD = 1, _("Mild")
    MODERATE = 2, _("Moderate")
    SEVERE = 3, _("Severe")
    VERY_SEVERE = 4, _("Very severe")


class CheckinSchedule(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Once a week")


class SpinalStability(models.TextChoices):
    STABLE = "stable", _("Stable (SINS 0-6)")
    POTENTIALLY_UNSTABLE = "potentially_unstable", _("Potentially unstable (SINS 7-12)")
    UNSTABLE = "unstable", _("Unstable (SINS 13-18)")
    UNKNOWN = "unknown", _("Not yet assessed")


RESTRICTION_FLAGS = (
    "no_spinal_flexion",
    "no_spinal_extension",
    "no_spinal_rotation",
    "no_axial_loading",
)


class Severity(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


# Lower rank = more severe; used for ordering queues and for "raise severity".
SEVERITY_RANK = {Severity.EMERGENCY: 0, Severity.URGENT: 1, Severity.ROUTINE: 2}


class RuleCode(models.TextChoices):
    NEURO_DEFICIT = "neuro_deficit", _("New or worse weakness, numbness, walking, bladder or bowel problem")
    PAIN_ESCALATION = "pain_escalation", _("Rising pain")
    SIDE_EFFECT = "side_effect", _("Severe treatment side effect")
    DISTRESS = "distress", _("Distress or mood screen above threshold")
    SELF_HARM = "self_harm", _("Thoughts of death or self-harm")
    UNTREATED_DISTRESS = "untreated_distress", _("Distress not yet acted on")
    MISSED_CHECKINS = "missed_checkins", _("Check-ins missed")
    EXERCISE_PAIN = "exercise_pain", _("Pain during exercise")


class AdviceLevel(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NONE = "none", _("None")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Outcome(models.TextChoices):
    ADVISED = "advised", _("Patient advised")
    MEDICATION_CHANGED = "medication_changed", _("Medication changed")
    URGENT_MRI = "urgent_mri", _("Urgent MRI arranged")
    REFERRED = "referred", _("Referred")
    ADMITTED = "admitted", _("Admitted")
    NO_ACTION_NEEDED = "no_action_needed", _("No action needed")


class Instrument(models.TextChoices):
    DISTRESS_THERMOMETER = "distress_thermometer", _("Distress thermometer")
    PHQ9 = "phq9", _("PHQ-9 (mood)")
    GAD7 = "gad7", _("GAD-7 (worry and anxiety)")


# Instrument names as clinicians write them, for the summaries of alerts.
INSTRUMENT_NAMES = {
    Instrument.DISTRESS_THERMOMETER: "distress thermometer",
    Instrument.PHQ9: "PHQ-9",
    Instrument.GAD7: "GAD-7",
}


class DistressProblem(models.TextChoices):
    PRACTICAL = "practical", _("Practical")
    FAMILY = "family", _("Family")
    EMOTIONAL = "emotional", _("Emotional")
    SPIRITUAL = "spiritual", _("Spiritual or religious")
    PHYSICAL = "physical", _("Physical")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    OK = "ok", _("OK")
    HARD = "hard", _("Hard")
    COULD_NOT = "could_not", _("I could not do it")
