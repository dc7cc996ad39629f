"""The CSV export of one patient's data, as a stream of rows in long form.

One row per recorded value: ``record, record_id, time, field, value``. Long form keeps every kind of
record (check-ins, screens, alerts and their history, referrals, exercise logs) in one file that any
spreadsheet can pivot, and new fields never break its columns. The patient is named by opaque id only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db.models import F

from tracker.accounts.models import PatientProfile
from tracker.alerts.models import Alert, AlertEvent
from tracker.psych.models import Referral, Screen
from tracker.rehab.models import ExerciseLog
from tracker.symptoms.models import SIDE_EFFECT_FIELDS, CheckIn

HEADER = ["record", "record_id", "time", "field", "value"]
CHUNK = 500

CHECKIN_FIELDS = (
    "pain_now",
    "pain_worst_24h",
    "pain_sites",
    "night_pain",
    "worse_with_straining",
    "breakthrough_doses",
    "weakness_left_arm",
    "weakness_right_arm",
    "weakness_left_leg",
    "weakness_right_leg",
    "numbness",
    "walking",
    "falls",
    "bladder",
    "bowel",
    *SIDE_EFFECT_FIELDS,
    "neuro_answered",  # a section left out: pain scores empty, or these false (issue #17)
    "side_effects_answered",
    "note",
    "submitted_at",
)
ALERT_FIELDS = (
    "rule",
    "severity",
    "status",
    "summary",
    "reported_at",
    "escalation_level",
    "acknowledged_at",
    "acknowledged_by_id",
    "resolved_at",
    "resolved_by_id",
    "outcome",
    "resolution_note",
)
SCREEN_FIELDS = ("instrument", "score", "answers", "problems", "total", "positive", "self_harm")
REFERRAL_FIELDS = (
    "service",
    "service_other",
    "reason",
    "alert_id",
    "screen_id",
    "created_by_id",
    "contacted_at",
    "contact_outcome",
    "contact_note",
)
EXERCISE_LOG_FIELDS = (
    "plan_item_id",
    "exercise",
    "performed_on",
    "completed",
    "pain_before",
    "pain_during",
    "difficulty",
    "note",
)
EVENT_FIELDS = ("alert_id", "kind", "actor_id")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One value as CSV text: lists joined with ';', datetimes ISO 8601, text defused against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _rows(record: str, objects: Iterable, fields: tuple[str, ...], time_field: str) -> Iterator[list[str]]:
    for obj in objects:
        at = cell(getattr(obj, time_field))
        for name in fields:
            yield [record, str(obj.pk), at, name, cell(getattr(obj, name))]


def patient_export_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """Every row of the export, oldest first within each kind, read in chunks (memory stays flat)."""
    yield HEADER
    checkins = CheckIn.objects.filter(patient=patient).order_by("recorded_at", "id")
    yield from _rows("checkin", checkins.iterator(chunk_size=CHUNK), CHECKIN_FIELDS, "recorded_at")
    screens = Screen.objects.filter(patient=patient).order_by("recorded_at", "id")
    yield from _rows("screen", screens.iterator(chunk_size=CHUNK), SCREEN_FIELDS, "recorded_at")
    logs = (
        ExerciseLog.objects.filter(patient=patient)
        .annotate(exercise=F("plan_item__exercise__name"))
        .order_by("recorded_at", "id")
    )
    yield from _rows("exercise_log", logs.iterator(chunk_size=CHUNK), EXERCISE_LOG_FIELDS, "recorded_at")
    alerts = Alert.objects.filter(patient=patient).order_by("created_at", "id")
    yield from _rows("alert", alerts.iterator(chunk_size=CHUNK), ALERT_FIELDS, "created_at")
    events = AlertEvent.objects.filter(alert__patient=patient).order_by("at", "id")
    yield from _rows("alert_event", events.iterator(chunk_size=CHUNK), EVENT_FIELDS, "at")
    referrals = Referral.objects.filter(patient=patient).order_by("created_at", "id")
    yield from _rows("referral", referrals.iterator(chunk_size=CHUNK), REFERRAL_FIELDS, "created_at")
